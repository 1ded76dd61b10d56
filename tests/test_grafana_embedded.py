"""The dashboards against the embedded mode, as Grafana's ClickHouse data source uses it over
HTTP (deploy/grafana/provisioning/datasources/embedded.yaml): every ClickHouse panel query,
expanded, goes to the real read-only SQL endpoint of `clickstream serve` with the provisioned
user and password and the settings the data source sends with each query (max_execution_time,
and Grafana's row limit as `limit` from plugin 4.9 on), and comes back with the columns its
panel needs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from clickstream.generate import Journeys, TrafficOptions
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
from tests.support.embedded import SQL_PASSWORD, SQL_USER, EmbeddedProcess

END = datetime(2026, 6, 1, tzinfo=UTC)
RANGE = TimeRange(END - timedelta(days=60), END, timedelta(days=1))
# What the data source adds to every query: its query timeout and Grafana's row limit.
DATA_SOURCE_SETTINGS = {"max_execution_time": "60", "limit": "1000000"}
DASHBOARDS = load_dashboards()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedProcess]:
    options = TrafficOptions(visitors=200, days=60, end=END, seed=3)
    events = [event for visitor in Journeys(options).visitors() for event in visitor]
    process = EmbeddedProcess(tmp_path_factory.mktemp("grafana-embedded"))
    process.start()
    try:
        process.send_historical(events)
        yield process
    finally:
        process.stop()


def _query(endpoint: EmbeddedProcess, sql: str) -> dict[str, Any]:
    """POST as the data source does over HTTP: Basic auth, database, settings in the URL."""
    answer = httpx.post(
        endpoint.sql_url,
        content=sql,
        params={"database": "clickstream", "default_format": "JSONCompact"} | DATA_SOURCE_SETTINGS,
        auth=(SQL_USER, SQL_PASSWORD),
        timeout=120,
    )
    assert answer.status_code == 200, f"{answer.text}\n{sql}"
    return answer.json()


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_every_panel_through_the_sql_endpoint(endpoint: EmbeddedProcess, name: str) -> None:
    assert _run_panels(endpoint, name, {}) > 0


# The funnel dashboard's breakdown choices beyond the default (channel), and the Period variable
@pytest.mark.parametrize(
    "chosen",
    [
        {"breakdown": "period", "bucket": "week"},
        {"breakdown": "campaign", "bucket": "month"},
        {"breakdown": "device"},
        {"breakdown": "visitor_type"},
    ],
    ids=lambda chosen: "-".join(chosen.values()),
)
def test_every_funnel_breakdown_through_the_sql_endpoint(endpoint: EmbeddedProcess, chosen):
    assert _run_panels(endpoint, "funnel", chosen) > 0


def _run_panels(endpoint: EmbeddedProcess, name: str, chosen: dict[str, str]) -> int:
    """Every ClickHouse panel of dashboard `name`, with the variables chosen, through the
    endpoint; returns how many queries ran."""
    dashboard = DASHBOARDS[name]
    now = datetime.now(UTC)
    time_range = TimeRange(now - timedelta(hours=1), now) if name == "pipeline" else RANGE

    def run(sql: str) -> list[str]:
        return [str(row[0]) for row in _query(endpoint, sql)["data"]]

    chosen = {"site": "shop"} | chosen
    if any(v["name"] == "visitor" for v in dashboard["templating"]["list"]):
        chosen["visitor"] = run("SELECT any(person) FROM clickstream.person_events")[0]
    values = resolve_variables(dashboard, time_range, run, chosen=chosen)
    checked = 0
    for panel in panels(dashboard):
        if panel.get("datasource", {}).get("type") != CLICKHOUSE_PLUGIN:
            continue
        fields: set[str] = set()
        for target in panel["targets"]:
            answer = _query(endpoint, expand(target["rawSql"], values, time_range))
            columns = [column["name"] for column in answer["meta"]]
            types = [column["type"] for column in answer["meta"]]
            # the generated shop is small: a panel may be empty here, never malformed
            check_result(panel, columns, types, answer["rows"], need_rows=False)
            fields |= set(columns)
            checked += 1
        assert named_fields(panel) <= fields, panel["title"]
    return checked
