"""Run a report: each of its sections' view queries with the report's parameter values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from clickstream.reports.model import Report, Section
from clickstream.warehouse import QueryResult, Warehouse, WarehouseError

_MISSING_VIEW = ("UNKNOWN_TABLE", "UNKNOWN_FUNCTION", "UNKNOWN_DATABASE", "doesn't exist")


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


def site_time_zone(warehouse: Warehouse, site: str) -> str:
    result = warehouse.query(
        "SELECT * FROM clickstream.site_time_zone(site = {site:String})", {"site": site}
    )
    return (result.scalar() if result.rows else "") or "UTC"


def run_section(warehouse: Warehouse, section: Section, values: Mapping[str, Any]) -> SectionResult:
    arguments = {name: values[name] for name in section.parameters}
    arguments.update(section.fixed)
    bound = dict(arguments)
    if section.limited:
        bound["top"] = values.get("top") or 2**32 - 1
    try:
        result = warehouse.query(section.sql(), bound)
    except WarehouseError as error:
        hint = ""
        if any(sign in str(error) for sign in _MISSING_VIEW):
            hint = " (the schema may be older than this command: run `clickstream migrate`)"
        raise ReportError(f"clickstream.{section.view}: {error}{hint}") from error
    return SectionResult(section, arguments, result)


def run_report(
    warehouse: Warehouse,
    report: Report,
    values: Mapping[str, Any],
    time_zone: str,
    only: tuple[str, ...] = (),
    on_section: Callable[[Section], None] = lambda _: None,
) -> ReportResult:
    """The report's sections that apply to `values` (and, if given, only those named)."""
    sections = [s for s in report.sections if s.applies(values)]
    if only:
        sections = [report.section(name) for name in only]
    results = []
    for section in sections:
        on_section(section)
        results.append(run_section(warehouse, section, values))
    return ReportResult(report, dict(values), time_zone, warehouse.url, results)
