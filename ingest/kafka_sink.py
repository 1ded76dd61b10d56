"""Hand accepted events to Kafka, durably: a request is answered 2xx only once Kafka acknowledged
every event (acks=all) or they are committed to the local spool.

While the spool holds a backlog, new events go to the spool too, behind it, so one visitor's
events reach Kafka in the order they were accepted. A replayer thread drains the spool whenever
Kafka answers again. The kafka-python producer is not fork-safe: it is created in `start()`,
which the app calls from its lifespan in each worker process.

kafka-python costs tens of microseconds of Python per message and wakes its sender thread for
each new batch, so requests do not send their own messages: they queue them, and one callback
per event-loop turn merges everything queued by partition (`schemas.messages.merge`) and sends
a few large messages. Each request still waits for the acknowledgement of exactly the merged
messages that carry its rows, and spools only its own messages if those fail.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from functools import lru_cache

from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.partitioner.default import murmur2

from ingest.spool import Spool, SpooledMessage
from schemas.messages import merge

log = logging.getLogger("clickstream.ingest")

Message = tuple[str, bytes, bytes]  # topic, key, value


class Delivery:
    """The messages of one request in flight: `done` once Kafka answered for each of them (or the
    request stopped waiting). One future per request, not one per message: cheaper to make and
    to wait for."""

    __slots__ = ("done", "waiting", "acknowledged")

    def __init__(self, done: asyncio.Future[None], count: int) -> None:
        self.done = done
        self.waiting = count
        self.acknowledged = [False] * count

    def settle(self, index: int, ok: bool) -> None:
        self.acknowledged[index] = ok
        self.waiting -= 1
        if self.waiting <= 0:
            self.stop_waiting()

    def stop_waiting(self) -> None:
        if not self.done.done():
            self.done.set_result(None)


Waiting = Sequence[tuple[Delivery, int]]  # the messages a merged message carries


def _resolve(waiting: Waiting, ok: bool) -> None:
    for delivery, index in waiting:
        delivery.settle(index, ok)


def _settle(loop: asyncio.AbstractEventLoop, waiting: Waiting, ok: bool, _: object) -> None:
    """Called on the producer's I/O thread: settle the waiting requests' messages on their loop."""
    loop.call_soon_threadsafe(_resolve, waiting, ok)


@lru_cache(maxsize=65_536)
def _key_hash(key: bytes) -> int:
    """kafka-python's murmur2 is pure Python (microseconds a key); visitors send again."""
    return murmur2(key) & 0x7FFFFFFF


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
        self._queued: list[tuple[Message, Delivery, int]] = []

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
            # JSON rows shrink about fivefold; the worker's consumer then reads a fifth of the
            # bytes, which kafka-python handles in 4 KB Python-level reads.
            compression_type="lz4",
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
            unacknowledged = await self._send_and_wait(messages)
            if not unacknowledged:
                return "kafka"
            log.warning(
                "Kafka did not acknowledge %d of %d messages; spooling them",
                len(unacknowledged),
                len(messages),
            )
            self._kafka_healthy = False
            messages = unacknowledged
        await asyncio.to_thread(self.spool.append, list(messages))
        return "spool"

    async def _send_and_wait(self, messages: Sequence[Message]) -> list[Message]:
        """Queue the messages for this turn's merged send; wait until each is acknowledged or
        failed; return the ones not acknowledged. Waiting for every outcome (not the first
        failure) keeps an acknowledged message from being spooled again, so it reaches the
        topic once."""
        loop = asyncio.get_running_loop()
        delivery = Delivery(loop.create_future(), len(messages))
        if not self._queued:
            loop.call_soon(self._send_queued, loop)
        self._queued.extend((message, delivery, index) for index, message in enumerate(messages))
        timeout = loop.call_later(self.ack_timeout + 2, delivery.stop_waiting)
        try:
            await delivery.done
        finally:
            timeout.cancel()
        return [
            message
            for message, acknowledged in zip(messages, delivery.acknowledged, strict=True)
            if not acknowledged
        ]

    def _send_queued(self, loop: asyncio.AbstractEventLoop) -> None:
        """Send everything queued since the last turn, merged by partition."""
        assert self._producer is not None, "start() was not called"
        queued, self._queued = self._queued, []
        sent: set[int] = set()
        try:
            partitions = {
                topic: sorted(self._producer.partitions_for(topic))
                for topic in {message[0] for message, _, _ in queued}
            }
            for merged in merge(
                [message for message, _, _ in queued],
                lambda topic, key: partitions[topic][_key_hash(key) % len(partitions[topic])],
            ):
                waiting = [queued[index][1:] for index in merged.sources]
                future = self._producer.send(
                    merged.topic, key=merged.key, value=merged.value, partition=merged.partition
                )
                future.add_callback(_settle, loop, waiting, True)
                future.add_errback(_settle, loop, waiting, False)
                sent.update(merged.sources)
        except (KafkaError, OSError) as error:  # no metadata within max_block_ms: Kafka is away
            log.warning("Kafka refused a send: %s", error)
            _resolve([entry[1:] for index, entry in enumerate(queued) if index not in sent], False)

    def _send_blocking(self, messages: list[SpooledMessage]) -> list[SpooledMessage]:
        """Send spooled messages; returns those Kafka acknowledged."""
        assert self._producer is not None
        futures = []
        for message in messages:
            try:
                futures.append(
                    self._producer.send(message.topic, key=message.key, value=message.value)
                )
            except (KafkaError, OSError):
                break
        self._producer.flush(timeout=self.ack_timeout + 2)
        acknowledged = []
        for message, future in zip(messages, futures, strict=False):
            if future.is_done and future.succeeded():
                acknowledged.append(message)
        return acknowledged

    def _replay_loop(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            batch = self.spool.peek(self.replay_batch) if len(self.spool) else []
            if not batch:
                self._kafka_healthy = self._kafka_healthy or self._probe()
                self._stop.wait(0.2)
                continue
            try:
                acknowledged = self._send_blocking(batch)
            except (KafkaError, TimeoutError, OSError) as error:
                log.info("spool replay: %s", error)
                acknowledged = []
            self.spool.remove(acknowledged)
            if len(acknowledged) < len(batch):
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
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
