"""Where a report reads from: the configured ClickHouse (CLICKSTREAM_CLICKHOUSE / --clickhouse),
or, when that is the embedded chDB folder and a running service owns it (`make run`), that
service's read-only SQL endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from clickstream.config import Settings
from clickstream.sql_endpoint.address import published_url
from clickstream.sql_endpoint.auth import known_credentials
from clickstream.warehouse import Warehouse, connect, parse_url
from clickstream.warehouse.chdb_backend import in_use_elsewhere


class SourceError(Exception):
    """The data cannot be reached as configured; the message says what to do."""


@dataclass
class Source:
    warehouse: Warehouse
    note: str = ""  # how the data is reached, when it is not the configured URL


def open_source(settings: Settings) -> Source:
    target = parse_url(settings.clickhouse_url)
    if target.scheme != "chdb":
        return Source(connect(settings.clickhouse_url))
    assert target.path is not None
    if not in_use_elsewhere(target.path):
        if not (target.path / "metadata").is_dir():
            raise SourceError(
                f"no ClickHouse data at {target.path}: start the service (make run) or run "
                "`clickstream migrate`, or point --clickhouse / CLICKSTREAM_CLICKHOUSE at the data"
            )
        return Source(connect(settings.clickhouse_url))
    endpoint = published_url(settings.data_dir)
    if endpoint is None:
        raise SourceError(
            f"the chDB data at {target.path} is in use by another process that serves no SQL "
            "endpoint (chDB lets one process open it): stop that process, or start it with its "
            "SQL endpoint (--sql-port)"
        )
    credentials = known_credentials(settings.data_dir, settings.sql_user, settings.sql_password)
    if credentials is None:
        raise SourceError(
            f"the chDB data at {target.path} is in use by a running service; to read through "
            f"its SQL endpoint {endpoint}, set CLICKSTREAM_SQL_PASSWORD (the service made none "
            f"in {settings.data_dir}/sql-password)"
        )
    user, password = quote(credentials.user, safe=""), quote(credentials.password, safe="")
    host = endpoint.split("://", 1)[1]
    return Source(
        connect(f"http://{user}:{password}@{host}/default"),
        note=f"the chDB data at {target.path} is in use by a running service; reading through "
        f"its SQL endpoint {endpoint} as {credentials.user}",
    )
