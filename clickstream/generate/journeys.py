"""Shopper journeys as native collector events: visitors arrive over several days through a mix of
channels on their devices, browse categories and products, search, favorite, fill and empty
carts, start checkouts, sign up early or at checkout, log in on later visits (also on a second
device, which stitches the two anonymous ids to one person), order, and some come back to order
again. Every number that shapes this is an option; the same seed gives the same events.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from clickstream.generate.shop import (
    DEFAULT_CHANNEL_MIX,
    DEVICES,
    LANDINGS,
    LANGUAGES,
    SEARCH_TERMS,
    SHOP_URL,
    Device,
    Product,
    catalog,
)


@dataclass(frozen=True)
class TrafficOptions:
    visitors: int = 2000
    days: int = 60
    end: datetime | None = None  # the last moment of the period (default: now)
    seed: int = 1
    channel_mix: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CHANNEL_MIX))
    mobile_share: float = 0.55
    tablet_share: float = 0.08
    bounce_rate: float = 0.35  # sessions that see one page
    favorite_rate: float = 0.12  # product pages that end in a favorite
    cart_rate: float = 0.15  # product pages that end in a cart addition
    checkout_rate: float = 0.55  # sessions with a cart that start a checkout
    purchase_rate: float = 0.6  # checkouts that end in an order
    register_early_rate: float = 0.08  # visitors who sign up before any checkout
    repeat_rate: float = 0.4  # buyers who come back to buy again
    cross_device_rate: float = 0.2  # people who also shop on a second device
    products: int = 80
    currency: str = "EUR"

    def __post_init__(self) -> None:
        unknown = set(self.channel_mix) - set(LANDINGS)
        if unknown:
            raise ValueError(f"unknown channels {sorted(unknown)}; known: {sorted(LANDINGS)}")
        if not any(weight > 0 for weight in self.channel_mix.values()):
            raise ValueError("the channel mix needs a positive weight")
        if self.visitors < 0 or self.days < 1 or self.products < 1:
            raise ValueError("visitors >= 0, days >= 1 and products >= 1 are required")


@dataclass
class _Person:
    devices: list[Device]
    anonymous_ids: list[str]
    language: str
    user_id: str | None = None  # set at registration
    logged_in: set[int] = field(default_factory=set)  # device indexes with a known user
    orders: int = 0


@dataclass
class _Visit:
    """One session: who, on which device, the events so far and the moving clock."""

    person: _Person
    device: int
    session_id: str
    clock: datetime
    events: list[dict[str, Any]]
    last_url: str = ""
    cart: list[tuple[Product, int]] = field(default_factory=list)


def parse_channel_mix(spec: str) -> dict[str, float]:
    """'direct=30,search=25,...' -> weights (channels left out get 0)."""
    mix = dict.fromkeys(LANDINGS, 0.0)
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        name, separator, weight = entry.partition("=")
        if not separator:
            raise ValueError(f"channel mix entry {entry!r} is not channel=weight")
        mix[name.strip()] = float(weight)
    return mix


class Journeys:
    def __init__(self, options: TrafficOptions) -> None:
        self.options = options
        self.rng = random.Random(options.seed)
        self.catalog = catalog(options.products, self.rng)
        self.end = (options.end or datetime.now(UTC)).astimezone(UTC)
        self.start = self.end - timedelta(days=options.days)
        self.channels = [name for name, weight in options.channel_mix.items() if weight > 0]
        self.weights = [options.channel_mix[name] for name in self.channels]

    def visitors(self) -> Iterator[list[dict[str, Any]]]:
        """Each visitor's events, in time order, one visitor at a time."""
        for _ in range(self.options.visitors):
            yield self.person()

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _device(self) -> Device:
        draw = self.rng.random()
        kind = (
            "mobile"
            if draw < self.options.mobile_share
            else "tablet"
            if draw < self.options.mobile_share + self.options.tablet_share
            else "desktop"
        )
        return self.rng.choice(DEVICES[kind])

    def person(self) -> list[dict[str, Any]]:
        rng, options = self.rng, self.options
        devices = [self._device()]
        if rng.random() < options.cross_device_rate:
            devices.append(self._device())
        person = _Person(devices, [self._uuid() for _ in devices], rng.choice(LANGUAGES))
        span = (self.end - self.start).total_seconds()
        clock = self.start + timedelta(seconds=rng.uniform(0, span * 0.97))
        clock = clock.replace(hour=rng.choices(range(24), weights=_HOURLY)[0])
        sessions, events, number = 1, [], 0
        while rng.random() < 0.45 and sessions < 6:
            sessions += 1
        while number < sessions and clock < self.end:
            device = 0 if number == 0 else rng.randrange(len(devices))
            visit = _Visit(person, device, self._uuid(), clock, events)
            if self._session(visit, returning=number > 0) and rng.random() < options.repeat_rate:
                sessions += 1 + rng.randint(0, 1)  # a repeat buyer: more visits to come
            number += 1
            clock = visit.clock + timedelta(days=rng.expovariate(1 / 6), hours=rng.uniform(1, 9))
        return events

    def _session(self, visit: _Visit, returning: bool) -> bool:
        """One visit; True when it ended in an order."""
        rng, options, person = self.rng, self.options, visit.person
        channel = (
            rng.choice(("direct", "email"))
            if returning and rng.random() < 0.4 and {"direct", "email"} <= set(self.channels)
            else rng.choices(self.channels, weights=self.weights)[0]
        )
        landing = rng.choice(LANDINGS[channel])
        self._landing_page(visit, landing.query, landing.referrer)
        if person.user_id and visit.device not in person.logged_in and rng.random() < 0.6:
            self._login(visit, "/account/login")
        if rng.random() < options.bounce_rate:
            return False
        for _ in range(1 + int(rng.expovariate(1 / 4))):
            self._browse(visit)
        if not person.user_id and rng.random() < options.register_early_rate:
            self._register(visit)
        if not visit.cart or rng.random() >= options.checkout_rate + 0.15 * (person.orders > 0):
            return False
        self._page(visit, "/checkout", "Checkout")
        self._emit(visit, "checkout_start")
        if not person.user_id and rng.random() < 0.75:  # most sign up at checkout
            self._register(visit)
        elif person.user_id and visit.device not in person.logged_in:
            self._login(visit, "/checkout/login")
        if rng.random() >= options.purchase_rate + 0.15 * (person.orders > 0):
            return False
        self._order(visit)
        return True

    def _landing_page(self, visit: _Visit, query: str, referrer: str) -> None:
        draw = self.rng.random()
        if draw < 0.5:
            path, title = "/", "Demo Tea Shop"
        elif draw < 0.75:
            category = self.rng.choice(self.catalog).category
            path, title = f"/c/{category}", category.title()
        else:
            self._product_page(visit, self.rng.choice(self.catalog), query, referrer)
            return
        self._page(visit, path, title, query, referrer)

    def _browse(self, visit: _Visit) -> None:
        rng = self.rng
        draw = rng.random()
        if draw < 0.6:
            self._product_page(visit, rng.choice(self.catalog))
        elif draw < 0.78:
            category = rng.choice(self.catalog).category
            self._page(visit, f"/c/{category}", category.title())
        elif draw < 0.9:
            term = rng.choice(SEARCH_TERMS)
            self._page(visit, "/search", f"Search: {term}", f"?q={term.replace(' ', '+')}")
            self._emit(visit, "search", properties={"query": term})
        elif visit.cart and draw < 0.95:
            product, quantity = visit.cart.pop(rng.randrange(len(visit.cart)))
            self._emit(visit, "remove_from_cart", **_product_fields(product, quantity))
        else:
            self._page(visit, "/", "Demo Tea Shop")

    def _product_page(
        self, visit: _Visit, product: Product, query: str = "", referrer: str | None = None
    ) -> None:
        options, rng = self.options, self.rng
        self._page(visit, product.path, product.name, query, referrer, **_product_fields(product))
        if rng.random() < options.favorite_rate:
            self._emit(visit, "favorite", **_product_fields(product))
        if rng.random() < options.cart_rate:
            quantity = rng.choice((1, 1, 1, 2, 3))
            visit.cart.append((product, quantity))
            self._emit(visit, "add_to_cart", **_product_fields(product, quantity))

    def _register(self, visit: _Visit) -> None:
        person = visit.person
        self._page(visit, "/account/register", "Create account")
        person.user_id = "user-" + self._uuid()[:13]
        person.logged_in.add(visit.device)
        self._emit(visit, "register")

    def _login(self, visit: _Visit, path: str) -> None:
        self._page(visit, path, "Log in")
        visit.person.logged_in.add(visit.device)
        self._emit(visit, "login")

    def _order(self, visit: _Visit) -> None:
        items = [
            {
                "product_id": product.product_id,
                "category": product.category,
                "price": str(product.price),
                "quantity": quantity,
            }
            for product, quantity in visit.cart
        ]
        revenue = sum((product.price * quantity for product, quantity in visit.cart), Decimal(0))
        self._emit(
            visit,
            "order",
            order_id="order-" + self._uuid()[:18],
            revenue=str(revenue),
            currency=self.options.currency,
            items=items,
        )
        visit.cart.clear()
        visit.person.orders += 1
        self._page(visit, "/checkout/complete", "Thank you for your order")

    def _page(
        self,
        visit: _Visit,
        path: str,
        title: str,
        query: str = "",
        referrer: str | None = None,
        **fields: Any,
    ) -> None:
        url = SHOP_URL + path + query
        self._emit(
            visit,
            "page_view",
            url=url,
            path=path,
            title=title,
            referrer=visit.last_url if referrer is None else referrer,
            **fields,
        )
        visit.last_url = url

    def _emit(self, visit: _Visit, event_type: str, **fields: Any) -> None:
        person, device = visit.person, visit.person.devices[visit.device]
        visit.clock += timedelta(seconds=self.rng.uniform(4, 90))
        if visit.clock >= self.end:  # the period is over: the visit goes on unrecorded
            return
        fields.setdefault("url", visit.last_url)
        event = {
            "event_id": self._uuid(),
            "type": event_type,
            "anonymous_id": person.anonymous_ids[visit.device],
            "session_id": visit.session_id,
            "ts": visit.clock.isoformat(timespec="milliseconds"),
            "user_agent": device.user_agent,
            "screen_width": device.screen[0],
            "screen_height": device.screen[1],
            "language": person.language,
            **fields,
        }
        if person.user_id and visit.device in person.logged_in:
            event["user_id"] = person.user_id
        visit.events.append(event)


def _product_fields(product: Product, quantity: int | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "product_id": product.product_id,
        "category": product.category,
        "price": str(product.price),
    }
    if quantity is not None:
        fields["quantity"] = quantity
    return fields


# Relative traffic by hour of day (UTC): quiet nights, busy evenings.
_HOURLY = (1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 6, 6, 6, 7, 8, 9, 10, 9, 7, 4, 2)
