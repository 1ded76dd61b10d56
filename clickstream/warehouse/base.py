"""The interface both ClickHouse backends implement."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class WarehouseError(Exception):
    """ClickHouse refused a statement (bad SQL, wrong types, ...). `code` is ClickHouse's error
    code when the server gave one."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class WarehouseUnavailable(WarehouseError):
    """ClickHouse could not be reached. Retrying later may help."""


# Error codes by which ClickHouse refuses the values of an insert (a text it cannot parse, a
# number out of range, ...): another row may go in where these did not. Any other refusal (a
# missing table, too many parts, memory, access) is about the server, not the rows.
DATA_ERROR_CODES = frozenset(
    {
        6,  # CANNOT_PARSE_TEXT
        25,  # CANNOT_PARSE_ESCAPE_SEQUENCE
        26,  # CANNOT_PARSE_QUOTED_STRING
        27,  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
        33,  # CANNOT_READ_ALL_DATA
        38,  # CANNOT_PARSE_DATE
        41,  # CANNOT_PARSE_DATETIME
        53,  # TYPE_MISMATCH
        69,  # ARGUMENT_OUT_OF_BOUND
        70,  # CANNOT_CONVERT_TYPE
        72,  # CANNOT_PARSE_NUMBER
        117,  # INCORRECT_DATA
        128,  # TOO_LARGE_ARRAY_SIZE
        131,  # TOO_LARGE_STRING_SIZE
        190,  # SIZES_OF_ARRAYS_DONT_MATCH
        321,  # VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
        349,  # CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
        376,  # CANNOT_PARSE_UUID
        377,  # ILLEGAL_SYNTAX_FOR_DATA_TYPE
        407,  # DECIMAL_OVERFLOW
        441,  # CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
        467,  # CANNOT_PARSE_BOOL
        691,  # UNKNOWN_ELEMENT_OF_ENUM
    }
)
_CODE_IN_MESSAGE = re.compile(r"\bCode: (\d+)\b")


def error_code(message: str) -> int | None:
    """The ClickHouse error code quoted in an error text ("Code: 27. DB::Exception: ...")."""
    match = _CODE_IN_MESSAGE.search(message)
    return int(match[1]) if match else None


def refuses_data(error: WarehouseError) -> bool:
    """Did ClickHouse refuse the values themselves (so that other rows may still go in)?"""
    return error.code in DATA_ERROR_CODES


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    types: list[str]  # ClickHouse type names, e.g. "DateTime64(3, 'UTC')"
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0]


class Warehouse(Protocol):
    """Run DDL, insert rows column-wise, query. Parameters use ClickHouse's `{name:Type}` syntax
    and are sent separately from the SQL: user input is never pasted into a statement."""

    url: str

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None: ...

    def query(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> QueryResult: ...

    def insert(
        self,
        table: str,
        columns: Mapping[str, Sequence[Any]],
        *,
        dedup_token: str | None = None,
    ) -> int:
        """Insert equally long columns into `table` (e.g. "clickstream.events"); returns rows.
        With `dedup_token`, resending the same block is a no-op on tables with a
        deduplication window."""
        ...

    def insert_rows(
        self, table: str, rows: Sequence[Mapping[str, Any]], *, dedup_token: str | None = None
    ) -> int:
        """Insert JSON-shaped rows (column name -> value as JSON carries it: times as
        "YYYY-MM-DD hh:mm:ss.fff" text, decimals as text); ClickHouse types them. The loader's
        path: records arrive from Kafka as JSON."""
        ...

    def insert_packed(self, table: str, body: bytes, *, dedup_token: str | None = None) -> int:
        """Insert ClickHouse JSONCompactEachRowWithNames text (a names line, then one JSON array
        per row): the shape of the Kafka messages (schemas/messages.py). Returns rows sent."""
        ...

    def close(self) -> None: ...


def quote_identifier(name: str) -> str:
    """Backtick-quote a table or column name that comes from our own code."""
    return ".".join("`" + part.replace("`", "``") + "`" for part in name.split("."))


def quote_column(name: str) -> str:
    """Column names may contain dots (Nested columns such as items.price): quote as one name."""
    return "`" + name.replace("`", "``") + "`"


def check_columns(columns: Mapping[str, Sequence[Any]]) -> int:
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns differ in length: {sorted(lengths)}")
    return lengths.pop() if lengths else 0


def insert_settings(dedup_token: str | None, **settings: Any) -> dict[str, Any]:
    """Settings of an insert; with a token, resending the same block is a no-op."""
    if dedup_token is not None:
        settings |= {"insert_deduplicate": 1, "insert_deduplication_token": dedup_token}
    return settings
