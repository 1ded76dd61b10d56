"""The embedded mode end to end: `clickstream serve` without Kafka in its own process; events
posted over HTTP come back through the read-only SQL endpoint with clickhouse-connect, exactly
once, across restarts and `kill -9`."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from clickstream.generate import Journeys, TrafficOptions
from tests.support.embedded import EmbeddedProcess
from tests.support.load import acknowledged_until_killed

HEADERS = {"X-Write-Key": "shop-key"}
COUNTS = "SELECT count(), uniqExact(event_id) FROM clickstream.events"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[EmbeddedProcess]:
    process = EmbeddedProcess(tmp_path)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def page_views(count: int, visitor: str) -> list[dict[str, Any]]:
    return [
        {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": visitor}
        for _ in range(count)
    ]


def post(service: EmbeddedProcess, events: list[dict[str, Any]], **body: Any) -> httpx.Response:
    return httpx.post(
        service.url + "/v1/batch", json={"batch": events, **body}, headers=HEADERS, timeout=30
    )


def test_posted_journeys_come_back_through_clickhouse_connect(service: EmbeddedProcess) -> None:
    visitors = list(Journeys(TrafficOptions(visitors=120, days=30, seed=7)).visitors())
    events = [event for visitor in visitors for event in visitor]
    for start in range(0, len(events), 400):
        response = post(service, events[start : start + 400], historical=True)
        assert response.status_code == 200 and response.json()["rejected"] == [], response.text
    service.wait_loaded()

    client = service.sql_client()
    by_type = dict(
        client.query("SELECT type, count() FROM clickstream.events FINAL GROUP BY type").result_rows
    )
    assert by_type == dict(Counter(event["type"] for event in events))
    orders = [event for event in events if event["type"] == "order"]
    assert orders, "the journeys should contain orders"
    count, revenue = client.query(
        "SELECT count(), sum(revenue) FROM clickstream.orders WHERE site_id = {site:String}",
        parameters={"site": "shop"},
    ).result_rows[0]
    assert count == len({order["order_id"] for order in orders})
    assert revenue == sum(Decimal(order["revenue"]) for order in orders)
    assert client.query(COUNTS).result_rows[0] == (len(events), len(events))


def test_clickstream_generate_sends_what_its_seed_makes(service: EmbeddedProcess) -> None:
    """The command, its progress bar and its retries against the real service: the events that
    arrive are exactly the ones the same options make in this process."""
    options = TrafficOptions(
        visitors=60, days=10, end=datetime(2026, 6, 1, tzinfo=UTC), seed=21, cart_rate=0.4
    )
    command = [sys.executable, "-m", "clickstream", "generate", "--url", service.url]
    command += ["--write-key", "shop-key", "--visitors", "60", "--days", "10", "--seed", "21"]
    command += ["--end", "2026-06-01T00:00:00", "--cart-rate", "0.4", "--batch-size", "100"]
    for _ in range(2):  # sent twice: the same event ids, counted once
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert completed.returncode == 0, completed.stderr
    assert "sent" in completed.stderr and "visitors" in completed.stderr
    service.wait_loaded()
    expected = Counter(e["type"] for visitor in Journeys(options).visitors() for e in visitor)
    client = service.sql_client()
    rows = client.query("SELECT type, count() FROM clickstream.events FINAL GROUP BY type")
    assert dict(rows.result_rows) == dict(expected)


def test_acknowledged_events_survive_a_restart_and_a_kill(service: EmbeddedProcess) -> None:
    first = page_views(200, "restart-1")
    assert post(service, first).status_code == 200
    service.stop()  # SIGTERM: the loader stores the spool's rows before the process ends
    service.start()
    second = page_views(200, "restart-2")
    assert post(service, second).status_code == 200
    service.kill()  # no chance to store anything: the spool keeps them
    service.start()
    service.wait_loaded()
    stored = {
        str(row[0])
        for row in service.sql_client().query("SELECT event_id FROM clickstream.events").result_rows
    }
    assert {event["event_id"] for event in first + second} <= stored
    assert service.sql_client().query(COUNTS).result_rows[0] == (400, 400)


def test_kill_9_while_posting_loses_nothing_acknowledged_and_counts_nothing_twice(
    service: EmbeddedProcess,
) -> None:
    acknowledged = acknowledged_until_killed(
        service.url + "/v1/batch",
        HEADERS,
        lambda worker: page_views(25, f"load-{worker}-{uuid.uuid4().hex[:6]}"),
        service.kill,
        seconds=4,  # the loader stores batches meanwhile: the kill lands anywhere in its work
    )
    assert len(acknowledged) > 500, "the load did not get going"

    service.start()
    service.wait_loaded()
    client = service.sql_client()
    stored = Counter(
        str(row[0]) for row in client.query("SELECT event_id FROM clickstream.events").result_rows
    )
    assert [event_id for event_id in acknowledged if event_id not in stored] == []
    # Raw rows, without FINAL: the batch in flight at the kill was stored again under the same
    # deduplication token, so not even a row waiting for a merge is doubled.
    assert [event_id for event_id, copies in stored.items() if copies > 1] == []


def _serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "CLICKSTREAM_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "clickstream", "serve", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_embedded_mode_refuses_several_workers(tmp_path: Path) -> None:
    completed = _serve(tmp_path, "--workers", "2", "--port", "0")
    assert completed.returncode == 2
    assert "embedded mode" in completed.stderr and "one process" in completed.stderr


def test_sql_endpoint_binds_beyond_loopback_only_when_asked(tmp_path: Path) -> None:
    completed = _serve(tmp_path, "--port", "0", "--sql-host", "0.0.0.0")
    assert completed.returncode == 2
    assert "loopback" in completed.stderr and "--sql-public" in completed.stderr
