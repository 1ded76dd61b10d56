"""A ClickHouse server over the native protocol with clickhouse-driver.

clickhouse-driver pings its connection before each statement and reconnects when the server went
away (a restart). A statement cut off halfway (the server stopped mid-insert) can leave the
driver's connection believing a query is still running, so after any failure that is not the
server's own answer the client is replaced by a fresh one; the failure is reported as
`WarehouseUnavailable` for the caller's retry and backoff.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from clickhouse_driver import Client
from clickhouse_driver import errors as driver_errors

from clickstream.warehouse.base import (
    QueryResult,
    WarehouseError,
    WarehouseUnavailable,
    check_columns,
    insert_settings,
    quote_column,
    quote_identifier,
)
from clickstream.warehouse.native_values import Converter, converter_for
from schemas.messages import unpack

_UNAVAILABLE = (
    driver_errors.NetworkError,
    driver_errors.SocketTimeoutError,
    EOFError,
    ConnectionError,
    OSError,
)


def _typed(settings: Mapping[str, Any]) -> dict[str, Any]:
    """URL query values are text; numeric settings travel as numbers."""
    return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in settings.items()}


class NativeWarehouse:
    def __init__(
        self,
        host: str,
        port: int = 9000,
        user: str = "default",
        password: str = "",
        database: str = "default",
        secure: bool = False,
        connect_timeout: float = 5.0,
        send_receive_timeout: float = 300.0,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        self.url = f"clickhouse://{user}@{host}:{port}/{database}"
        self._column_converters: dict[str, dict[str, Converter]] = {}
        self._client_options: dict[str, Any] = {
            "host": host,
            "port": port,
            "user": user,
            "password": password,
            "database": database,
            "secure": secure,
            "connect_timeout": connect_timeout,
            "send_receive_timeout": send_receive_timeout,
            "settings": {"server_side_params": True, **_typed(settings or {})},
        }
        self._client = Client(**self._client_options)

    def _call(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._client.execute(sql, *args, **kwargs)
        except driver_errors.ServerException as error:  # the server answered: connection fine
            raise WarehouseError(str(error), error.code) from error
        except driver_errors.TypeMismatchError as error:  # a value the driver cannot encode
            self._replace_client()
            raise WarehouseError(str(error), error.code) from error
        except (*_UNAVAILABLE, driver_errors.Error, AttributeError) as error:
            # AttributeError: the driver's own cleanup of a connection it already closed.
            self._replace_client()
            raise WarehouseUnavailable(f"{self.url}: {error!r}") from error

    def _replace_client(self) -> None:
        old, self._client = self._client, Client(**self._client_options)
        with contextlib.suppress(Exception):  # the old connection is abandoned either way
            old.disconnect()

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._call(sql, dict(params) if params else None)

    def query(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        rows, column_types = self._call(
            sql,
            dict(params) if params else None,
            with_column_types=True,
            settings=dict(settings) if settings else None,
        )
        return QueryResult(
            columns=[name for name, _ in column_types],
            types=[type_name for _, type_name in column_types],
            rows=[tuple(row) for row in rows],
        )

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
        settings = insert_settings(dedup_token)
        column_list = ", ".join(quote_column(name) for name in columns)
        self._call(
            f"INSERT INTO {quote_identifier(table)} ({column_list}) VALUES",
            [list(values) for values in columns.values()],
            columnar=True,
            settings=settings or None,
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
        converters = self._converters(table)
        names = [name for name in rows[0] if name in converters]
        unknown = set(rows[0]) - set(converters)
        if unknown:
            raise WarehouseError(f"{table} has no columns {sorted(unknown)}")
        columns = {name: [converters[name](row.get(name)) for row in rows] for name in names}
        return self.insert(table, columns, dedup_token=dedup_token)

    def insert_packed(self, table: str, body: bytes, *, dedup_token: str | None = None) -> int:
        # The native protocol carries typed blocks, not text: decode and convert here.
        return self.insert_rows(table, unpack(body), dedup_token=dedup_token)

    def _converters(self, table: str) -> dict[str, Converter]:
        if table not in self._column_converters:
            result = self.query(f"DESCRIBE TABLE {quote_identifier(table)}")
            if not result.rows:
                raise WarehouseError(f"table {table} does not exist")
            self._column_converters[table] = {row[0]: converter_for(row[1]) for row in result.rows}
        return self._column_converters[table]

    def close(self) -> None:
        self._client.disconnect()
