"""`clickstream report` against chDB in this process: every report's JSON and CSV (the funnel's
also per period, channel, campaign, device and visitor type, --by) carry exactly the rows its
views give for the same parameters (queried here independently), the funnel and the pyramid
agree with hand-worked golden numbers and with the plain-Python oracles, tables carry their
headings, `--plot` writes PNGs, and bad input is a usage error (exit code 2)."""

from __future__ import annotations

import csv
import io
import json
import struct
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from clickstream.cli import app
from clickstream.reports.formats import column_kind, format_value
from clickstream.reports.period import (
    describe_duration,
    parse_duration,
    resolve_period,
    split_period,
)
from clickstream.warehouse import Warehouse
from schemas.migrations import migrate
from tests import oracle, oracle_customers, oracle_funnel
from tests.support.golden import GOLDEN, load_golden
from tests.support.shoppers import ShopperGenerator
from tests.test_views_funnel import renamed
from tests.test_views_oracle import assert_rows_equal

SITE = "shop"
MARCH = ["--from", "2026-03-01", "--to", "2026-04-01"]
SPRING = ["--from", "2026-03-01", "--to", "2026-05-01"]
# report (and --by) -> its options in these tests (explicit, so the views can be asked the same)
RUNS: dict[str, list[str]] = {
    "funnel": [*MARCH, "--window", "2d", "--grain", "week"],
    "funnel --by period": [*MARCH, "--window", "2d", "--grain", "week"],
    "funnel --by channel": [*MARCH, "--window", "2d"],
    "funnel --by campaign": [*MARCH, "--window", "2d"],
    "funnel --by device": [*MARCH, "--window", "2d"],
    "funnel --by visitor_type": [*MARCH, "--window", "2d"],
    "stages": [*MARCH, "--window", "2d"],
    "lifecycle": [*SPRING, "--as-of", "2026-04-15 12:00:00", "--dormant-days", "10"],
    "pyramid": SPRING,
    "sources": [*SPRING, "--grain", "month", "--compare-to", "quarter", "--window", "3d"],
    "cohorts": [*SPRING, "--grain", "week", "--cohort-by", "first_order"],
    "products": SPRING,
}
MARCH_ARGS = {"date_from": "2026-03-01 00:00:00", "date_to": "2026-04-01 00:00:00"}
FUNNEL_ARGS = {**MARCH_ARGS, "window_seconds": 172800}
SPRING_ARGS = {"date_from": "2026-03-01 00:00:00", "date_to": "2026-05-01 00:00:00"}


def by(*keys: str, descending: tuple[str, ...] = ()) -> Callable[[list[dict]], list[dict]]:
    """Rows sorted by these columns (the `descending` ones highest first)."""

    def order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for key in reversed(keys):
            rows = sorted(rows, key=lambda row: row[key], reverse=key in descending)
        return rows

    return order


def as_is(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return rows


SOURCE_ORDER = by(
    "model",
    "visitors",
    "channel",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer_domain",
    descending=("visitors",),
)
# report -> section -> (view, its arguments, the rows as the report orders them)
EXPECTED: dict[str, dict[str, tuple[str, dict[str, Any], Callable]]] = {
    "funnel": {
        "funnel": ("funnel", FUNNEL_ARGS, as_is),
        "stages_reached": ("funnel_stage_reached", MARCH_ARGS, as_is),
        "abandonment": ("abandonment", FUNNEL_ARGS, as_is),
        "trend": ("conversion_trend", {**MARCH_ARGS, "bucket": "week"}, as_is),
    },
    "funnel --by period": {
        "by_period": ("funnel_by_period", {**FUNNEL_ARGS, "bucket": "week"}, as_is),
    },
    **{
        f"funnel --by {by}": {f"by_{by}": (f"funnel_by_{by}", FUNNEL_ARGS, as_is)}
        for by in ("channel", "campaign", "device", "visitor_type")
    },
    "stages": {
        "stranger": ("stranger_stage", MARCH_ARGS, as_is),
        "lead": ("lead_stage", MARCH_ARGS, as_is),
        "potential": ("potential_stage", MARCH_ARGS, as_is),
        "abandonment": ("abandonment", {**MARCH_ARGS, "window_seconds": 172800}, as_is),
        "deal": ("deal_stage", MARCH_ARGS, as_is),
        "growth": ("growth_stage", MARCH_ARGS, as_is),
        "order_counts": ("order_count_distribution", MARCH_ARGS, as_is),
        "engagement": ("engagement", MARCH_ARGS, as_is),
    },
    "lifecycle": {
        "segments": (
            "lifecycle_segments_custom",
            {"as_of": "2026-04-15 12:00:00", "dormant_days": 10, "one_time_churn_days": 180},
            as_is,
        ),
        "movement": (
            "lifecycle_movement",
            SPRING_ARGS,
            by("month", "from_segment", "visitors", "to_segment", descending=("visitors",)),
        ),
    },
    "pyramid": {
        "pyramid": ("value_pyramid", SPRING_ARGS, as_is),
        "order_counts": ("order_count_distribution", SPRING_ARGS, as_is),
        "rfm": ("rfm_summary", SPRING_ARGS, as_is),
    },
    "sources": {
        "sources": ("acquisition_sources", SPRING_ARGS, SOURCE_ORDER),
        "compare": (
            "acquisition_sources_compare",
            {**SPRING_ARGS, "compare_to": "quarter"},
            SOURCE_ORDER,
        ),
        "campaigns": (
            "campaign_conversion",
            {**SPRING_ARGS, "window_seconds": 259200},
            as_is,
        ),
        "campaign_costs": (
            "campaign_acquisition_cost",
            {**SPRING_ARGS, "window_seconds": 259200},
            as_is,
        ),
    },
    "cohorts": {
        "retention": (
            "cohort_retention",
            {**SPRING_ARGS, "cohort_by": "first_order", "grain": "week"},
            as_is,
        ),
    },
    "products": {
        "most_viewed": ("product_stats", SPRING_ARGS, by("views_rank")),
        "most_carted": ("product_stats", SPRING_ARGS, by("carts_rank")),
        "most_ordered": ("product_stats", SPRING_ARGS, by("orders_rank")),
        "bought_together": (
            "products_bought_together",
            SPRING_ARGS,
            by("orders", "product_a", "product_b", descending=("orders",)),
        ),
    },
}
TYPES = {int: "UInt32", str: "String"}
TIMES = {"date_from": "DateTime", "date_to": "DateTime", "as_of": "DateTime"}


def everything(case: str) -> list[str]:
    """The report (and --by) with its test options, with every row of its lists (--top 0) where
    it has lists."""
    return [*case.split(), *RUNS[case], "--site", SITE, *(["--top", "0"] if case in LISTS else [])]


LISTS = {"sources", "products"}


@pytest.fixture(scope="module")
def shop(chdb_session_warehouse: Warehouse) -> Iterator[tuple[Warehouse, list[dict[str, Any]]]]:
    """Generated journeys of site `shop` (March and April 2026) and the golden shops."""
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    records = ShopperGenerator(seed=17).generate(people=400)
    for start in range(0, len(records), 2000):
        warehouse.insert_rows("clickstream.events", records[start : start + 2000])
    load_golden(warehouse)
    yield warehouse, records


def report(warehouse: Warehouse, *arguments: str) -> Any:
    """`clickstream report ...` in this process, reading the session's chDB."""
    return CliRunner().invoke(app, ["report", *arguments, "--clickhouse", warehouse.url])


def run_json(warehouse: Warehouse, name: str, *arguments: str) -> dict[str, Any]:
    result = report(warehouse, name, *arguments, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def view_rows(warehouse: Warehouse, site: str, view: str, arguments: dict[str, Any]) -> Any:
    """SELECT * FROM the view, every argument bound (times as the shop's local text)."""
    types = {name: TIMES.get(name) or TYPES[type(value)] for name, value in arguments.items()}
    bound = "".join(f", {name} = {{{name}:{types[name]}}}" for name in arguments)
    return warehouse.query(
        f"SELECT * FROM clickstream.{view}(site = {{site:String}}{bound})",
        {"site": site, **arguments},
    )


def json_value(value: Any, type_name: str) -> Any:
    """A value of the JSON output back in the Python type the warehouse gives."""
    if value is None:
        return None
    if "Float" in type_name:
        return float(value)
    if type_name.startswith(("Date", "Nullable(Date")):
        text = value.replace("T", " ")
        return date.fromisoformat(text) if "Time" not in type_name else text
    return value


def same(got: Any, want: Any) -> bool:
    if isinstance(want, datetime):
        return datetime.fromisoformat(str(got)) == want.replace(tzinfo=None)
    if isinstance(want, float):
        return got == pytest.approx(want, abs=1e-12) or (got != got and want != want)
    if isinstance(want, tuple):
        return list(got) == list(want)
    return got == want


@pytest.mark.parametrize("case", list(RUNS))
def test_json_rows_are_the_views_rows(shop: tuple[Warehouse, list], case: str) -> None:
    warehouse, _ = shop
    document = run_json(warehouse, *everything(case))
    expected = EXPECTED[case]
    sections = document["sections"]
    assert set(sections) - {"channels"} == set(expected)
    for section, (view, arguments, order) in expected.items():
        got = sections[section]
        assert got["view"] == f"clickstream.{view}"
        bound = {k: json_value(v, TIMES.get(k, "")) for k, v in got["arguments"].items()}
        assert bound == {"site": SITE, **arguments}, section
        want = view_rows(warehouse, SITE, view, arguments)
        assert got["columns"] == want.columns and got["types"] == want.types, section
        rows = [
            {c: json_value(row[c], t) for c, t in zip(got["columns"], got["types"], strict=True)}
            for row in got["rows"]
        ]
        wanted = order(want.dicts())
        assert len(rows) == len(wanted), section
        for row, want_row in zip(rows, wanted, strict=True):
            for column, value in want_row.items():
                assert same(row[column], value), (section, column, row, want_row)


def test_sources_channels_over_time_add_up_per_period(shop: tuple[Warehouse, list]) -> None:
    """The per-month channel sums equal acquisition_sources (last touch) of each month."""
    warehouse, _ = shop
    document = run_json(warehouse, *everything("sources"))
    rows = document["sections"]["channels"]["rows"]
    months = [("2026-03-01 00:00:00", "2026-04-01 00:00:00"), ("2026-04-01", "2026-05-01")]
    expected = []
    for date_from, date_to in months:
        sums: dict[str, dict[str, Any]] = {}
        arguments = {
            "date_from": date_from[:10] + " 00:00:00",
            "date_to": date_to[:10] + " 00:00:00",
        }
        for row in view_rows(warehouse, SITE, "acquisition_sources", arguments).dicts():
            if row["model"] != "last_touch":
                continue
            total = sums.setdefault(
                row["channel"],
                {"visitors": 0, "new_visitors": 0, "orders": 0, "revenue": Decimal(0)},
            )
            for measure in total:
                total[measure] += row[measure]
        expected += [
            {"period_start": date_from[:10], "channel": channel, **total}
            for channel, total in sums.items()
        ]
    key = lambda row: (row["period_start"], row["channel"])  # noqa: E731
    assert sorted(rows, key=key) == sorted(expected, key=key)
    assert {row["period_start"] for row in rows} == {"2026-03-01", "2026-04-01"}


def csv_sections(text: str) -> dict[str, list[dict[str, str]]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("# "):
            current = line[2:]
        elif line:
            sections.setdefault(current, []).append(line)
    return {
        name: list(csv.DictReader(io.StringIO("\n".join(lines))))
        for name, lines in sections.items()
    }


def csv_matches(cell: str, value: Any) -> bool:
    if value is None:
        return cell == ""
    if isinstance(value, bool | int | Decimal):
        return Decimal(cell) == Decimal(value)
    if isinstance(value, float):
        return float(cell) == pytest.approx(value, abs=1e-12)
    if isinstance(value, datetime):
        return datetime.fromisoformat(cell) == value.replace(tzinfo=None)
    if isinstance(value, date):
        return date.fromisoformat(cell) == value
    if isinstance(value, list | tuple):
        return json.loads(cell) == list(value)
    return cell == str(value)


@pytest.mark.parametrize("case", list(RUNS))
def test_csv_rows_are_the_views_rows(shop: tuple[Warehouse, list], case: str) -> None:
    warehouse, _ = shop
    result = report(warehouse, *everything(case), "--format", "csv")
    assert result.exit_code == 0, result.output
    sections = csv_sections(result.stdout)
    for section, (view, arguments, order) in EXPECTED[case].items():
        wanted = order(view_rows(warehouse, SITE, view, arguments).dicts())
        got = sections[section if len(sections) > 1 else ""]
        assert len(got) == len(wanted), section
        for row, want_row in zip(got, wanted, strict=True):
            assert list(row) == list(want_row), section
            for column, value in want_row.items():
                assert csv_matches(row[column], value), (section, column, row[column], value)


def test_one_section_is_plain_csv(shop: tuple[Warehouse, list]) -> None:
    warehouse, _ = shop
    result = report(
        warehouse, "pyramid", *SPRING, "--site", SITE, "--section", "pyramid", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "tier,customers,revenue,revenue_share,avg_order_value"
    assert [line.split(",")[0] for line in lines[1:]] == ["vip", "major", "ordinary", "small"]


def test_top_cuts_ordered_lists(shop: tuple[Warehouse, list]) -> None:
    warehouse, _ = shop
    document = run_json(warehouse, "products", *SPRING, "--site", SITE, "--top", "5")
    stats = view_rows(warehouse, SITE, "product_stats", SPRING_ARGS).dicts()
    for section, rank in (("most_viewed", "views_rank"), ("most_ordered", "orders_rank")):
        rows = document["sections"][section]["rows"]
        assert [row["product_id"] for row in rows] == [
            row["product_id"] for row in sorted(stats, key=lambda row: row[rank])[:5]
        ]
    document = run_json(warehouse, "sources", *RUNS["sources"], "--site", SITE, "--top", "3")
    for section in ("sources", "compare"):
        models = [row["model"] for row in document["sections"][section]["rows"]]
        assert models == ["first_touch"] * 3 + ["last_touch"] * 3


def golden_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((GOLDEN / f"{name}.tsv").open(), delimiter="\t"))


@pytest.mark.parametrize(
    ("case", "section", "golden"),
    [
        ("funnel", "funnel", "funnel"),
        ("funnel", "stages_reached", "funnel_stage_reached"),
        ("funnel --grain week", "trend", "conversion_trend"),
        ("funnel --by period --grain day", "by_period", "funnel_by_period"),
        ("funnel --by channel", "by_channel", "funnel_by_channel"),
        ("funnel --by campaign", "by_campaign", "funnel_by_campaign"),
        ("funnel --by device", "by_device", "funnel_by_device"),
        ("funnel --by visitor_type", "by_visitor_type", "funnel_by_visitor_type"),
        ("pyramid", "pyramid", "value_pyramid"),
    ],
)
def test_golden_numbers(shop: tuple[Warehouse, list], case: str, section: str, golden: str) -> None:
    """The hand-worked golden shop (tests/golden/queries.sql): 4 visitors, 3 engaged, ...,
    2 ordered, all in the week of 2026-01-05; a VIP of 120 and a small customer of 100."""
    warehouse, _ = shop
    arguments = [*case.split(), "--from", "2026-01-01", "--to", "2026-02-01", "--site", "golden"]
    if case.startswith("funnel"):
        arguments += ["--window", "7d"]
    rows = run_json(warehouse, *arguments)["sections"][section]["rows"]
    expected = golden_rows(golden)
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected, strict=True):
        for column, text in want.items():
            if text == "\\N":
                assert row[column] is None
            elif isinstance(row[column], str):
                assert row[column] == text
            else:
                assert Decimal(str(row[column])) == pytest.approx(Decimal(text)), column


def test_funnel_and_pyramid_equal_the_oracles(shop: tuple[Warehouse, list]) -> None:
    warehouse, records = shop
    document = run_json(warehouse, "funnel", *RUNS["funnel"], "--site", SITE)
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    funnel = oracle.funnel(records, SITE, start, end, 172800)
    assert funnel[0]["visitors"] > 100 and funnel[5]["visitors"] > 5, "a real funnel"
    assert_rows_equal(floats(document, "funnel"), funnel)
    document = run_json(warehouse, "pyramid", *SPRING, "--site", SITE)
    pyramid = oracle_customers.value_pyramid(records, SITE, "UTC", *SPRING_ARGS.values())
    assert_rows_equal(floats(document, "pyramid"), pyramid)


@pytest.mark.parametrize(
    ("by", "dimension"),
    [
        ("period", "week"),
        ("channel", "channel"),
        ("campaign", "campaign"),
        ("device", "device"),
        ("visitor_type", "visitor_type"),
    ],
)
def test_funnel_by_equals_the_oracle(shop: tuple[Warehouse, list], by: str, dimension: str) -> None:
    warehouse, records = shop
    document = run_json(warehouse, *everything(f"funnel --by {by}"))
    section = document["sections"][f"by_{by}"]
    column = section["columns"][0]
    start, end = datetime(2026, 3, 1), datetime(2026, 4, 1)
    expected = oracle_funnel.funnel_breakdown(records, SITE, start, end, 172800, dimension, "UTC")
    assert len({row["value"] for row in expected}) > 1, "several groups"
    convert = date.fromisoformat if by == "period" else str
    assert_rows_equal(floats(document, f"by_{by}"), renamed(expected, column, convert))


def test_funnel_stages_reached_and_trend_equal_the_oracles(shop: tuple[Warehouse, list]) -> None:
    warehouse, records = shop
    document = run_json(warehouse, *everything("funnel"))
    start, end = datetime(2026, 3, 1), datetime(2026, 4, 1)
    reached = oracle_funnel.stage_reached(records, SITE, start, end, "UTC")
    assert reached[5]["visitors"] > 5, "a real shop"
    assert_rows_equal(floats(document, "stages_reached"), reached)
    trend = oracle_funnel.conversion_trend(records, SITE, start, end, "week", "UTC")
    assert len(trend) >= 5
    assert_rows_equal(floats(document, "trend"), trend)


def test_funnel_by_takes_only_the_parameters_it_uses(shop: tuple[Warehouse, list]) -> None:
    warehouse, _ = shop
    channel = run_json(warehouse, *everything("funnel --by channel"))["parameters"]
    assert channel["by"] == "channel" and "bucket" not in channel and "grain" not in channel
    period = run_json(warehouse, *everything("funnel --by period"))["parameters"]
    assert (period["by"], period["bucket"], period["grain"]) == ("period", "week", "week")
    whole = run_json(warehouse, "funnel", *MARCH, "--site", SITE)["parameters"]
    assert "by" not in whole and whole["bucket"] == "day", "the trend is daily by default"


def floats(document: dict[str, Any], section: str) -> list[dict[str, Any]]:
    got = document["sections"][section]
    return [
        {c: json_value(row[c], t) for c, t in zip(got["columns"], got["types"], strict=True)}
        for row in got["rows"]
    ]


HEADINGS = {
    "funnel": [
        "Ordered funnel",
        "step name",
        "% of previous",
        "drop-off rate",
        "median time",
        "Stages reached, in any order",
        "active visitors",
        "Visit-to-order conversion per period",
        "ordering visitors",
    ],
    "funnel --by period": ["Ordered funnel per day, week or month", "period start", "2026-03-02"],
    "funnel --by channel": ["Ordered funnel by the channel", "channel", "direct", "search"],
    "funnel --by campaign": ["Ordered funnel by the UTM campaign", "utm campaign"],
    "funnel --by device": ["Ordered funnel by the device class", "device class", "mobile"],
    "funnel --by visitor_type": ["new and returning visitors", "returning", "% of first"],
    "stages": ["Stranger stage", "bounce rate", "Deal stage", "revenue growth rate"],
    "lifecycle": ["Lifecycle segments", "dormant_potential", "Movement between segments"],
    "pyramid": ["Value pyramid", "revenue share", "avg order value", "Recency, frequency"],
    "sources": ["Sources, first and last touch", "first_touch", "Channels over time"],
    "cohorts": ["Retention by cohort", "cohort size"],
    "products": ["Most viewed", "cart to order rate", "Bought together", "confidence a to b"],
}


@pytest.mark.parametrize("case", list(RUNS))
def test_tables_have_their_headings(shop: tuple[Warehouse, list], case: str) -> None:
    warehouse, _ = shop
    result = report(warehouse, *case.split(), *RUNS[case], "--site", SITE)
    assert result.exit_code == 0, result.output
    for heading in HEADINGS[case]:
        assert heading in result.stdout, heading
    assert "…" not in result.stdout, "nothing is cut"


def test_table_formats_rates_money_and_durations(shop: tuple[Warehouse, list]) -> None:
    warehouse, _ = shop
    golden = ["--from", "2026-01-01", "--to", "2026-02-01", "--site", "golden"]
    funnel = report(warehouse, "funnel", *golden).stdout
    engaged = next(line for line in funnel.splitlines() if "engaged" in line)
    # 3 of 4 visitors engaged (75 %), median 60 s, p90 492 s (golden/funnel.tsv)
    assert "75.0%" in engaged and "1m" in engaged and "8m 12s" in engaged
    pyramid = report(warehouse, "pyramid", *golden).stdout
    vip = next(line for line in pyramid.splitlines() if "vip" in line)
    assert "120.00" in vip and "54.5%" in vip


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("case", list(RUNS))
def test_plot_writes_a_png(shop: tuple[Warehouse, list], case: str, tmp_path: Path) -> None:
    warehouse, _ = shop
    path = tmp_path / "report.png"
    result = report(warehouse, *case.split(), *RUNS[case], "--site", SITE, "--plot", str(path))
    assert result.exit_code == 0, result.output
    width, height = png_size(path)
    assert width >= 1000 and height >= 300 and path.stat().st_size > 20_000
    assert f"wrote {path}" in result.stderr


@pytest.mark.parametrize("case", list(RUNS))
def test_plot_of_a_shop_without_data(
    shop: tuple[Warehouse, list], case: str, tmp_path: Path
) -> None:
    warehouse, _ = shop
    path = tmp_path / "empty.png"
    arguments = [*case.split(), "--site", "nobody", "--plot", str(path), "--format", "csv"]
    result = report(warehouse, *arguments)
    assert result.exit_code == 0, result.output
    png_size(path)


def test_site_names_are_bound_not_pasted(shop: tuple[Warehouse, list]) -> None:
    warehouse, _ = shop
    document = run_json(warehouse, "pyramid", "--site", "o'brien\\'; DROP TABLE x --")
    assert [row["customers"] for row in document["sections"]["pyramid"]["rows"]] == [0] * 4


def test_default_period_is_the_last_30_days_in_the_site_time_zone(
    shop: tuple[Warehouse, list],
) -> None:
    warehouse, _ = shop
    parameters = run_json(warehouse, "stages", "--site", "golden-sh")["parameters"]
    assert parameters["time_zone"] == "Asia/Shanghai"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    date_to = datetime.fromisoformat(parameters["date_to"])
    assert date_to == datetime.combine(today + timedelta(days=1), datetime.min.time())
    assert datetime.fromisoformat(parameters["date_from"]) == date_to - timedelta(days=30)
    assert parameters["window_seconds"] == 7 * 86400
    sources = run_json(warehouse, "sources", "--site", "golden-sh", "--grain", "week")
    assert (sources["parameters"]["date_from"], sources["parameters"]["date_to"]) == (
        parameters["date_from"],
        parameters["date_to"],
    )
    cohorts = run_json(warehouse, "cohorts", "--site", "golden-sh")["parameters"]
    month_start = datetime(today.year, today.month, 1)
    assert datetime.fromisoformat(cohorts["date_to"]) == (month_start + timedelta(days=32)).replace(
        day=1
    )
    assert datetime.fromisoformat(cohorts["date_from"]).day == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["funnels"], "is not one of"),
        (["funnel", "--from", "2026-13-01"], "is not a date"),
        (["funnel", "--to", "yesterday"], "is not a date"),
        (["funnel", "--from", "2026-03-01", "--to", "2026-02-01"], "is not after"),
        (["funnel", "--window", "soon"], "is not a duration"),
        (["funnel", "--window", "0"], "is not a duration"),
        (["pyramid", "--window", "7d"], "does not apply to the pyramid report"),
        (["lifecycle", "--top", "3"], "does not apply"),
        (["cohorts", "--grain", "day"], "week or month"),
        (["funnel", "--section", "nope"], "has no section 'nope'"),
        (["lifecycle", "--as-of", "2026-01-01T00:00:00+08:00"], "without a zone"),
        (["funnel", "--format", "xml"], "is not one of"),
        (
            ["funnel", "--by", "colour"],
            "Invalid value for --by: the funnel report takes period, channel, campaign, device "
            "or visitor_type, not 'colour'",
        ),
        (["stages", "--by", "channel"], "--by: does not apply to the stages report"),
        (
            ["funnel", "--by", "channel", "--grain", "week"],
            "--grain: does not apply to the funnel report --by channel",
        ),
        (
            ["funnel", "--by", "device", "--section", "trend"],
            "report funnel --by device has no section 'trend' (it has: by_device)",
        ),
    ],
)
def test_bad_input_is_a_usage_error(
    shop: tuple[Warehouse, list], arguments: list[str], message: str
) -> None:
    warehouse, _ = shop
    result = report(warehouse, *arguments, "--site", SITE)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.replace("│", " ").split()), result.output


def test_which_site_must_be_said_when_there_are_several(
    shop: tuple[Warehouse, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse, _ = shop
    monkeypatch.setenv("CLICKSTREAM_WRITE_KEYS", "a:ka,b:kb")
    result = report(warehouse, "pyramid")
    assert result.exit_code == 2 and "which site?" in result.output
    monkeypatch.setenv("CLICKSTREAM_WRITE_KEYS", f"{SITE}:key")
    assert report(warehouse, "pyramid", "--format", "csv").exit_code == 0


def test_no_data_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", "funnel", "--site", SITE, "--clickhouse", f"chdb://{tmp_path / 'none'}"]
    )
    assert result.exit_code == 1
    assert "no ClickHouse data at" in result.output and not (tmp_path / "none").exists()


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600), ("90s", 90), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (1.5, "1.5s"), (60, "1m"), (86, "1m 26s"), (3660, "1h 1m"), (604800, "7d")],
)
def test_durations_read_by_people(seconds: float, text: str) -> None:
    assert describe_duration(seconds) == text


@pytest.mark.parametrize(
    ("grain", "start", "end"),
    [
        (None, datetime(2026, 2, 24), datetime(2026, 3, 26)),  # 30 days, today included
        ("week", datetime(2026, 1, 5), datetime(2026, 3, 30)),  # 12 weeks from Monday
        ("month", datetime(2025, 10, 1), datetime(2026, 4, 1)),  # 6 months, this one included
    ],
)
def test_default_periods(grain: Any, start: datetime, end: datetime) -> None:
    period = resolve_period(None, None, grain, date(2026, 3, 25))  # a Wednesday
    assert (period.date_from, period.date_to) == (start, end)


def test_periods_split_on_the_calendar() -> None:
    period = resolve_period(datetime(2026, 1, 30), datetime(2026, 3, 3), "month", date.today())
    parts = [(p.date_from.date(), p.date_to.date()) for p in split_period(period, "month")]
    assert parts == [
        (date(2026, 1, 30), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 3, 1)),
        (date(2026, 3, 1), date(2026, 3, 3)),
    ]
    weeks = split_period(
        resolve_period(datetime(2026, 3, 4), datetime(2026, 3, 17), None, date.today()), "week"
    )
    assert [w.date_from.weekday() for w in weeks[1:]] == [0, 0]


@pytest.mark.parametrize(
    ("column", "type_name", "value", "shown"),
    [
        ("conversion_from_previous", "Float64", 0.7411, "74.1%"),
        ("registration_growth_rate", "Nullable(Float64)", None, "–"),
        ("revenue_share", "Float64", 0.5, "50.0%"),
        ("revenue", "Decimal(38, 4)", Decimal("1234.5"), "1,234.50"),
        ("cost_per_new_customer", "Nullable(Decimal(38, 4))", Decimal("3.14159"), "3.14"),
        ("median_seconds_between_orders", "Float64", 90061.0, "1d 1h"),
        ("visitors", "UInt64", 1234567, "1,234,567"),
        ("login_frequency", "Float64", 0.0516, "0.05"),
    ],
)
def test_table_values(column: str, type_name: str, value: Any, shown: str) -> None:
    assert format_value(value, column_kind(column, type_name)) == shown
