"""A 2xx means durable: Kafka down, the collector killed with requests in flight."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from kafka import KafkaConsumer

from schemas.messages import unpack
from tests.support.collector import CollectorProcess
from tests.support.load import acknowledged_until_killed
from tests.support.servers import KafkaBroker, start_kafka

EVENTS_TOPIC = "clickstream.events"
HEADERS = {"X-Write-Key": "shop-key"}


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """A broker of this module's own: these tests stop and start it."""
    broker = start_kafka(tmp_path_factory.mktemp("kafka-durability"))
    try:
        yield broker
    finally:
        broker.stop()


def copies_on_topic(bootstrap: str) -> dict[str, int]:
    consumer = KafkaConsumer(
        EVENTS_TOPIC,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        consumer_timeout_ms=4000,
    )
    copies: dict[str, int] = {}
    for message in consumer:
        for record in unpack(message.value):
            copies[record["event_id"]] = copies.get(record["event_id"], 0) + 1
    consumer.close()
    return copies


def batch(size: int, visitor: str) -> list[dict[str, Any]]:
    return [
        {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": visitor}
        for _ in range(size)
    ]


def wait_for_empty_spool(collector: CollectorProcess, timeout: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = httpx.get(collector.url + "/readyz", timeout=5).json()
        if state["spool_backlog"] == 0 and state["kafka"]:
            return state
        time.sleep(0.3)
    raise AssertionError(f"spool not drained: {state}")


def test_broker_outage_is_spooled_and_replayed_once(own_broker: KafkaBroker, tmp_path) -> None:
    collector = CollectorProcess(tmp_path, own_broker.bootstrap)
    collector.start()
    try:
        sent: list[str] = []
        before = batch(20, "before")
        assert (
            httpx.post(collector.url + "/v1/batch", json=before, headers=HEADERS).status_code == 200
        )
        sent += [e["event_id"] for e in before]

        own_broker.stop()
        for round_number in range(5):
            during = batch(20, f"during-{round_number}")
            response = httpx.post(
                collector.url + "/v1/batch", json=during, headers=HEADERS, timeout=30
            )
            assert response.status_code == 200, response.text
            sent += [e["event_id"] for e in during]
        state = httpx.get(collector.url + "/readyz").json()
        assert state["kafka"] is False and state["spool_backlog"] > 0 and state["ready"] is True

        own_broker.start()
        wait_for_empty_spool(collector)
        after = batch(20, "after")
        assert (
            httpx.post(collector.url + "/v1/batch", json=after, headers=HEADERS).status_code == 200
        )
        sent += [e["event_id"] for e in after]
    finally:
        collector.stop()

    copies = copies_on_topic(own_broker.bootstrap)
    assert {event_id: copies.get(event_id, 0) for event_id in sent} == dict.fromkeys(sent, 1)


def test_spool_survives_a_restart_of_the_collector(own_broker: KafkaBroker, tmp_path) -> None:
    collector = CollectorProcess(tmp_path, own_broker.bootstrap)
    collector.start()
    own_broker.stop()
    events = batch(30, "restart")
    try:
        response = httpx.post(collector.url + "/v1/batch", json=events, headers=HEADERS, timeout=30)
        assert response.status_code == 200
    finally:
        collector.kill()  # no chance to flush anything
    own_broker.start()
    collector.start()
    try:
        wait_for_empty_spool(collector)
    finally:
        collector.stop()
    copies = copies_on_topic(own_broker.bootstrap)
    assert all(copies.get(e["event_id"]) == 1 for e in events)


def test_kill_9_under_load_loses_no_acknowledged_event(own_broker: KafkaBroker, tmp_path) -> None:
    collector = CollectorProcess(tmp_path, own_broker.bootstrap)
    collector.start()
    acknowledged = acknowledged_until_killed(
        collector.url + "/v1/batch",
        HEADERS,
        lambda worker: batch(10, f"load-{worker}"),
        collector.kill,
        seconds=3,
    )
    assert len(acknowledged) > 100, "the load did not get going"

    collector.start()  # picks up whatever the killed process had spooled
    try:
        wait_for_empty_spool(collector)
    finally:
        collector.stop()
    copies = copies_on_topic(own_broker.bootstrap)
    missing = [event_id for event_id in acknowledged if event_id not in copies]
    assert missing == []
