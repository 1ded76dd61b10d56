"""What a report is: named sections, each one view queried with bound parameters.

A section names its view and which of the report's parameters the view takes; the query is
`SELECT * FROM clickstream.<view>(name = {name:Type}, ...)`, optionally ordered and cut to --top
rows by clauses written here, or the text of a .sql file in `sql/` (for sums over a view). Values
are always sent apart from the SQL and bound by the warehouse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

SQL_DIR = Path(__file__).parent / "sql"

# Every view parameter a report passes, with its ClickHouse type (SPEC section 8 names).
PARAMETER_TYPES: dict[str, str] = {
    "site": "String",
    "date_from": "DateTime",
    "date_to": "DateTime",
    "as_of": "DateTime",
    "window_seconds": "UInt32",
    "dormant_days": "UInt32",
    "one_time_churn_days": "UInt32",
    "bucket": "String",  # day, week or month: --grain under the funnel views' name
    "cohort_by": "String",
    "grain": "String",
    "compare_to": "String",
}
PERIOD = ("site", "date_from", "date_to")
Grain = Literal["day", "week", "month"]

# How a section is shown in the terminal: one row per view row; a single row turned into
# "metric | value" lines; or a cross table (Pivot).
Layout = Literal["rows", "record", "pivot"]


@dataclass(frozen=True)
class Pivot:
    """Rows of the view spread into a cross table: one line per `rows` value, one column per
    `columns` value, `value` in the cells; `keep` columns are shown once per line."""

    rows: str
    columns: str
    value: str
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    name: str  # key in the JSON output, --section value
    view: str  # a view of the clickstream database
    title: str
    parameters: tuple[str, ...] = PERIOD  # report parameters the view takes, in this order
    fixed: Mapping[str, Any] = field(default_factory=dict)  # constant view arguments
    layout: Layout = "rows"
    pivot: Pivot | None = None
    order_by: str = ""  # ORDER BY clause over the view's columns
    limited: bool = False  # cut to --top rows ...
    limit_by: str = ""  # ... per value of this column (LIMIT n BY column)
    query_file: str = ""  # sql/<name>.sql instead of SELECT * (same parameters)
    per_period: bool = False  # run once per day/week/month of the period (column period_start)
    group_by: str = ""  # a column whose changes start a new block in the table
    # Shown only when each named option has one of the values ("" = not given).
    when: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def applies(self, values: Mapping[str, Any]) -> bool:
        return all(str(values.get(name) or "") in allowed for name, allowed in self.when.items())

    @property
    def uses_grain(self) -> bool:
        """Whether the section reads --grain (as a view parameter, or runs once per period)."""
        return self.per_period or "grain" in self.parameters or "bucket" in self.parameters

    def sql(self) -> str:
        """The query text: names come from the definitions, values are bound parameters."""
        if self.query_file:
            return (SQL_DIR / f"{self.query_file}.sql").read_text()
        arguments = ", ".join(
            f"{name} = {{{name}:{PARAMETER_TYPES[name]}}}"
            for name in (*self.parameters, *self.fixed)
        )
        text = f"SELECT * FROM clickstream.{self.view}({arguments})"
        if self.order_by:
            text += f" ORDER BY {self.order_by}"
        if self.limited:
            text += " LIMIT {top:UInt32}" + (f" BY {self.limit_by}" if self.limit_by else "")
        return text


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    question: str  # what it answers, for --help and the docs
    sections: tuple[Section, ...]
    options: frozenset[str] = frozenset()  # report-specific command-line options it reads
    default_grain: Grain | None = None  # days, weeks or months without --grain
    grains: tuple[Grain, ...] = ("day", "week", "month")  # what --grain may say
    # Without --from/--to: the last 30 days, today's included; or, for reports of whole weeks
    # or months, the last 30 days, 12 weeks or 6 months of the grain, the current one included.
    whole_periods: bool = False
    chart: str = ""  # a chart of clickstream.reports.charts, by name

    def shown(self, options: Mapping[str, Any], only: tuple[str, ...] = ()) -> list[Section]:
        """The sections shown with these option values (`when`), and if given only those
        named; a name not among them is a KeyError saying which there are."""
        applying = [section for section in self.sections if section.applies(options)]
        names = [section.name for section in applying]
        for name in only:
            if name not in names:
                given = "".join(
                    f" --{option.replace('_', '-')} {options[option]}"
                    for option in dict.fromkeys(k for s in self.sections for k in s.when)
                    if options.get(option)
                )
                raise KeyError(
                    f"report {self.name}{given} has no section {name!r} "
                    f"(it has: {', '.join(names)})"
                )
        return [section for section in applying if not only or section.name in only]

    def choices(self, option: str) -> list[str]:
        """The values an option that selects sections (`when`) may take, in section order."""
        values = (value for s in self.sections for value in sorted(s.when.get(option, ())))
        return [value for value in dict.fromkeys(values) if value]
