"""Query parameter values in ClickHouse's escaped text form: how chDB binds `{name:Type}` and how
ClickHouse's HTTP interface reads `param_<name>`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID


def _escape_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def parameter_text(value: Any, nested: bool = False) -> str:
    """A Python value as ClickHouse reads a query parameter. An aware datetime is sent in UTC;
    a naive one as it is (a view reads it in the site's time zone)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        # Whole seconds without a fraction, so the value also fits a DateTime parameter.
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond // 1000:03d}"
    elif isinstance(value, list | tuple):
        text = "[" + ",".join(parameter_text(item, nested=True) for item in value) + "]"
        return text
    else:
        text = str(value)
    if nested and isinstance(value, str | datetime | date | UUID):
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return _escape_text(text)
