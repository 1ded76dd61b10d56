"""The embedded mode (issue 8): first start with the demo seed (what `make run` does once its
venv exists), freshness (accepted by the collector -> visible through the SQL endpoint) at a
steady load, and how fast a backlog of posted events becomes queryable. One process serves it
all (collector, spool, loader, chDB, SQL endpoint), as users run it; it is not pinned.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

from bench.processes import REPO, wait_http
from tests.support.ports import free_ports

FRESHNESS_SECONDS = int(os.environ.get("BENCH_EMBEDDED_SECONDS", "20"))
BACKLOG_EVENTS = int(os.environ.get("BENCH_EMBEDDED_EVENTS", "100000"))
SQL_AUTH = ("analyst", "bench")


def start(data_dir: Path, port: int, sql_port: int, *arguments: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CLICKSTREAM_DATA_DIR": str(data_dir),
        "CLICKSTREAM_WRITE_KEYS": "demo:demo-key",
        "CLICKSTREAM_SQL_PASSWORD": SQL_AUTH[1],
    }
    env.pop("CLICKSTREAM_KAFKA", None)
    command = ["clickstream", "serve", "--port", str(port), "--sql-port", str(sql_port)]
    return subprocess.Popen(
        [sys.executable, "-m", *command, *arguments],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def count(sql_url: str, where: str = "1") -> int:
    query = f"SELECT count() FROM clickstream.events WHERE {where}"
    return int(httpx.post(sql_url, content=query, auth=SQL_AUTH, timeout=30).text)


def first_start(workdir: Path) -> None:
    port, sql_port = free_ports(2)
    started = time.monotonic()
    process = start(workdir / "first", port, sql_port, "--demo")
    try:
        seeded = workdir / "first" / ".demo-seeded"
        while not seeded.exists():
            if process.poll() is not None:
                raise RuntimeError("serve --demo stopped")
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        events = count(f"http://127.0.0.1:{sql_port}")
        print(
            f"first start with demo seed (serve --demo, fresh data dir): {elapsed:.1f} s, "
            f"{events:,} events queryable"
        )
    finally:
        process.terminate()
        process.wait(timeout=60)


def freshness(collector: str, sql_url: str) -> None:
    """50 requests/s × 20 events for FRESHNESS_SECONDS; each request timed from its 2xx until
    a query sees its events (polled every 50 ms)."""
    lags: list[float] = []
    pending: dict[str, float] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def watch() -> None:
        seen: set[str] = set()
        while not stop.is_set() or pending:
            query = (
                "SELECT anonymous_id FROM clickstream.events WHERE anonymous_id LIKE 'fresh-%' "
                "GROUP BY anonymous_id HAVING count() = 20"
            )
            answer = httpx.post(sql_url, content=query, auth=SQL_AUTH, timeout=30)
            now = time.monotonic()
            with lock:
                for visitor in set(answer.text.split()) - seen:
                    if visitor in pending:
                        lags.append(now - pending.pop(visitor))
                        seen.add(visitor)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    with httpx.Client(headers={"X-Write-Key": "demo-key"}) as client:
        deadline = time.monotonic() + FRESHNESS_SECONDS
        while time.monotonic() < deadline:
            visitor = "fresh-" + uuid.uuid4().hex
            events = [
                {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": visitor}
                for _ in range(20)
            ]
            response = client.post(collector + "/v1/batch", json=events)
            assert response.status_code == 200, response.text
            with lock:
                pending[visitor] = time.monotonic()
            time.sleep(0.02)
    stop.set()
    watcher.join(timeout=120)
    lags.sort()
    print(
        f"freshness at ~1,000 events/s: p50 {statistics.median(lags):.3f} s, "
        f"p95 {lags[int(len(lags) * 0.95) - 1]:.3f} s, max {lags[-1]:.3f} s ({len(lags)} requests)"
    )


def backlog(collector: str, sql_url: str) -> None:
    """BACKLOG_EVENTS posted by 4 threads as fast as the collector takes them (500 per request),
    then until all are queryable."""
    before = count(sql_url)
    per_thread = BACKLOG_EVENTS // 4

    def post_all() -> None:
        with httpx.Client(headers={"X-Write-Key": "demo-key"}, timeout=60) as client:
            for _ in range(per_thread // 500):
                events = [
                    {
                        "event_id": str(uuid.uuid4()),
                        "type": "page_view",
                        "anonymous_id": "load-" + uuid.uuid4().hex[:8],
                    }
                    for _ in range(500)
                ]
                assert client.post(collector + "/v1/batch", json=events).status_code == 200

    started = time.monotonic()
    threads = [threading.Thread(target=post_all) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    accepted = time.monotonic() - started
    total = before + per_thread // 500 * 500 * 4
    while count(sql_url) < total:
        time.sleep(0.1)
    stored = time.monotonic() - started
    events = total - before
    print(
        f"backlog of {events:,} events: accepted in {accepted:.1f} s ({events / accepted:,.0f}/s), "
        f"all queryable after {stored:.1f} s ({events / stored:,.0f}/s)"
    )


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-embedded-"))
    try:
        first_start(workdir)
        port, sql_port = free_ports(2)
        process = start(workdir / "steady", port, sql_port)
        collector, sql_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{sql_port}"
        try:
            wait_http(collector + "/healthz")
            freshness(collector, sql_url)
            backlog(collector, sql_url)
        finally:
            process.terminate()
            process.wait(timeout=120)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
