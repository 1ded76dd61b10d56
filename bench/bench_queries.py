"""Query times of the analytics views over 10 M and 50 M generated events (issue 5), beside a
plain GROUP BY person over the same rows (the floor), in the same run.

The events are made inside ClickHouse (bench/sql/generate_events.sql: shopper journeys with
sessions, carts, registrations, orders, linked devices), one site per size in one chDB
directory. The stored state is a steady one: the events merged into one part per month, then a
share of them delivered again (resent copies, same event_id) in new parts that are not merged, so
every view must deduplicate. Background merges are then stopped so that runs are comparable.

Each query (bench/sql/queries/*.sql) runs once, then BENCH_QUERY_REPEAT times more: the table
gives the first run, the best and the median wall time, and the least CPU time (all threads of
this process: chDB runs in it). The machine is shared, so wall times vary with its load; the
CPU time and the best wall time are the repeatable figures.

The funnel queries run twice: before the site has a funnel snapshot (every chain from raw
events), and after one is taken (pipeline/funnel_snapshots.py; its time is printed).

Also measured: what the materialized views (identity links, session_starts,
session_landing_pages, traffic_buckets) cost an insert, against a copy of the events table
without them.

Environment: BENCH_QUERY_EVENTS (comma-separated sizes, default "10000000,50000000"),
BENCH_QUERY_REPEAT (default 5). Runs in a child process, which owns its chDB directory.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clickstream.warehouse import Warehouse, connect
from pipeline import funnel_snapshots
from schemas.migrations import migrate

SQL = Path(__file__).parent / "sql"
SIZES = [int(n) for n in os.environ.get("BENCH_QUERY_EVENTS", "10000000,50000000").split(",")]
REPEAT = int(os.environ.get("BENCH_QUERY_REPEAT", "5"))
EVENTS_PER_VISITOR = 14.1  # what generate_events.sql makes on average
RESEND_PERCENT = 3
START, DAYS = "2026-01-01 00:00:00", 90
PERIOD = {"date_from": "2026-01-01 00:00:00", "date_to": "2026-04-01 00:00:00"}
WINDOW_SECONDS = 7 * 86400
INSERT_PROBE_EVENTS = 1_000_000
AGGREGATES = ("events", "identities", "session_starts", "traffic_buckets")
# the timed queries that read funnel_chains, so the funnel snapshot changes their time
SNAPSHOT_READERS = ("funnel", "funnel_by_channel", "funnel_by_visitor_type")


def cpu_seconds() -> float:
    return time.process_time()


def generate(warehouse: Warehouse, table: str, site: str, events: int, copy: int) -> float:
    """Insert about `events` generated events (copy 1: their resent share); returns seconds."""
    started = time.perf_counter()
    warehouse.execute(
        (SQL / "generate_events.sql").read_text(),
        {
            "table": table,
            "site": site,
            "visitors": round(events / EVENTS_PER_VISITOR),
            "start": START,
            "days": DAYS,
            "resend_percent": RESEND_PERCENT,
            "copy": copy,
        },
    )
    return time.perf_counter() - started


def scalar(warehouse: Warehouse, sql: str, **params: object) -> int:
    return int(warehouse.query(sql, params).scalar())


def load(warehouse: Warehouse, site: str, events: int) -> None:
    seconds = generate(warehouse, "events", site, events, copy=0)
    for table in AGGREGATES:  # the steady state: history merged
        warehouse.execute(f"OPTIMIZE TABLE clickstream.{table} FINAL")
    seconds += generate(warehouse, "events", site, events, copy=1)
    rows, unique = warehouse.query(
        "SELECT count(), uniqExact(event_id) FROM clickstream.events WHERE site_id = {s:String}",
        {"s": site},
    ).rows[0]
    print(
        f"{site}: {rows:,} rows stored ({rows - unique:,} resent copies, not merged), "
        f"generated and inserted in {seconds:.1f} s"
    )


def insert_cost(warehouse: Warehouse) -> None:
    """Generated events into the events table (with its materialized views) and into a copy
    without them. The probe's events stay, under a site of their own."""
    warehouse.execute("CREATE TABLE clickstream.events_without_views AS clickstream.events")
    figures = []
    for table in ("events_without_views", "events"):
        cpu = cpu_seconds()
        wall = generate(warehouse, table, "insert-probe", INSERT_PROBE_EVENTS, copy=0)
        figures.append((table, wall, cpu_seconds() - cpu))
    rows = scalar(
        warehouse, "SELECT count() FROM clickstream.events WHERE site_id = 'insert-probe'"
    )
    for table, wall, cpu in figures:
        print(f"insert {rows:,} generated events into {table}: {wall:.2f} s, {cpu:.2f} CPU-s")
    warehouse.execute("DROP TABLE clickstream.events_without_views")


def time_queries(warehouse: Warehouse, site: str, heading: str, only: tuple[str, ...] = ()) -> None:
    params = {"site": site, "window_seconds": WINDOW_SECONDS, **PERIOD}
    print(
        f"\n{site}, {heading}, period {PERIOD['date_from']} to {PERIOD['date_to']}, "
        f"window 7 days, {REPEAT + 1} runs each\n"
    )
    print("| query | first s | best s | median s | least CPU-s |")
    print("|---|---:|---:|---:|---:|")
    for path in sorted((SQL / "queries").glob("*.sql")):
        text = path.read_text().strip().removesuffix(";")
        label = text.splitlines()[0].removeprefix("-- ").split(":")[0]
        if only and label not in only:
            continue
        walls, cpus = [], []
        for _ in range(REPEAT + 1):
            cpu, started = cpu_seconds(), time.perf_counter()
            answer = warehouse.query_raw(text, "TSV", params)
            walls.append(time.perf_counter() - started)
            cpus.append(cpu_seconds() - cpu)
        print(
            f"| {label} | {walls[0]:.2f} | {min(walls):.2f} | {statistics.median(walls):.2f} "
            f"| {min(cpus):.2f} |"
        )
        if label == "funnel":
            funnel = answer.decode()
    print("\nfunnel visitors per step:", [line.split("\t")[2] for line in funnel.splitlines()])


def take_snapshot(warehouse: Warehouse, site: str) -> None:
    """The site's funnel snapshot, as the worker's timer takes it."""
    cpu, started = cpu_seconds(), time.perf_counter()
    (snapshot,) = funnel_snapshots.refresh(warehouse, sites=[site], settle_seconds=0)
    print(
        f"\n{site}: funnel snapshot of {snapshot.persons:,} persons taken in "
        f"{time.perf_counter() - started:.2f} s, {cpu_seconds() - cpu:.2f} CPU-s"
    )


def run() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-queries-"))
    warehouse = connect(f"chdb://{workdir}")
    try:
        migrate(warehouse)
        insert_cost(warehouse)
        sites = [f"bench{size // 1_000_000}m" for size in SIZES]
        for site, size in zip(sites, SIZES, strict=True):
            load(warehouse, site, size)
        for table in AGGREGATES:
            warehouse.execute(f"SYSTEM STOP MERGES clickstream.{table}")
        parts = scalar(
            warehouse,
            "SELECT count() FROM system.parts "
            "WHERE database = 'clickstream' AND table = 'events' AND active",
        )
        print(f"events table: {parts} active parts, merges stopped")
        for site in sites:
            time_queries(warehouse, site, "no funnel snapshot (every chain from raw events)")
            take_snapshot(warehouse, site)
            time_queries(warehouse, site, "with the funnel snapshot", SNAPSHOT_READERS)
    finally:
        warehouse.close()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    subprocess.run([sys.executable, "-m", "bench.bench_queries", "--child"], check=True)


if __name__ == "__main__":
    run() if "--child" in sys.argv else main()
