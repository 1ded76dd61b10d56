"""A seeded generator of shopper journeys with the awkward cases analytics must survive:
several devices per person (desktop, mobile, tablet) linked by login, sessions landing from
every channel (direct, search, social, email, paid with UTM campaigns, referral), bounces,
product and category pages, searches, favorites and un-favorites, carts and removals, checkouts
abandoned or completed, registration early or only at checkout, logins on later visits, repeat
orders weeks apart with their items, an order sent twice (client and server, two event ids, one
order_id), shares/reviews/referrals as custom events, events resent with the same event_id, late
events, events around midnight and period boundaries, and delivery out of order.

The output is collector records (what reaches ClickHouse); the ground truth is computed from
them independently (tests/oracle.py)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from clickstream.generate.shop import Landing
from ingest.record import RequestContext, build_record
from schemas.event import Event

START = datetime(2026, 3, 1, tzinfo=UTC)
SHOP = "https://shop.example"

CATEGORIES = ("shoes", "bags", "tea", "books", "toys", "phones")
# (product id, category, unit price): 40 products, 6 categories.
CATALOG = tuple(
    (f"p{n}", CATEGORIES[n % len(CATEGORIES)], Decimal(990 + (n * 731) % 29000) / 100)
    for n in range(1, 41)
)

USER_AGENTS = {
    "desktop": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "mobile": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "tablet": "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
}


# channel -> possible landings; weights in LANDING_WEIGHTS
LANDINGS: dict[str, tuple[Landing, ...]] = {
    "direct": (Landing("", ""),),
    "search": (Landing("", "https://www.google.com/"), Landing("", "https://www.baidu.com/s")),
    "social": (
        Landing("", "https://weibo.com/u/123"),
        Landing("?fbclid=abc", "https://m.facebook.com/"),
    ),
    "email": (
        Landing("?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale", ""),
        Landing("?utm_source=crm&utm_medium=email&utm_campaign=win_back", ""),
    ),
    "paid": (
        Landing("?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=g1", ""),
        Landing("?utm_source=douyin&utm_medium=paid_social&utm_campaign=spring_sale", ""),
    ),
    "referral": (Landing("", "https://blog.example.org/best-tea"),),
}
LANDING_WEIGHTS = {"direct": 30, "search": 25, "social": 12, "email": 10, "paid": 15, "referral": 8}


class ShopperGenerator:
    def __init__(self, seed: int, site: str = "shop") -> None:
        self.random = random.Random(seed)
        self.site = site
        self.records: list[dict[str, Any]] = []

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def _add(self, when: datetime, user_agent: str, **fields: Any) -> dict[str, Any]:
        fields = {"event_id": self._uuid(), "ts": when.isoformat()} | fields
        event = Event.model_validate(fields)
        context = RequestContext(
            site_id=self.site, received_at=when + timedelta(seconds=1), user_agent=user_agent
        )
        record = build_record(event, context)
        self.records.append(record)
        return record

    def _landing(self) -> Landing:
        rng = self.random
        channel = rng.choices(list(LANDING_WEIGHTS), weights=list(LANDING_WEIGHTS.values()))[0]
        return rng.choice(LANDINGS[channel])

    def person(self, number: int) -> None:
        rng = self.random
        user_id = f"user-{number}"
        devices = [
            (f"anon-{number}-{d}", rng.choice(("desktop", "desktop", "mobile", "mobile", "tablet")))
            for d in range(rng.choice((1, 1, 1, 2, 3)))
        ]
        registered = False
        registers_at_checkout = rng.random() < 0.4
        clock = START + timedelta(days=rng.uniform(0, 55), seconds=rng.randint(0, 86399))
        if rng.random() < 0.1:  # around midnight: the day boundary cases
            clock = clock.replace(hour=23, minute=59, second=rng.randint(30, 59))
        for session in range(rng.choice((1, 1, 2, 3, 5))):
            device, device_class = rng.choice(devices)
            agent = USER_AGENTS[device_class]
            session_id = f"s-{number}-{session}"
            ids: dict[str, Any] = {"anonymous_id": device, "session_id": session_id}
            if registered and rng.random() < 0.7:  # comes back and logs in
                ids["user_id"] = user_id
                if rng.random() < 0.6:
                    self._add(clock, agent, type="login", **ids)
                    clock += timedelta(seconds=rng.randint(1, 30))
            landing = self._landing()
            referrer = landing.referrer
            viewed: list[tuple[str, str, Decimal]] = []
            for page in range(rng.choice((1, 1, 2, 3, 6))):
                product = rng.choice(CATALOG) if rng.random() < 0.6 else None
                path = f"/p/{product[0]}" if product else rng.choice(("/", "/c/tea", "/c/shoes"))
                query = landing.query if page == 0 else ""
                self._add(
                    clock,
                    agent,
                    type="page_view",
                    url=f"{SHOP}{path}{query}",
                    path=path,
                    referrer=referrer,
                    **({"product_id": product[0], "category": product[1]} if product else {}),
                    **ids,
                )
                if product:
                    viewed.append(product)
                referrer = f"{SHOP}{path}"
                clock += timedelta(seconds=rng.randint(1, 400))
            if rng.random() < 0.2:
                self._add(clock, agent, type="search", properties={"query": "tea"}, **ids)
                clock += timedelta(seconds=rng.randint(1, 60))
            if not registered and not registers_at_checkout and rng.random() < 0.25:
                registered = self._identify(clock, agent, ids, user_id)
                clock += timedelta(seconds=rng.randint(1, 60))
            if rng.random() < 0.45:
                product = rng.choice(viewed or CATALOG)
                self._add(
                    clock, agent, type="favorite", product_id=product[0], category=product[1], **ids
                )
                clock += timedelta(seconds=rng.randint(0, 120))
                if rng.random() < 0.1:
                    self._add(clock, agent, type="unfavorite", product_id=product[0], **ids)
            cart: list[tuple[str, str, Decimal, int]] = []
            if rng.random() < 0.5:
                for _ in range(rng.choice((1, 1, 2, 3))):
                    product = rng.choice(viewed or CATALOG)
                    quantity = rng.choice((1, 1, 2))
                    self._add(
                        clock,
                        agent,
                        type="add_to_cart",
                        product_id=product[0],
                        category=product[1],
                        price=str(product[2]),
                        quantity=quantity,
                        currency="CNY",
                        **ids,
                    )
                    cart.append((*product, quantity))
                    clock += timedelta(seconds=rng.randint(0, 300))
                if len(cart) > 1 and rng.random() < 0.2:
                    removed = cart.pop()
                    self._add(clock, agent, type="remove_from_cart", product_id=removed[0], **ids)
            if cart and rng.random() < 0.6:
                self._add(clock, agent, type="checkout_start", **ids)
                clock += timedelta(seconds=rng.randint(5, 200))
                if not registered and registers_at_checkout and rng.random() < 0.7:
                    registered = self._identify(clock, agent, ids, user_id)
                    clock += timedelta(seconds=rng.randint(1, 60))
                if rng.random() < 0.55:
                    self._order(clock, agent, ids, cart, f"o-{number}-{session}")
            elif rng.random() < 0.12:  # an order placed elsewhere (app, phone), reported here
                product = rng.choice(CATALOG)
                self._order(clock, agent, ids, [(*product, 1)], f"o-{number}-{session}")
            for custom in ("share", "review", "refer"):
                if rng.random() < 0.08:
                    product = rng.choice(viewed or CATALOG)
                    self._add(clock, agent, type=custom, product_id=product[0], **ids)
            clock += timedelta(days=rng.choice((0.02, 0.5, 3, 9, 20, 40)))

    def _identify(self, when: datetime, agent: str, ids: dict[str, Any], user_id: str) -> bool:
        ids["user_id"] = user_id
        self._add(when, agent, type=self.random.choice(("register", "register", "login")), **ids)
        return True

    def _order(
        self,
        when: datetime,
        agent: str,
        ids: dict[str, Any],
        cart: list[tuple[str, str, Decimal, int]],
        order_id: str,
    ) -> None:
        rng = self.random
        items = [
            {"product_id": p, "category": c, "price": str(price), "quantity": q}
            for p, c, price, q in cart
        ]
        revenue = sum((price * q for _, _, price, q in cart), Decimal(0))
        order = {"order_id": order_id, "revenue": str(revenue), "currency": "CNY", "items": items}
        self._add(when, agent, type="order", **order, **ids)
        if rng.random() < 0.2:  # the server sends the same order again, later
            self._add(
                when + timedelta(seconds=rng.randint(1, 30)),
                agent,
                type="order",
                **order,
                anonymous_id=ids["anonymous_id"],
                **({"user_id": ids["user_id"]} if "user_id" in ids else {}),
            )

    def generate(self, people: int) -> list[dict[str, Any]]:
        for number in range(people):
            self.person(number)
        resent = [dict(r) for r in self.random.sample(self.records, len(self.records) // 20)]
        delivered = self.records + resent  # the same event_id twice: counted once
        self.random.shuffle(delivered)  # out of order
        return delivered


def without_sessions(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every other device sends no session_id, as Segment's libraries do not."""
    devices = sorted({record["anonymous_id"] for record in records})
    bare = set(devices[::2])
    return [
        record | {"session_id": ""} if record["anonymous_id"] in bare else record
        for record in records
    ]
