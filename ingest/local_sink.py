"""The embedded mode's sink: accepted events are committed to the local spool (SQLite, WAL,
synchronous=FULL) before the collector answers, and an in-process loader drains the spool into
ClickHouse (pipeline/spool_loader.py). There is no Kafka in this mode."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ingest.spool import Spool
from pipeline.spool_loader import SpoolLoader

Message = tuple[str, bytes, bytes]  # topic, key, value


class LocalSink:
    kafka_healthy = False  # no Kafka here; /readyz reports the spool

    def __init__(self, spool: Spool, loader: SpoolLoader) -> None:
        self.spool = spool
        self.loader = loader

    @property
    def backlog(self) -> int:
        return len(self.spool)

    @property
    def ready(self) -> bool:
        return self.spool.size_bytes < self.spool.max_bytes

    def start(self) -> None:
        self.loader.start()

    async def write(self, messages: Sequence[Message]) -> str:
        """Commit the messages to the spool (all or none); raises SpoolFull."""
        if messages:
            await asyncio.to_thread(self.spool.append, list(messages))
            self.loader.notify()
        return "spool"

    def close(self) -> None:
        self.loader.stop()  # stores what the spool holds first
        self.spool.close()
