"""The stream worker: a Kafka consumer group member that stores batches in ClickHouse.

At-least-once delivery made effectively exactly-once: offsets are committed only after the
batch is stored, and a re-stored batch adds nothing (deduplication tokens; event_id uniqueness
for everything else, see the events table). Batches close at `batch_rows` events,
`batch_bytes` bytes or `batch_seconds` of age. While ClickHouse is unreachable the worker pauses
its partitions, keeps polling (so it stays in the group) and retries with backoff. A rebalance
stores the pending batch before partitions are taken away; SIGTERM stores, commits and leaves.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import CommitFailedError

from clickstream.warehouse.base import WarehouseUnavailable
from pipeline.batch import Batch, SourceMessage
from pipeline.loader import Loader, LoadResult
from pipeline.metrics import WorkerMetrics

log = logging.getLogger("clickstream.pipeline")


@dataclass(frozen=True)
class WorkerSettings:
    bootstrap_servers: str
    topics: tuple[str, ...]
    group_id: str = "clickstream-loader"
    batch_rows: int = 50_000
    batch_bytes: int = 64 * 1024 * 1024
    batch_seconds: float = 1.0
    max_backoff: float = 30.0
    max_poll_interval_ms: int = 600_000
    # A topic created just before the worker starts may have no partition metadata at its first
    # join: it is assigned nothing until the next metadata refresh (kafka-python's default: 5
    # minutes). Refreshing often costs one small request.
    metadata_max_age_ms: int = 5_000


class _FlushOnRevoke(ConsumerRebalanceListener):
    def __init__(self, worker: KafkaWorker) -> None:
        self.worker = worker

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        # Runs on kafka-python's I/O thread: storing in ClickHouse may block here (no Kafka I/O),
        # the offset commit must not, so it is sent asynchronously.
        if not self.worker.flushing:  # a rebalance while retrying: that flush goes on
            self.worker.flush(reason="rebalance", commit_async=True)

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        log.info("assigned %s", sorted((tp.topic, tp.partition) for tp in assigned))


class KafkaWorker:
    def __init__(
        self,
        settings: WorkerSettings,
        loader: Loader,
        metrics: WorkerMetrics | None = None,
        on_stored: Callable[[LoadResult], None] | None = None,
    ) -> None:
        self.settings = settings
        self.loader = loader
        self.metrics = metrics or WorkerMetrics()
        self.on_stored = on_stored
        self.stopping = threading.Event()
        self.flushing = False
        self.batch = Batch()
        self.batch_started = time.monotonic()
        self.consumer = KafkaConsumer(
            bootstrap_servers=settings.bootstrap_servers,
            group_id=settings.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_interval_ms=settings.max_poll_interval_ms,
            metadata_max_age_ms=settings.metadata_max_age_ms,
            max_partition_fetch_bytes=8 * 1024 * 1024,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        self.consumer.subscribe(list(settings.topics), listener=_FlushOnRevoke(self))

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.poll_once()
            self.flush(reason="stop")
        finally:
            self.consumer.close(autocommit=False)

    def poll_once(self, timeout_ms: int = 200) -> None:
        records = self.consumer.poll(timeout_ms=timeout_ms, max_records=10_000)
        for partition_records in records.values():
            for record in partition_records:
                self.batch.add(
                    SourceMessage(record.topic, record.partition, record.offset, record.value)
                )
                if self._full():  # a poll can bring more than one batch
                    self.flush(reason="batch full")
        if not len(self.batch):
            self.batch_started = time.monotonic()
        elif time.monotonic() - self.batch_started >= self.settings.batch_seconds:
            self.flush(reason="batch due")

    def _full(self) -> bool:
        return (
            self.batch.rows >= self.settings.batch_rows
            or self.batch.size_bytes >= self.settings.batch_bytes
        )

    def flush(self, reason: str, commit_async: bool = False) -> None:
        """Store the pending batch (retrying while ClickHouse is away), then commit offsets."""
        batch = self.batch
        if not len(batch) or self.flushing:
            return
        self.flushing = True
        try:
            self._store(batch, reason, commit_async)
        finally:
            self.flushing = False

    def _store(self, batch: Batch, reason: str, commit_async: bool) -> None:
        backoff = 0.5
        paused = False
        while True:
            started = time.monotonic()
            try:
                result = self.loader.load(batch)
                break
            except WarehouseUnavailable as error:
                self.metrics.errors.labels("unavailable").inc()
                if commit_async:
                    # Partitions are being taken away and nothing of this batch is committed:
                    # their next owner reads it again from Kafka. Drop it rather than block
                    # the rebalance.
                    log.warning(
                        "ClickHouse unavailable during a rebalance (%s); the batch is "
                        "left to the partitions' next owner",
                        error,
                    )
                    self.batch = Batch()
                    return
                if not paused:
                    self.consumer.pause(*self.consumer.assignment())
                    paused = True
                log.warning("ClickHouse unavailable (%s); retrying in %.1fs", error, backoff)
                self._wait_polling(backoff)
                backoff = min(backoff * 2, self.settings.max_backoff)
        elapsed = time.monotonic() - started
        self._commit(batch, commit_async)
        if paused:
            self.consumer.resume(*self.consumer.paused())
        self.batch = Batch()
        self.batch_started = time.monotonic()
        self.metrics.batches.inc()
        self.metrics.batch_rows.observe(result.events)
        self.metrics.insert_seconds.observe(elapsed)
        self.metrics.rows.labels("events").inc(result.events)
        self.metrics.dead_letters.inc(result.dead_letters)
        self._update_lag()
        log.debug("stored %d events (%s) in %.3fs", result.events, reason, elapsed)
        if self.on_stored:
            self.on_stored(result)

    def _wait_polling(self, seconds: float) -> None:
        """Sleep while keeping group membership: poll paused partitions (returns nothing)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            # A rebalance meanwhile assigns partitions unpaused: pause them too.
            self.consumer.pause(*self.consumer.assignment())
            for partition, records in self.consumer.poll(timeout_ms=200).items():
                # Records that came all the same are read again once the batch is stored.
                self.consumer.seek(partition, records[0].offset)

    def _commit(self, batch: Batch, commit_async: bool = False) -> None:
        offsets = {
            TopicPartition(topic, partition): OffsetAndMetadata(offset, "", -1)
            for (topic, partition), offset in batch.next_offsets().items()
        }
        if commit_async:
            self.consumer.commit_async(offsets)
            return
        try:
            self.consumer.commit(offsets)
        except CommitFailedError as error:
            # The partitions moved on while we stored: their new owner re-reads from the last
            # commit, and those events are deduplicated by event_id.
            log.warning("offset commit refused after a rebalance: %s", error)

    def _update_lag(self) -> None:
        try:
            assignment = list(self.consumer.assignment())
            ends = self.consumer.end_offsets(assignment)
            for partition in assignment:
                position = self.consumer.position(partition)
                self.metrics.lag.labels(partition.topic, str(partition.partition)).set(
                    max(0, ends[partition] - position)
                )
        except Exception as error:  # noqa: BLE001 - lag is informative only
            log.debug("lag unavailable: %s", error)
