"""Every ClickHouse panel query of every dashboard, with its variables substituted and its
macros expanded the way Grafana and the plugin do it, runs on chDB over generated shop traffic
and returns what its panel type needs: a `time` column and numbers for a time series, numbers
for a stat or a pie, the x field and numbers for a bar chart, every field a panel's overrides
name. The time picker's instants reach the views as the shop's wall-clock period."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
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
from tests import oracle_funnel
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
from tests.test_views_oracle import assert_rows_equal

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
def shop_records() -> list[dict[str, Any]]:
    """The Shanghai shop's generated events (what the oracle reads)."""
    return ShopperGenerator(seed=11, site=SITE).generate(people=250)


@pytest.fixture(scope="module")
def shop(chdb_session_warehouse: Warehouse, shop_records) -> Iterator[Warehouse]:
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
    _load(warehouse, shop_records + live, poison)
    yield warehouse


def _run(warehouse: Warehouse, sql: str) -> QueryResult:
    return warehouse.query(sql)


def _values(
    warehouse: Warehouse,
    dashboard: dict[str, Any],
    time_range: TimeRange,
    chosen: dict[str, str] | None = None,
) -> dict:
    def run(sql: str) -> list[str]:
        return [str(row[0]) for row in _run(warehouse, sql).rows]

    chosen = {"site": SITE} | (chosen or {})
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
    [
        ("funnel", "Steps"),
        ("funnel", "Visitors who did each step at all (any order)"),
        ("funnel", "Visit-to-order conversion per ${bucket:text}"),
        ("funnel", "Funnel by ${breakdown:text}"),
        ("stages", "Orders and revenue"),
        ("lifecycle", "Value pyramid"),
    ],
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


# The funnel dashboard's breakdowns: the Breakdown variable's choices (the Period variable's
# too for 'period'), each with the named view an analyst would call and its leading column.
BREAKDOWNS = [
    ({"breakdown": "period", "bucket": "day"}, "funnel_by_period", "period_start"),
    ({"breakdown": "period", "bucket": "week"}, "funnel_by_period", "period_start"),
    ({"breakdown": "period", "bucket": "month"}, "funnel_by_period", "period_start"),
    ({"breakdown": "channel"}, "funnel_by_channel", "channel"),
    ({"breakdown": "campaign"}, "funnel_by_campaign", "utm_campaign"),
    ({"breakdown": "device"}, "funnel_by_device", "device_class"),
    ({"breakdown": "visitor_type"}, "funnel_by_visitor_type", "visitor_type"),
]
BREAKDOWN_IDS = ["-".join(chosen.values()) for chosen, _, _ in BREAKDOWNS]
BREAKDOWN_TABLE = "Funnel by ${breakdown:text}"
MARCH = TimeRange(datetime(2026, 3, 1, tzinfo=ZONE), datetime(2026, 4, 1, tzinfo=ZONE))
MARCH_WALL = {"date_from": datetime(2026, 3, 1), "date_to": datetime(2026, 4, 1)}
WINDOW = 604800  # the Conversion window variable's default, 7 days
STEP_NAMES = "SELECT step_name FROM clickstream.funnel_steps ORDER BY step"


def _funnel_panel(shop: Warehouse, title: str, chosen: dict[str, str]) -> QueryResult:
    """The funnel dashboard's panel `title` over Shanghai March, with the variables chosen."""
    panel = next(p for p in panels(DASHBOARDS["funnel"]) if p["title"] == title)
    values = _values(shop, DASHBOARDS["funnel"], MARCH, chosen)
    return _run(shop, expand(panel["targets"][0]["rawSql"], values, MARCH))


@pytest.mark.parametrize(("chosen", "view", "column"), BREAKDOWNS, ids=BREAKDOWN_IDS)
def test_the_breakdown_table_equals_the_named_view(shop: Warehouse, chosen, view, column) -> None:
    """What the panel shows for a breakdown is what the funnel_by_* view gives an analyst who
    calls it with the shop's wall-clock month and the same window (and bucket)."""
    by_panel = _funnel_panel(shop, BREAKDOWN_TABLE, chosen)
    bucket = ", bucket = {bucket:String}" if "bucket" in chosen else ""
    by_analyst = shop.query(
        f"SELECT toString({column}), * EXCEPT {column} FROM clickstream.{view}(site = 'shop', "
        "date_from = {date_from:DateTime}, date_to = {date_to:DateTime}, "
        f"window_seconds = {WINDOW}{bucket})",
        MARCH_WALL | {"bucket": chosen.get("bucket", "")},
    )
    assert by_panel.rows == by_analyst.rows
    groups = {row[0] for row in by_panel.rows}
    # March is one month; every other choice has groups to tell apart
    assert len(groups) == 1 if chosen.get("bucket") == "month" else len(groups) > 1, groups


@pytest.mark.parametrize(
    ("chosen", "dimension"),
    [({"breakdown": "device"}, "device"), ({"breakdown": "period", "bucket": "week"}, "week")],
)
def test_the_breakdown_table_matches_the_oracle(
    shop: Warehouse, shop_records, chosen, dimension
) -> None:
    rows = _funnel_panel(shop, BREAKDOWN_TABLE, chosen).dicts()
    expected = oracle_funnel.funnel_breakdown(
        shop_records, SITE, *MARCH_WALL.values(), WINDOW, dimension, ZONE.key
    )
    as_oracle = [{"value": row.pop("breakdown"), **row} for row in rows]
    assert_rows_equal(as_oracle, expected)


@pytest.mark.parametrize("chosen", [chosen for chosen, _, _ in BREAKDOWNS], ids=BREAKDOWN_IDS)
def test_the_breakdown_charts_pivot_the_table_by_the_funnel_steps(shop: Warehouse, chosen) -> None:
    """The charts show, per group, the table's visitors and step conversions under the step
    names of funnel_steps (the chart queries name the steps; this catches a renamed step)."""
    table = _funnel_panel(shop, BREAKDOWN_TABLE, chosen).dicts()
    names = [row[0] for row in shop.query(STEP_NAMES).rows]
    charts = [
        ("Visitors per step by ${breakdown:text}", "visitors", names),
        ("Step conversion by ${breakdown:text}", "conversion_from_previous", names[1:]),
    ]
    for title, measure, steps in charts:
        panel = next(p for p in panels(DASHBOARDS["funnel"]) if p["title"] == title)
        chart = _funnel_panel(shop, title, chosen)
        check_result(panel, chart.columns, chart.types, len(chart.rows))
        assert chart.columns == ["breakdown", *steps], title
        shown = {(row["breakdown"], step): row[step] for row in chart.dicts() for step in steps}
        in_table = {
            (row["breakdown"], row["step_name"]): row[measure]
            for row in table
            if row["step_name"] in steps
        }
        assert shown == in_table, title


def _local_day(time: datetime) -> date:
    return (time.astimezone(ZONE) if time.tzinfo else time).date()


def test_the_traffic_panels_match_the_oracle(shop: Warehouse, shop_records) -> None:
    """The pre-aggregated traffic per week on the dashboard counts what the definition says:
    each event once, page views, visitor ids; the per-type series add up to the events."""
    expected = oracle_funnel.traffic_totals(
        shop_records, SITE, *MARCH_WALL.values(), "week", ZONE.key
    )
    totals = _funnel_panel(shop, "Traffic per ${bucket:text}", {"bucket": "week"}).dicts()
    assert [
        {"period_start": _local_day(row["time"]), **{k: v for k, v in row.items() if k != "time"}}
        for row in totals
    ] == [
        {k: row[k] for k in ("period_start", "visitor_ids", "page_views", "events")}
        for row in expected
    ]
    by_type = _funnel_panel(shop, "Events per ${bucket:text} by type", {"bucket": "week"}).dicts()
    summed: dict[date, int] = {}
    for row in by_type:
        summed[_local_day(row["time"])] = summed.get(_local_day(row["time"]), 0) + row["events"]
    assert summed == {row["period_start"]: row["events"] for row in expected}
