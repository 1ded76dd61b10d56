"""A report as a rich table (for people), CSV or JSON (raw values, for pipes).

CSV: one section gives plain CSV (a header line, then rows); several give one block each,
introduced by a `# <section>` line and separated by a blank line. JSON: one document with the
report's parameters and, per section, the view, its arguments and its rows as objects.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from clickstream.reports.formats import column_kind, format_value, heading
from clickstream.reports.period import Period, describe_duration
from clickstream.reports.runner import ReportResult, SectionResult

# --- raw values (CSV, JSON) ---


def _raw_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return orjson.dumps(value, default=_json_value).decode()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value))  # exact, as a JSON number
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def _json_ready(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no nan or inf
    return value


def to_csv(result: ReportResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    several = len(result.sections) > 1
    for index, section in enumerate(result.sections):
        if several:
            buffer.write(("\n" if index else "") + f"# {section.section.name}\n")
        writer.writerow(section.result.columns)
        writer.writerows([_raw_text(value) for value in row] for row in section.result.rows)
    return buffer.getvalue()


def to_json(result: ReportResult) -> bytes:
    document = {
        "report": result.report.name,
        "parameters": {**result.values, "time_zone": result.time_zone},
        "source": result.source,
        "sections": {
            section.section.name: {
                "view": f"clickstream.{section.section.view}",
                "arguments": section.arguments,
                "columns": section.result.columns,
                "types": section.result.types,
                "rows": [
                    {name: _json_ready(value) for name, value in row.items()}
                    for row in section.result.dicts()
                ],
            }
            for section in result.sections
        },
    }
    return orjson.dumps(document, default=_json_value, option=orjson.OPT_INDENT_2) + b"\n"


# --- the terminal table ---


def describe_run(result: ReportResult) -> str:
    values = result.values
    parts = [f"site {values['site']}"]
    if values.get("date_from"):
        parts.append(str(Period(values["date_from"], values["date_to"])))
    if values.get("as_of"):
        parts.append(f"as of {values['as_of']:%Y-%m-%d %H:%M:%S}")
    parts[-1] += f" ({result.time_zone})"
    if values.get("window_seconds") and "window" in result.report.options:
        parts.append(f"window {describe_duration(values['window_seconds'])}")
    if values.get("by"):
        parts.append(f"by {values['by'].replace('_', ' ')}")
    if values.get("bucket"):
        parts.append(f"per {values['bucket']}")
    return ", ".join(parts)


def _record_table(section: SectionResult) -> Table:
    table = Table("metric", "value", title=section.section.title, title_justify="left")
    table.columns[1].justify = "right"
    row = section.result.rows[0] if section.result.rows else (None,) * len(section.result.columns)
    for name, type_name, value in zip(
        section.result.columns, section.result.types, row, strict=True
    ):
        table.add_row(heading(name), format_value(value, column_kind(name, type_name)))
    return table


def _rows_table(section: SectionResult) -> Table:
    columns, types, rows = section.result.columns, section.result.types, section.result.rows
    table = Table(title=section.section.title, title_justify="left")
    kinds = [column_kind(name, t) for name, t in zip(columns, types, strict=True)]
    cells = [
        [format_value(value, kind) for value, kind in zip(row, kinds, strict=True)] for row in rows
    ]
    for name, type_name in zip(columns, types, strict=True):
        numeric = any(word in type_name for word in ("Int", "Float", "Decimal"))
        table.add_column(
            heading(name),
            justify="right" if numeric else "left",
            overflow="fold",  # in a narrow terminal cells wrap, never cut
        )
    group = columns.index(section.section.group_by) if section.section.group_by else None
    for index, row in enumerate(rows):
        last_of_group = (
            group is not None and index + 1 < len(rows) and rows[index + 1][group] != row[group]
        )
        table.add_row(*cells[index], end_section=last_of_group)
    if not rows:
        table.caption = "no rows"
    return table


def _pivot_table(section: SectionResult) -> Table:
    pivot = section.section.pivot
    assert pivot is not None
    rows = section.result.dicts()
    types = dict(zip(section.result.columns, section.result.types, strict=True))
    across = sorted({row[pivot.columns] for row in rows})
    lines: dict[Any, dict[str, Any]] = {}
    for row in rows:
        line = lines.setdefault(row[pivot.rows], {name: row[name] for name in pivot.keep})
        line[f"cell {row[pivot.columns]}"] = row[pivot.value]
    table = Table(
        heading(pivot.rows),
        *(heading(name) for name in pivot.keep),
        *(str(value) for value in across),
        title=f"{section.section.title}: {heading(pivot.value)} by {heading(pivot.columns)}",
        title_justify="left",
    )
    for column in table.columns[1:]:
        column.justify = "right"
    kind = column_kind(pivot.value, types[pivot.value])
    for key, line in lines.items():
        table.add_row(
            format_value(key, "number"),
            *(format_value(line[name], column_kind(name, types[name])) for name in pivot.keep),
            *(
                format_value(line[f"cell {value}"], kind) if f"cell {value}" in line else ""
                for value in across
            ),
        )
    if not rows:
        table.caption = "no rows"
    return table


_TABLES = {"record": _record_table, "rows": _rows_table, "pivot": _pivot_table}


def renderables(result: ReportResult) -> Iterable[RenderableType]:
    yield Text(f"{result.report.title}: {describe_run(result)}", style="bold")
    yield Text(f"from {result.source}", style="dim")
    for section in result.sections:
        yield Text("")
        yield _TABLES[section.section.layout](section)


def print_table(result: ReportResult, console: Console) -> None:
    """In a terminal, as wide as the terminal; into a file or pipe, as wide as the tables need
    (nothing cut at 80 columns)."""
    content = Group(*renderables(result))
    if not console.is_terminal:
        unbounded = console.options.update_width(10_000)
        console.width = max(80, Measurement.get(console, unbounded, content).maximum)
    console.print(content)
