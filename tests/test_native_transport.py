"""The clickhouse-driver backend against a real ClickHouse server.

Debian's clickhouse-server is 18.16 (2018): far too old for the product schema (no DateTime64, no
Map), so this test uses a table of types it supports and proves the transport only: connect,
column-wise insert, query, and carrying on after the server restarts.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clickstream.warehouse import connect
from clickstream.warehouse.base import WarehouseUnavailable
from tests.support.servers import ClickHouseServer

TABLE = "transport_test.rows"


def test_insert_query_and_reconnect_after_restart(clickhouse_server: ClickHouseServer) -> None:
    warehouse = connect(clickhouse_server.url)
    warehouse.execute("CREATE DATABASE IF NOT EXISTS transport_test")
    warehouse.execute(f"DROP TABLE IF EXISTS {TABLE}")
    warehouse.execute(
        f"CREATE TABLE {TABLE} (id UInt64, name String, at DateTime, score Float64, "
        "tags Array(String)) ENGINE = MergeTree ORDER BY id"
    )
    at = datetime(2026, 3, 1, 10, 0, 0)

    def batch(start: int) -> dict[str, list]:
        ids = list(range(start, start + 1000))
        return {
            "id": ids,
            "name": [f"n'{i}\\" for i in ids],
            "at": [at] * len(ids),
            "score": [i / 4 for i in ids],
            "tags": [["a", str(i)] for i in ids],
        }

    assert warehouse.insert(TABLE, batch(0)) == 1000
    result = warehouse.query(
        f"SELECT count(), sum(id), anyIf(name, id = 999), min(at) FROM {TABLE}"
    )
    count, id_sum, max_name, min_at = result.rows[0]
    assert (count, id_sum, max_name) == (1000, sum(range(1000)), "n'999\\")
    assert min_at.replace(tzinfo=None) == at

    clickhouse_server.stop()
    with pytest.raises(WarehouseUnavailable):
        warehouse.insert(TABLE, batch(5000))
    clickhouse_server.start()

    # The same client object carries on: the driver reconnects on its own.
    assert warehouse.insert(TABLE, batch(1000)) == 1000
    assert warehouse.query(f"SELECT count(), uniqExact(id) FROM {TABLE}").rows == [(2000, 2000)]
    first_tags = warehouse.query(f"SELECT tags FROM {TABLE} WHERE id = 1500").scalar()
    assert first_tags == ["a", "1500"]
    warehouse.close()


def test_unreachable_server_is_reported_as_unavailable() -> None:
    from tests.support.ports import free_port

    warehouse = connect(f"clickhouse://default:@127.0.0.1:{free_port()}/default")
    with pytest.raises(WarehouseUnavailable):
        warehouse.query("SELECT 1")
    assert datetime.now(UTC)  # the process is fine afterwards


def test_url_query_parameters_are_connection_settings(
    clickhouse_server: ClickHouseServer,
) -> None:
    warehouse = connect(clickhouse_server.url + "?max_threads=3&distributed_product_mode=global")
    try:
        rows = warehouse.query(
            "SELECT name, value FROM system.settings "
            "WHERE name IN ('max_threads', 'distributed_product_mode') ORDER BY name"
        ).rows
    finally:
        warehouse.close()
    assert rows == [("distributed_product_mode", "global"), ("max_threads", "3")]


def test_a_connection_left_mid_statement_is_replaced(clickhouse_server: ClickHouseServer) -> None:
    """A server stopped in the middle of an insert leaves clickhouse-driver's connection marked
    as still running that statement; every later statement would be refused ("simultaneous
    queries on single connection"). The backend replaces the client: one failure reported as
    unavailable (the caller retries), then statements go through again."""
    warehouse = connect(clickhouse_server.url)
    assert warehouse.query("SELECT 1").scalar() == 1
    warehouse._client.connection.is_query_executing = True  # the state such a cut leaves
    with pytest.raises(WarehouseUnavailable, match="PartiallyConsumedQuery"):
        warehouse.query("SELECT 2")
    assert warehouse.query("SELECT 3").scalar() == 3
    warehouse.close()
