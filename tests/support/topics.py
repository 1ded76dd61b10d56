"""Read back what the collector put on a Kafka topic."""

from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer

from schemas.messages import unpack


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
