"""Every ClickHouse panel query of every dashboard, with its variables substituted and its
macros expanded the way Grafana and the plugin do it, runs on chDB over generated shop traffic
and returns what its panel type needs: a `time` column and numbers for a time series, numbers
for a stat or a pie, the x field and numbers for a bar chart, every field a panel's overrides
name. The time picker's instants reach the views as the shop's wall-clock period."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clickstream.campaign_costs import read_costs, store_costs
from clickstream.warehouse import QueryResult, Warehouse
from ingest.record import partition_key
from pipeline.batch import Batch, SourceMessage
from pipeline.loader import Loader
from schemas.messages import pack
from schemas.migrations import migrate
from tests.support.dashboards import (
    CLICKHOUSE_PLUGIN,
    TimeRange,
    check_result,
    expand,
    load_dashboards,
    named_fields,
    panels,
    resolve_variables,
)
from tests.support.shoppers import ShopperGenerator
from tests.test_grafana_dashboards import PICKER_END, PICKER_START

SITE = "shop"
ZONE = ZoneInfo("Asia/Shanghai")  # the shop's clock is 8 hours ahead of UTC
# The analytics range as the time picker sends it: Shanghai midnights, as instants.
SHOP_RANGE = TimeRange(
    datetime(2026, 3, 1, tzinfo=ZONE), datetime(2026, 6, 1, tzinfo=ZONE), timedelta(days=1)
)
COSTS = b"""site,date,utm_source,utm_medium,utm_campaign,cost,currency
shop,2026-03-02,google,cpc,brand,120.50,CNY
shop,2026-03-03,newsletter,email,spring_sale,40,CNY
"""
DASHBOARDS = load_dashboards()
PANELS = [
    (name, panel)
    for name, dashboard in DASHBOARDS.items()
    for panel in panels(dashboard)
    if panel.get("datasource", {}).get("type") == CLICKHOUSE_PLUGIN
]


def _load(warehouse: Warehouse, records: list[dict[str, Any]], poison: list[bytes]) -> None:
    """Through the loader, as the worker would: many batches, out of order, poison included."""
    loader = Loader(warehouse, "events", "letters")
    messages = pack("events", records, partition_key)
    random.Random(5).shuffle(messages)
    values = [value for _, _, value in messages] + poison
    for start in range(0, len(values), 300):
        batch = Batch()
        for offset, value in enumerate(values[start : start + 300], start=start):
            batch.add(SourceMessage("events", 0, offset, value))
        loader.load(batch)


@pytest.fixture(scope="module")
def shop(chdb_session_warehouse: Warehouse) -> Iterator[Warehouse]:
    """A Shanghai shop's months of traffic, campaign costs, and a live trickle (received in the
    last half hour, for the pipeline panels) with a few poison messages."""
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    warehouse.insert_rows("clickstream.sites", [{"site_id": SITE, "time_zone": ZONE.key}])
    store_costs(warehouse, read_costs(COSTS))
    live = ShopperGenerator(seed=12, site="live").generate(people=15)
    now = datetime.now(UTC)
    for number, record in enumerate(live):
        received = now - timedelta(seconds=number % 1800)
        record["received_at"] = received.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    poison = [b"{this is not json", b'["event_id"]\n["x"]']
    _load(warehouse, ShopperGenerator(seed=11, site=SITE).generate(people=250) + live, poison)
    yield warehouse


def _run(warehouse: Warehouse, sql: str) -> QueryResult:
    return warehouse.query(sql)


def _values(warehouse: Warehouse, dashboard: dict[str, Any], time_range: TimeRange) -> dict:
    def run(sql: str) -> list[str]:
        return [str(row[0]) for row in _run(warehouse, sql).rows]

    chosen = {"site": SITE}
    if any(v["name"] == "visitor" for v in dashboard["templating"]["list"]):
        chosen["visitor"] = _run(
            warehouse,
            "SELECT any(person) FROM clickstream.person_events "
            "WHERE site_id = 'shop' AND type = 'page_view' AND product_id != ''",
        ).scalar()
    return resolve_variables(dashboard, time_range, run, chosen=chosen)


def _range_for(dashboard_name: str) -> TimeRange:
    if dashboard_name == "pipeline":
        now = datetime.now(UTC)
        return TimeRange(now - timedelta(hours=1), now + timedelta(minutes=1))
    return SHOP_RANGE


@pytest.mark.parametrize(("name", "panel"), PANELS, ids=[f"{n}:{p['title']}" for n, p in PANELS])
def test_every_panel_query_runs_and_fits_its_panel(shop: Warehouse, name: str, panel) -> None:
    dashboard = DASHBOARDS[name]
    time_range = _range_for(name)
    values = _values(shop, dashboard, time_range)
    fields: set[str] = set()
    for target in panel["targets"]:
        sql = expand(target["rawSql"], values, time_range)
        assert "$" not in sql.replace("'$", ""), f"unexpanded: {sql}"
        result = _run(shop, sql)
        check_result(panel, result.columns, result.types, len(result.rows))
        fields |= set(result.columns)
    named = named_fields(panel)
    assert named <= fields, f"{panel['title']}: names missing fields {named - fields}"


def test_the_site_variables_resolve_to_the_shop_and_its_time_zone(shop: Warehouse) -> None:
    values = _values(shop, DASHBOARDS["funnel"], SHOP_RANGE)
    assert values["site"] == SITE and values["site_tz"] == "Asia/Shanghai"
    assert values["window"] == "604800" and values["datasource"] == "clickstream-clickhouse"
    other = resolve_variables(
        DASHBOARDS["funnel"],
        SHOP_RANGE,
        lambda sql: [str(row[0]) for row in _run(shop, sql).rows],
        chosen={"site": "live"},
    )
    assert other["site_tz"] == "UTC", "a site without a time zone is read in UTC"


@pytest.mark.parametrize(
    ("start", "end", "wall_start", "wall_end"),
    [
        # a month picked on the shop's calendar
        (
            datetime(2026, 3, 1, tzinfo=ZONE),
            datetime(2026, 4, 1, tzinfo=ZONE),
            "2026-03-01 00:00:00",
            "2026-04-01 00:00:00",
        ),
        # "This month": Grafana ends it at 23:59:59.999; the views' end is exclusive
        (
            datetime(2026, 3, 1, tzinfo=ZONE),
            datetime(2026, 3, 31, 23, 59, 59, 999000, tzinfo=ZONE),
            "2026-03-01 00:00:00",
            "2026-04-01 00:00:00",
        ),
        # a range picked in another zone means the same instants, on the shop's clock
        (
            datetime(2026, 3, 10, 12, 30, tzinfo=UTC),
            datetime(2026, 3, 10, 18, 0, 0, 1000, tzinfo=UTC),
            "2026-03-10 20:30:00",
            "2026-03-11 02:00:01",
        ),
    ],
)
def test_the_picker_reaches_the_views_as_the_shops_wall_clock(
    shop: Warehouse, start: datetime, end: datetime, wall_start: str, wall_end: str
) -> None:
    values = {"site_tz": ZONE.key}
    sql = expand(f"SELECT {PICKER_START}, {PICKER_END}", values, TimeRange(start, end))
    assert _run(shop, sql).rows == [(wall_start, wall_end)]


@pytest.mark.parametrize(
    ("name", "title"),
    [("funnel", "Steps"), ("stages", "Orders and revenue"), ("lifecycle", "Value pyramid")],
)
def test_a_panel_shows_what_the_view_gives_for_the_shops_month(
    shop: Warehouse, name: str, title: str
) -> None:
    """The panel over the picker's instants equals the view called by an analyst with the
    shop's wall-clock dates."""
    march = TimeRange(datetime(2026, 3, 1, tzinfo=ZONE), datetime(2026, 4, 1, tzinfo=ZONE))
    panel = next(p for p in panels(DASHBOARDS[name]) if p["title"] == title)
    values = _values(shop, DASHBOARDS[name], march)
    raw = panel["targets"][0]["rawSql"]
    by_panel = _run(shop, expand(raw, values, march))
    literal = raw.replace(PICKER_START, "'2026-03-01 00:00:00'")
    literal = literal.replace(PICKER_END, "'2026-04-01 00:00:00'")
    by_analyst = _run(shop, expand(literal, values, march))
    assert by_panel.rows == by_analyst.rows and by_panel.rows


def test_the_pipeline_panels_see_the_live_trickle_and_the_dead_letters(shop: Warehouse) -> None:
    dashboard = DASHBOARDS["pipeline"]
    time_range = _range_for("pipeline")
    values = _values(shop, dashboard, time_range)
    panel = next(p for p in panels(dashboard) if p["title"] == "Dead letters by reason")
    reasons = _run(shop, expand(panel["targets"][0]["rawSql"], values, time_range)).dicts()
    assert sum(row["dead_letters"] for row in reasons) == 2
    panel = next(p for p in panels(dashboard) if p["title"].startswith("Events received"))
    received = _run(shop, expand(panel["targets"][0]["rawSql"], values, time_range)).rows
    live = shop.query("SELECT count() FROM clickstream.events WHERE site_id = 'live'").scalar()
    assert sum(per_second * 60 for _, per_second in received) == pytest.approx(live)
