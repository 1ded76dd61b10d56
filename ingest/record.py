"""Build the stored record of an accepted event: the row of `clickstream.events`, as the JSON
object that travels through Kafka (or the spool) to the loader. Column names are the table's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson

from ingest.clock import event_time
from ingest.enrich import Traffic, classify_traffic, parse_user_agent, truncate_ip
from ingest.enrich.traffic import UTM_FIELDS
from schemas.event import Event


@dataclass(frozen=True, slots=True)
class RequestContext:
    site_id: str
    received_at: datetime
    user_agent: str = ""
    ip: str = ""
    source: str = "batch"  # batch, track, page, identify, pixel, import
    historical: bool = False
    keep_ip_prefix: bool = True  # False drops even the truncated address


def _time_text(value: datetime) -> str:
    """UTC time as ClickHouse reads DateTime64(3): "2026-03-01 10:00:00.123"."""
    return value.astimezone(UTC).isoformat(sep=" ", timespec="milliseconds")[:23]


@lru_cache(maxsize=65_536)
def _traffic(url: str, referrer: str, utm: tuple[str, str, str, str, str]) -> Traffic:
    """Page URLs and referrers repeat across visitors: classify each combination once."""
    return classify_traffic(url, referrer, utm=dict(zip(UTM_FIELDS, utm, strict=True)))


def _money(value: Decimal | None) -> str:
    return str(value if value is not None else Decimal(0))


def _quantity(event: Event) -> int:
    if event.quantity is not None:
        return event.quantity
    return 1 if event.product_id else 0  # one unit of a named product unless told otherwise


def _property_text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def build_record(event: Event, context: RequestContext) -> dict[str, Any]:
    times = event_time(event.ts, event.sent_at, context.received_at, context.historical)
    device = parse_user_agent(event.user_agent or context.user_agent)
    traffic = _traffic(
        event.url,
        event.referrer,
        (event.utm_source, event.utm_medium, event.utm_campaign, event.utm_term, event.utm_content),
    )
    client_ip = str(event.ip) if event.ip is not None else context.ip
    order_id = event.order_id
    if event.type == "order" and not order_id:
        order_id = str(event.event_id)  # an order without an id counts once, by its event
    return {
        "event_id": str(event.event_id),
        "site_id": context.site_id,
        "type": event.type,
        "event_name": event.event_name or event.type,
        "anonymous_id": event.anonymous_id or "",
        "user_id": event.user_id or "",
        "session_id": event.session_id or "",
        "ts": _time_text(times.ts),
        "client_ts": _time_text(times.client_ts),
        "sent_at": _time_text(event.sent_at) if event.sent_at else None,
        "received_at": _time_text(context.received_at),
        "clock_skew_ms": times.clock_skew_ms,
        "is_late": int(times.is_late),
        "url": event.url,
        "path": event.path,
        "title": event.title,
        "referrer": event.referrer,
        "referrer_domain": traffic.referrer_domain,
        "channel": traffic.channel,
        "utm_source": traffic.utm_source,
        "utm_medium": traffic.utm_medium,
        "utm_campaign": traffic.utm_campaign,
        "utm_term": traffic.utm_term,
        "utm_content": traffic.utm_content,
        "click_id": traffic.click_id,
        "screen_width": event.screen_width,
        "screen_height": event.screen_height,
        "language": event.language,
        "browser": device.browser,
        "browser_version": device.browser_version,
        "os": device.os,
        "os_version": device.os_version,
        "device_class": device.device_class,
        "is_bot": int(device.is_bot),
        "ip_prefix": truncate_ip(client_ip) if context.keep_ip_prefix else "",
        "product_id": event.product_id,
        "category": event.category,
        "price": _money(event.price),
        "quantity": event.quantity
        if event.quantity is not None
        else (1 if event.product_id else 0),
        "currency": event.currency or "",
        "order_id": order_id,
        "revenue": _money(event.order_revenue())
        if event.type == "order"
        else _money(event.revenue),
        "items.product_id": [item.product_id for item in event.items],
        "items.category": [item.category for item in event.items],
        "items.price": [str(item.price) for item in event.items],
        "items.quantity": [item.quantity for item in event.items],
        "properties": {key: _property_text(value) for key, value in event.properties.items()},
        "source": context.source,
    }


def partition_key(record: dict[str, Any]) -> bytes:
    """One visitor's events share a key, so they stay in one partition, in order."""
    visitor = record["anonymous_id"] or "u:" + record["user_id"]
    return f"{record['site_id']}/{visitor}".encode()
