"""The worker against a real ClickHouse server that goes away for a while (Debian's 18.16, with
the product tables in types it supports): nothing is lost, nothing is counted twice, and the
worker stays in its consumer group throughout."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

from kafka import KafkaProducer

from clickstream.kafka_topics import ensure_topics
from clickstream.warehouse import connect
from clickstream.warehouse.statements import split_statements
from pipeline.kafka_worker import KafkaWorker, WorkerSettings
from pipeline.loader import Loader
from tests.support.events import journey_records, kafka_messages
from tests.support.servers import ClickHouseServer, KafkaBroker

LEGACY_SCHEMA = Path(__file__).parent / "fixtures" / "clickhouse_18_16.sql"


def test_clickhouse_down_then_back_loses_nothing(
    kafka_broker: KafkaBroker, clickhouse_server: ClickHouseServer
) -> None:
    warehouse = connect(clickhouse_server.url)
    warehouse.execute("DROP DATABASE IF EXISTS clickstream")
    for statement in split_statements(LEGACY_SCHEMA.read_text()):
        warehouse.execute(statement)
    name = uuid.uuid4().hex[:8]
    topics = (f"events-{name}", f"letters-{name}")
    ensure_topics(kafka_broker.bootstrap, {topics[0]: 3, topics[1]: 1})
    records = journey_records(visitors=400, events_per_visitor=10)
    messages = kafka_messages(records, topics[0])

    worker = KafkaWorker(
        WorkerSettings(
            kafka_broker.bootstrap,
            topics,
            f"outage-{name}",
            batch_rows=400,
            batch_seconds=0.2,
            max_backoff=2.0,
        ),
        Loader(warehouse, *topics),
    )
    crashed: list[BaseException] = []

    def run_worker() -> None:
        try:
            worker.run()
        except BaseException as error:  # reported by the assertion below
            crashed.append(error)
            raise

    thread = threading.Thread(target=run_worker, daemon=True)
    thread.start()
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, acks="all")
    half = len(messages) // 2
    for topic, key, value in messages[:half]:
        producer.send(topic, key=key, value=value)
    producer.flush()
    time.sleep(3)

    clickhouse_server.stop()
    for topic, key, value in messages[half:]:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()
    time.sleep(6)  # the worker retries with backoff meanwhile
    assert worker.metrics.errors.labels("unavailable")._value.get() > 0
    clickhouse_server.start()

    deadline = time.monotonic() + 60
    count = 0
    while time.monotonic() < deadline:
        try:
            count = warehouse.query("SELECT uniqExact(event_id) FROM clickstream.events").rows[0][0]
        except Exception:  # noqa: BLE001 - the server is still starting
            count = 0
        if count == len(records):
            break
        time.sleep(0.5)
    worker.stop()
    thread.join(timeout=30)
    final = warehouse.query(
        "SELECT count(), uniqExact(event_id) FROM clickstream.events FINAL"
    ).rows[0]
    letters = warehouse.query("SELECT count() FROM clickstream.dead_letters").scalar()
    warehouse.close()
    assert not crashed, f"the worker stopped with {crashed[0]!r}"
    assert not thread.is_alive(), "the worker did not stop"
    assert letters == 0, f"{letters} events became dead letters"
    assert final == (len(records), len(records))
