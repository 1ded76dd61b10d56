"""Replay (backfill) a topic from an offset or a point in time into ClickHouse.

A consumer outside any group reads each partition from the start point up to the end it had when
the replay began, and stores batches through the same loader as the worker. Replayed events are
counted once: the events table deduplicates by event_id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kafka import KafkaConsumer, TopicPartition

from pipeline.batch import Batch, SourceMessage
from pipeline.loader import Loader


@dataclass
class ReplayResult:
    messages: int = 0
    events: int = 0
    dead_letters: int = 0


def replay(
    bootstrap_servers: str,
    topic: str,
    loader: Loader,
    from_offset: int | None = None,
    from_time: datetime | None = None,
    batch_rows: int = 50_000,
    progress: Callable[[int, int], None] | None = None,
) -> ReplayResult:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    try:
        partitions = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            raise ValueError(f"topic {topic!r} does not exist")
        consumer.assign(partitions)
        ends = consumer.end_offsets(partitions)
        starts = consumer.beginning_offsets(partitions)
        if from_time is not None:
            found = consumer.offsets_for_times(
                {tp: int(from_time.timestamp() * 1000) for tp in partitions}
            )
            targets = {tp: (found[tp].offset if found.get(tp) else ends[tp]) for tp in partitions}
        else:
            offset = from_offset or 0
            targets = {tp: min(max(offset, starts[tp]), ends[tp]) for tp in partitions}
        for tp, target in targets.items():
            consumer.seek(tp, target)
        total = sum(ends[tp] - targets[tp] for tp in partitions)
        remaining = {tp for tp in partitions if targets[tp] < ends[tp]}
        result = ReplayResult()
        batch = Batch()

        def store() -> None:
            nonlocal batch
            if len(batch):
                stored = loader.load(batch)
                result.events += stored.events
                result.dead_letters += stored.dead_letters
                batch = Batch()

        while remaining:
            polled = consumer.poll(timeout_ms=1000, max_records=10_000)
            for tp, records in polled.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        continue
                    batch.add(
                        SourceMessage(record.topic, record.partition, record.offset, record.value)
                    )
                    result.messages += 1
            for tp in list(remaining):
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
            if batch.rows >= batch_rows or not remaining:
                store()
            if progress:
                progress(result.messages, total)
        store()
        return result
    finally:
        consumer.close(autocommit=False)
