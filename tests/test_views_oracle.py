"""Every view equals an independent plain-Python computation over the same generated events
(tests/oracle.py): journeys across devices, resent events, orders sent twice, late and
out-of-order delivery, midnight and period boundaries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from clickstream.warehouse import Warehouse
from schemas.migrations import migrate
from tests import oracle
from tests.support.loading import load_shuffled
from tests.support.shoppers import ShopperGenerator

SITE = "shop"
PERIODS = [
    (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)),
    (datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 17, tzinfo=UTC)),
    (datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC)),
]
WINDOWS = [3600, 7 * 86400, 30 * 86400]


@pytest.fixture(scope="module")
def loaded(chdb_session_warehouse: Warehouse) -> Iterator[tuple[Warehouse, list[dict[str, Any]]]]:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    records = ShopperGenerator(seed=7).generate(people=700)
    other_site = [dict(r, site_id="elsewhere") for r in records[:300]]
    load_shuffled(warehouse, records + other_site)  # many batches, out of order
    yield warehouse, records + other_site


def _text(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def assert_rows_equal(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert list(got)[: len(want)] == list(want), "columns and their order"
        for name, value in want.items():
            if isinstance(value, float):
                assert got[name] == pytest.approx(value, abs=1e-9), (name, got, want)
            elif isinstance(value, Decimal):
                assert Decimal(got[name]) == value, (name, got, want)
            else:
                assert got[name] == value, (name, got, want)


def query(warehouse: Warehouse, sql: str, **params: Any) -> list[dict[str, Any]]:
    return warehouse.query(sql, params).dicts()


def period_view(
    warehouse: Warehouse, view: str, period: tuple[datetime, datetime], window: int | None = None
) -> list[dict[str, Any]]:
    """SELECT * from a period view (and its window, if it takes one), parameters bound."""
    params: dict[str, Any] = {"site": SITE, "f": period[0], "t": period[1]}
    window_argument = ""
    if window is not None:
        window_argument, params["w"] = ", window_seconds = {w:UInt32}", window
    return query(
        warehouse,
        f"SELECT * FROM clickstream.{view}(site = {{site:String}}, date_from = {{f:DateTime}}, "
        f"date_to = {{t:DateTime}}{window_argument})",
        **params,
    )


def test_the_dataset_has_the_awkward_cases(loaded) -> None:
    warehouse, records = loaded
    ids = [r["event_id"] for r in records if r["site_id"] == SITE]
    assert len(ids) > len(set(ids)), "resent events"
    orders = [r["order_id"] for r in records if r["type"] == "order" and r["site_id"] == SITE]
    assert (
        len(orders)
        > len({r["order_id"] for r in records if r["type"] == "order" and r["site_id"] == SITE}) - 1
    )
    devices = warehouse.query(
        "SELECT count() FROM clickstream.identity_map WHERE site_id = 'shop'"
    ).scalar()
    assert devices > 100, "devices linked to users"
    stored = warehouse.query(
        "SELECT count() FROM clickstream.events FINAL WHERE site_id = 'shop'"
    ).scalar()
    assert stored == len(set(ids))


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("window", WINDOWS)
def test_funnel(loaded, period, window) -> None:
    warehouse, records = loaded
    actual = period_view(warehouse, "funnel", period, window)
    expected = oracle.funnel(records, SITE, *period, window)
    assert expected[0]["visitors"] > 0
    assert_rows_equal(actual, expected)


@pytest.mark.parametrize("period", PERIODS)
def test_order_count_distribution(loaded, period) -> None:
    warehouse, records = loaded
    actual = period_view(warehouse, "order_count_distribution", period)
    assert_rows_equal(actual, oracle.order_count_distribution(records, SITE, *period))


@pytest.mark.parametrize("period", PERIODS)
def test_value_pyramid(loaded, period) -> None:
    warehouse, records = loaded
    actual = period_view(warehouse, "value_pyramid", period)
    assert_rows_equal(actual, oracle.value_pyramid(records, SITE, *period))


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("window", WINDOWS)
def test_cart_abandonment(loaded, period, window) -> None:
    warehouse, records = loaded
    actual = period_view(warehouse, "cart_abandonment", period, window)
    assert_rows_equal(actual, oracle.cart_abandonment(records, SITE, *period, window))


@pytest.mark.parametrize(
    "as_of",
    [
        datetime(2026, 3, 15, tzinfo=UTC),
        datetime(2026, 5, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    ],
)
def test_lifecycle_segments(loaded, as_of) -> None:
    warehouse, records = loaded
    actual = query(
        warehouse,
        "SELECT * FROM clickstream.lifecycle_segments(site = {site:String}, as_of = {a:DateTime})",
        site=SITE,
        a=as_of,
    )
    expected = oracle.lifecycle_segments(records, SITE, as_of)
    assert_rows_equal(actual, expected)
    assert sum(row["visitors"] for row in actual) == len(
        [
            p
            for p, events in oracle.by_person(records, SITE).items()
            if any(oracle.ms(e["ts"]) < oracle.ms(as_of) for e in events)
        ]
    )
