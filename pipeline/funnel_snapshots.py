"""Funnel snapshots (migration 013): each person's best funnel chains, computed ahead of the
query, so the funnel views read about one row per person instead of every event of the period.

A refresh computes, for every site whose snapshot is behind, all chains from all stored events
(pipeline/sql/funnel_snapshot_chains.sql), then commits the snapshot by its row in
funnel_snapshots. The views (queries/105_funnel_chains.sql) read the latest committed one and
compute from raw events only the persons with events loaded since it was taken, so answers stay
exact between refreshes. A refresh recomputes whole sites: its cost grows with the events stored
(BENCHMARKS.md).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from clickstream.warehouse import Warehouse
from schemas.cluster import drop_partition_statement

log = logging.getLogger("clickstream.pipeline")

SQL_DIR = Path(__file__).parent / "sql"
DEFAULT_WINDOW_SECONDS = 7 * 24 * 3600  # the funnel views' default conversion window
# Events inserted this long before a refresh starts are taken to be in it; later ones are
# computed raw by the views. Covers inserts that took their loaded_at before the refresh began
# and became visible after.
SETTLE_SECONDS = 60.0
MAX_WINDOW_SECONDS = (2**32 - 1) // 1000  # step gaps are stored as UInt32 milliseconds
# A generation is dropped only this long after a newer one was started: with several workers
# refreshing, another may still be writing an older one.
RETIRE_GRACE_SECONDS = 900.0


@dataclass(frozen=True)
class Snapshot:
    site: str
    generation: int
    persons: int
    seconds: float


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def due_sites(warehouse: Warehouse, window_seconds: int = DEFAULT_WINDOW_SECONDS) -> list[str]:
    """Sites with events loaded since their latest snapshot (or without one)."""
    result = warehouse.query(_sql("funnel_snapshot_due.sql"), {"window_seconds": window_seconds})
    return [row[0] for row in result.rows]


def take(
    warehouse: Warehouse,
    site: str,
    generation: int,
    *,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
    settle_seconds: float = SETTLE_SECONDS,
) -> Snapshot:
    """Compute and commit one site's snapshot; `generation` is the refresh's start (epoch ms)."""
    if not 0 < window_seconds <= MAX_WINDOW_SECONDS:
        raise ValueError(f"window_seconds must be 1..{MAX_WINDOW_SECONDS}")
    loaded_before = datetime.fromtimestamp(generation / 1000, UTC) - timedelta(
        seconds=settle_seconds
    )
    started = time.perf_counter()
    params = {"site": site, "generation": generation, "window_seconds": window_seconds}
    warehouse.execute(_sql("funnel_snapshot_chains.sql"), params)
    seconds = time.perf_counter() - started
    warehouse.execute(
        _sql("funnel_snapshot_commit.sql"),
        {
            **params,
            "loaded_before": loaded_before.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
            "built_seconds": seconds,
        },
    )
    persons = warehouse.query(
        _sql("funnel_snapshot_persons.sql"), {"site": site, "generation": generation}
    ).scalar()
    return Snapshot(site, generation, int(persons), seconds)


def drop_retired(
    warehouse: Warehouse,
    cluster: str | None = None,
    grace_seconds: float = RETIRE_GRACE_SECONDS,
) -> list[int]:
    """Drop the chains of generations no query reads any more; returns them."""
    result = warehouse.query(
        _sql("funnel_snapshot_retired.sql"), {"grace_ms": int(grace_seconds * 1000)}
    )
    retired = [int(row[0]) for row in result.rows]
    for generation in retired:
        warehouse.execute(drop_partition_statement("funnel_snapshot_chains", generation, cluster))
    return retired


def refresh(
    warehouse: Warehouse,
    *,
    sites: list[str] | None = None,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
    settle_seconds: float = SETTLE_SECONDS,
    cluster: str | None = None,
    grace_seconds: float = RETIRE_GRACE_SECONDS,
) -> list[Snapshot]:
    """Snapshot the given sites (default: every site that is due), then drop retired ones."""
    generation = int(time.time() * 1000)
    todo = due_sites(warehouse, window_seconds) if sites is None else sites
    taken = [
        take(
            warehouse,
            site,
            generation,
            window_seconds=window_seconds,
            settle_seconds=settle_seconds,
        )
        for site in todo
    ]
    drop_retired(warehouse, cluster, grace_seconds)
    return taken


class SnapshotTimer:
    """Refreshes the funnel snapshots every `interval` seconds on a thread of its own, for the
    worker and the embedded server."""

    def __init__(self, warehouse: Warehouse, interval: float, cluster: str | None = None) -> None:
        self.warehouse = warehouse
        self.interval = interval
        self.cluster = cluster
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval <= 0:
            return
        self._thread = threading.Thread(target=self._run, name="funnel-snapshots", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                for snapshot in refresh(self.warehouse, cluster=self.cluster):
                    log.info(
                        "funnel snapshot of %s: %d persons in %.1f s",
                        snapshot.site,
                        snapshot.persons,
                        snapshot.seconds,
                    )
            except Exception:  # the views fall back to raw events; try again next time
                log.exception("funnel snapshot refresh failed")
