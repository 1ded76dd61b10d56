"""Turn values of ClickHouse's JSON output formats back into Python objects by column type.

chDB answers in text formats; this gives its results the same Python types clickhouse-driver
returns for the native protocol (Decimal, datetime with zone, UUID, dict, list, ...).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from clickstream.warehouse.base import QueryResult

_WRAPPERS = ("Nullable(", "LowCardinality(", "SimpleAggregateFunction(")
_ZONE = re.compile(r"'([^']+)'")
_NAMED_ELEMENT = re.compile(r"^[A-Za-z_]\w*\s+(\S.*)$")  # "name Type" inside a named Tuple


def _unwrap(type_name: str) -> str:
    changed = True
    while changed:
        changed = False
        for wrapper in _WRAPPERS:
            if type_name.startswith(wrapper):
                inner = type_name[len(wrapper) : -1]
                if wrapper == "SimpleAggregateFunction(":
                    inner = inner.split(",", 1)[1].strip()
                type_name, changed = inner, True
    return type_name


def _split_arguments(arguments: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(arguments):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(arguments[start:index].strip())
            start = index + 1
    parts.append(arguments[start:].strip())
    return parts


def _element_type(part: str) -> str:
    named = _NAMED_ELEMENT.match(part)
    return named.group(1) if named else part


def _parse_datetime(value: str, type_name: str) -> datetime:
    zone_match = _ZONE.search(type_name)
    zone = ZoneInfo(zone_match.group(1)) if zone_match else UTC
    return datetime.fromisoformat(value).replace(tzinfo=zone)


def convert(value: Any, type_name: str) -> Any:
    if value is None:
        return None
    type_name = _unwrap(type_name)
    if type_name.startswith("Decimal"):
        return Decimal(str(value))
    if type_name.startswith("DateTime"):
        return _parse_datetime(value, type_name)
    if type_name in ("Date", "Date32"):
        return date.fromisoformat(value)
    if type_name == "UUID":
        return UUID(value)
    if type_name.startswith("Float"):
        return float(value)  # nan and inf arrive quoted
    if type_name.startswith(("Int", "UInt")):
        return int(value)
    if type_name.startswith("Array("):
        inner = type_name[len("Array(") : -1]
        return [convert(item, inner) for item in value]
    if type_name.startswith("Map("):
        key_type, value_type = _split_arguments(type_name[len("Map(") : -1])
        return {convert(k, key_type): convert(v, value_type) for k, v in value.items()}
    if type_name.startswith("Tuple("):
        inner_types = [_element_type(part) for part in _split_arguments(type_name[6:-1])]
        items = value.values() if isinstance(value, dict) else value
        return tuple(convert(item, inner) for item, inner in zip(items, inner_types, strict=True))
    return value


def result_from_json_compact(document: dict[str, Any]) -> QueryResult:
    """A JSONCompact answer ({"meta": [{name, type}], "data": [[...]]}) as a QueryResult."""
    names = [column["name"] for column in document["meta"]]
    types = [column["type"] for column in document["meta"]]
    rows = [
        tuple(convert(value, type_name) for value, type_name in zip(row, types, strict=True))
        for row in document["data"]
    ]
    return QueryResult(columns=names, types=types, rows=rows)
