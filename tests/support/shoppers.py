"""A seeded generator of shopper journeys with the awkward cases analytics must survive:
several devices per person linked by login, sessions, bounces, favorites, carts, checkouts,
repeat orders weeks apart, an order sent twice (client and server, two event ids, one
order_id), events resent with the same event_id, late events, events around midnight and
period boundaries, and delivery out of order. The output is collector records (what reaches
ClickHouse); the ground truth is computed from them independently (tests/oracle.py)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from ingest.record import RequestContext, build_record
from schemas.event import Event

START = datetime(2026, 3, 1, tzinfo=UTC)


class ShopperGenerator:
    def __init__(self, seed: int, site: str = "shop") -> None:
        self.random = random.Random(seed)
        self.site = site
        self.records: list[dict[str, Any]] = []

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def _add(self, when: datetime, **fields: Any) -> dict[str, Any]:
        fields = {"event_id": self._uuid(), "ts": when.isoformat()} | fields
        event = Event.model_validate(fields)
        context = RequestContext(
            site_id=self.site,
            received_at=when + timedelta(seconds=1),
            user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
        )
        record = build_record(event, context)
        self.records.append(record)
        return record

    def person(self, number: int) -> None:
        rng = self.random
        user_id = f"user-{number}"
        devices = [f"anon-{number}-{d}" for d in range(rng.choice((1, 1, 1, 2, 3)))]
        registered = False
        clock = START + timedelta(days=rng.uniform(0, 55), seconds=rng.randint(0, 86399))
        if rng.random() < 0.1:  # around midnight: the day boundary cases
            clock = clock.replace(hour=23, minute=59, second=rng.randint(30, 59))
        for session in range(rng.choice((1, 1, 2, 3, 5))):
            device = rng.choice(devices)
            session_id = f"s-{number}-{session}"
            known = registered and rng.random() < 0.7  # logged in on this session
            ids = {"anonymous_id": device, "session_id": session_id}
            if known:
                ids["user_id"] = user_id
            pages = rng.choice((1, 1, 2, 3, 6))
            for _ in range(pages):
                self._add(
                    clock,
                    type="page_view",
                    url=f"https://shop.example/p/{rng.randint(1, 40)}",
                    **ids,
                )
                clock += timedelta(seconds=rng.randint(1, 400))
            if rng.random() < 0.45:
                self._add(clock, type="favorite", product_id=f"p{rng.randint(1, 40)}", **ids)
                clock += timedelta(seconds=rng.randint(0, 120))
            if rng.random() < 0.5:
                self._add(
                    clock,
                    type="add_to_cart",
                    product_id=f"p{rng.randint(1, 40)}",
                    price="19.90",
                    **ids,
                )
                clock += timedelta(seconds=rng.randint(0, 300))
            if not registered and rng.random() < 0.4:
                registered = True
                kind = rng.choice(("register", "register", "login"))
                ids["user_id"] = user_id
                self._add(clock, type=kind, **ids)
                clock += timedelta(seconds=rng.randint(1, 60))
            if rng.random() < 0.35:
                order_id = f"o-{number}-{session}"
                revenue = Decimal(rng.randint(100, 99999)) / 100
                order = self._add(
                    clock,
                    type="order",
                    order_id=order_id,
                    revenue=str(revenue),
                    currency="CNY",
                    **ids,
                )
                if rng.random() < 0.2:  # the server sends the same order again, later
                    self._add(
                        clock + timedelta(seconds=rng.randint(1, 30)),
                        type="order",
                        order_id=order_id,
                        revenue=str(revenue),
                        currency="CNY",
                        anonymous_id=device,
                        **({"user_id": user_id} if known else {}),
                    )
                del order
            if rng.random() < 0.15:  # a custom event
                self._add(clock, type="share", **ids)
            clock += timedelta(days=rng.choice((0.02, 0.5, 3, 9, 20, 40)))

    def generate(self, people: int) -> list[dict[str, Any]]:
        for number in range(people):
            self.person(number)
        resent = [dict(r) for r in self.random.sample(self.records, len(self.records) // 20)]
        delivered = self.records + resent  # the same event_id twice: counted once
        self.random.shuffle(delivered)  # out of order
        return delivered
