"""The interface both ClickHouse backends implement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class WarehouseError(Exception):
    """ClickHouse refused a statement (bad SQL, wrong types, ...). Retrying will not help."""


class WarehouseUnavailable(WarehouseError):
    """ClickHouse could not be reached. Retrying later may help."""


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
