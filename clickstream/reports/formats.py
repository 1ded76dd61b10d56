"""How values look in the terminal table: rates as percentages, money with two decimals,
durations human-readable, counts with thousands separators. CSV and JSON carry the raw values.

A column's kind follows the views' naming conventions (SPEC section 8: rates are fractions in
[0, 1], money in the order currency, durations in seconds), decided here and nowhere else.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from clickstream.reports.period import describe_duration

Kind = Literal["percent", "duration", "money", "number"]

_RULES: list[tuple[re.Pattern[str], Kind]] = [
    (re.compile(r"(^|_)(rate|share|support|conversion)$|^conversion_|^confidence_"), "percent"),
    (re.compile(r"seconds"), "duration"),
    (re.compile(r"revenue|order_value|cost|spend"), "money"),
]
MISSING = "–"


def column_kind(name: str, type_name: str = "") -> Kind:
    for pattern, kind in _RULES:
        if pattern.search(name):
            return kind
    return "money" if "Decimal" in type_name else "number"


def format_value(value: Any, kind: Kind) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return _text(value)
    if isinstance(value, float) and value != value:  # nan
        return MISSING
    if kind == "percent":
        return f"{float(value) * 100:.1f}%"
    if kind == "duration":
        return describe_duration(float(value))
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):,.2f}"


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    return str(value)


# Shorter headings where the views' column names make tables too wide for a terminal.
_HEADINGS = {
    "conversion_from_previous": "% of previous",
    "conversion_from_first": "% of first",
    "drop_off_rate": "drop-off rate",
    "drop_off": "drop-off",
    "median_seconds_from_previous": "median time",
    "p90_seconds_from_previous": "p90 time",
}


def heading(column: str) -> str:
    """A column's heading: durations are shown as times, not seconds."""
    if column in _HEADINGS:
        return _HEADINGS[column]
    words = column.split("_")
    if column_kind(column) == "duration":
        words = ["time" if word == "seconds" else word for word in words]
    return " ".join(words)
