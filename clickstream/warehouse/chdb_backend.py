"""ClickHouse in-process through chDB: the embedded default.

One process owns a chDB data directory (a second process fails to open it), and one process can
open only one chDB directory. So whoever serves the embedded mode owns the data and other readers go
through it; inside the process, every `ChdbWarehouse` on the same path shares one chDB session
(counted, closed with the last user). chDB sessions are not safe for concurrent use: calls are
serialised with a lock.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import orjson

from clickstream.warehouse.base import (
    QueryResult,
    WarehouseError,
    check_columns,
    insert_settings,
    quote_column,
    quote_identifier,
)
from clickstream.warehouse.json_values import convert

# Memory-backed scratch space for insert files where the system has it.
_SCRATCH_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None

# Settings that make JSON output lossless for the conversion back into Python values.
_JSON_OUTPUT_SETTINGS = {
    "output_format_json_quote_64bit_integers": 0,
    "output_format_json_quote_decimals": 1,
    "output_format_json_quote_denormals": 1,
    "output_format_json_named_tuples_as_objects": 0,
}


def _string_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _settings_clause(settings: Mapping[str, Any]) -> str:
    parts = []
    for name, value in settings.items():
        if not name.replace("_", "").isalnum():
            raise ValueError(f"invalid setting name {name!r}")
        literal = str(int(value)) if isinstance(value, bool | int) else _string_literal(str(value))
        parts.append(f"{name} = {literal}")
    return " SETTINGS " + ", ".join(parts) if parts else ""


def _escape_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _parameter_text(value: Any, nested: bool = False) -> str:
    """ClickHouse reads query parameter values in its escaped text format."""
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
        text = "[" + ",".join(_parameter_text(item, nested=True) for item in value) + "]"
        return text
    else:
        text = str(value)
    if nested and isinstance(value, str | datetime | date | UUID):
        return _string_literal(text)
    return _escape_text(text)


def _plain(column_type: str) -> str:
    """LowCardinality(T) -> T: the type a row parser fills fastest (see insert_packed)."""
    if column_type.startswith("LowCardinality(") and column_type.endswith(")"):
        return column_type[len("LowCardinality(") : -1]
    return column_type


def _json_default(value: Any) -> Any:
    # Decimal and anything else orjson does not know travel as strings; ClickHouse parses them.
    return str(value)


class _SharedSession:
    """The process's one chDB session, shared by all warehouses on its path."""

    _guard = threading.Lock()
    _current: _SharedSession | None = None

    def __init__(self, path: Path, options: Mapping[str, str]) -> None:
        from chdb import session

        self.path = path
        self.options = dict(options)
        self.lock = threading.Lock()
        self.users = 0
        target = f"file:{path}?{urlencode(self.options)}" if self.options else str(path)
        try:
            self.session = session.Session(target)
        except Exception as error:  # chDB raises RuntimeError when the path is taken
            raise WarehouseError(f"cannot open chDB data at {path}: {error}") from error

    @classmethod
    def acquire(cls, path: Path, options: Mapping[str, str]) -> _SharedSession:
        with cls._guard:
            current = cls._current
            if current is None:
                current = cls._current = _SharedSession(path, options)
            elif current.path != path:
                raise WarehouseError(
                    f"this process already has chDB data open at {current.path}; "
                    f"one process can open only one chDB directory (asked for {path})"
                )
            elif options and current.options != dict(options):
                raise WarehouseError(
                    f"chDB data at {path} is open with options {current.options}; "
                    f"startup options cannot change while it is open (asked for {dict(options)})"
                )
            current.users += 1
            return current

    def release(self) -> None:
        with _SharedSession._guard:
            self.users -= 1
            if self.users == 0:
                with self.lock:
                    self.session.close()
                _SharedSession._current = None


class ChdbWarehouse:
    def __init__(self, path: str | Path, options: Mapping[str, str] | None = None) -> None:
        """`options`: chDB startup options, e.g. {"config-file": "/path/config.xml"}."""
        self.path = Path(path).resolve()
        self.path.mkdir(parents=True, exist_ok=True)
        self.url = f"chdb://{self.path}"
        self._shared: _SharedSession | None = _SharedSession.acquire(self.path, options or {})
        self._plain_types: dict[str, dict[str, str]] = {}  # table -> column -> parse type

    def _run(
        self,
        sql: str,
        fmt: str = "CSV",
        params: Mapping[str, Any] | None = None,
        text_params: Mapping[str, str] | None = None,
    ) -> Any:
        shared = self._shared
        if shared is None:
            raise WarehouseError(f"{self.url} is closed")
        with shared.lock:
            try:
                bound = {k: _parameter_text(v) for k, v in params.items()} if params else None
                if text_params:
                    bound = {**(bound or {}), **text_params}
                return shared.session.query(sql, fmt, params=bound)
            except Exception as error:
                raise WarehouseError(str(error)) from error

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._run(sql, params=params)

    def query(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        all_settings = {**_JSON_OUTPUT_SETTINGS, **(settings or {})}
        statement = sql.rstrip().rstrip(";") + _settings_clause(all_settings)
        raw = self._run(statement, "JSONCompact", params)
        payload = raw.bytes()
        if not payload:
            return QueryResult(columns=[], types=[], rows=[])
        document = orjson.loads(payload)
        names = [column["name"] for column in document["meta"]]
        types = [column["type"] for column in document["meta"]]
        rows = [
            tuple(convert(value, type_name) for value, type_name in zip(row, types, strict=True))
            for row in document["data"]
        ]
        return QueryResult(columns=names, types=types, rows=rows)

    def query_raw(
        self,
        sql: str,
        fmt: str,
        params: Mapping[str, Any] | None = None,
        *,
        text_params: Mapping[str, str] | None = None,
    ) -> bytes:
        """The answer exactly as ClickHouse formats it, for the SQL endpoint. `text_params` are
        already in ClickHouse's escaped text form (as HTTP clients send `param_<name>`)."""
        return self._run(sql, fmt, params, text_params).bytes()

    def insert(
        self,
        table: str,
        columns: Mapping[str, Sequence[Any]],
        *,
        dedup_token: str | None = None,
    ) -> int:
        rows = check_columns(columns)
        if rows == 0:
            return 0
        self._insert_file(
            table,
            list(columns),
            orjson.dumps(dict(columns), default=_json_default),
            "JSONColumns",
            insert_settings(dedup_token, date_time_input_format="best_effort"),
        )
        return rows

    def insert_rows(
        self,
        table: str,
        rows: Sequence[Mapping[str, Any]],
        *,
        dedup_token: str | None = None,
    ) -> int:
        if not rows:
            return 0
        settings = insert_settings(dedup_token, input_format_skip_unknown_fields=0)
        body = b"\n".join(orjson.dumps(row, default=_json_default) for row in rows).decode()
        self._run(
            f"INSERT INTO {quote_identifier(table)}{_settings_clause(settings)} "
            f"FORMAT JSONEachRow {body}"
        )
        return len(rows)

    def insert_packed(self, table: str, body: bytes, *, dedup_token: str | None = None) -> int:
        names = self._header_names(body.partition(b"\n")[0])
        self._insert_file(
            table, names, body, "JSONCompactEachRowWithNames", insert_settings(dedup_token)
        )
        return body.count(b"\n")

    def _insert_file(
        self, table: str, names: list[str], body: bytes, fmt: str, settings: dict[str, Any]
    ) -> None:
        """Insert `body` (in format `fmt`, columns `names`) with LowCardinality columns read as
        their plain type, converted column-wise by the insert.

        Measured on the events table (50 columns, 15 LowCardinality): ClickHouse's text parsers
        build a LowCardinality value one at a time (about 0.2 us each), so reading them as
        String halves the parse (5.3 -> 2.5 us a row) and takes the insert from 142 k to 266 k
        rows per CPU-second. The body is read from a file in memory-backed scratch space:
        faster than query text, and the bytes need no decoding. Parallel parsing is off: its
        threads cost more CPU than they save on a busy core. optimize_on_insert is off: a
        ReplacingMergeTree would otherwise collapse duplicates inside each block as it writes
        (a fifth of the insert's CPU); readers deduplicate with FINAL anyway (001_events.sql).
        """
        structure = self._input_structure(table, names)
        columns = ", ".join(quote_column(name) for name in names)
        settings = {**settings, "input_format_parallel_parsing": 0, "optimize_on_insert": 0}
        with tempfile.NamedTemporaryFile(dir=_SCRATCH_DIR) as scratch:
            scratch.write(body)
            scratch.flush()
            self._run(
                f"INSERT INTO {quote_identifier(table)} ({columns}) SELECT {columns} "
                f"FROM file({_string_literal(scratch.name)}, {_string_literal(fmt)}, "
                f"{_string_literal(structure)}){_settings_clause(settings)}"
            )

    @staticmethod
    def _header_names(header: bytes) -> list[str]:
        try:
            names = orjson.loads(header)
        except orjson.JSONDecodeError as error:
            raise WarehouseError(f"the first line is not a list of column names: {error}") from None
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise WarehouseError("the first line is not a list of column names")
        return names

    def _input_structure(self, table: str, names: list[str]) -> str:
        """`name Type, ...` of the named columns as the parser should read them."""
        types = self._plain_types.get(table)
        if types is None or not set(names) <= types.keys():
            described = self.query(f"DESCRIBE TABLE {quote_identifier(table)}").rows
            types = self._plain_types[table] = {row[0]: _plain(row[1]) for row in described}
        unknown = [name for name in names if name not in types]
        if unknown:
            raise WarehouseError(f"{table} has no columns {unknown}")
        return ", ".join(f"{quote_column(name)} {types[name]}" for name in names)

    def close(self) -> None:
        if self._shared is not None:
            self._shared.release()
            self._shared = None
