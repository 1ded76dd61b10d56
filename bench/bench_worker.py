"""Worker throughput (Kafka -> ClickHouse rows/s per core) beside a raw column-wise insert of the
same rows (the floor), and freshness (accepted by the collector -> visible to a query) at a
steady load (issue 4). chDB is the ClickHouse here; it lives in this process, so the worker runs
in it too, pinned to core 0 with its chDB threads; the Kafka broker runs on core 1. Messages are
the collector's (one visitor's 20 events each, LZ4-compressed batches); the collector also merges
the messages of concurrent requests, which only makes them larger.
"""

from __future__ import annotations

import gc
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from kafka import KafkaConsumer, KafkaProducer

from bench.processes import start_collector
from clickstream.kafka_topics import ensure_topics
from clickstream.warehouse import connect
from pipeline.kafka_worker import KafkaWorker, WorkerSettings
from pipeline.loader import Loader
from schemas.migrations import migrate
from tests.support.events import journey_records, kafka_messages
from tests.support.ports import free_ports
from tests.support.servers import KAFKA_SCRIPT

EVENTS = int(os.environ.get("BENCH_WORKER_EVENTS", "300000"))
REPO = Path(__file__).parent.parent


def cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-worker-"))
    kafka_port, controller_port, collector_port = free_ports(3)
    subprocess.run(
        ["taskset", "-c", "1", str(KAFKA_SCRIPT), "start", str(kafka_port), str(workdir / "kafka")],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "KAFKA_CONTROLLER_PORT": str(controller_port)},
    )
    bootstrap = f"127.0.0.1:{kafka_port}"
    os.sched_setaffinity(0, {0})
    warehouse = connect(f"chdb://{workdir / 'clickhouse'}")
    migrate(warehouse)
    collector = None
    try:
        time.sleep(2)
        topics = ("bench.events", "bench.letters")
        ensure_topics(bootstrap, {topics[0]: 6, topics[1]: 1})
        records = journey_records(visitors=EVENTS // 20, events_per_visitor=20)
        producer = KafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            linger_ms=5,
            batch_size=1 << 20,
            max_request_size=8 << 20,
            compression_type="lz4",  # as the collector sends (ingest/kafka_sink.py)
        )
        for topic, key, value in kafka_messages(records, topics[0]):
            producer.send(topic, key=key, value=value)
        producer.flush()
        producer.close()

        # Warm-up: read the topic once (no inserts), so the measured run does not pay for a
        # freshly started broker's first fetches (its JIT, page cache) in its own fetch count.
        warm = KafkaConsumer(
            topics[0],
            bootstrap_servers=bootstrap,
            group_id="bench-warmup",
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=8 << 20,
            fetch_max_bytes=64 << 20,
        )
        seen = 0
        while seen < len(records) // 20:  # one message per visitor
            seen += sum(len(batch) for batch in warm.poll(timeout_ms=500).values())
        warm.close()

        # Background merges would bill one phase's parts to the next phase's CPU time: both
        # measured phases run without them (merging costs the same whatever inserted the parts).
        warehouse.execute("SYSTEM STOP MERGES")
        # 1. The floor: the same rows, column-wise, straight into the table.
        warehouse.execute("CREATE TABLE clickstream.events_floor AS clickstream.events")
        columns = {name: [record[name] for record in records] for name in records[0]}
        started_cpu, started = cpu_now(), time.perf_counter()
        for start in range(0, len(records), 50_000):
            warehouse.insert(
                "clickstream.events_floor",
                {name: values[start : start + 50_000] for name, values in columns.items()},
            )
        floor_wall, floor_cpu = time.perf_counter() - started, cpu_now() - started_cpu

        # The benchmark's own 300 k records are no part of a worker: keep the garbage collector
        # from walking them again and again during the measured run.
        del columns
        gc.collect()
        gc.freeze()

        # 2. The worker: Kafka -> ClickHouse, offsets committed after each batch.
        done = threading.Event()
        stored = [0]

        def on_stored(result) -> None:  # noqa: ANN001
            stored[0] += result.events
            if stored[0] >= len(records):
                done.set()

        worker = KafkaWorker(
            WorkerSettings(bootstrap, topics, "bench", batch_rows=50_000),
            Loader(warehouse, *topics),
            on_stored=on_stored,
        )
        started_cpu, started = cpu_now(), time.perf_counter()
        thread = threading.Thread(target=worker.run)
        thread.start()
        done.wait(timeout=600)
        worker_wall, worker_cpu = time.perf_counter() - started, cpu_now() - started_cpu
        count = warehouse.query("SELECT count() FROM clickstream.events FINAL").scalar()
        warehouse.execute("SYSTEM START MERGES")

        # 3. Freshness: collector (own process) -> Kafka -> this worker -> visible to a query.
        env = {
            **os.environ,
            "CLICKSTREAM_DATA_DIR": str(workdir / "collector"),
            "CLICKSTREAM_KAFKA": bootstrap,
            "CLICKSTREAM_WRITE_KEYS": "bench:bench-key",
            "CLICKSTREAM_TOPIC": topics[0],
            "CLICKSTREAM_DEAD_LETTER_TOPIC": topics[1],
        }
        collector = start_collector(1, collector_port, env)
        url = f"http://127.0.0.1:{collector_port}"
        accepted_at: dict[str, float] = {}
        seen_at: dict[str, float] = {}
        stop = threading.Event()

        def poll_visibility() -> None:
            while not stop.is_set() or len(seen_at) < len(accepted_at):
                pending = [v for v in list(accepted_at) if v not in seen_at]
                if pending:
                    rows = warehouse.query(
                        "SELECT DISTINCT anonymous_id FROM clickstream.events "
                        "WHERE anonymous_id IN {ids:Array(String)}",
                        {"ids": pending},
                    ).rows
                    now = time.perf_counter()
                    for (visitor,) in rows:
                        seen_at.setdefault(visitor, now)
                if stop.is_set() and time.perf_counter() - stop_time[0] > 30:
                    return
                time.sleep(0.05)

        stop_time = [0.0]
        poller = threading.Thread(target=poll_visibility)
        poller.start()
        with httpx.Client(timeout=10) as client:
            for second in range(20):  # 20 s at 50 requests/s x 20 events = 1000 events/s
                tick = time.perf_counter()
                for _ in range(50):
                    visitor = f"fresh-{uuid.uuid4().hex[:12]}"
                    events = [
                        {
                            "event_id": str(uuid.uuid4()),
                            "type": "page_view",
                            "anonymous_id": visitor,
                        }
                        for _ in range(20)
                    ]
                    response = client.post(
                        url + "/v1/batch", json=events, headers={"X-Write-Key": "bench-key"}
                    )
                    if response.status_code == 200:
                        accepted_at[visitor] = time.perf_counter()
                time.sleep(max(0.0, 1 - (time.perf_counter() - tick)))
                del second
        stop_time[0] = time.perf_counter()
        stop.set()
        poller.join()
        worker.stop()
        thread.join()
    finally:
        if collector:
            collector.terminate()
            collector.wait(timeout=20)
        warehouse.close()
        subprocess.run([str(KAFKA_SCRIPT), "stop", str(workdir / "kafka")], check=False)
        shutil.rmtree(workdir, ignore_errors=True)

    delays = sorted(seen_at[v] - accepted_at[v] for v in seen_at)
    print(f"{'path':44} {'rows':>8} {'wall s':>7} {'rows/s':>9} {'rows/CPU-s':>11}")
    print(
        f"{'raw column-wise insert (floor)':44} {len(records):>8} {floor_wall:>7.2f} "
        f"{len(records) / floor_wall:>9.0f} {len(records) / floor_cpu:>11.0f}"
    )
    print(
        f"{'worker: Kafka -> ClickHouse, commit after':44} {count:>8} {worker_wall:>7.2f} "
        f"{count / worker_wall:>9.0f} {count / worker_cpu:>11.0f}"
    )
    print(
        f"freshness at 1,000 events/s, {len(delays)} of {len(accepted_at)} batches seen: "
        f"p50 {statistics.median(delays):.3f} s, p95 {delays[int(len(delays) * 0.95)]:.3f} s, "
        f"max {delays[-1]:.3f} s"
    )


if __name__ == "__main__":
    main()
