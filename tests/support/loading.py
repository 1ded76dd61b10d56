"""Collector records into ClickHouse the way production loads them: packed into Kafka-shaped
messages, shuffled, and loaded by the real loader in many batches (out-of-order delivery)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from clickstream.warehouse import Warehouse
from ingest.record import partition_key
from pipeline.batch import Batch, SourceMessage
from pipeline.loader import Loader
from schemas.messages import pack


def load_shuffled(
    warehouse: Warehouse, records: list[dict[str, Any]], seed: int = 3, batch_size: int = 400
) -> None:
    loader = Loader(warehouse, "events", "letters")
    messages = pack("events", records, partition_key)
    random.Random(seed).shuffle(messages)
    for start in range(0, len(messages), batch_size):
        batch = Batch()
        for offset, (topic, _, value) in enumerate(
            messages[start : start + batch_size], start=start
        ):
            batch.add(SourceMessage(topic, 0, offset, value))
        loader.load(batch)


TIME_FIELDS = ("ts", "client_ts", "received_at", "sent_at")


def shifted(record: dict[str, Any], hours: int) -> dict[str, Any]:
    """The record with its times moved, e.g. UTC midnight cases to another zone's midnight."""
    moved = dict(record)
    for field in TIME_FIELDS:
        if moved.get(field):
            at = datetime.fromisoformat(moved[field]) + timedelta(hours=hours)
            moved[field] = at.isoformat(sep=" ", timespec="milliseconds")
    return moved
