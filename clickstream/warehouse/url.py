"""Pick a backend from the target URL (SPEC section 11, CLICKSTREAM_CLICKHOUSE).

chdb:///absolute/path   chdb://relative/path   chdb:relative/path
clickhouse://user:password@host:9000/database  (clickhouses:// for TLS)
http://user:password@host:8123/database        (https:// for TLS; ClickHouse's HTTP interface, e.g.
                                                the embedded SQL endpoint; query-only)

Query parameters are passed on: for a server, as settings of every statement of the connection
(`?distributed_foreground_insert=1` on a cluster; over HTTP, of every request); for chDB, as its
startup options (`?config-file=/path/config.xml`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from clickstream.warehouse.base import Warehouse


@dataclass(frozen=True)
class Target:
    scheme: str  # "chdb", "clickhouse" or "http"
    path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 9000
    user: str = "default"
    password: str = ""
    database: str = "default"
    secure: bool = False
    options: dict[str, str] = field(default_factory=dict)  # the URL's query parameters


# URL scheme of a server -> (backend, default port, TLS)
_SERVER_SCHEMES = {
    "clickhouse": ("clickhouse", 9000, False),
    "clickhouses": ("clickhouse", 9440, True),
    "http": ("http", 8123, False),
    "https": ("http", 8443, True),
}


def parse_url(url: str) -> Target:
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    if parts.scheme == "chdb":
        raw_path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not raw_path:
            raise ValueError(f"chdb URL needs a path: {url!r}")
        return Target(scheme="chdb", path=Path(unquote(raw_path)), options=options)
    if parts.scheme in _SERVER_SCHEMES:
        backend, default_port, secure = _SERVER_SCHEMES[parts.scheme]
        return Target(
            scheme=backend,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or default_port,
            user=unquote(parts.username or "default"),
            password=unquote(parts.password or ""),
            database=parts.path.strip("/") or "default",
            secure=secure,
            options=options,
        )
    raise ValueError(
        f"unsupported ClickHouse URL {url!r}: use chdb:///path, clickhouse://host or http://host"
    )


def connect(url: str) -> Warehouse:
    target = parse_url(url)
    if target.scheme == "chdb":
        from clickstream.warehouse.chdb_backend import ChdbWarehouse

        assert target.path is not None
        return ChdbWarehouse(target.path, target.options)
    server: dict[str, Any] = {
        "host": target.host,
        "port": target.port,
        "user": target.user,
        "password": target.password,
        "database": target.database,
        "secure": target.secure,
        "settings": target.options,
    }
    if target.scheme == "http":
        from clickstream.warehouse.http_backend import HttpWarehouse

        return HttpWarehouse(**server)
    from clickstream.warehouse.native_backend import NativeWarehouse

    return NativeWarehouse(**server)
