"""Every customer-stage view equals an independent plain-Python computation over the same events
(tests/oracle_stages.py): generated journeys on a UTC shop and on a New York shop (periods read
on the shop's clock, a 23-hour daylight-saving day), plus hand-made events around New York
midnight; resent events, orders sent twice, devices stitched to users, other sites' events."""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clickstream.reports.model import PARAMETER_TYPES
from clickstream.warehouse import Warehouse
from ingest.record import RequestContext, build_record
from queries import QUERIES_DIR
from schemas.event import Event
from schemas.migrations import migrate
from tests import oracle
from tests import oracle_stages as stages
from tests.oracle_stages import Period, Shop
from tests.support.shoppers import ShopperGenerator, without_sessions
from tests.test_views_oracle import assert_rows_equal

NEW_YORK = "America/New_York"
SITE_OF = {"UTC": "shop", NEW_YORK: "shop-ny"}
ZONE_OF = {site: zone for zone, site in SITE_OF.items()}
PERIODS = [
    Period(datetime(2026, 3, 1), datetime(2026, 5, 1), "UTC"),
    Period(datetime(2026, 3, 10), datetime(2026, 3, 17), "UTC"),
    Period(datetime(2026, 4, 1), datetime(2026, 4, 2), "UTC"),
    Period(datetime(2026, 3, 1), datetime(2026, 4, 1), NEW_YORK),
    Period(datetime(2026, 3, 14), datetime(2026, 3, 15), NEW_YORK),  # the hand-made midnight
    Period(datetime(2026, 3, 8), datetime(2026, 3, 9), NEW_YORK),  # 23 hours: clocks go forward
    Period(datetime(2026, 3, 15), datetime(2026, 3, 22), NEW_YORK),
]
PERIOD_IDS = [f"{p.zone}:{p.wall_from:%m%d}-{p.wall_to:%m%d}" for p in PERIODS]
MIDNIGHT = PERIODS[4]
WINDOWS = [3600, 7 * 86400]
_event_numbers = itertools.count(1)


def ny_event(wall: str, **fields: Any) -> dict[str, Any]:
    """The stored record of an event at a wall-clock time of the New York shop."""
    when = datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(NEW_YORK))
    event_id = str(uuid.UUID(int=next(_event_numbers), version=4))
    event = Event.model_validate({"event_id": event_id, "ts": when.isoformat()} | fields)
    return build_record(event, RequestContext(site_id="shop-ny", received_at=when))


def midnight_events() -> list[dict[str, Any]]:
    """Hand-made New York journeys around the local midnight between 14 and 15 March 2026
    (04:00 UTC), on the 23-hour 8 March, and for the online-visitor moments."""
    e1 = {"anonymous_id": "edge-1", "session_id": "e1"}
    e2 = {"anonymous_id": "edge-2", "session_id": "e2"}
    e3 = {"anonymous_id": "edge-3", "session_id": "e3"}
    e4 = {"anonymous_id": "edge-4", "session_id": "e4", "user_id": "edge-user-4"}
    order = {"order_id": "o-edge-2", "revenue": "88.50", "currency": "CNY"}
    order |= {"items": [{"product_id": "p1", "category": "tea", "price": "88.50"}]}
    campaign = "?utm_source=google&utm_medium=cpc&utm_campaign=brand"
    return [
        # a visit that lands before midnight and goes on after it: one two-page visit on the 14th
        ny_event("2026-03-14T23:59:50", type="page_view", url="https://shop.example/", **e1),
        ny_event("2026-03-15T00:00:20", type="page_view", url="https://shop.example/p/1", **e1),
        # a guest order at the last millisecond of the 14th, resent after midnight by the server;
        # registration exactly at midnight: at checkout, and bought nothing after registering
        ny_event("2026-03-14T23:50:00", type="page_view", url="https://shop.example/p/1", **e2),
        ny_event("2026-03-14T23:55:00", type="add_to_cart", product_id="p1", **e2),
        ny_event("2026-03-14T23:58:00", type="checkout_start", **e2),
        ny_event("2026-03-14T23:59:59.999", type="order", **order, **e2),
        ny_event("2026-03-15T00:00:00", type="register", user_id="edge-user-2", **e2),
        ny_event("2026-03-15T00:00:05", type="order", user_id="edge-user-2", **order, **e2),
        # a campaign visit and cart before midnight, the order a minute after it
        ny_event(
            "2026-03-14T23:40:00", type="page_view", url=f"https://shop.example/{campaign}", **e3
        ),
        ny_event("2026-03-14T23:59:00", type="add_to_cart", product_id="p2", **e3),
        ny_event("2026-03-15T00:01:00", type="order", order_id="o-edge-3", revenue="12", **e3),
        # registered at the first millisecond of the 14th, shares at its last, logs in at the 15th
        ny_event("2026-03-14T00:00:00", type="register", **e4),
        ny_event("2026-03-14T00:00:00", type="page_view", url="https://shop.example/", **e4),
        ny_event("2026-03-14T00:00:01", type="favorite", product_id="p3", **e4),
        ny_event("2026-03-14T12:00:00", type="invite", **e4),
        ny_event("2026-03-14T23:59:59.999", type="share", product_id="p3", **e4),
        ny_event("2026-03-15T00:00:00", type="login", **e4),
        # the 8th: 01:59:59 EST, then the clock jumps to 03:00 EDT; an order late that evening
        ny_event("2026-03-08T01:59:59", type="page_view", anonymous_id="edge-5", session_id="e5a"),
        ny_event("2026-03-08T03:00:01", type="page_view", anonymous_id="edge-5", session_id="e5b"),
        ny_event("2026-03-08T23:30:00", type="order", anonymous_id="edge-5", order_id="o-edge-5"),
        # the online-visitor moments: one anonymous, one registered visitor
        ny_event("2026-02-20T12:00:00", type="page_view", anonymous_id="edge-6", session_id="e6"),
        ny_event("2026-02-20T12:02:00", type="page_view", user_id="edge-user-7", session_id="e7"),
    ]


def cost(day: str, source: str, medium: str, campaign: str, amount: str, currency: str = "CNY"):
    return {
        "date": date.fromisoformat(day),
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "cost": amount,
        "currency": currency,
    }


COSTS = {
    "shop-ny": [
        cost("2026-03-14", "google", "cpc", "brand", "100.00"),
        cost("2026-03-14", "google", "cpc", "brand", "120.50"),  # imported again: replaces
        cost("2026-03-15", "google", "cpc", "brand", "80"),
        cost("2026-03-16", "google", "cpc", "brand", "10", "USD"),
        cost("2026-03-14", "baidu", "cpc", "no_traffic", "30"),
    ]
    + [
        cost(f"2026-03-{d:02d}", "douyin", "paid_social", "spring_sale", "50") for d in range(1, 32)
    ],
    "shop": [cost(f"2026-04-{d:02d}", "google", "cpc", "brand", "33.3333") for d in range(1, 31)],
}


@dataclass
class Loaded:
    warehouse: Warehouse
    shops: dict[str, Shop]

    def view(self, name: str, **params: Any) -> list[dict[str, Any]]:
        arguments = ", ".join(f"{p} = {{{p}:{PARAMETER_TYPES[p]}}}" for p in params)
        return self.warehouse.query(
            f"SELECT * FROM clickstream.{name}({arguments})", params
        ).dicts()

    def period_view(self, name: str, period: Period, **params: Any) -> list[dict[str, Any]]:
        site = SITE_OF[period.zone]
        return self.view(
            name, site=site, date_from=period.wall_from, date_to=period.wall_to, **params
        )

    def shop(self, period: Period) -> Shop:
        return self.shops[SITE_OF[period.zone]]


@pytest.fixture(scope="module")
def loaded(chdb_session_warehouse: Warehouse) -> Iterator[Loaded]:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    warehouse.insert("clickstream.sites", {"site_id": ["shop-ny"], "time_zone": [NEW_YORK]})
    records = (
        ShopperGenerator(seed=21).generate(people=600)
        # half the New York devices send no session_id (Segment's libraries): sessioned by time
        + without_sessions(ShopperGenerator(seed=11, site="shop-ny").generate(people=500))
        + midnight_events()
    )
    rows = records + [dict(r, site_id="elsewhere") for r in records[:300]]
    random.Random(5).shuffle(rows)
    for start in range(0, len(rows), 1500):  # several parts: FINAL has duplicates to remove
        warehouse.insert_rows("clickstream.events", rows[start : start + 1500])
    for site, costs in COSTS.items():
        for number, row in enumerate(costs):
            imported = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=number)
            warehouse.insert_rows(
                "clickstream.campaign_costs",
                [row | {"site_id": site, "imported_at": f"{imported:%Y-%m-%d %H:%M:%S}"}],
            )
    yield Loaded(warehouse, {site: Shop(records, site) for site in SITE_OF.values()})


def test_the_midnight_cases_change_the_answer(loaded: Loaded) -> None:
    """Read in UTC instead of on the shop's clock, the hand-made day gives other numbers."""
    shop = loaded.shop(MIDNIGHT)
    as_utc = Period(MIDNIGHT.wall_from, MIDNIGHT.wall_to, "UTC")
    for metric in (stages.stranger_stage, stages.lead_stage, stages.deal_stage):
        assert metric(shop, MIDNIGHT) != metric(shop, as_utc), metric.__name__
    assert loaded.period_view("deal_stage", MIDNIGHT) != loaded.period_view("deal_stage", as_utc)


# view, its oracle, a column some row of the expected answer must have non-zero (None: may be 0)
PERIOD_VIEWS = [
    ("stranger_stage", stages.stranger_stage, "second_click_visitors"),
    ("lead_stage", stages.lead_stage, "registrations"),
    ("potential_stage", stages.potential_stage, "cart_additions"),
    ("deal_stage", stages.deal_stage, "orders"),
    ("growth_stage", stages.growth_stage, "customers"),
    ("order_count_distribution", stages.order_count_distribution, "customers"),
    ("engagement", stages.engagement, None),
]
WINDOW_VIEWS = [
    ("cart_abandonment", stages.cart_abandonment, "carted_visitors"),
    ("checkout_abandonment", stages.checkout_abandonment, "checkout_visitors"),
    ("campaign_conversion", stages.campaign_conversion, "visitors"),
]


@pytest.mark.parametrize("period", PERIODS, ids=PERIOD_IDS)
@pytest.mark.parametrize(
    ("view", "metric", "non_zero"), PERIOD_VIEWS, ids=[v[0] for v in PERIOD_VIEWS]
)
def test_period_view(
    loaded: Loaded, view: str, metric, non_zero: str | None, period: Period
) -> None:
    expected = metric(loaded.shop(period), period)
    assert non_zero is None or any(row[non_zero] for row in expected)
    assert_rows_equal(loaded.period_view(view, period), expected)


@pytest.mark.parametrize("period", PERIODS, ids=PERIOD_IDS)
@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize(
    ("view", "metric", "non_zero"), WINDOW_VIEWS, ids=[v[0] for v in WINDOW_VIEWS]
)
def test_window_view(
    loaded: Loaded, view: str, metric, non_zero: str, window: int, period: Period
) -> None:
    expected = metric(loaded.shop(period), period, window)
    assert any(row[non_zero] for row in expected)
    assert_rows_equal(loaded.period_view(view, period, window_seconds=window), expected)


@pytest.mark.parametrize("period", PERIODS, ids=PERIOD_IDS)
def test_visits(loaded: Loaded, period: Period) -> None:
    actual = loaded.period_view("visits", period)
    expected = stages.visits(loaded.shop(period), period)
    assert sorted(
        (v["person"], v["session_id"], v["landed_ms"], v["page_views"], v["utm_campaign"])
        for v in actual
    ) == sorted(
        (v.person, v.session, v.landed, v.page_views, v.landing["utm_campaign"]) for v in expected
    )


def test_lead_stage_compares_with_the_previous_period(loaded: Loaded) -> None:
    april = Period(datetime(2026, 4, 1), datetime(2026, 5, 1), "UTC")
    expected = stages.lead_stage(loaded.shop(april), april)
    assert expected[0]["previous_registrations"] > 0
    assert_rows_equal(loaded.period_view("lead_stage", april), expected)


def _online_moments() -> list[tuple[str, datetime]]:
    generated = [datetime(2026, 3, 5, 12) + timedelta(hours=7 * n) for n in range(12)]
    edge = [datetime(2026, 2, 20, 12, 0, 0), datetime(2026, 2, 20, 12, 4, 59)]
    edge += [datetime(2026, 2, 20, 12, 5, 0), datetime(2026, 2, 20, 12, 7, 0)]
    return [("shop", moment) for moment in generated] + [("shop-ny", m) for m in edge]


def test_online_visitors(loaded: Loaded) -> None:
    seen_online = 0
    for site, moment in _online_moments():
        as_of_ms = oracle.ms(moment.replace(tzinfo=ZoneInfo(ZONE_OF[site])))
        expected = stages.online_visitors(loaded.shops[site], as_of_ms)
        assert_rows_equal(loaded.view("online_visitors", site=site, as_of=moment), expected)
        seen_online += expected[0]["online_visitors"]
    assert seen_online > 0
    edge = [
        loaded.view("online_visitors", site="shop-ny", as_of=m)[0]
        for _, m in _online_moments()[-4:]
    ]
    assert [(e["online_visitors"], e["online_registered_visitors"]) for e in edge] == [
        (1, 0),  # 12:00:00: the anonymous page view at that very moment
        (2, 1),  # 12:04:59: both
        (1, 1),  # 12:05:00: the 12:00:00 page view is five minutes old: gone
        (0, 0),  # 12:07:00: so is the 12:02:00 one
    ]


def test_online_now_reads_the_shop_clock(loaded: Loaded) -> None:
    warehouse = loaded.warehouse
    warehouse.insert("clickstream.sites", {"site_id": ["live"], "time_zone": ["Asia/Shanghai"]})
    now = datetime.now(UTC)
    rows = []
    for number, (minutes_ago, user) in enumerate([(1, ""), (2, "u-live"), (11, "")]):
        event = Event.model_validate(
            {
                "event_id": str(uuid.UUID(int=10**6 + number, version=4)),
                "type": "page_view",
                "anonymous_id": f"live-{number}",
                "user_id": user or None,
                "ts": (now - timedelta(minutes=minutes_ago)).isoformat(),
            }
        )
        rows.append(build_record(event, RequestContext(site_id="live", received_at=now)))
    warehouse.insert_rows("clickstream.events", rows)
    assert loaded.view("online_now", site="live") == [
        {"online_visitors": 2, "online_registered_visitors": 1}
    ]


@pytest.mark.parametrize(
    ("site", "as_of", "days"),
    [
        ("shop", datetime(2026, 4, 1), 7),
        ("shop", datetime(2026, 5, 1), 30),
        ("shop-ny", datetime(2026, 3, 15), 0),
        ("shop-ny", datetime(2026, 6, 1), 30),
    ],
)
def test_dormant_potential_customers(loaded: Loaded, site: str, as_of: datetime, days: int) -> None:
    as_of_ms = oracle.ms(as_of.replace(tzinfo=ZoneInfo(ZONE_OF[site])))
    expected = stages.dormant_potential_customers(loaded.shops[site], as_of_ms, days)
    assert len(expected) > 5
    actual = loaded.view("dormant_potential_customers", site=site, as_of=as_of, dormant_days=days)
    assert_rows_equal(actual, expected)


def test_dormant_list_is_the_lifecycle_segment(loaded: Loaded) -> None:
    as_of = datetime(2026, 5, 1)
    listed = loaded.view("dormant_potential_customers", site="shop", as_of=as_of, dormant_days=30)
    segments = loaded.view("lifecycle_segments", site="shop", as_of=as_of)
    assert {"segment": "dormant_potential", "visitors": len(listed)} in segments


@pytest.mark.parametrize("period", PERIODS, ids=PERIOD_IDS)
@pytest.mark.parametrize("window", WINDOWS)
def test_campaign_acquisition_cost(loaded: Loaded, period: Period, window: int) -> None:
    site = SITE_OF[period.zone]
    expected = stages.campaign_acquisition_cost(loaded.shop(period), period, window, COSTS[site])
    actual = loaded.period_view("campaign_acquisition_cost", period, window_seconds=window)
    assert_rows_equal(actual, expected)


def test_acquisition_cost_of_the_midnight_day(loaded: Loaded) -> None:
    rows = loaded.period_view("campaign_acquisition_cost", MIDNIGHT, window_seconds=3600)
    brand = next(r for r in rows if r["utm_campaign"] == "brand")
    assert (brand["cost"], brand["currency"]) == (Decimal("120.5"), "CNY")  # the later import
    assert brand["new_customers"] >= 1  # edge-3: landed 23:40, first order 00:01 the next day
    assert brand["cost_per_new_customer"] == (Decimal("120.5") / brand["new_customers"]).quantize(
        Decimal("0.0001")
    )
    assert any(r["utm_campaign"] == "no_traffic" and r["visitors"] == 0 for r in rows)


def test_growth_stage_sees_repeat_orders(loaded: Loaded) -> None:
    expected = stages.growth_stage(loaded.shop(PERIODS[0]), PERIODS[0])[0]
    assert expected["repeat_orders"] > 0 and expected["median_seconds_between_orders"] > 0
    assert 1 < expected["categories_per_customer"] < 6


def test_engagement_kinds_are_set_in_one_place(loaded: Loaded) -> None:
    """Counting the shop's own `invite` event as a referral takes one edit of one view."""
    path = QUERIES_DIR / "260_engagement_event_types.sql"
    text = path.read_text()
    edited = text.replace("(3, 'refer', 'refer')", "(3, 'refer', 'refer'),\n(3, 'refer', 'invite')")
    assert edited != text
    kinds = stages.ENGAGEMENT_KINDS | {"refer": ("refer", "invite")}
    try:
        loaded.warehouse.execute(edited)
        expected = stages.engagement(loaded.shop(MIDNIGHT), MIDNIGHT, kinds)
        assert expected != stages.engagement(loaded.shop(MIDNIGHT), MIDNIGHT)
        assert_rows_equal(loaded.period_view("engagement", MIDNIGHT), expected)
    finally:
        loaded.warehouse.execute(text)
