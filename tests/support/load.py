"""Traffic that keeps coming while a server is killed: what was acknowledged before the kill."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx


def acknowledged_until_killed(
    url: str,
    headers: dict[str, str],
    make_events: Callable[[int], list[dict[str, Any]]],
    kill: Callable[[], None],
    seconds: float,
    threads: int = 4,
) -> list[str]:
    """POST `make_events(thread)` batches to `url` from several threads; after `seconds`, call
    `kill` with requests in flight. Returns the event ids answered with 200."""
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def post_forever(worker: int) -> None:
        with httpx.Client(timeout=10, headers=headers) as client:
            while not stop.is_set():
                events = make_events(worker)
                try:
                    response = client.post(url, json=events)
                except httpx.HTTPError:
                    continue
                if response.status_code == 200:
                    with lock:
                        acknowledged.extend(event["event_id"] for event in events)

    posters = [threading.Thread(target=post_forever, args=(n,)) for n in range(threads)]
    for poster in posters:
        poster.start()
    time.sleep(seconds)
    kill()
    time.sleep(0.5)
    stop.set()
    for poster in posters:
        poster.join()
    return acknowledged
