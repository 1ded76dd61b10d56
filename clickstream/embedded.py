"""The embedded mode (SPEC section 2): the whole product in one process, no servers to install.

`clickstream serve` without CLICKSTREAM_KAFKA runs this: the collector (the same app as in
production) commits accepted events to a local SQLite spool; a loader thread stores them in
ClickHouse through the Kafka worker's loader; ClickHouse runs in-process (chDB) with its data
under the data folder; and analysts query it through a read-only SQL endpoint in the shape of
ClickHouse's HTTP interface. One uvicorn server listens on both ports, in one event loop: chDB
lets only one process open its data.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from clickstream.config import Settings
from clickstream.warehouse import Warehouse, connect
from clickstream.warehouse.chdb_backend import ChdbWarehouse

log = logging.getLogger("clickstream.embedded")

ASGIApp = Callable[..., Any]


class EmbeddedError(Exception):
    """The embedded mode cannot start as asked."""


@dataclass(frozen=True)
class Endpoints:
    host: str = "127.0.0.1"
    port: int = 8000
    sql_host: str = "127.0.0.1"
    sql_port: int = 8123  # 0: no SQL endpoint
    sql_public: bool = False  # allow a non-loopback SQL address


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ByPort:
    """Route each connection to the app of the port it came in on; lifespan events go to the
    collector, whose startup and shutdown start and stop the spool loader."""

    def __init__(self, collector: ASGIApp, by_port: dict[int, ASGIApp]) -> None:
        self.collector = collector
        self.by_port = by_port

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        server = scope.get("server") if scope["type"] != "lifespan" else None
        app = self.by_port.get(server[1], self.collector) if server else self.collector
        await app(scope, receive, send)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise EmbeddedError(f"cannot listen on {host}:{port}: {error.strerror}") from error
    return sock


def open_warehouse(settings: Settings, on_applied: Callable[[Any], None]) -> Warehouse:
    from schemas.migrations import migrate

    warehouse = connect(settings.clickhouse_url)
    try:
        migrate(warehouse, on_applied=on_applied)
    except Exception:
        warehouse.close()
        raise
    return warehouse


def serve(
    settings: Settings,
    endpoints: Endpoints,
    on_started: Callable[[Endpoints], None] | None = None,
    on_applied: Callable[[Any], None] = lambda _: None,
) -> None:
    """Run until SIGINT/SIGTERM; then the loader stores what the spool holds, and all closes."""
    from clickstream.sql_endpoint import create_sql_app, credentials_for
    from ingest.app import create_app
    from ingest.local_sink import LocalSink
    from ingest.main import collector_settings, spool_max_bytes
    from ingest.spool import Spool
    from pipeline.funnel_snapshots import SnapshotTimer
    from pipeline.loader import Loader
    from pipeline.spool_loader import SpoolLoader

    if endpoints.sql_port and not (endpoints.sql_public or is_loopback(endpoints.sql_host)):
        raise EmbeddedError(
            f"the SQL endpoint binds to loopback only; {endpoints.sql_host} is not loopback "
            "(pass --sql-public to serve it there anyway)"
        )
    sockets = [bind(endpoints.host, endpoints.port)]
    try:
        if endpoints.sql_port:
            sockets.append(bind(endpoints.sql_host, endpoints.sql_port))
        warehouse = open_warehouse(settings, on_applied)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    try:
        spool = Spool(settings.data_dir / "spool", spool_max_bytes())
        loader = SpoolLoader(spool, Loader(warehouse, settings.topic, settings.dead_letter_topic))
        collector = create_app(collector_settings(), LocalSink(spool, loader))
        by_port: dict[int, ASGIApp] = {}
        if endpoints.sql_port:
            if not isinstance(warehouse, ChdbWarehouse):
                raise EmbeddedError(
                    f"the SQL endpoint serves embedded ClickHouse (chdb://) only; analysts "
                    f"query {warehouse.url} directly (or pass --sql-port 0)"
                )
            credentials = credentials_for(
                settings.data_dir, settings.sql_user, settings.sql_password
            )
            by_port[sockets[1].getsockname()[1]] = create_sql_app(warehouse, credentials)
        server = _Server(
            uvicorn.Config(
                ByPort(collector, by_port),
                lifespan="on",
                log_level="warning",
                access_log=False,
            )
        )
        if on_started:
            _when_started(server, lambda: on_started(endpoints))
        if len(sockets) > 1:
            _publish_sql_address(server, settings, sockets[1])
        snapshots = SnapshotTimer(warehouse, settings.funnel_snapshot_seconds)
        snapshots.start()
        try:
            server.run(sockets=sockets)
        finally:
            snapshots.stop()
    finally:
        warehouse.close()


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM once it has shut down (so the default handler ends the
    process), and nothing after `run()` runs then: what must happen on the way out is done as
    the last step of its shutdown."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.on_shutdown: list[Callable[[], None]] = []

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        for action in self.on_shutdown:
            action()


def _publish_sql_address(server: _Server, settings: Settings, sql_socket: socket.socket) -> None:
    """Tell other local processes (`clickstream report`) where the SQL endpoint answers, while
    it does."""
    from clickstream.sql_endpoint.address import publish, unpublish

    host, port = sql_socket.getsockname()[:2]
    host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    publish(settings.data_dir, f"http://{f'[{host}]' if ':' in host else host}:{port}")
    server.on_shutdown.append(lambda: unpublish(settings.data_dir))


def _when_started(server: uvicorn.Server, action: Callable[[], None]) -> None:
    def wait_then_act() -> None:
        while not server.started:
            if server.should_exit:
                return
            threading.Event().wait(0.05)
        try:
            action()
        except Exception:  # noqa: BLE001 - a failed announcement must not stop the service
            log.exception("after start")

    threading.Thread(target=wait_then_act, name="after-start", daemon=True).start()
