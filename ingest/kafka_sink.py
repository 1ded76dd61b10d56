"""Hand accepted events to Kafka, durably: a request is answered 2xx only once Kafka acknowledged
every event (acks=all) or they are committed to the local spool.

While the spool holds a backlog, new events go to the spool too, behind it, so one visitor's
events reach Kafka in the order they were accepted. A replayer thread drains the spool whenever
Kafka answers again. The kafka-python producer is not fork-safe: it is created in `start()`,
which the app calls from its lifespan in each worker process.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence

from kafka import KafkaProducer
from kafka.errors import KafkaError

from ingest.spool import Spool, SpooledMessage

log = logging.getLogger("clickstream.ingest")

Message = tuple[str, bytes, bytes]  # topic, key, value


class KafkaSink:
    def __init__(
        self,
        bootstrap_servers: str,
        spool: Spool,
        ack_timeout: float = 10.0,
        replay_batch: int = 2000,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.spool = spool
        self.ack_timeout = ack_timeout
        self.replay_batch = replay_batch
        self._producer: KafkaProducer | None = None
        self._kafka_healthy = True
        self._stop = threading.Event()
        self._replayer: threading.Thread | None = None
        self._spool_order = threading.Lock()  # spool-or-Kafka decisions vs the replayer

    def start(self) -> None:
        self._producer = KafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            acks="all",
            linger_ms=2,
            batch_size=256 * 1024,
            max_block_ms=2000,
            request_timeout_ms=5000,
            delivery_timeout_ms=int(self.ack_timeout * 1000),
            max_request_size=4 * 1024 * 1024,
        )
        self._replayer = threading.Thread(
            target=self._replay_loop, name="spool-replayer", daemon=True
        )
        self._replayer.start()

    @property
    def backlog(self) -> int:
        return len(self.spool)

    @property
    def ready(self) -> bool:
        return self._kafka_healthy or self.spool.size_bytes < self.spool.max_bytes

    @property
    def kafka_healthy(self) -> bool:
        return self._kafka_healthy

    async def write(self, messages: Sequence[Message]) -> str:
        """Make messages durable; returns "kafka" or "spool". Raises SpoolFull."""
        if not messages:
            return "kafka"
        if self._kafka_healthy and not len(self.spool):
            try:
                await self._send_and_wait(messages)
                return "kafka"
            except (KafkaError, TimeoutError, OSError) as error:
                log.warning(
                    "Kafka did not acknowledge %d events (%s); spooling", len(messages), error
                )
                self._kafka_healthy = False
        await asyncio.to_thread(self.spool.append, list(messages))
        return "spool"

    async def _send_and_wait(self, messages: Sequence[Message]) -> None:
        assert self._producer is not None, "start() was not called"
        loop = asyncio.get_running_loop()
        remaining = len(messages)
        done: asyncio.Future[None] = loop.create_future()

        def acknowledged(_: object) -> None:
            nonlocal remaining
            remaining -= 1
            if remaining == 0 and not done.done():
                done.set_result(None)

        def failed(error: BaseException) -> None:
            if not done.done():
                done.set_exception(error)

        def on_success(metadata: object) -> None:
            loop.call_soon_threadsafe(acknowledged, metadata)

        def on_error(error: BaseException) -> None:
            loop.call_soon_threadsafe(failed, error)

        for topic, key, value in messages:
            future = self._producer.send(topic, key=key, value=value)
            future.add_callback(on_success)
            future.add_errback(on_error)
        await asyncio.wait_for(done, timeout=self.ack_timeout + 1)

    def _send_blocking(self, messages: list[SpooledMessage]) -> None:
        assert self._producer is not None
        futures = [self._producer.send(m.topic, key=m.key, value=m.value) for m in messages]
        self._producer.flush(timeout=self.ack_timeout)
        for future in futures:
            future.get(timeout=self.ack_timeout)

    def _replay_loop(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            batch = self.spool.peek(self.replay_batch) if len(self.spool) else []
            if not batch:
                self._kafka_healthy = self._kafka_healthy or self._probe()
                self._stop.wait(0.2)
                continue
            try:
                self._send_blocking(batch)
            except (KafkaError, TimeoutError, OSError) as error:
                log.info("spool replay waiting for Kafka: %s", error)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            self.spool.remove(batch)
            backoff = 0.2
            if not len(self.spool):
                log.info("spool drained into Kafka")
                self._kafka_healthy = True

    def _probe(self) -> bool:
        """After a failure with an empty spool: is Kafka back?"""
        assert self._producer is not None
        try:
            self._producer.partitions_for("__consumer_offsets")
            return bool(self._producer.bootstrap_connected())
        except (KafkaError, OSError):
            return False

    def close(self) -> None:
        self._stop.set()
        if self._replayer:
            self._replayer.join(timeout=10)
        if self._producer:
            self._producer.close(timeout=10)
        self.spool.close()

    def wait_drained(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.spool) and time.monotonic() < deadline:
            time.sleep(0.1)
        return not len(self.spool)
