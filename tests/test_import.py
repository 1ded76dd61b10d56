"""`clickstream import` against the real collector and broker: historical events keep their own
time, bad lines are named by line number and field, and a second import adds no new events."""

from __future__ import annotations

import csv
import gzip
import os
import subprocess
import sys
import uuid
from pathlib import Path

import orjson

from clickstream.importer import IMPORT_NAMESPACE, file_format, read_rows
from tests.support.collector import CollectorProcess
from tests.support.servers import KafkaBroker
from tests.support.topics import read_topic

EVENTS_TOPIC = "clickstream.events"


def run_import(collector: CollectorProcess, *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clickstream", "import", "--url", collector.url, *map(str, args)],
        env={**os.environ, "CLICKSTREAM_WRITE_KEYS": "shop:shop-key"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_jsonl_import_keeps_historical_time_and_names_bad_lines(
    collector: CollectorProcess, kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    good = [
        {
            "event_id": str(uuid.uuid4()),
            "type": "order",
            "user_id": "u-7",
            "ts": "2019-06-01T08:30:00Z",
            "order_id": "o-2019",
            "revenue": "120.00",
            "currency": "EUR",
        },
        {  # a Segment message from an export
            "type": "track",
            "event": "Product Added",
            "messageId": str(uuid.uuid4()),
            "anonymousId": "a-7",
            "timestamp": "2019-06-01T08:00:00Z",
            "properties": {"product_id": "p-1", "price": 10},
        },
    ]
    lines = [orjson.dumps(good[0]), b"{not json", b"", orjson.dumps(good[1])]
    lines.append(orjson.dumps({"event_id": str(uuid.uuid4()), "type": "Bad Type", "user_id": "u"}))
    path = tmp_path / "history.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))

    completed = run_import(collector, path)

    assert completed.returncode == 1, completed.stderr  # some lines were refused
    assert "5 rows" not in completed.stderr  # the blank line is not a row
    assert "4 rows, 2 accepted, 2 rejected" in completed.stderr
    assert "line 2: event: not valid JSON" in completed.stderr
    assert "line 5: type:" in completed.stderr
    found = read_topic(
        kafka_broker.bootstrap, EVENTS_TOPIC, {good[0]["event_id"], good[1]["messageId"]}
    )
    assert found[good[0]["event_id"]]["ts"] == "2019-06-01 08:30:00.000"
    assert found[good[0]["event_id"]]["revenue"] == "120.0000"
    assert found[good[1]["messageId"]]["ts"] == "2019-06-01 08:00:00.000"
    assert found[good[1]["messageId"]]["type"] == "add_to_cart"


def test_csv_import_with_json_cells_and_property_columns(
    collector: CollectorProcess, kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    header = ["type", "anonymous_id", "ts", "order_id", "revenue", "items", "properties.coupon"]
    items = orjson.dumps([{"product_id": "p-9", "price": "5.50", "quantity": 2}]).decode()
    rows = [
        ["order", "a-1", "2020-01-02T03:04:05Z", "o-1", "11.00", items, "NEWYEAR"],
        ["page_view", "a-1", "2020-01-02T03:00:00Z", "", "", "", ""],
        ["order", "a-2", "2020-01-03T00:00:00Z", "o-2", "-5", "", ""],  # negative revenue
    ]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)

    first = run_import(collector, path)
    second = run_import(collector, path)  # the same file again

    assert first.returncode == 1
    assert "3 rows, 2 accepted, 1 rejected" in first.stderr
    assert "line 4: revenue:" in first.stderr
    ids = {row.event["event_id"] for row in read_rows(path, "csv") if row.event}
    assert len(ids) == 3
    found = read_topic(kafka_broker.bootstrap, EVENTS_TOPIC, ids)
    assert len(found) == 2
    order = next(value for value in found.values() if value["type"] == "order")
    assert order["ts"] == "2020-01-02 03:04:05.000"
    assert order["items.product_id"] == ["p-9"] and order["items.quantity"] == [2]
    assert order["properties"] == {"coupon": "NEWYEAR"}
    # Content-derived ids: the second import resends the same event ids, which every view
    # counts once (deduplication by event_id end to end).
    assert second.returncode == 1
    assert {row.event["event_id"] for row in read_rows(path, "csv") if row.event} == ids


def test_missing_event_ids_are_derived_from_content(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"type": "page_view", "anonymous_id": "x"}\n')
    (row,) = read_rows(path, "jsonl")
    expected = uuid.uuid5(
        IMPORT_NAMESPACE, orjson.dumps({"anonymous_id": "x", "type": "page_view"}).decode()
    )
    assert row.event["event_id"] == str(expected)
    assert file_format(tmp_path / "x.ndjson.gz") == "jsonl"
    assert file_format(tmp_path / "x.CSV") == "csv"


def test_unreachable_collector_and_missing_key_fail_clearly(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"type": "page_view", "anonymous_id": "x"}\n')
    base = [sys.executable, "-m", "clickstream", "import", str(path)]
    env = {k: v for k, v in os.environ.items() if k != "CLICKSTREAM_WRITE_KEYS"}
    no_key = subprocess.run(base, env=env, capture_output=True, text=True, timeout=60)
    assert no_key.returncode == 2 and "no write key" in no_key.stderr
    unreachable = subprocess.run(
        [*base, "--write-key", "k", "--url", "http://127.0.0.1:9", "--retries", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unreachable.returncode == 2 and "collector unreachable" in unreachable.stderr
