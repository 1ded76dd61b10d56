"""The read-only SQL endpoint of the embedded mode, in the shape of ClickHouse's HTTP interface
(SPEC section 11), for analysts, clickhouse-connect and Grafana's ClickHouse data source.

`POST /` (query in the body, or begun in `query=` and continued in the body), `GET /?query=`,
multipart forms with a `query` field, `GET /ping`. The output format comes from the statement's
FORMAT clause, else `default_format`, else `X-ClickHouse-Format`, else TabSeparated. Query
parameters arrive as `param_<name>` in ClickHouse's escaped text form and are bound by the engine.
Every statement runs with readonly = 1 (statement.py); engine work runs in a thread, off the event
loop the collector shares.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import orjson
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from clickstream.sql_endpoint import native
from clickstream.sql_endpoint.auth import Credentials, sent_credentials
from clickstream.sql_endpoint.errors import ClickHouseError
from clickstream.sql_endpoint.statement import executable, parse, settings_from
from clickstream.warehouse import WarehouseError
from clickstream.warehouse.chdb_backend import ChdbWarehouse

_CONTENT_TYPES = (
    ("json", "application/json; charset=UTF-8"),
    ("tabseparated", "text/tab-separated-values; charset=UTF-8"),
    ("tsv", "text/tab-separated-values; charset=UTF-8"),
    ("csv", "text/csv; charset=UTF-8"),
    ("native", "application/octet-stream"),
    ("rowbinary", "application/octet-stream"),
    ("parquet", "application/octet-stream"),
    ("arrow", "application/octet-stream"),
    ("rawblob", "application/octet-stream"),
)


def content_type(output_format: str) -> str:
    lowered = output_format.lower()
    for prefix, media_type in _CONTENT_TYPES:
        if lowered.startswith(prefix):
            return media_type
    return "text/plain; charset=UTF-8"


def _decoded_body(body: bytes, encoding: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, zlib.error, EOFError) as error:
        raise ClickHouseError("BAD_ARGUMENTS", f"Cannot decode the {encoding} body") from error
    raise ClickHouseError(
        "UNSUPPORTED_MEDIA_TYPE", f"Unknown HTTP content encoding {encoding!r}: use gzip or deflate"
    )


def _encoded(body: bytes, accept_encoding: str, level: int) -> tuple[bytes, str | None]:
    """Compress as the client asks (ClickHouse's enable_http_compression): gzip or deflate,
    the first of them the client lists; else as is."""
    for item in accept_encoding.split(","):
        name = item.split(";")[0].strip().lower()
        if name == "gzip":
            return gzip.compress(body, compresslevel=min(max(level, 1), 9)), "gzip"
        if name == "deflate":
            return zlib.compress(body, min(max(level, 1), 9)), "deflate"
    return body, None


def _number(parameters: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(parameters.get(name) or default)
    except ValueError as error:
        raise ClickHouseError("BAD_ARGUMENTS", f"{name} must be a number") from error


@dataclass(frozen=True)
class Server:
    """What the endpoint says about itself."""

    version: str
    time_zone: str
    display_name: str


class SqlEndpoint:
    def __init__(self, warehouse: ChdbWarehouse, credentials: Credentials) -> None:
        self.warehouse = warehouse
        self.credentials = credentials
        version, time_zone = (
            warehouse.query_raw("SELECT version(), timezone()", "TSVRaw").decode().split()
        )
        self.server = Server(version, time_zone, socket.gethostname())

    def _headers(self, query_id: str) -> dict[str, str]:
        return {
            "X-ClickHouse-Server-Display-Name": self.server.display_name,
            "X-ClickHouse-Query-Id": query_id,
            "X-ClickHouse-Timezone": self.server.time_zone,
        }

    async def ping(self, request: Request) -> Response:
        return PlainTextResponse("Ok.\n")

    async def query(self, request: Request) -> Response:
        parameters = dict(request.query_params)
        query_id = parameters.get("query_id") or str(uuid.uuid4())
        headers = self._headers(query_id)
        try:
            text = await self._read(request, parameters)
            user, password = sent_credentials(request.headers, parameters)
            self.credentials.check(user, password)
            if not text.strip() and request.method in ("GET", "HEAD"):
                return PlainTextResponse("Ok.\n", headers=headers)
            level = _number(parameters, "http_zlib_compression_level", 3)
            output_format, body, elapsed = await asyncio.to_thread(
                self._answer, text, user, parameters, request.headers
            )
        except ClickHouseError as error:
            headers["X-ClickHouse-Exception-Code"] = str(error.code)
            return PlainTextResponse(
                error.text(self.server.version), status_code=error.status, headers=headers
            )
        body, encoding = _encoded(body, request.headers.get("accept-encoding", ""), level)
        if encoding:
            headers["Content-Encoding"] = encoding
        headers["X-ClickHouse-Format"] = output_format
        headers["X-ClickHouse-Summary"] = orjson.dumps(
            {"result_bytes": str(len(body)), "elapsed_ns": str(elapsed)}
        ).decode()
        return Response(body, headers=headers, media_type=content_type(output_format))

    async def _read(self, request: Request, parameters: dict[str, str]) -> str:
        """The query text (URL part, then body) and, for forms, the fields as parameters."""
        if parameters.get("decompress") == "1" or parameters.get("compress") == "1":
            raise ClickHouseError(
                "NOT_IMPLEMENTED",
                "ClickHouse's native compression (compress=1, decompress=1) is not supported "
                "by this endpoint: use HTTP compression (gzip, deflate) or none",
            )
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    raise ClickHouseError(
                        "NOT_IMPLEMENTED", "external data tables are not supported"
                    )
                parameters[name] = value
            body = b""
        else:
            body = _decoded_body(await request.body(), request.headers.get("content-encoding", ""))
        head = parameters.pop("query", "")
        text = body.decode(errors="replace")
        return f"{head}\n{text}" if head and text else head or text

    def _answer(
        self, text: str, user: str, parameters: dict[str, str], headers: Mapping[str, str]
    ) -> tuple[str, bytes, int]:
        started = time.monotonic_ns()
        settings = settings_from(parameters)
        statement = parse(self.warehouse, text, user)
        output_format = (
            statement.format_clause
            or parameters.get("default_format")
            or headers.get("x-clickhouse-format")
            or "TabSeparated"
        )
        database = parameters.get("database") or headers.get("x-clickhouse-database") or "default"
        query_parameters = {
            name[len("param_") :]: value
            for name, value in parameters.items()
            if name.startswith("param_")
        }
        try:
            body = self.warehouse.query_raw(
                executable(statement, database, settings),
                output_format,
                text_params=query_parameters,
            )
        except WarehouseError as error:
            raise ClickHouseError.from_engine(str(error)) from error
        revision = _number(parameters, "client_protocol_version", 0)
        if output_format.lower() == "native":
            try:
                body = native.upgrade(body, revision)
            except native.UnsupportedType as error:
                raise ClickHouseError(
                    "NOT_IMPLEMENTED",
                    f"Native format for clients of protocol revision {revision}: column type "
                    f"{error} is not supported by this endpoint; ask for another format",
                ) from error
        return output_format, body, time.monotonic_ns() - started


def create_sql_app(warehouse: ChdbWarehouse, credentials: Credentials) -> Starlette:
    endpoint = SqlEndpoint(warehouse, credentials)
    return Starlette(
        routes=[
            Route("/", endpoint.query, methods=["GET", "POST"]),
            Route("/ping", endpoint.ping, methods=["GET", "HEAD"]),
        ]
    )
