"""The customer views (value and RFM, lifecycle, acquisition sources, cohorts, products) equal an
independent plain-Python computation over the same generated events (tests/oracle_customers.py),
in two shops with non-UTC time zones: journeys across devices stitched by login, resent events,
orders sent twice, events around local midnight and across local month boundaries."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from clickstream.warehouse import Warehouse
from schemas.migrations import migrate
from tests import oracle
from tests import oracle_customers as expect
from tests.support.loading import shifted
from tests.support.shoppers import ShopperGenerator, without_sessions
from tests.test_views_oracle import assert_rows_equal, query

# site -> (time zone, hours added to the generated UTC times, generator seed). The generator
# puts some sessions just before UTC midnight; the shift moves them just before local midnight.
SITES = {
    "shanghai": ("Asia/Shanghai", -8, 11),
    "new_york": ("America/New_York", 4, 12),  # daylight saving time from 8 March 2026
}
PERIODS = [
    ("2026-03-01 00:00:00", "2026-05-01 00:00:00"),
    ("2026-04-01 00:00:00", "2026-05-01 00:00:00"),
    ("2026-03-09 00:00:00", "2026-03-16 00:00:00"),
    ("2026-04-01 00:00:00", "2026-04-02 00:00:00"),
]


@pytest.fixture(scope="module")
def crm(chdb_session_warehouse: Warehouse) -> Iterator[tuple[Warehouse, list[dict[str, Any]]]]:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    records = []
    for site, (zone, hours, seed) in SITES.items():
        generated = ShopperGenerator(seed=seed, site=site).generate(people=500)
        if site == "new_york":  # half its devices send no session_id: sessioned by time
            generated = without_sessions(generated)
        records += [shifted(r, hours) for r in generated]
        warehouse.insert("clickstream.sites", {"site_id": [site], "time_zone": [zone]})
    shuffled = list(records)
    random.Random(5).shuffle(shuffled)
    for start in range(0, len(shuffled), 1500):  # many inserts, both shops mixed, out of order
        warehouse.insert_rows("clickstream.events", shuffled[start : start + 1500])
    yield warehouse, records


def call(warehouse: Warehouse, view: str, site: str, **arguments: Any) -> list[dict[str, Any]]:
    """SELECT * FROM a view, every argument bound as a query parameter (times as local text)."""
    types = {int: "UInt32", str: "String"}
    bound = ", ".join(
        f"{name} = {{{name}:{'DateTime' if name in TIMES else types[type(value)]}}}"
        for name, value in arguments.items()
    )
    return query(
        warehouse,
        f"SELECT * FROM clickstream.{view}(site = {{site:String}}, {bound})",
        site=site,
        **arguments,
    )


TIMES = {"date_from", "date_to", "as_of"}
BOTH_SITES = pytest.mark.parametrize("site", list(SITES))
# views without an ORDER BY of their own, compared in this order
ROW_ORDER = {
    "period_orders": lambda r: r["order_id"],
    "period_customers": lambda r: r["person"],
    "period_order_items": lambda r: (r["order_id"], r["line"]),
    "lifecycle_history": lambda r: (r["as_of"], r["person"]),
}


def zone(site: str) -> str:
    return SITES[site][0]


def check(crm, site: str, view: str, **arguments: Any) -> list[dict[str, Any]]:
    """The view's rows equal the oracle's (its function of the same name, called with the same
    arguments in the same order), and every time is told in the site's zone. Returns them."""
    warehouse, records = crm
    actual = call(warehouse, view, site, **arguments)
    if view in ROW_ORDER:
        actual.sort(key=ROW_ORDER[view])
    expected = getattr(expect, view)(records, site, zone(site), *arguments.values())
    assert_rows_equal(actual, expected)
    zones = {v.tzinfo.key for row in actual for v in row.values() if isinstance(v, datetime)}
    assert zones <= {zone(site)}
    return expected


def test_the_dataset_has_the_awkward_cases(crm) -> None:
    warehouse, records = crm
    for site, (tz, _, _) in SITES.items():
        mine = [r for r in records if r["site_id"] == site]
        ids = [r["event_id"] for r in mine]
        assert len(ids) > len(set(ids)), "resent events"
        order_events = {r["event_id"]: r["order_id"] for r in mine if r["type"] == "order"}
        assert len(order_events) > len(set(order_events.values())), "orders sent twice"
        linked = warehouse.query(
            "SELECT count() FROM clickstream.identity_map WHERE site_id = {s:String}", {"s": site}
        ).scalar()
        assert linked > 50, "devices linked to users"
        local_times = [expect.at(oracle.ms(r["ts"]), tz) for r in mine]
        near_midnight = [t for t in local_times if t.hour == 23 and t.minute == 59]
        assert len(near_midnight) > 20, "events just before local midnight"
        utc_month_differs = [t for t in local_times if t.month != t.astimezone(UTC).month]
        assert utc_month_differs, "events whose local month is not their UTC month"
        # the site's zone changes the answer: read in UTC the period holds other orders
        in_zone = expect.period_orders(records, site, tz, *PERIODS[1])
        in_utc = expect.period_orders(records, site, "UTC", *PERIODS[1])
        assert {o["order_id"] for o in in_zone} != {o["order_id"] for o in in_utc}


@BOTH_SITES
@pytest.mark.parametrize("period", PERIODS)
def test_orders_customers_value_and_rfm(crm, site, period) -> None:
    for view in ("period_orders", "period_customers", "value_pyramid", "rfm_customers"):
        check(crm, site, view, date_from=period[0], date_to=period[1])
    summary = check(crm, site, "rfm_summary", date_from=period[0], date_to=period[1])
    assert len({row["score"] for row in summary if row["customers"]}) > 2


@BOTH_SITES
@pytest.mark.parametrize(
    "as_of",
    ["2026-03-15 00:00:00", "2026-04-01 00:00:00", "2026-05-01 00:00:00", "2027-01-01 00:00:00"],
)
def test_lifecycle_segments_and_people(crm, site, as_of) -> None:
    segments = check(crm, site, "lifecycle_segments", as_of=as_of)
    people = check(crm, site, "lifecycle_people", as_of=as_of)
    assert sum(s["visitors"] for s in segments) == len(people)
    assert sum(1 for s in segments if s["visitors"]) >= 4  # not a degenerate answer


@BOTH_SITES
@pytest.mark.parametrize(("dormant_days", "churn_days"), [(7, 30), (60, 365)])
def test_lifecycle_segments_custom(crm, site, dormant_days, churn_days) -> None:
    check(
        crm,
        site,
        "lifecycle_segments_custom",
        as_of="2026-05-01 00:00:00",
        dormant_days=dormant_days,
        one_time_churn_days=churn_days,
    )


@BOTH_SITES
@pytest.mark.parametrize(
    "period",
    [
        ("2026-03-01 00:00:00", "2026-07-01 00:00:00"),
        ("2026-03-15 12:00:00", "2026-06-20 00:00:00"),
    ],
)
def test_lifecycle_history_and_movement(crm, site, period) -> None:
    arguments = {"date_from": period[0], "date_to": period[1]}
    check(crm, site, "lifecycle_history", **arguments, dormant_days=30, one_time_churn_days=180)
    movement = check(crm, site, "lifecycle_movement", **arguments)
    assert {m["from_segment"] for m in movement} >= {"new", "first_time", "potential"}


@BOTH_SITES
@pytest.mark.parametrize("period", PERIODS)
def test_acquisition_sources(crm, site, period) -> None:
    sources = check(crm, site, "acquisition_sources", date_from=period[0], date_to=period[1])
    assert {s["model"] for s in sources} == {"first_touch", "last_touch"}


@BOTH_SITES
@pytest.mark.parametrize(
    ("period", "compare_to"),
    [
        (("2026-04-01 00:00:00", "2026-05-01 00:00:00"), "month"),
        (("2026-05-01 00:00:00", "2026-06-01 00:00:00"), "month"),
        (("2026-04-01 00:00:00", "2026-07-01 00:00:00"), "quarter"),
        (("2026-04-01 00:00:00", "2026-05-01 00:00:00"), "year"),
        (("2026-03-31 00:00:00", "2026-04-30 00:00:00"), "month"),
    ],
)
def test_acquisition_sources_compare(crm, site, period, compare_to) -> None:
    arguments = {"date_from": period[0], "date_to": period[1], "compare_to": compare_to}
    check(crm, site, "acquisition_sources_compare", **arguments)


@BOTH_SITES
@pytest.mark.parametrize("cohort_by", ["first_visit", "first_order"])
@pytest.mark.parametrize(
    ("period", "grain"),
    [
        (("2026-03-01 00:00:00", "2026-07-01 00:00:00"), "month"),
        (("2026-03-02 00:00:00", "2026-05-04 00:00:00"), "week"),
        (("2026-03-10 00:00:00", "2026-04-20 12:00:00"), "week"),
    ],
)
def test_cohort_retention(crm, site, cohort_by, period, grain) -> None:
    arguments = {"date_from": period[0], "date_to": period[1], "cohort_by": cohort_by}
    rows = check(crm, site, "cohort_retention", **arguments, grain=grain)
    assert any(r["period_offset"] > 0 and r["retained"] > 0 for r in rows)


@BOTH_SITES
@pytest.mark.parametrize("period", PERIODS)
def test_product_views(crm, site, period) -> None:
    for view in ("period_order_items", "product_stats", "products_bought_together"):
        check(crm, site, view, date_from=period[0], date_to=period[1])


def test_order_items_once_per_order(crm) -> None:
    warehouse, records = crm
    actual = query(
        warehouse,
        "SELECT order_id, person, line, product_id, category, price, quantity "
        "FROM clickstream.order_items WHERE site_id = 'shanghai' ORDER BY order_id, line",
    )
    expected = [
        {k: v for k, v in line.items() if k != "at"}
        for line in expect.order_items(records, "shanghai")
    ]
    assert_rows_equal(actual, expected)


@BOTH_SITES
def test_recently_viewed_products(crm, site) -> None:
    _, records = crm
    devices = {r["anonymous_id"] for r in records if r["site_id"] == site and r["anonymous_id"]}
    visitors = sorted(devices)[:10] + ["u:user-3", "u:user-40", "a:anon-7-0", "nobody"]
    for visitor in visitors:
        for limit in (3, 50):
            check(crm, site, "recently_viewed_products", visitor=visitor, limit=limit)


def test_bad_choices_are_refused_by_name(crm) -> None:
    warehouse, _ = crm
    month = {"date_from": "2026-04-01 00:00:00", "date_to": "2026-05-01 00:00:00"}
    with pytest.raises(Exception, match="compare_to must be month, quarter or year"):
        call(warehouse, "acquisition_sources_compare", "shanghai", **month, compare_to="week")
    with pytest.raises(Exception, match="grain must be week or month"):
        call(
            warehouse, "cohort_retention", "shanghai", **month, cohort_by="first_visit", grain="day"
        )
    with pytest.raises(Exception, match="cohort_by must be first_visit or first_order"):
        call(warehouse, "cohort_retention", "shanghai", **month, cohort_by="signup", grain="week")
