"""Prometheus metrics of a worker (SPEC section 6): lag, rows, batch size, insert latency,
errors, dead letters."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.rows = Counter(
            "clickstream_worker_rows", "Rows stored", ["table"], registry=self.registry
        )
        self.batches = Counter(
            "clickstream_worker_batches", "Batches stored", registry=self.registry
        )
        self.batch_rows = Histogram(
            "clickstream_worker_batch_rows",
            "Events per batch",
            buckets=(10, 100, 1_000, 5_000, 20_000, 50_000, 100_000),
            registry=self.registry,
        )
        self.insert_seconds = Histogram(
            "clickstream_worker_insert_seconds",
            "Time to store one batch",
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
            registry=self.registry,
        )
        self.errors = Counter(
            "clickstream_worker_errors",
            "Failed attempts to store a batch",
            ["kind"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "clickstream_worker_dead_letters",
            "Dead letters written by the loader",
            registry=self.registry,
        )
        self.lag = Gauge(
            "clickstream_worker_lag",
            "Messages behind the end of the partition",
            ["topic", "partition"],
            registry=self.registry,
        )
