"""JSON-shaped values -> the Python objects clickhouse-driver sends for a column type.

The loader receives records as JSON (times and decimals as text); a ClickHouse server over the
native protocol wants datetime, Decimal, UUID, ... objects. One converter per column type, made
once per table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson

from clickstream.warehouse.json_values import _split_arguments, _unwrap

Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _datetime(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _decimal(value: Any) -> Any:
    return Decimal(str(value))


def _uuid(value: Any) -> Any:
    return UUID(value) if isinstance(value, str) else value


def _text(value: Any) -> Any:
    # A JSON object or array bound for a String column is kept as its JSON text.
    return orjson.dumps(value).decode() if isinstance(value, dict | list) else value


def converter_for(type_name: str) -> Converter:
    nullable = type_name.startswith("Nullable(")
    base = _unwrap(type_name)
    if base.startswith("DateTime"):
        convert = _datetime
    elif base in ("Date", "Date32"):
        convert = _date
    elif base.startswith("Decimal"):
        convert = _decimal
    elif base == "UUID":
        convert = _uuid
    elif base.startswith("Array("):
        inner = converter_for(base[len("Array(") : -1])
        if inner is _identity:
            convert = _identity
        else:

            def convert(value: Any, inner: Converter = inner) -> Any:
                return [inner(item) for item in value]
    elif base.startswith("Map("):
        key_type, value_type = _split_arguments(base[len("Map(") : -1])
        key_convert, value_convert = converter_for(key_type), converter_for(value_type)

        def convert(value: Any) -> Any:
            return {key_convert(k): value_convert(v) for k, v in value.items()}
    elif base in ("String", "Nullable(String)"):
        convert = _text
    else:
        convert = _identity
    if nullable and convert is not _identity:
        inner_convert = convert

        def convert(value: Any) -> Any:
            return None if value is None else inner_convert(value)

    return convert
