"""Run a report: each of its sections' view queries with the report's parameter values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from clickstream.reports.model import Report, Section
from clickstream.reports.period import Period, split_period
from clickstream.warehouse import QueryResult, Warehouse, WarehouseError

# UNKNOWN_FUNCTION (a parameterized view that is not there), UNKNOWN_TABLE, UNKNOWN_DATABASE
_MISSING_VIEW_CODES = frozenset({46, 60, 81})


class ReportError(Exception):
    """A view could not answer; the message names it."""


@dataclass(frozen=True)
class SectionResult:
    section: Section
    arguments: dict[str, Any]  # the view's arguments, as bound
    result: QueryResult


@dataclass(frozen=True)
class ReportResult:
    report: Report
    values: dict[str, Any]  # every parameter of the run (site, period, window, ...)
    time_zone: str
    source: str  # where the data came from
    sections: list[SectionResult]

    def rows(self, name: str) -> list[dict[str, Any]]:
        for section in self.sections:
            if section.section.name == name:
                return section.result.dicts()
        return []


def _refused(view: str, error: WarehouseError) -> ReportError:
    hint = ""
    if error.code in _MISSING_VIEW_CODES:
        hint = " (the schema may be older than this command: run `clickstream migrate`)"
    return ReportError(f"clickstream.{view}: {error}{hint}")


def site_time_zone(warehouse: Warehouse, site: str) -> str:
    try:
        result = warehouse.query(
            "SELECT * FROM clickstream.site_time_zone(site = {site:String})", {"site": site}
        )
    except WarehouseError as error:
        raise _refused("site_time_zone", error) from error
    return (result.scalar() if result.rows else "") or "UTC"


def _query(
    warehouse: Warehouse, section: Section, values: Mapping[str, Any]
) -> tuple[dict[str, Any], QueryResult]:
    arguments = {name: values[name] for name in section.parameters}
    arguments.update(section.fixed)
    bound = dict(arguments)
    if section.limited:
        bound["top"] = values.get("top") or 2**32 - 1
    try:
        return arguments, warehouse.query(section.sql(), bound)
    except WarehouseError as error:
        raise _refused(section.view, error) from error


Progress = Callable[[Section, str], None]  # section, which part of it ("" or "3/5")


def run_section(
    warehouse: Warehouse,
    section: Section,
    values: Mapping[str, Any],
    on_query: Progress = lambda section, part: None,
) -> SectionResult:
    if not section.per_period:
        on_query(section, "")
        arguments, result = _query(warehouse, section, values)
        return SectionResult(section, arguments, result)
    # Once per day/week/month of the period, each row led by the start of its part.
    period = Period(values["date_from"], values["date_to"])
    rows: list[tuple[Any, ...]] = []
    result = QueryResult([], [], [])
    parts = split_period(period, values["grain"])
    for number, part in enumerate(parts, start=1):
        on_query(section, f"{number}/{len(parts)}")
        part_values = {**values, "date_from": part.date_from, "date_to": part.date_to}
        arguments, result = _query(warehouse, section, part_values)
        rows += [(part.date_from.date(), *row) for row in result.rows]
    arguments = {**arguments, "date_from": period.date_from, "date_to": period.date_to}
    arguments["grain"] = values["grain"]
    columns = ["period_start", *result.columns]
    return SectionResult(section, arguments, QueryResult(columns, ["Date", *result.types], rows))


def run_report(
    warehouse: Warehouse,
    report: Report,
    values: Mapping[str, Any],
    time_zone: str,
    only: tuple[str, ...] = (),
    on_query: Progress = lambda section, part: None,
) -> ReportResult:
    """The report's sections that apply to `values` (and, if given, only those named)."""
    results = []
    for section in report.shown(values, only):
        results.append(run_section(warehouse, section, values, on_query))
    return ReportResult(report, dict(values), time_zone, warehouse.url, results)
