from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright

from clickstream.warehouse import Warehouse, connect
from schemas.migrations import migrate
from tests.support.browser import ShopSite, launch, playwright_session
from tests.support.collector import CollectorProcess
from tests.support.servers import (
    ClickHouseServer,
    KafkaBroker,
    start_clickhouse_server,
    start_kafka,
)


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """The real Apache Kafka 4.x broker from Maven jars, one per test session."""
    broker = start_kafka(tmp_path_factory.mktemp("kafka"))
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def clickhouse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClickHouseServer]:
    """Debian's clickhouse-server 18.16: a real server for the native transport only."""
    server = start_clickhouse_server(tmp_path_factory.mktemp("clickhouse-server"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def collector(
    kafka_broker: KafkaBroker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CollectorProcess]:
    """`clickstream serve` in its own process against the session's broker, one per module."""
    process = CollectorProcess(tmp_path_factory.mktemp("collector"), kafka_broker.bootstrap)
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="session")
def chdb_session_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """The test process's one chDB directory (a process can open only one)."""
    warehouse = connect(f"chdb://{tmp_path_factory.mktemp('chdb')}")
    try:
        yield warehouse
    finally:
        warehouse.close()


@pytest.fixture
def empty_chdb(chdb_session_warehouse: Warehouse) -> Warehouse:
    """chDB with no clickstream database: each test starts from nothing."""
    chdb_session_warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    return chdb_session_warehouse


@pytest.fixture
def migrated_chdb(empty_chdb: Warehouse) -> Warehouse:
    migrate(empty_chdb)
    return empty_chdb


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with playwright_session() as session:
        yield session


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright; a fresh profile per context."""
    browser = launch(playwright)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def shop(kafka_broker: KafkaBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopSite]:
    """A shop's site on its own origin, self-hosting the snippet, and its demo-site collector."""
    with ShopSite(tmp_path_factory.mktemp("shop"), kafka_broker.bootstrap) as site:
        yield site
