"""Every PromQL expression of the dashboards names metrics that a real collector and a real
worker export: both run here against the Kafka broker, an event goes through them, and their
/metrics pages are read. Labels the expressions group by, and those their legends print, exist
on those metrics."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pipeline.metrics import WorkerMetrics
from tests.support.collector import CollectorProcess
from tests.support.dashboards import load_dashboards, panel_queries
from tests.support.ports import free_port
from tests.support.servers import KafkaBroker

pytestmark = pytest.mark.kafka

PROMQL = [q for q in panel_queries(load_dashboards()) if q.plugin == "prometheus"]
# Sample names of each metric type, as the exposition format writes them.
SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
}


@dataclass
class Exported:
    """What the processes' /metrics pages offer: sample name -> label names."""

    labels: dict[str, set[str]] = field(default_factory=dict)

    def add_page(self, text: str) -> None:
        for family in text_string_to_metric_families(text):
            for suffix in SUFFIXES.get(family.type, ("",)):
                self.labels.setdefault(family.name + suffix, set())
            for sample in family.samples:
                self.labels.setdefault(sample.name, set()).update(sample.labels)


def _wait_for(url: str, *needles: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            page = httpx.get(url, timeout=2).text
            if all(needle in page for needle in needles):
                return page
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {needles}")


@pytest.fixture(scope="module")
def exported(kafka_broker: KafkaBroker, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A collector and a worker on their own topics; one good and one bad event sent."""
    suffix = uuid.uuid4().hex[:8]
    topics = {
        "CLICKSTREAM_TOPIC": f"grafana-{suffix}",
        "CLICKSTREAM_DEAD_LETTER_TOPIC": f"grafana-letters-{suffix}",
    }
    home = tmp_path_factory.mktemp("prometheus")
    collector = CollectorProcess(home / "collector", kafka_broker.bootstrap, extra_env=topics)
    (home / "collector").mkdir()
    collector.start()
    metrics_port = free_port()
    env = {
        **os.environ,
        **topics,
        "CLICKSTREAM_KAFKA": kafka_broker.bootstrap,
        "CLICKSTREAM_CLICKHOUSE": f"chdb://{home / 'clickhouse'}",
    }
    command = [sys.executable, "-m", "clickstream", "worker", "--batch-seconds", "0.2"]
    command += ["--metrics-port", str(metrics_port), "--group", f"grafana-{suffix}"]
    log = open(Path(home) / "worker.log", "wb")  # noqa: SIM115 - the child keeps it
    worker = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        good = {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": "a1"}
        bad = {"event_id": str(uuid.uuid4()), "type": "order", "anonymous_id": "a1", "revenue": "x"}
        answer = httpx.post(
            collector.url + "/v1/batch", json=[good, bad], headers={"X-Write-Key": "shop-key"}
        )
        assert answer.status_code == 200 and answer.json()["accepted"] == 1, answer.text
        found = Exported()
        found.add_page(_wait_for(collector.url + "/metrics", "clickstream_events_accepted_total{"))
        worker_page = f"http://127.0.0.1:{metrics_port}/metrics"
        rows, lag = "clickstream_worker_rows_total{", "clickstream_worker_lag{"
        found.add_page(_wait_for(worker_page, rows, lag))
        yield found
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        collector.stop()


def _labels_of_unused_families() -> dict[str, set[str]]:
    """Label names of worker metrics that have no sample until something goes wrong (errors
    by kind), read from the worker's own registry definitions."""
    return {
        metric._name: set(metric._labelnames)
        for metric in vars(WorkerMetrics()).values()
        if hasattr(metric, "_labelnames")
    }


def _metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\bclickstream_[a-z0-9_]+", expr))


def _grouping_labels(expr: str) -> set[str]:
    labels: set[str] = set()
    for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
        labels |= {label.strip() for label in group.split(",") if label.strip()}
    for matchers in re.findall(r"\{([^}]*)\}", expr):
        labels |= set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", matchers))
    return labels


@pytest.mark.parametrize("query", PROMQL, ids=lambda q: q.id)
def test_every_expression_names_exported_metrics_and_labels(exported: Exported, query) -> None:
    expr = query.target["expr"]
    names = _metric_names(expr)
    assert names, f"{query.id}: names no clickstream metric"
    missing = names - set(exported.labels)
    assert not missing, f"{query.id}: not exported by the collector or the worker: {missing}"
    available = set().union(*(exported.labels[name] for name in names)) | {"le"}
    defined = _labels_of_unused_families()
    for name in names:
        family = re.sub(r"_(total|bucket|count|sum|created)$", "", name)
        available |= defined.get(family, set())
    assert _grouping_labels(expr) <= available, (query.id, available)
    legend = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", query.target.get("legendFormat", "")))
    grouped = re.search(r"\bby\s*\(([^)]*)\)", expr)
    if grouped and not expr.lstrip().startswith("histogram_quantile"):
        assert legend <= {label.strip() for label in grouped.group(1).split(",")}, query.id
    else:
        assert legend <= available, query.id


def test_the_page_carries_what_the_dashboards_chart(exported: Exported) -> None:
    """(The fixture did real work: rows stored, lag measured, the bad event counted.)"""
    assert {"table"} <= exported.labels["clickstream_worker_rows_total"]
    assert {"topic", "partition"} <= exported.labels["clickstream_worker_lag"]
    assert {"site"} <= exported.labels["clickstream_events_rejected_total"]
