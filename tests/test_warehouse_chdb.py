"""The chDB backend of the access layer: column-wise inserts round-trip exactly, parameters are
bound not pasted, deduplication tokens make a resent block a no-op."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from clickstream.warehouse import Warehouse, WarehouseError, connect, parse_url
from clickstream.warehouse.url import Target


def event_columns(count: int, site: str = "shop") -> dict[str, list]:
    start = datetime(2026, 2, 28, 23, 59, 59, 999000, tzinfo=UTC)
    return {
        "event_id": [uuid.uuid4() for _ in range(count)],
        "site_id": [site] * count,
        "type": ["order"] * count,
        "anonymous_id": [f"a{i}" for i in range(count)],
        "user_id": ["u'quoted\\"] * count,
        "ts": [start + timedelta(milliseconds=i) for i in range(count)],
        "client_ts": [start] * count,
        "sent_at": [None] + [start] * (count - 1),
        "received_at": [start] * count,
        "title": ['标题 "x"\n'] * count,
        "revenue": [Decimal("1234567.8912")] * count,
        "items.product_id": [["p1", "p2"]] * count,
        "items.price": [[Decimal("0.0001"), Decimal("99999.9999")]] * count,
        "items.category": [["", "c"]] * count,
        "items.quantity": [[1, 4_000_000_000]] * count,
        "properties": [{"k": "v", "json": '{"a":1}'}] * count,
    }


def test_insert_round_trips_every_type(migrated_chdb: Warehouse) -> None:
    columns = event_columns(3)
    assert migrated_chdb.insert("clickstream.events", columns) == 3
    result = migrated_chdb.query(
        "SELECT event_id, user_id, ts, sent_at, title, revenue, items.price, items.quantity, "
        "properties FROM clickstream.events ORDER BY ts"
    )
    assert result.types[2] == "DateTime64(3, 'UTC')"
    first, second = result.dicts()[:2]
    assert first["event_id"] == columns["event_id"][0]
    assert first["user_id"] == "u'quoted\\"
    assert first["ts"] == columns["ts"][0]
    assert first["sent_at"] is None and second["sent_at"] == columns["sent_at"][1]
    assert first["title"] == '标题 "x"\n'
    assert first["revenue"] == Decimal("1234567.8912")
    assert first["items.price"] == [Decimal("0.0001"), Decimal("99999.9999")]
    assert first["items.quantity"] == [1, 4_000_000_000]
    assert first["properties"] == {"k": "v", "json": '{"a":1}'}


def test_month_boundary_partitions(migrated_chdb: Warehouse) -> None:
    migrated_chdb.insert("clickstream.events", event_columns(2))
    partitions = migrated_chdb.query(
        "SELECT DISTINCT partition FROM system.parts WHERE database = 'clickstream' "
        "AND table = 'events' AND active ORDER BY partition"
    ).rows
    assert partitions == [("202602",), ("202603",)]


def test_parameters_are_bound_not_pasted(migrated_chdb: Warehouse) -> None:
    migrated_chdb.insert("clickstream.events", event_columns(2))
    hostile = "shop' OR 1=1 --"
    count = migrated_chdb.query(
        "SELECT count() FROM clickstream.events WHERE site_id = {site:String}", {"site": hostile}
    ).scalar()
    assert count == 0
    count = migrated_chdb.query(
        "SELECT count() FROM clickstream.events WHERE user_id = {u:String}", {"u": "u'quoted\\"}
    ).scalar()
    assert count == 2


def test_resent_block_with_same_token_is_inserted_once(migrated_chdb: Warehouse) -> None:
    columns = event_columns(5)
    migrated_chdb.insert("clickstream.events", columns, dedup_token="events-0-0-4")
    migrated_chdb.insert("clickstream.events", columns, dedup_token="events-0-0-4")
    assert migrated_chdb.query("SELECT count() FROM clickstream.events").scalar() == 5
    migrated_chdb.insert("clickstream.events", columns, dedup_token="events-0-0-4-other")
    assert migrated_chdb.query("SELECT count() FROM clickstream.events").scalar() == 10
    # The same event_ids twice are one event each for every reader that uses FINAL.
    assert migrated_chdb.query("SELECT count() FROM clickstream.events FINAL").scalar() == 5


def test_unequal_columns_are_refused(migrated_chdb: Warehouse) -> None:
    with pytest.raises(ValueError, match="differ in length"):
        migrated_chdb.insert("clickstream.dead_letters", {"reason": ["a", "b"], "stage": ["x"]})


def test_bad_sql_raises_warehouse_error(migrated_chdb: Warehouse) -> None:
    with pytest.raises(WarehouseError, match="UNKNOWN_TABLE|does not exist"):
        migrated_chdb.query("SELECT * FROM clickstream.nope")


def test_one_process_opens_one_chdb_directory(chdb_session_warehouse: Warehouse, tmp_path) -> None:
    same = connect(chdb_session_warehouse.url)
    try:
        assert same.query("SELECT 41 + 1").scalar() == 42
    finally:
        same.close()
    assert chdb_session_warehouse.query("SELECT 1").scalar() == 1  # still open for its owner
    with pytest.raises(WarehouseError, match="only one chDB directory"):
        connect(f"chdb://{tmp_path / 'other'}")


def test_query_result_types_convert() -> None:
    warehouse_sql = (
        "SELECT toUInt64(18446744073709551615) big, toInt64(-5) neg, nan AS f, [1.5] a, "
        "toDate('2026-01-02') d, toDateTime('2026-01-02 03:04:05', 'Asia/Shanghai') local, "
        "tuple(1, 'x') t, CAST(NULL AS Nullable(Decimal(9, 2))) n"
    )
    from clickstream.warehouse.chdb_backend import _SharedSession

    assert _SharedSession._current is not None, "runs inside the session's chDB"
    warehouse = connect(f"chdb://{_SharedSession._current.path}")
    try:
        row = warehouse.query(warehouse_sql).dicts()[0]
    finally:
        warehouse.close()
    assert row["big"] == 18446744073709551615 and row["neg"] == -5
    assert row["f"] != row["f"]  # nan
    assert row["a"] == [1.5]
    assert row["d"].isoformat() == "2026-01-02"
    assert row["local"].utcoffset() == timedelta(hours=8) and row["local"].hour == 3
    assert row["t"] == (1, "x")
    assert row["n"] is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("chdb:///var/lib/cs", Target(scheme="chdb", path=Path("/var/lib/cs"))),
        ("chdb://data/clickhouse", Target(scheme="chdb", path=Path("data/clickhouse"))),
        (
            "clickhouse://ana:p%40ss@ch.internal:9001/shop",
            Target(
                scheme="clickhouse",
                host="ch.internal",
                port=9001,
                user="ana",
                password="p@ss",
                database="shop",
            ),
        ),
        ("clickhouses://ch", Target(scheme="clickhouse", host="ch", port=9440, secure=True)),
        (
            "clickhouse://ch/db?distributed_foreground_insert=1",
            Target(
                scheme="clickhouse",
                host="ch",
                database="db",
                options={"distributed_foreground_insert": "1"},
            ),
        ),
        (
            "chdb:///d?config-file=/etc/c.xml",
            Target(scheme="chdb", path=Path("/d"), options={"config-file": "/etc/c.xml"}),
        ),
    ],
)
def test_parse_url(url: str, expected: Target) -> None:
    assert parse_url(url) == expected


def test_parse_url_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        parse_url("mysql://x")


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        ("tab\there\nnewline \\ back'slash", "String"),
        (datetime(2026, 3, 1, 10, 0, 0, 123000, tzinfo=UTC), "DateTime64(3, 'UTC')"),
        (12345678901234, "Int64"),
        (Decimal("12.3400"), "Decimal(18, 4)"),
        (["a'b", "c\\d"], "Array(String)"),
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), "UUID"),
    ],
)
def test_parameter_values_arrive_intact(
    chdb_session_warehouse: Warehouse, value: object, type_name: str
) -> None:
    echoed = chdb_session_warehouse.query(
        "SELECT {v:" + type_name + "} AS v", {"v": value}
    ).scalar()
    assert echoed == value


def test_packed_rows_fill_low_cardinality_columns(migrated_chdb: Warehouse) -> None:
    # insert_packed reads LowCardinality columns as plain strings and converts whole columns.
    body = b'["event_id","site_id","type","ts","channel","source"]\n' + b"\n".join(
        b'["%s","packed-site","page_view","2026-03-01 10:00:00.000","%s","batch"]'
        % (str(uuid.uuid4()).encode(), channel)
        for channel in (b"direct", b"search", b"direct")
    )
    assert migrated_chdb.insert_packed("clickstream.events", body) == 3
    rows = migrated_chdb.query(
        "SELECT channel, count() FROM clickstream.events WHERE site_id = 'packed-site' "
        "GROUP BY channel ORDER BY channel"
    ).rows
    assert rows == [("direct", 2), ("search", 1)]
    with pytest.raises(WarehouseError, match="no columns"):
        migrated_chdb.insert_packed("clickstream.events", b'["no_such_column"]\n["x"]')
