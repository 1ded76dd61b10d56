"""The funnel family of views (docs/views-funnel.md) equals an independent plain-Python computation
over the same generated shopper journeys (tests/oracle_funnel.py): in UTC and in Asia/Shanghai,
whose midnight is 16:00 UTC, with the generator's near-midnight events moved to local midnight."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from clickstream.warehouse import Warehouse, WarehouseError
from ingest.record import RequestContext, build_record
from schemas.event import Event
from schemas.migrations import migrate
from tests import oracle, oracle_funnel
from tests.support.loading import load_shuffled, shifted
from tests.support.shoppers import ShopperGenerator, without_sessions
from tests.test_views_oracle import assert_rows_equal

ZONES = {"shop": "UTC", "east": "Asia/Shanghai"}
# (site, date_from, date_to) in the site's wall-clock time
PERIODS = [
    ("shop", datetime(2026, 3, 1), datetime(2026, 5, 1)),
    ("east", datetime(2026, 3, 1), datetime(2026, 5, 1)),
    ("east", datetime(2026, 3, 10), datetime(2026, 3, 17)),
    ("east", datetime(2026, 4, 1), datetime(2026, 4, 2)),
]
WINDOW = 7 * 86400
# (view, the oracle's dimension, the view's leading column)
BREAKDOWN_VIEWS = [
    ("funnel_by_channel", "channel", "channel"),
    ("funnel_by_campaign", "campaign", "utm_campaign"),
    ("funnel_by_device", "device", "device_class"),
    ("funnel_by_visitor_type", "visitor_type", "visitor_type"),
]


@pytest.fixture(scope="module")
def loaded(chdb_session_warehouse: Warehouse) -> Iterator[tuple[Warehouse, list[dict[str, Any]]]]:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    warehouse.insert("clickstream.sites", {"site_id": ["east"], "time_zone": ["Asia/Shanghai"]})
    shop = ShopperGenerator(seed=11).generate(people=500)
    east = [shifted(record, -8) for record in ShopperGenerator(seed=12, site="east").generate(500)]
    bare = without_sessions(ShopperGenerator(seed=13, site="bare").generate(300))
    load_shuffled(warehouse, shop + east + bare)
    yield warehouse, shop + east + bare


def view(warehouse: Warehouse, name: str, site: str, date_from, date_to, **extra: Any):
    """SELECT * from a period view with its parameters bound (extra: name -> (type, value))."""
    params: dict[str, Any] = {"site": site, "date_from": date_from, "date_to": date_to}
    arguments = ["site = {site:String}", "date_from = {date_from:DateTime}"]
    arguments.append("date_to = {date_to:DateTime}")
    for key, (kind, value) in extra.items():
        arguments.append(f"{key} = {{{key}:{kind}}}")
        params[key] = value
    sql = f"SELECT * FROM clickstream.{name}({', '.join(arguments)})"
    return warehouse.query(sql, params).dicts()


def renamed(rows: list[dict[str, Any]], column: str, convert=str) -> list[dict[str, Any]]:
    """Oracle breakdown rows with `value` under the view's own column name."""
    return [
        {column: convert(row["value"]), **{k: v for k, v in row.items() if k != "value"}}
        for row in rows
    ]


def test_the_east_site_has_events_just_before_its_midnight(loaded) -> None:
    _, records = loaded
    near = [r for r in records if r["site_id"] == "east" and r["ts"][11:16] == "15:59"]
    assert len(near) > 20  # 23:59 in Shanghai


@pytest.mark.parametrize(("site", "date_from", "date_to"), PERIODS)
def test_funnel_reads_the_period_in_the_site_time_zone(loaded, site, date_from, date_to) -> None:
    warehouse, records = loaded
    period = oracle_funnel.local_period(date_from, date_to, ZONES[site])
    expected = oracle.funnel(records, site, *period, WINDOW)
    assert expected[0]["visitors"] > 0
    actual = view(warehouse, "funnel", site, date_from, date_to, window_seconds=("UInt32", WINDOW))
    assert_rows_equal(actual, expected)


@pytest.mark.parametrize(("site", "date_from", "date_to"), PERIODS)
@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_funnel_by_period(loaded, site, date_from, date_to, bucket) -> None:
    warehouse, records = loaded
    expected = oracle_funnel.funnel_breakdown(
        records, site, date_from, date_to, WINDOW, bucket, ZONES[site]
    )
    actual = view(
        warehouse,
        "funnel_by_period",
        site,
        date_from,
        date_to,
        window_seconds=("UInt32", WINDOW),
        bucket=("String", bucket),
    )
    assert_rows_equal(actual, renamed(expected, "period_start", date.fromisoformat))


@pytest.mark.parametrize(("site", "date_from", "date_to"), PERIODS[:3])
@pytest.mark.parametrize(("name", "dimension", "column"), BREAKDOWN_VIEWS)
def test_funnel_by_landing_and_visitor(loaded, site, date_from, date_to, name, dimension, column):
    warehouse, records = loaded
    expected = oracle_funnel.funnel_breakdown(
        records, site, date_from, date_to, WINDOW, dimension, ZONES[site]
    )
    assert len({row["value"] for row in expected}) > 1
    actual = view(warehouse, name, site, date_from, date_to, window_seconds=("UInt32", WINDOW))
    assert_rows_equal(actual, renamed(expected, column))


@pytest.mark.parametrize("dimension", ["all", "channel", "visitor_type"])
def test_breakdown_groups_add_up_to_the_funnel(loaded, dimension) -> None:
    warehouse, _ = loaded
    site, date_from, date_to = PERIODS[2]
    funnel = view(warehouse, "funnel", site, date_from, date_to, window_seconds=("UInt32", WINDOW))
    groups = view(
        warehouse,
        "funnel_breakdown",
        site,
        date_from,
        date_to,
        window_seconds=("UInt32", WINDOW),
        dimension=("String", dimension),
    )
    for row in funnel:
        assert row["visitors"] == sum(g["visitors"] for g in groups if g["step"] == row["step"])


@pytest.mark.parametrize(("site", "date_from", "date_to"), PERIODS)
def test_funnel_stage_reached(loaded, site, date_from, date_to) -> None:
    warehouse, records = loaded
    expected = oracle_funnel.stage_reached(records, site, date_from, date_to, ZONES[site])
    assert expected[5]["visitors"] > 0
    assert_rows_equal(view(warehouse, "funnel_stage_reached", site, date_from, date_to), expected)


@pytest.mark.parametrize(("site", "date_from", "date_to"), PERIODS)
@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_conversion_trend(loaded, site, date_from, date_to, bucket) -> None:
    warehouse, records = loaded
    expected = oracle_funnel.conversion_trend(
        records, site, date_from, date_to, bucket, ZONES[site]
    )
    actual = view(
        warehouse, "conversion_trend", site, date_from, date_to, bucket=("String", bucket)
    )
    assert_rows_equal(actual, expected)


@pytest.mark.parametrize(("site", "date_from", "date_to"), PERIODS)
@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_traffic_from_the_pre_aggregation(loaded, site, date_from, date_to, bucket) -> None:
    warehouse, records = loaded
    for name in ("traffic", "traffic_totals"):
        expected = getattr(oracle_funnel, name)(
            records, site, date_from, date_to, bucket, ZONES[site]
        )
        actual = view(warehouse, name, site, date_from, date_to, bucket=("String", bucket))
        assert_rows_equal(actual, expected)


def test_the_pre_aggregation_holds_resent_events_once(loaded) -> None:
    """The loader inserted resent events again, so the states saw them twice."""
    warehouse, records = loaded
    ids = [r["event_id"] for r in records if r["site_id"] == "shop"]
    assert len(ids) > len(set(ids))
    stored = warehouse.query(
        "SELECT uniqExactMerge(events) FROM clickstream.traffic_buckets WHERE site_id = 'shop'"
    ).scalar()
    assert stored == len(set(ids))


@pytest.mark.parametrize(
    ("name", "argument"),
    [
        ("funnel_by_period", "bucket"),
        ("conversion_trend", "bucket"),
        ("traffic", "bucket"),
        ("traffic_totals", "bucket"),
        ("funnel_breakdown", "dimension"),
    ],
)
@pytest.mark.parametrize("site", ["shop", "no-such-shop"])  # also when there is no row to read
def test_an_unknown_bucket_or_dimension_is_refused_by_name(loaded, name, argument, site) -> None:
    warehouse, _ = loaded
    extra = {argument: ("String", "fortnight")}
    if name.startswith("funnel"):
        extra["window_seconds"] = ("UInt32", WINDOW)
    with pytest.raises(WarehouseError, match=f"{argument} must be"):
        view(warehouse, name, site, datetime(2026, 3, 1), datetime(2026, 4, 1), **extra)


def test_a_resent_page_view_with_another_time_is_not_a_second_page_view(loaded) -> None:
    """A client whose clock is more than 5 s off resends an event: the copy is stored with
    another time. It is still one page view (FINAL-free views deduplicate by event_id)."""
    warehouse, _ = loaded
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    first = {"type": "page_view", "anonymous_id": "jitter", "session_id": "j1"}
    events = [
        Event.model_validate({"event_id": str(uuid.uuid4()), "ts": at.isoformat(), **first}),
        Event.model_validate(
            {
                "event_id": str(uuid.uuid4()),
                "type": "favorite",
                "anonymous_id": "jitter",
                "session_id": "j1",
                "ts": (at + timedelta(seconds=60)).isoformat(),
            }
        ),
    ]
    records = [build_record(e, RequestContext(site_id="resend", received_at=at)) for e in events]
    copy = shifted(records[0], 0)
    copy["ts"] = (at + timedelta(seconds=20)).strftime("%Y-%m-%d %H:%M:%S.000")
    warehouse.insert_rows("clickstream.events", records)
    warehouse.insert_rows("clickstream.events", [copy])
    period = (datetime(2026, 6, 1), datetime(2026, 6, 2))
    funnel = view(warehouse, "funnel", "resend", *period, window_seconds=("UInt32", WINDOW))
    assert [row["visitors"] for row in funnel] == [1, 0, 0, 0, 0, 0]
    reached = view(warehouse, "funnel_stage_reached", "resend", *period)
    assert [row["visitors"] for row in reached] == [1, 0, 1, 0, 0, 0]
    totals = view(warehouse, "traffic_totals", "resend", *period, bucket=("String", "day"))
    assert (totals[0]["events"], totals[0]["page_views"]) == (2, 1)


@pytest.mark.parametrize(("name", "dimension", "column"), BREAKDOWN_VIEWS)
def test_page_views_without_a_session_id_are_sessioned_by_time(
    loaded, name, dimension, column
) -> None:
    """Page views that came without a session_id (half the devices of site "bare") get sessions
    by time: a person's such page views, a new session after 30 minutes without one. Step 2 needs
    two of one such session, and a chain lands on its session's first page view."""
    warehouse, records = loaded
    period = (datetime(2026, 3, 1), datetime(2026, 5, 1))
    bare = [r for r in records if r["site_id"] == "bare"]
    assert {r["session_id"] for r in bare} > {""}
    expected = oracle_funnel.funnel_breakdown(records, "bare", *period, WINDOW, dimension, "UTC")
    assert len({row["value"] for row in expected}) > 1
    actual = view(warehouse, name, "bare", *period, window_seconds=("UInt32", WINDOW))
    assert_rows_equal(actual, renamed(expected, column))
    funnel = view(warehouse, "funnel", "bare", *period, window_seconds=("UInt32", WINDOW))
    utc_period = oracle_funnel.local_period(*period, "UTC")
    assert_rows_equal(funnel, oracle.funnel(records, "bare", *utc_period, WINDOW))
    reached = view(warehouse, "funnel_stage_reached", "bare", *period)
    assert_rows_equal(reached, oracle_funnel.stage_reached(records, "bare", *period, "UTC"))
