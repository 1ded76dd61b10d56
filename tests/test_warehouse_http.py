"""The HTTP backend (`http://user:pass@host:port/db`) against the two ClickHouse HTTP interfaces
on this machine: the embedded mode's read-only SQL endpoint (in its own process) and Debian's
clickhouse-server 18.16. Values come back as the chDB backend gives them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from clickstream.warehouse import Warehouse, WarehouseError, connect
from clickstream.warehouse.base import WarehouseUnavailable
from clickstream.warehouse.http_backend import HttpWarehouse
from tests.support.embedded import SQL_PASSWORD, SQL_USER, EmbeddedProcess
from tests.support.ports import free_port
from tests.support.servers import ClickHouseServer
from tests.test_warehouse_chdb import PARAMETER_CASES

TYPES_QUERY = (
    "SELECT toUInt64(18446744073709551615) AS big, toInt64(-5) AS neg, nan AS f, 0.1 AS tenth, "
    "[1.5] AS a, toDate('2026-01-02') AS d, "
    "toDateTime64('2026-01-02 03:04:05.678', 3, 'Asia/Shanghai') AS local, tuple(1, 'x') AS t, "
    "CAST(NULL AS Nullable(Decimal(9, 2))) AS n, toDecimal128('12345678901234567.8901', 4) AS m, "
    "map('k', 1) AS kv"
)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedProcess]:
    process = EmbeddedProcess(tmp_path_factory.mktemp("http-backend"))
    process.start()
    try:
        yield process
    finally:
        process.stop()


def endpoint_url(process: EmbeddedProcess, password: str = SQL_PASSWORD) -> str:
    return f"http://{SQL_USER}:{password}@127.0.0.1:{process.sql_port}/clickstream"


@pytest.fixture
def http(endpoint: EmbeddedProcess) -> Iterator[Warehouse]:
    warehouse = connect(endpoint_url(endpoint))
    try:
        yield warehouse
    finally:
        warehouse.close()


def test_values_come_back_as_chdb_gives_them(
    http: Warehouse, chdb_session_warehouse: Warehouse
) -> None:
    assert isinstance(http, HttpWarehouse)
    over_http = http.query(TYPES_QUERY)
    in_process = chdb_session_warehouse.query(TYPES_QUERY)
    assert over_http.columns == in_process.columns and over_http.types == in_process.types
    got, want = over_http.dicts()[0], in_process.dicts()[0]
    assert got["f"] != got["f"]  # nan
    assert {k: v for k, v in got.items() if k != "f"} == {k: v for k, v in want.items() if k != "f"}
    assert got["m"] == Decimal("12345678901234567.8901") and got["tenth"] == 0.1


@pytest.mark.parametrize(("value", "type_name"), PARAMETER_CASES)
def test_parameters_travel_as_param_fields(http: Warehouse, value: object, type_name: str) -> None:
    assert http.query("SELECT {v:" + type_name + "} AS v", {"v": value}).scalar() == value


def test_the_database_of_the_url_is_the_default(http: Warehouse) -> None:
    assert http.query("SELECT currentDatabase()").scalar() == "clickstream"
    assert http.query("SELECT count() FROM events").scalar() == 0


def test_refusals_are_warehouse_errors(http: Warehouse, endpoint: EmbeddedProcess) -> None:
    with pytest.raises(WarehouseError, match="UNKNOWN_TABLE|does not exist"):
        http.query("SELECT * FROM clickstream.nope")
    with pytest.raises(WarehouseError, match="SYNTAX_ERROR"):
        http.query("SELEKT 1")
    with pytest.raises(WarehouseError, match="READONLY"):
        http.execute("DROP TABLE clickstream.events")
    with pytest.raises(WarehouseError, match="query-only"):
        http.insert_rows("clickstream.events", [{"event_id": "x"}])
    wrong = connect(endpoint_url(endpoint, password="wrong"))
    with pytest.raises(WarehouseError, match="AUTHENTICATION_FAILED"):
        wrong.query("SELECT 1")
    wrong.close()


def test_nobody_listening_is_unavailable() -> None:
    warehouse = connect(f"http://u:p@127.0.0.1:{free_port()}/default")
    with pytest.raises(WarehouseUnavailable):
        warehouse.query("SELECT 1")
    warehouse.close()


@pytest.mark.clickhouse_server
def test_a_clickhouse_server_http_port(clickhouse_server: ClickHouseServer) -> None:
    """ClickHouse's own HTTP interface (18.16 knows no query parameters yet): types, the URL's
    database and settings, errors."""
    url = f"http://default:@127.0.0.1:{clickhouse_server.http_port}/system?max_result_rows=5"
    warehouse = connect(url)
    try:
        row = warehouse.query(
            "SELECT toUInt64(18446744073709551615) AS big, toDecimal64('1234567.8901', 4) AS m, "
            "nan AS f, toDate('2026-01-02') AS d, ['a', 'b'] AS tags, currentDatabase() AS db"
        ).dicts()[0]
        assert row["big"] == 18446744073709551615 and row["m"] == Decimal("1234567.8901")
        assert row["f"] != row["f"] and row["d"].isoformat() == "2026-01-02"
        assert row["tags"] == ["a", "b"] and row["db"] == "system"
        with pytest.raises(WarehouseError, match="max_result_rows|TOO_MANY_ROWS|Limit"):
            warehouse.query("SELECT number FROM numbers(10)")
        with pytest.raises(WarehouseError, match="Syntax error"):
            warehouse.query("SELEKT 1")
    finally:
        warehouse.close()


def test_report_reads_the_http_backend(endpoint: EmbeddedProcess) -> None:
    """`clickstream report --clickhouse http://...` reads the views through any HTTP interface."""
    from typer.testing import CliRunner

    from clickstream.cli import app

    result = CliRunner().invoke(
        app,
        [
            "report",
            "pyramid",
            "--site",
            "shop",
            "--format",
            "csv",
            "--clickhouse",
            endpoint_url(endpoint),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["# pyramid", "tier,customers,revenue,revenue_share,avg_order_value"]
    assert [line.split(",")[:2] for line in lines[2:6]] == [
        ["vip", "0"],
        ["major", "0"],
        ["ordinary", "0"],
        ["small", "0"],
    ]
