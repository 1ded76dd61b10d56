"""What a report is: named sections, each one view queried with bound parameters.

A section names its view and which of the report's parameters the view takes; the query is
always `SELECT * FROM clickstream.<view>(name = {name:Type}, ...)` with the values sent apart from
the SQL (the warehouse binds them), optionally ordered and limited by columns the section names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# Every view parameter a report passes, with its ClickHouse type (SPEC section 8 names).
PARAMETER_TYPES: dict[str, str] = {
    "site": "String",
    "date_from": "DateTime",
    "date_to": "DateTime",
    "as_of": "DateTime",
    "window_seconds": "UInt32",
    "dormant_days": "UInt32",
    "one_time_churn_days": "UInt32",
    "bucket": "String",
    "cohort_by": "String",
    "grain": "String",
    "compare_to": "String",
}
PERIOD = ("site", "date_from", "date_to")

# How a section is shown in the terminal: one row per view row, or a single row turned into
# "metric | value" lines.
Layout = Literal["rows", "record"]
# How a report picks its default period when --from/--to are not given.
DefaultPeriod = Literal["last_30_days", "last_6_months"]


@dataclass(frozen=True)
class Section:
    name: str  # key in the JSON output, --section value
    view: str  # a view of the clickstream database
    title: str
    parameters: tuple[str, ...] = PERIOD  # report parameters the view takes, in this order
    fixed: Mapping[str, Any] = field(default_factory=dict)  # constant view arguments
    layout: Layout = "rows"
    order_by: str = ""  # a column of the view (ascending), for sections cut to --top rows
    limited: bool = False  # cut to --top rows
    group_by: str = ""  # a column whose changes start a new block in the table
    # Shown only when each named option has one of the values ("" = not given).
    when: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def applies(self, values: Mapping[str, Any]) -> bool:
        return all(str(values.get(name) or "") in allowed for name, allowed in self.when.items())

    def sql(self) -> str:
        """The query text: names come from the definitions, values are bound parameters."""
        arguments = ", ".join(
            f"{name} = {{{name}:{PARAMETER_TYPES[name]}}}"
            for name in (*self.parameters, *self.fixed)
        )
        text = f"SELECT * FROM clickstream.{self.view}({arguments})"
        if self.order_by:
            text += f" ORDER BY {self.order_by}"
        if self.limited:
            text += " LIMIT {top:UInt32}"
        return text


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    question: str  # what it answers, for --help and the docs
    sections: tuple[Section, ...]
    options: frozenset[str] = frozenset()  # report-specific command-line options it reads
    default_period: DefaultPeriod = "last_30_days"
    chart: str = ""  # a chart of clickstream.reports.charts, by name

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        known = ", ".join(s.name for s in self.sections)
        raise KeyError(f"report {self.name} has no section {name!r} (it has: {known})")
