"""`clickstream generate`: journeys that are valid events, deterministic by seed, shaped by their
options; batching that keeps visitors whole."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clickstream.generate import Journeys, TrafficOptions, parse_channel_mix
from clickstream.generate.send import batches
from schemas.event import Event

END = datetime(2026, 6, 1, tzinfo=UTC)


def generated(**options: Any) -> list[list[dict[str, Any]]]:
    return list(Journeys(TrafficOptions(end=END, **options)).visitors())


def flat(visitors: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [event for visitor in visitors for event in visitor]


def test_events_are_valid_and_inside_the_period() -> None:
    events = flat(generated(visitors=300, days=30, seed=3))
    assert len(events) > 1000
    for event in events:
        parsed = Event.model_validate(event)
        assert END - timedelta(days=30) <= parsed.ts < END
    types = Counter(event["type"] for event in events)
    for kind in ("page_view", "favorite", "add_to_cart", "register", "order", "checkout_start"):
        assert types[kind] > 0, kind
    assert len({event["event_id"] for event in events}) == len(events)


def test_the_same_seed_gives_the_same_events() -> None:
    assert generated(visitors=50, seed=5) == generated(visitors=50, seed=5)
    assert generated(visitors=50, seed=5) != generated(visitors=50, seed=6)


def test_channel_mix_decides_where_sessions_come_from() -> None:
    events = flat(generated(visitors=200, channel_mix=parse_channel_mix("direct=1")))
    landings = [e for e in events if e["type"] == "page_view" and "demo-shop" not in e["referrer"]]
    assert landings and all(e["referrer"] == "" and "utm_" not in e["url"] for e in landings)
    paid = flat(generated(visitors=200, channel_mix=parse_channel_mix("paid=1")))
    assert any("utm_medium=cpc" in e["url"] for e in paid)
    with pytest.raises(ValueError, match="unknown channels"):
        TrafficOptions(channel_mix={"carrier_pigeon": 1.0})


def test_rates_shape_the_funnel() -> None:
    no_carts = Counter(e["type"] for e in flat(generated(visitors=200, cart_rate=0)))
    assert no_carts["add_to_cart"] == no_carts["order"] == no_carts["checkout_start"] == 0
    no_orders = Counter(e["type"] for e in flat(generated(visitors=200, purchase_rate=0)))
    assert no_orders["checkout_start"] > 0 and no_orders["order"] == 0


def test_people_switch_devices_and_buy_again() -> None:
    events = flat(generated(visitors=400, cross_device_rate=1.0, repeat_rate=1.0, seed=9))
    devices_of_user: dict[str, set[str]] = defaultdict(set)
    orders_of_user: Counter[str] = Counter()
    for event in events:
        if event.get("user_id"):
            devices_of_user[event["user_id"]].add(event["anonymous_id"])
            orders_of_user[event["user_id"]] += event["type"] == "order"
    assert any(len(devices) == 2 for devices in devices_of_user.values())  # stitched
    assert any(count >= 2 for count in orders_of_user.values())  # repeat buyers
    user_agents = {event["user_agent"] for event in events}
    assert len(user_agents) >= 4


def test_batches_keep_visitors_whole_and_count_them_once() -> None:
    visitors = [[{"v": v, "i": i} for i in range(size)] for v, size in enumerate([3, 4, 2, 9, 1])]
    made = list(batches(visitors, 5))
    assert [len(batch.events) for batch in made] == [3, 4, 2, 5, 5]
    assert sum(batch.visitors for batch in made) == len(visitors)
    assert [event for batch in made for event in batch.events] == flat(visitors)
