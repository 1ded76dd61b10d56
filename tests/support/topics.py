"""Read back what the collector put on a Kafka topic."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from schemas.messages import unpack

EVENTS_TOPIC = "clickstream.events"
Record = dict[str, Any]


def read_topic(
    bootstrap: str, topic: str, wanted: set[str], key: str = "event_id"
) -> dict[str, dict[str, Any]]:
    """Every message of `topic` whose `key` field is in `wanted` (all of them, duplicates too)."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        consumer_timeout_ms=3000,
    )
    found: dict[str, dict[str, Any]] = {}
    copies: dict[str, int] = {}
    for message in consumer:
        for value in unpack(message.value):
            if value.get(key) in wanted:
                found[value[key]] = value | {"_key": message.key, "_partition": message.partition}
                copies[value[key]] = copies.get(value[key], 0) + 1
    consumer.close()
    for name, count in copies.items():
        found[name]["_copies"] = count
    return found


def wait_for_records(
    bootstrap: str,
    wanted: Callable[[Record], bool],
    count: int,
    timeout: float = 60.0,
    settle: float = 2.0,
) -> list[Record]:
    """Records of the topic for which `wanted` is true, read from the start until at least `count`
    are there (or `timeout`), then `settle` seconds more so that late copies are seen too. Each
    record gets `_position` (partition, offset, index in the message) for ordering."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = consumer.partitions_for_topic(EVENTS_TOPIC) or set()
        consumer.assign([TopicPartition(EVENTS_TOPIC, p) for p in partitions])
        consumer.seek_to_beginning()
        found: list[Record] = []
        deadline = time.monotonic() + timeout
        settled_at: float | None = None
        while time.monotonic() < (settled_at or deadline):
            for partition, messages in consumer.poll(timeout_ms=300).items():
                for message in messages:
                    for index, record in enumerate(unpack(message.value)):
                        if wanted(record):
                            position = (partition.partition, message.offset, index)
                            found.append(record | {"_position": position})
            if settled_at is None and len(found) >= count:
                settled_at = time.monotonic() + settle
        return found
    finally:
        consumer.close()


def of_visitor(anonymous_id: str) -> Callable[[Record], bool]:
    return lambda record: record["anonymous_id"] == anonymous_id


def in_event_order(records: list[Record]) -> list[Record]:
    """By client time; events of the same millisecond keep their order on the topic."""
    return sorted(records, key=lambda record: (record["client_ts"], record["_position"]))
