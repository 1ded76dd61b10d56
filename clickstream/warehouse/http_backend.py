"""A ClickHouse server over its HTTP interface (`http://user:pass@host:8123/db`, `https://`):
real servers' HTTP port, and the embedded mode's read-only SQL endpoint, which speaks the same.

Query-only: statements and queries go as the request body, `{name:Type}` parameters as
`param_<name>` in ClickHouse's escaped text form, the URL's query options as settings of every
request. Answers come as JSONCompact with the server's default quoting (64-bit integers quoted,
decimals bare), read back losslessly: bare numbers are parsed as Decimal before typing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import httpx

from clickstream.warehouse.base import (
    QueryResult,
    WarehouseError,
    WarehouseUnavailable,
    error_code,
)
from clickstream.warehouse.json_values import result_from_json_compact
from clickstream.warehouse.parameters import parameter_text

# Known to every ClickHouse version with an HTTP interface; nan and inf arrive as text.
_OUTPUT_SETTINGS = {"output_format_json_quote_denormals": "1"}
_UNAVAILABLE_STATUS = {502, 503, 504}


class HttpWarehouse:
    def __init__(
        self,
        host: str,
        port: int = 8123,
        user: str = "default",
        password: str = "",
        database: str = "default",
        secure: bool = False,
        timeout: float = 300.0,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        scheme = "https" if secure else "http"
        self.url = f"{scheme}://{user}@{host}:{port}/{database}"
        self.database = database
        self.settings = {name: str(value) for name, value in (settings or {}).items()}
        self._client = httpx.Client(
            base_url=f"{scheme}://{host}:{port}",
            auth=(user, password),
            timeout=httpx.Timeout(timeout, connect=5.0),
        )

    def _post(
        self,
        sql: str,
        params: Mapping[str, Any] | None,
        settings: Mapping[str, Any] | None = None,
        output_format: str | None = None,
    ) -> bytes:
        query = {"database": self.database, **self.settings}
        query |= {name: str(value) for name, value in (settings or {}).items()}
        query |= {f"param_{name}": parameter_text(value) for name, value in (params or {}).items()}
        if output_format:
            query["default_format"] = output_format
        try:
            response = self._client.post("/", params=query, content=sql.encode())
        except httpx.TransportError as error:
            raise WarehouseUnavailable(f"{self.url}: {error}") from error
        if response.status_code in _UNAVAILABLE_STATUS:
            raise WarehouseUnavailable(f"{self.url}: HTTP {response.status_code}")
        if response.status_code != 200:
            message = response.text.strip()
            raise WarehouseError(message, error_code(message))
        return response.content

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._post(sql, params)

    def query(
        self,
        sql: str,
        params: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        payload = self._post(sql, params, {**_OUTPUT_SETTINGS, **(settings or {})}, "JSONCompact")
        if not payload.strip():
            return QueryResult(columns=[], types=[], rows=[])
        try:
            document = json.loads(payload, parse_float=Decimal)
        except ValueError as error:
            # An error that came after the answer had started (the status was already 200).
            message = payload.decode(errors="replace")[-2000:].strip()
            raise WarehouseError(message, error_code(message)) from error
        return result_from_json_compact(document)

    def _refuse_insert(self) -> int:
        raise WarehouseError(
            f"{self.url}: the HTTP backend is query-only; insert over clickhouse://"
        )

    def insert(
        self,
        table: str,
        columns: Mapping[str, Sequence[Any]],
        *,
        dedup_token: str | None = None,
    ) -> int:
        return self._refuse_insert()

    def insert_rows(
        self, table: str, rows: Sequence[Mapping[str, Any]], *, dedup_token: str | None = None
    ) -> int:
        return self._refuse_insert()

    def insert_packed(self, table: str, body: bytes, *, dedup_token: str | None = None) -> int:
        return self._refuse_insert()

    def close(self) -> None:
        self._client.close()
