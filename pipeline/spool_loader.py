"""The embedded mode's loader: drains the local spool into ClickHouse (SPEC section 2).

The spool plays Kafka's part: the collector commits each request's messages to it before
answering, and this thread stores them with the Kafka worker's `Loader`, spool row ids standing in
for offsets (one partition). Rows leave the spool only after ClickHouse stored them.

Exactly once across a crash: before a batch is stored, the id of its last row is committed to the
spool as a mark. Row ids only grow and rows go only after their batch is stored, so after a crash
the rows up to the mark are exactly the batch that was in flight; it is stored again first, with
the same deduplication token, and ClickHouse drops the copy.
"""

from __future__ import annotations

import logging
import threading
import time

from clickstream.warehouse.base import WarehouseUnavailable
from ingest.spool import Spool, SpooledMessage
from pipeline.batch import Batch, SourceMessage
from pipeline.loader import Loader, LoadResult
from pipeline.metrics import WorkerMetrics

log = logging.getLogger("clickstream.pipeline")

IN_FLIGHT_MARK = "loading_through"


class SpoolLoader:
    def __init__(
        self,
        spool: Spool,
        loader: Loader,
        *,
        batch_seconds: float = 0.5,
        batch_messages: int = 2000,
        max_backoff: float = 10.0,
        metrics: WorkerMetrics | None = None,
    ) -> None:
        self.spool = spool
        self.loader = loader
        self.batch_seconds = batch_seconds
        self.batch_messages = batch_messages
        self.max_backoff = max_backoff
        self.metrics = metrics or WorkerMetrics()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def notify(self) -> None:
        """New rows were committed to the spool."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="spool-loader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Store what the spool holds, then end the thread."""
        self._stopping.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        in_flight = self.spool.mark(IN_FLIGHT_MARK)
        while True:
            if in_flight is not None:
                messages = self.spool.peek(self.batch_messages, through=in_flight)
                in_flight = None
            else:
                messages = self._next_batch()
            if messages:
                if not self._store(messages):
                    return  # stopping while ClickHouse is away: the rows stay in the spool
            elif self._stopping.is_set():
                return

    def _next_batch(self) -> list[SpooledMessage]:
        """Wait for rows, give a batch `batch_seconds` to fill (unless the spool holds a full
        one or we are stopping), then take the oldest rows."""
        while not len(self.spool):
            if self._stopping.is_set():
                return []
            self._wake.wait(1.0)
            self._wake.clear()
        deadline = time.monotonic() + self.batch_seconds
        while (
            len(self.spool) < self.batch_messages
            and not self._stopping.is_set()
            and (left := deadline - time.monotonic()) > 0
        ):
            self._wake.wait(left)
            self._wake.clear()
        return self.spool.peek(self.batch_messages)

    def _store(self, messages: list[SpooledMessage]) -> bool:
        batch = Batch()
        for message in messages:
            batch.add(SourceMessage(message.topic, 0, message.id, message.value))
        self.spool.set_mark(IN_FLIGHT_MARK, messages[-1].id)
        backoff = 0.5
        while True:
            started = time.monotonic()
            try:
                result = self.loader.load(batch)
                break
            except Exception as error:  # noqa: BLE001 - nothing leaves the spool unstored
                kind = "unavailable" if isinstance(error, WarehouseUnavailable) else "failed"
                self.metrics.errors.labels(kind).inc()
                if self._stopping.is_set():
                    log.warning("batch not stored while stopping (%s); kept in spool", error)
                    return False
                log.warning("batch not stored (%s); retrying in %.1fs", error, backoff)
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
        self.spool.remove(messages)
        self._count(result, time.monotonic() - started)
        return True

    def _count(self, result: LoadResult, elapsed: float) -> None:
        self.metrics.batches.inc()
        self.metrics.batch_rows.observe(result.events)
        self.metrics.insert_seconds.observe(elapsed)
        self.metrics.rows.labels("events").inc(result.events)
        self.metrics.dead_letters.inc(result.dead_letters)
