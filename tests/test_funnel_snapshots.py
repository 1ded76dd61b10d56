"""Funnel snapshots (migration 013, pipeline/funnel_snapshots.py): the funnel views answer from a
snapshot of each person's chains exactly as from raw events, also for events loaded after the
snapshot (identity links that move a visitor's history included), and fall back to raw events
when no snapshot fits the query. Checked against the plain-Python oracle (tests/oracle.py)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from clickstream.warehouse import Warehouse
from pipeline import funnel_snapshots
from queries import QUERIES_DIR
from schemas.migrations import apply_views, migrate
from tests import oracle, oracle_funnel
from tests.support.loading import load_shuffled, shifted
from tests.support.shoppers import ShopperGenerator, without_sessions
from tests.test_views_funnel import BREAKDOWN_VIEWS, PERIODS, WINDOW, ZONES, renamed, view
from tests.test_views_oracle import assert_rows_equal

SITES = ("shop", "east", "bare")


def journeys() -> list[dict[str, Any]]:
    shop = ShopperGenerator(seed=31).generate(people=300)
    east = [shifted(record, -8) for record in ShopperGenerator(seed=32, site="east").generate(300)]
    bare = without_sessions(ShopperGenerator(seed=33, site="bare").generate(200))
    return shop + east + bare


def later_events(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events loaded after the snapshot: more journeys of the same visitors (the generator's ids
    repeat across seeds), and a late link of an anonymous-only visitor to another person's user,
    which moves that visitor's whole history."""
    more = ShopperGenerator(seed=41).generate(people=40)
    more += without_sessions(ShopperGenerator(seed=43, site="bare").generate(30))
    more = [on_the_persons_milliseconds(record, records) for record in more]
    linked = {r["anonymous_id"] for r in records if r["user_id"]}
    for site in ("shop", "bare"):
        loner = next(
            r
            for r in records
            if r["site_id"] == site and r["type"] == "page_view" and r["anonymous_id"] not in linked
        )
        user = next(r["user_id"] for r in records if r["site_id"] == site and r["user_id"])
        more.append(loner | {"event_id": str(uuid.uuid4()), "user_id": user, "type": "login"})
    return more


def on_the_persons_milliseconds(record: dict[str, Any], records) -> dict[str, Any]:
    """The record at the milliseconds of its person's earlier events: the generator gives each
    person one sub-second offset, so step times stay whole seconds, and their quantiles need
    no rounding to equal the oracle's."""
    number = record["anonymous_id"].split("-")[1]
    earlier = next(
        r["ts"]
        for r in records
        if r["site_id"] == record["site_id"] and r["anonymous_id"].startswith(f"anon-{number}-")
    )
    return record | {"ts": record["ts"][:-4] + earlier[-4:]}


def snapshot_of(warehouse: Warehouse, site: str, date_from, date_to, window=WINDOW):
    """(generation or None, changed persons) the funnel views see for this query."""
    params = {"site": site, "date_from": date_from, "date_to": date_to, "window": window}
    arguments = (
        "site = {site:String}, date_from = {date_from:DateTime}, "
        "date_to = {date_to:DateTime}, window_seconds = {window:UInt32}"
    )
    fits = warehouse.query(
        f"SELECT generation FROM clickstream.funnel_snapshot({arguments})", params
    )
    changed = warehouse.query(
        f"SELECT persons FROM clickstream.funnel_changed_persons({arguments})", params
    ).scalar()
    return (fits.rows[0][0] if fits.rows else None), changed


def snapshot_now(warehouse: Warehouse) -> list[funnel_snapshots.Snapshot]:
    time.sleep(0.01)  # loaded_at has millisecond steps: the loads lie before the snapshot
    return funnel_snapshots.refresh(warehouse, settle_seconds=0)


@pytest.fixture(scope="module")
def snapshotted(
    chdb_session_warehouse: Warehouse,
) -> Iterator[tuple[Warehouse, list[dict[str, Any]]]]:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    warehouse.insert("clickstream.sites", {"site_id": ["east"], "time_zone": ["Asia/Shanghai"]})
    records = journeys()
    load_shuffled(warehouse, records)
    taken = snapshot_now(warehouse)
    assert sorted(s.site for s in taken) == sorted(SITES)
    yield warehouse, records


def to_milliseconds(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The oracle's step times rounded to milliseconds, as the views document: interpolating
    between large values leaves float noise above 1e-9 (208043.2000000011)."""
    times = ("median_seconds_from_previous", "p90_seconds_from_previous")
    return [row | {k: round(row[k], 3) for k in times if row.get(k) is not None} for row in rows]


def assert_funnels_equal_the_oracle(warehouse: Warehouse, records, site, date_from, date_to):
    period = oracle_funnel.local_period(date_from, date_to, ZONES.get(site, "UTC"))
    expected = to_milliseconds(oracle.funnel(records, site, *period, WINDOW))
    assert expected[0]["visitors"] > 0
    actual = view(warehouse, "funnel", site, date_from, date_to, window_seconds=("UInt32", WINDOW))
    assert_rows_equal(actual, expected)
    for bucket in ("day", "month"):
        expected = to_milliseconds(
            oracle_funnel.funnel_breakdown(
                records, site, date_from, date_to, WINDOW, bucket, ZONES.get(site, "UTC")
            )
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
    for name, dimension, column in BREAKDOWN_VIEWS:
        expected = to_milliseconds(
            oracle_funnel.funnel_breakdown(
                records, site, date_from, date_to, WINDOW, dimension, ZONES.get(site, "UTC")
            )
        )
        actual = view(warehouse, name, site, date_from, date_to, window_seconds=("UInt32", WINDOW))
        assert_rows_equal(actual, renamed(expected, column))


QUERIES = PERIODS + [("bare", datetime(2026, 3, 1), datetime(2026, 5, 1))]


@pytest.mark.parametrize(("site", "date_from", "date_to"), QUERIES)
def test_the_funnel_from_the_snapshot_equals_the_oracle(snapshotted, site, date_from, date_to):
    warehouse, records = snapshotted
    generation, changed = snapshot_of(warehouse, site, date_from, date_to)
    # every chain comes from the snapshot: nobody is computed from raw events
    assert generation is not None and changed == []
    assert_funnels_equal_the_oracle(warehouse, records, site, date_from, date_to)


def test_off_the_quarter_hour_or_another_window_no_snapshot_fits(snapshotted) -> None:
    warehouse, records = snapshotted
    site, date_from, date_to = "shop", datetime(2026, 3, 1, 0, 0, 1), datetime(2026, 5, 1)
    assert snapshot_of(warehouse, site, date_from, date_to)[0] is None
    assert snapshot_of(warehouse, site, datetime(2026, 3, 1), date_to, WINDOW + 1)[0] is None
    assert_funnels_equal_the_oracle(warehouse, records, site, date_from, date_to)
    assert snapshot_of(warehouse, site, datetime(2026, 3, 1, 0, 15), date_to)[0] is not None


def test_events_loaded_after_the_snapshot_count_at_once(snapshotted) -> None:
    warehouse, records = snapshotted
    more = later_events(records)
    load_shuffled(warehouse, more, seed=5)
    everything = records + more
    for site in ("shop", "bare"):
        date_from, date_to = datetime(2026, 3, 1), datetime(2026, 5, 1)
        generation, changed = snapshot_of(warehouse, site, date_from, date_to)
        assert generation is not None and len(changed) > 20
        assert_funnels_equal_the_oracle(warehouse, everything, site, date_from, date_to)
    # the next refresh takes them in, and only the sites that changed
    assert [s.site for s in snapshot_now(warehouse)] == ["bare", "shop"]
    for site in ("shop", "bare"):
        date_from, date_to = datetime(2026, 3, 1), datetime(2026, 5, 1)
        assert snapshot_of(warehouse, site, date_from, date_to)[1] == []
        assert_funnels_equal_the_oracle(warehouse, everything, site, date_from, date_to)
    records.extend(more)  # the module's later tests see every event


def test_other_funnel_steps_retire_the_snapshot(snapshotted) -> None:
    warehouse, _ = snapshotted
    period = ("shop", datetime(2026, 3, 1), datetime(2026, 5, 1))
    steps = (QUERIES_DIR / "101_funnel_steps.sql").read_text(encoding="utf-8")
    changed_steps = steps.replace("['register', 'login'], 1", "['register'], 1")
    assert changed_steps != steps
    warehouse.execute(changed_steps)
    try:
        assert snapshot_of(warehouse, *period)[0] is None
        assert set(funnel_snapshots.due_sites(warehouse)) == set(SITES)
    finally:
        apply_views(warehouse)
    assert snapshot_of(warehouse, *period)[0] is not None


def test_only_the_snapshots_queries_may_read_are_kept(snapshotted) -> None:
    warehouse, records = snapshotted
    taken = [
        funnel_snapshots.refresh(warehouse, sites=["shop"], settle_seconds=0)[0].generation
        for _ in range(3)
    ]
    # within the grace time a generation stays: another worker may still be writing it
    assert funnel_snapshots.drop_retired(warehouse) == []
    funnel_snapshots.drop_retired(warehouse, grace_seconds=0)
    snapshots = warehouse.query(
        "SELECT site_id, generation FROM clickstream.funnel_snapshots ORDER BY generation DESC"
    ).rows
    latest_two = {
        generation for site in SITES for generation in [g for s, g in snapshots if s == site][:2]
    }
    stored = warehouse.query(
        "SELECT DISTINCT generation FROM clickstream.funnel_snapshot_chains"
    ).rows
    # a generation's chains go once no site reads it as its latest or the one before
    assert {g for (g,) in stored} == latest_two
    assert taken[0] not in latest_two and set(taken[1:]) <= latest_two
    assert_funnels_equal_the_oracle(warehouse, records, "shop", *PERIODS[0][1:])
