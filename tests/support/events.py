"""Events as the collector makes them, for tests that start at Kafka."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.record import RequestContext, build_record, partition_key
from schemas.event import Event
from schemas.messages import pack

RECEIVED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TYPES = ("page_view", "page_view", "favorite", "add_to_cart", "register", "order")


def journey_records(
    visitors: int, events_per_visitor: int, site: str = "shop"
) -> list[dict[str, Any]]:
    """Collector records of simple journeys; register and later events carry the user id."""
    context = RequestContext(
        site_id=site, received_at=RECEIVED, user_agent="Mozilla/5.0", ip="203.0.113.9"
    )
    records = []
    for visitor in range(visitors):
        known = False
        for step in range(events_per_visitor):
            kind = TYPES[step % len(TYPES)]
            known = known or kind == "register"
            fields: dict[str, Any] = {
                "event_id": str(uuid.uuid4()),
                "type": kind,
                "anonymous_id": f"a{visitor}",
                "ts": (RECEIVED - timedelta(hours=1) + timedelta(seconds=step)).isoformat(),
                "url": f"https://shop.example/p/{step}",
            }
            if known:
                fields["user_id"] = f"u{visitor}"
            if kind == "order":
                fields |= {"order_id": f"o{visitor}-{step}", "revenue": "10.5"}
            records.append(build_record(Event.model_validate(fields), context))
    return records


def kafka_messages(records: list[dict[str, Any]], topic: str) -> list[tuple[str, bytes, bytes]]:
    return pack(topic, records, partition_key)
