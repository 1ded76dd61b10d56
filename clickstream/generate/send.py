"""Post generated events to a collector over HTTP, as a historical import: `POST /v1/batch` with
`{"batch": [...], "historical": true}` so the events keep their times. Requests run on a few
threads; a refused or lost request is sent again as it was (same event ids: the collector and the
tables count a resent event once)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import httpx

RETRY_STATUSES = (429, 502, 503, 504)


class SendError(Exception):
    pass


@dataclass
class SendResult:
    visitors: int = 0
    events: int = 0
    orders: int = 0
    requests: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _Batch:
    events: list[dict[str, Any]]
    visitors: int  # visitors whose last events are in this batch


def batches(visitors: Iterable[list[dict[str, Any]]], size: int) -> Iterator[_Batch]:
    """Whole visitors per batch while they fit (a visitor larger than a batch is cut)."""
    events: list[dict[str, Any]] = []
    finished = 0
    for visitor in visitors:
        if events and len(events) + len(visitor) > size:
            yield _Batch(events, finished)
            events, finished = [], 0
        events.extend(visitor)
        finished += 1
        while len(events) > size:
            yield _Batch(events[:size], 0)
            events = events[size:]
    if events or finished:
        yield _Batch(events, finished)


class Sender:
    def __init__(
        self,
        url: str,
        write_key: str,
        *,
        timeout: float = 30.0,
        attempts: int = 8,
    ) -> None:
        self.endpoint = url.rstrip("/") + "/v1/batch"
        self.headers = {"X-Write-Key": write_key, "User-Agent": "clickstream-generate"}
        self.timeout = timeout
        self.attempts = attempts
        self._local = threading.local()

    def _client(self) -> httpx.Client:
        if not hasattr(self._local, "client"):
            self._local.client = httpx.Client(timeout=self.timeout, headers=self.headers)
        return self._local.client

    def post(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        """Send one batch until the collector made it durable; returns its answer."""
        body = {"batch": events, "historical": True}
        backoff = 0.5
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._client().post(self.endpoint, json=body)
            except httpx.TransportError as error:
                if attempt == self.attempts:
                    raise SendError(f"{self.endpoint}: {error}") from error
            else:
                if response.status_code == 200:
                    return response.json()
                if response.status_code not in RETRY_STATUSES or attempt == self.attempts:
                    raise SendError(f"{self.endpoint}: {response.status_code} {response.text}")
                backoff = max(backoff, float(response.headers.get("retry-after", 0) or 0))
            time.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
        raise SendError(f"{self.endpoint}: gave up")  # pragma: no cover - loop always returns


def send(
    visitors: Iterable[list[dict[str, Any]]],
    sender: Sender,
    *,
    batch_size: int = 500,
    concurrency: int = 4,
    progress: Callable[[SendResult], None] = lambda _: None,
) -> SendResult:
    """Send every visitor's events; `progress` is called after each acknowledged batch."""
    result = SendResult()
    started = time.monotonic()
    lock = threading.Lock()

    def post(batch: _Batch) -> None:
        answer = sender.post(batch.events) if batch.events else {"rejected": []}
        with lock:
            result.requests += 1 if batch.events else 0
            result.visitors += batch.visitors
            result.events += len(batch.events) - len(answer["rejected"])
            result.orders += sum(1 for event in batch.events if event["type"] == "order")
            result.rejected += answer["rejected"]
            result.seconds = time.monotonic() - started
            progress(result)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending: set[Future[None]] = set()
        for batch in batches(visitors, batch_size):
            if len(pending) >= concurrency * 2:  # bounded: generation waits for the network
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()
            pending.add(pool.submit(post, batch))
        for future in pending:
            future.result()
    result.seconds = time.monotonic() - started
    return result
