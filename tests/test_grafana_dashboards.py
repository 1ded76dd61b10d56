"""Every provisioned dashboard is a valid Grafana dashboard model for our data sources: unique
uids, panels on the grid, targets with data source references that resolve to the dashboard's
data source variables, no reference to a variable that does not exist (nor a variable nobody
uses), and the analytics panels read the views (never copies of their SQL), passing the time
picker to them in one agreed way (docs/grafana.md)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from queries import QUERIES_DIR
from tests.support.dashboards import (
    CLICKHOUSE_PLUGIN,
    custom_options,
    load_dashboards,
    panel_queries,
    panels,
    variables,
)
from tests.support.grafana_macros import MACROS
from tests.support.grafana_templating import references

DASHBOARDS = load_dashboards()
QUERIES = panel_queries(DASHBOARDS)
PLUGINS = {CLICKHOUSE_PLUGIN, "prometheus"}
# Grafana's own variables that a query may use (Prometheus panels: $__rate_interval).
BUILT_INS = {"__rate_interval", "__interval", "__interval_ms", "__range"}
# The one way a panel hands the time picker to a view (docs/grafana.md): the picker's instants,
# rounded up to whole seconds, written as the site's wall-clock time.
PICKER_START = "formatDateTime(addMilliseconds($__fromTime_ms, 999), '%F %T', ${site_tz:sqlstring})"
PICKER_END = "formatDateTime(addMilliseconds($__toTime_ms, 999), '%F %T', ${site_tz:sqlstring})"
VIEW_ARGUMENTS = {
    "site": "${site:sqlstring}",
    "date_from": PICKER_START,
    "date_to": PICKER_END,
    "as_of": PICKER_END,
}
# Operational tables the pipeline-health panels read directly (there are no views over them).
OPERATIONAL_TABLES = {"events", "dead_letters"}
VIEWS = {
    match.group(1)
    for path in QUERIES_DIR.glob("*.sql")
    for match in re.finditer(r"CREATE OR REPLACE VIEW clickstream\.(\w+)", path.read_text())
}


def test_there_is_a_dashboard_for_each_area() -> None:
    areas = {"funnel", "stages", "lifecycle", "sources", "cohorts", "products", "pipeline"}
    assert areas <= set(DASHBOARDS)


def test_uids_and_titles_are_unique_and_stable() -> None:
    uids = [d["uid"] for d in DASHBOARDS.values()]
    assert len(set(uids)) == len(uids)
    assert len({d["title"] for d in DASHBOARDS.values()}) == len(DASHBOARDS)
    for name, dashboard in DASHBOARDS.items():
        assert dashboard["uid"] == f"clickstream-{name}" and len(dashboard["uid"]) <= 40
        assert "clickstream" in dashboard["tags"]
        assert "id" not in dashboard, "provisioned dashboards carry no database id"
        assert dashboard["timezone"] == "", "the viewer's time zone setting (docs/grafana.md)"
        assert isinstance(dashboard["schemaVersion"], int)
        assert {"from", "to"} <= set(dashboard["time"])


@pytest.mark.parametrize("name", DASHBOARDS)
def test_panels_sit_on_the_grid_without_overlapping(name: str) -> None:
    taken: set[tuple[int, int]] = set()
    ids = []
    for panel in panels(DASHBOARDS[name]):
        ids.append(panel["id"])
        grid = panel["gridPos"]
        assert grid["w"] >= 1 and grid["h"] >= 1 and grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells
        assert panel.get("title"), "every panel has a title"
        if panel["type"] != "row":
            assert panel.get("description"), f"{panel['title']}: say what it shows"
            assert panel.get("targets"), panel["title"]
    assert len(set(ids)) == len(ids), "panel ids are unique"


def _is_macro(name: str) -> bool:
    return name.startswith("__") and name[2:] in MACROS


def _data_source_variables(dashboard: dict[str, Any]) -> dict[str, str]:
    """Variable name -> plugin id, for the dashboard's data source variables."""
    return {v["name"]: v["query"] for v in variables(dashboard) if v["type"] == "datasource"}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.id)
def test_targets_refer_to_a_data_source_variable_of_their_plugin(query) -> None:
    sources = _data_source_variables(DASHBOARDS[query.dashboard])
    panel_source = query.panel["datasource"]
    target_source = query.target.get("datasource", panel_source)
    assert target_source == panel_source, "a panel's targets use the panel's data source"
    assert panel_source["type"] in PLUGINS
    name = re.fullmatch(r"\$\{(\w+)\}", panel_source["uid"])
    assert name and sources.get(name.group(1)) == panel_source["type"], panel_source


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.id)
def test_targets_are_well_formed(query) -> None:
    target, panel = query.target, query.panel
    refs = [t["refId"] for t in panel["targets"]]
    assert len(set(refs)) == len(refs)
    if query.plugin == "prometheus":
        assert target["expr"].strip()
        return
    assert target["editorType"] == "sql" and target["rawSql"].strip()
    time_series = panel["type"] == "timeseries"
    # The plugin's query type (editor) and sqlutil's format (0 time series: long to wide; 1 table)
    assert target["queryType"] == ("timeSeries" if time_series else "table")
    assert target["format"] == (0 if time_series else 1)


@pytest.mark.parametrize("name", DASHBOARDS)
def test_no_dangling_and_no_unused_variables(name: str) -> None:
    dashboard = DASHBOARDS[name]
    defined: list[str] = []
    used: set[str] = set()
    for variable in variables(dashboard):
        if variable["type"] == "query":
            assert variable["datasource"] == {"type": CLICKHOUSE_PLUGIN, "uid": "${datasource}"}
            for ref in references(variable["query"]):
                assert ref in defined or _is_macro(ref), f"{variable['name']} uses ${ref}"
                used.add(ref)
        elif variable["type"] == "custom":
            assert variable["current"]["value"] in custom_options(variable)
        elif variable["type"] == "datasource":
            assert variable["query"] in PLUGINS
            assert variable["current"]["value"].startswith("clickstream-")
        defined.append(variable["name"])
    assert len(set(defined)) == len(defined)
    for panel in panels(dashboard):
        texts = [panel["title"], panel.get("datasource", {}).get("uid", "")]
        texts += [t.get("rawSql", "") + t.get("expr", "") for t in panel.get("targets", [])]
        for text in texts:
            for ref in references(text):
                known = ref in defined or _is_macro(ref) or ref in BUILT_INS
                assert known, f"{panel['title']} refers to ${ref}, which is not defined"
                used.add(ref)
    assert set(defined) <= used, f"unused variables: {set(defined) - used}"


def _view_calls(sql: str) -> list[tuple[str, dict[str, str]]]:
    """(name, {parameter: argument}) of every clickstream.name(...) call in `sql`."""
    calls = []
    for match in re.finditer(r"clickstream\.(\w+)\(", sql):
        depth, start, arguments = 1, match.end(), []
        position = start
        while depth:
            char = sql[position]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            if (char == "," and depth == 1) or depth == 0:
                arguments.append(sql[start:position].strip())
                start = position + 1
            position += 1
        pairs = dict(argument.split(" = ", 1) for argument in arguments if argument)
        calls.append((match.group(1), pairs))
    return calls


@pytest.mark.parametrize(
    "query", [q for q in QUERIES if q.plugin == CLICKHOUSE_PLUGIN], ids=lambda q: q.id
)
def test_analytics_panels_read_views_and_pass_the_picker_one_way(query) -> None:
    sql = query.target["rawSql"]
    read = set(re.findall(r"clickstream\.(\w+)", sql))
    if query.dashboard == "pipeline":
        assert read <= OPERATIONAL_TABLES, read
        return
    assert read and read <= VIEWS, f"not views of queries/: {read - VIEWS}"
    assert not re.search(r"\bFINAL\b|\bJOIN\b", sql), "panels read views, not copies of them"
    for view, arguments in _view_calls(sql):
        assert "site" in arguments, view
        for parameter, argument in arguments.items():
            if parameter in VIEW_ARGUMENTS:
                assert argument == VIEW_ARGUMENTS[parameter], (view, parameter, argument)


def test_the_views_the_dashboards_name_exist() -> None:
    named = {
        view
        for query in QUERIES
        if query.plugin == CLICKHOUSE_PLUGIN and query.dashboard != "pipeline"
        for view, _ in _view_calls(query.target["rawSql"])
    }
    assert named <= VIEWS
    spec = {"funnel", "order_count_distribution", "value_pyramid", "lifecycle_segments"}
    spec |= {"cart_abandonment", "lifecycle_movement", "rfm_summary", "acquisition_sources"}
    spec |= {"acquisition_sources_compare", "cohort_retention", "product_stats"}
    spec |= {"products_bought_together", "recently_viewed_products"}
    assert spec <= named, spec - named
