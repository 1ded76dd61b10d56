"""The provisioned Grafana dashboards (deploy/grafana/dashboards/*.json) and their queries as
Grafana would send them: dashboard variables substituted by the frontend, then the ClickHouse
plugin's macros expanded by its backend."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support import grafana_macros, grafana_templating
from tests.support.grafana_templating import Value

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
CLICKHOUSE_PLUGIN = "grafana-clickhouse-datasource"


def load_dashboards() -> dict[str, dict[str, Any]]:
    """File name (without .json) -> dashboard model."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, those inside collapsed rows included; row panels themselves too."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: dict[str, Any]
    target: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.dashboard}:{self.panel['title']}:{self.target['refId']}"

    @property
    def plugin(self) -> str:
        return (self.target.get("datasource") or self.panel["datasource"])["type"]


def panel_queries(dashboards: dict[str, dict[str, Any]]) -> list[PanelQuery]:
    return [
        PanelQuery(name, panel, target)
        for name, dashboard in dashboards.items()
        for panel in panels(dashboard)
        for target in panel.get("targets", [])
    ]


def variables(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return dashboard.get("templating", {}).get("list", [])


def custom_options(variable: dict[str, Any]) -> dict[str, str]:
    """A custom variable's options, value -> text ("text : value" pairs, comma-separated)."""
    options = {}
    for item in variable["query"].split(","):
        text, _, value = item.partition(" : ")
        options[(value or text).strip()] = text.strip()
    return options


@dataclass(frozen=True)
class TimeRange:
    """What the time picker sends: two instants and the panel's interval."""

    start: datetime
    end: datetime
    interval: timedelta = timedelta(minutes=1)


def expand(sql: str, values: dict[str, Value], time_range: TimeRange) -> str:
    """The SQL the plugin hands to ClickHouse: variables first (frontend), then macros
    (backend)."""
    scoped = {
        "__interval": grafana_macros.SDK_DEFAULT_MACROS["interval"](_macro_query(time_range), []),
        "__interval_ms": str(time_range.interval // timedelta(milliseconds=1)),
    }
    text = grafana_templating.replace(sql, values, scoped)
    return grafana_macros.interpolate(text, _macro_query(time_range))


def _macro_query(time_range: TimeRange) -> grafana_macros.MacroQuery:
    return grafana_macros.MacroQuery(time_range.start, time_range.end, time_range.interval)


def resolve_variables(
    dashboard: dict[str, Any],
    time_range: TimeRange,
    run: Callable[[str], list[str]],
    chosen: dict[str, str] | None = None,
) -> dict[str, Value]:
    """The variables' values in dashboard order, as Grafana resolves them on load: a query
    variable runs its query (with the variables before it substituted) and takes the `chosen`
    value, which must be among its results, or else the first; a custom variable takes the
    chosen or its current value; a text box the chosen text or its default; a data source
    variable its current data source."""
    values: dict[str, Value] = {}
    for variable in variables(dashboard):
        name, kind = variable["name"], variable["type"]
        if kind == "query":
            found = run(expand(variable["query"], values, time_range))
            pick = (chosen or {}).get(name, found[0] if found else "")
            assert pick in found, f"variable {name}: {pick!r} is not among {found}"
            values[name] = pick
        elif kind == "custom":
            values[name] = (chosen or {}).get(name, variable["current"]["value"])
            assert values[name] in custom_options(variable), (name, values[name])
        elif kind == "textbox":
            values[name] = (chosen or {}).get(name, variable["query"])
        elif kind == "datasource":
            values[name] = variable["current"]["value"]
        else:
            raise AssertionError(f"variable {name}: type {kind} is not handled")
    return values


NUMBER = re.compile(r"^(Nullable\()?(U?Int\d+|Float\d+|Decimal)")
TIME = re.compile(r"^(Nullable\()?(DateTime|DateTime64|Date|Date32)\b")
TEXT = re.compile(r"^(Nullable\()?(LowCardinality\()?(Nullable\()?String\b")


def check_result(
    panel: dict[str, Any], columns: list[str], types: list[str], rows: int, need_rows: bool = True
) -> None:
    """A query result (column names, ClickHouse types, row count) gives the panel what its type
    draws: a DateTime `time` column and numbers for a time series (text columns name the
    series), numbers for a stat or a pie of columns, one text and one number column for a pie of
    rows, the x field and numbers for a bar chart."""
    by_name = dict(zip(columns, types, strict=True))
    numbers = [name for name, kind in by_name.items() if NUMBER.match(kind)]
    title, kind = panel["title"], panel["type"]
    assert rows or not need_rows, f"{title}: no rows"
    if kind == "timeseries":
        assert "time" in by_name and TIME.match(by_name["time"]), (title, by_name)
        others = {name: t for name, t in by_name.items() if name != "time"}
        assert set(numbers) & set(others), f"{title}: no values"
        labels = [name for name in others if name not in numbers]
        assert all(TEXT.match(others[name]) for name in labels), f"{title}: labels {by_name}"
    elif kind == "stat" or (kind == "piechart" and not panel["options"]["reduceOptions"]["values"]):
        assert numbers and set(numbers) == set(by_name), f"{title}: not all numbers: {by_name}"
    elif kind == "piechart":  # a slice per row, named by its text column
        labels = [name for name in by_name if name not in numbers]
        assert len(numbers) == 1 and len(labels) == 1, (title, by_name)
        assert TEXT.match(by_name[labels[0]]), (title, by_name)
    elif kind == "barchart":
        x_field = panel["options"]["xField"]
        assert x_field in by_name, f"{title}: no x field {x_field!r}"
        assert set(numbers) - {x_field}, f"{title}: nothing to draw"
        assert set(by_name) - {x_field} == set(numbers) - {x_field}, f"{title}: {by_name}"
    elif kind == "table":
        assert by_name
    else:
        raise AssertionError(f"{title}: panel type {kind} is not checked")


def named_fields(panel: dict[str, Any]) -> set[str]:
    """Fields the panel's overrides and transformations name (they must be in the results)."""
    named = {
        override["matcher"]["options"]
        for override in panel["fieldConfig"].get("overrides", [])
        if override["matcher"]["id"] == "byName"
    }
    for transformation in panel.get("transformations", []):
        options = transformation["options"]
        named |= {
            options[key] for key in ("rowField", "columnField", "valueField") if key in options
        }
    return named
