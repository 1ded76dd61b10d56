"""The stream worker against the real Kafka broker and chDB: exact counts, whatever happens."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from clickstream.kafka_topics import ensure_topics
from clickstream.warehouse import Warehouse
from clickstream.warehouse.base import WarehouseUnavailable
from pipeline.batch import Batch, SourceMessage
from pipeline.kafka_worker import KafkaWorker, WorkerSettings
from pipeline.loader import Loader
from pipeline.replay import replay
from tests.support.events import journey_records, kafka_messages
from tests.support.servers import KafkaBroker

COUNT_EVENTS = "SELECT count(), uniqExact(event_id) FROM clickstream.events FINAL"


@pytest.fixture
def topics(kafka_broker: KafkaBroker) -> tuple[str, str]:
    name = uuid.uuid4().hex[:8]
    events, letters = f"events-{name}", f"letters-{name}"
    ensure_topics(kafka_broker.bootstrap, {events: 4, letters: 1})
    return events, letters


def end_offsets_total(bootstrap: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def committed_total(bootstrap: str, group: str, topic: str) -> int:
    """Messages of `topic` the group has committed (stored in ClickHouse, then committed)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        for _ in range(50):
            try:
                offsets = admin.list_group_offsets(group).get(group, {})
                break
            except KafkaError as error:  # coordinator moving or loading: ask again
                if not error.retriable:
                    raise
                time.sleep(0.2)
        else:
            return 0  # no coordinator for the group yet: nothing committed
    finally:
        admin.close()
    return sum(o.offset for tp, o in offsets.items() if tp.topic == topic and o.offset > 0)


def wait_for(condition: Callable[[], bool], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def produce(bootstrap: str, messages: list[tuple[str, bytes, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    for topic, key, value in messages:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()


@pytest.fixture
def run_workers(
    kafka_broker: KafkaBroker, migrated_chdb: Warehouse, topics: tuple[str, str]
) -> Iterator[Callable[[int], list[KafkaWorker]]]:
    started: list[tuple[KafkaWorker, threading.Thread]] = []

    def start(
        count: int, group: str | None = None, topics: tuple[str, str] = topics
    ) -> list[KafkaWorker]:
        group = group or f"group-{uuid.uuid4().hex[:6]}"
        workers = []
        for _ in range(count):
            worker = KafkaWorker(
                WorkerSettings(
                    kafka_broker.bootstrap, topics, group, batch_rows=500, batch_seconds=0.3
                ),
                Loader(migrated_chdb, *topics),
            )
            thread = threading.Thread(target=worker.run, daemon=True)
            thread.start()
            started.append((worker, thread))
            workers.append(worker)
        return workers

    yield start
    for worker, thread in started:
        worker.stop()
        thread.join(timeout=30)


def wait_for_count(warehouse: Warehouse, expected: int, timeout: float = 60) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    counts = (0, 0)
    while time.monotonic() < deadline:
        counts = warehouse.query(COUNT_EVENTS).rows[0]
        if counts[1] >= expected:
            time.sleep(0.5)  # anything more would be a double count: give it a chance to show
            return warehouse.query(COUNT_EVENTS).rows[0]
        time.sleep(0.2)
    return counts


def test_n_events_give_n_rows_even_with_resent_duplicates(
    kafka_broker: KafkaBroker, migrated_chdb: Warehouse, topics: tuple[str, str], run_workers
) -> None:
    records = journey_records(visitors=200, events_per_visitor=12)
    resent = records[::7]  # a client retry: the same events in later requests
    produce(
        kafka_broker.bootstrap,
        kafka_messages(records, topics[0]) + kafka_messages(resent, topics[0]),
    )
    (worker,) = run_workers(1)
    assert wait_for_count(migrated_chdb, len(records)) == (len(records), len(records))
    stored_rows = worker.metrics.rows.labels("events")._value.get()
    assert stored_rows >= len(records)  # duplicates are sent on and dropped by the table
    assert worker.metrics.batches._value.get() >= 1
    lag = worker.metrics.registry.get_sample_value(
        "clickstream_worker_lag", {"topic": topics[0], "partition": "0"}
    )
    assert lag == 0
    links = migrated_chdb.query(
        "SELECT count(), uniqExact(anonymous_id) FROM clickstream.identities FINAL"
    ).rows[0]
    assert links == (200, 200)


def test_two_workers_in_one_group_still_count_n(
    kafka_broker: KafkaBroker, migrated_chdb: Warehouse, topics: tuple[str, str], run_workers
) -> None:
    records = journey_records(visitors=300, events_per_visitor=10)
    run_workers(2)
    for chunk in range(0, len(records), 500):  # traffic arrives while the group forms
        produce(kafka_broker.bootstrap, kafka_messages(records[chunk : chunk + 500], topics[0]))
        time.sleep(0.2)
    assert wait_for_count(migrated_chdb, len(records)) == (len(records), len(records))


def test_poison_goes_to_dead_letters_and_the_rest_loads(
    kafka_broker: KafkaBroker, migrated_chdb: Warehouse, topics: tuple[str, str], run_workers
) -> None:
    records = journey_records(visitors=20, events_per_visitor=5)
    bad_time = dict(records[0], event_id=str(uuid.uuid4()), ts="the day after tomorrow")
    poison = [
        (topics[0], b"k1", b"{this is not json"),
        (topics[0], b"k2", b'["event_id"]\n["x"]'),
        *kafka_messages([bad_time], topics[0]),
    ]
    produce(kafka_broker.bootstrap, poison + kafka_messages(records, topics[0]))
    run_workers(1)
    assert wait_for_count(migrated_chdb, len(records)) == (len(records), len(records))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        letters = migrated_chdb.query(
            "SELECT reason, kafka_topic, event_id FROM clickstream.dead_letters "
            "WHERE stage = 'loader' ORDER BY reason"
        ).rows
        if len(letters) == 3:
            break
        time.sleep(0.3)
    reasons = " | ".join(reason for reason, _, _ in letters)
    assert len(letters) == 3, letters
    assert "not a packed message" in reasons and "record without site_id, type, ts" in reasons
    assert "ClickHouse refused the row" in reasons
    assert bad_time["event_id"] in {event_id for _, _, event_id in letters}


def test_replaying_the_whole_topic_counts_each_event_once(
    kafka_broker: KafkaBroker, migrated_chdb: Warehouse, topics: tuple[str, str], run_workers
) -> None:
    records = journey_records(visitors=100, events_per_visitor=10)
    produce(kafka_broker.bootstrap, kafka_messages(records, topics[0]))
    run_workers(1)
    assert wait_for_count(migrated_chdb, len(records))[1] == len(records)
    loader = Loader(migrated_chdb, *topics)
    result = replay(kafka_broker.bootstrap, topics[0], loader, from_offset=0, batch_rows=300)
    assert result.events == len(records)
    assert migrated_chdb.query(COUNT_EVENTS).rows[0] == (len(records), len(records))
    # Replaying from a point in time is a backfill of what came after it: here, everything.
    replay(
        kafka_broker.bootstrap,
        topics[0],
        loader,
        from_time=__import__("datetime").datetime(2020, 1, 1, tzinfo=__import__("datetime").UTC),
    )
    assert migrated_chdb.query(COUNT_EVENTS).rows[0] == (len(records), len(records))


def _count_in_subprocess(data_dir: Path) -> tuple[int, int]:
    code = (
        "import sys; from clickstream.warehouse import connect; "
        f"w = connect('chdb://{data_dir}'); "
        f"print(*w.query({COUNT_EVENTS!r}).rows[0])"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    return int(output[0]), int(output[1])


def test_worker_killed_mid_batch_then_restarted_counts_exactly_n(
    kafka_broker: KafkaBroker, topics: tuple[str, str], tmp_path: Path
) -> None:
    records = journey_records(visitors=1500, events_per_visitor=10)
    produce(kafka_broker.bootstrap, kafka_messages(records, topics[0]))
    data_dir = tmp_path / "clickhouse"
    env = {
        **os.environ,
        "CLICKSTREAM_KAFKA": kafka_broker.bootstrap,
        "CLICKSTREAM_CLICKHOUSE": f"chdb://{data_dir}",
        "CLICKSTREAM_DATA_DIR": str(tmp_path),
    }
    env |= {"CLICKSTREAM_TOPIC": topics[0], "CLICKSTREAM_DEAD_LETTER_TOPIC": topics[1]}
    group = f"kill-{topics[0]}"
    command = [
        sys.executable,
        "-m",
        "clickstream",
        "worker",
        "--group",
        group,
        "--batch-rows",
        "200",  # many small batches: the kills land in the middle of the work
        "--batch-seconds",
        "0.2",
    ]
    total = end_offsets_total(kafka_broker.bootstrap, topics[0])

    def committed() -> int:
        return committed_total(kafka_broker.bootstrap, group, topics[0])

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    process = None
    try:
        for _ in range(2):  # killed twice, each time after it stored some batches, not all
            before = committed()
            process = start()
            wait_for(lambda b=before: committed() > b)
            process.kill()
            process.wait()
        assert committed() < total
        process = start()
        wait_for(lambda: committed() == total)
        process.terminate()
        assert process.wait(timeout=60) == 0
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
    assert _count_in_subprocess(data_dir) == (len(records), len(records))


def test_a_refusal_that_is_not_about_the_rows_is_retried_not_dead_lettered(
    migrated_chdb: Warehouse,
) -> None:
    """A missing table (or too many parts, or memory) is the server's trouble: the batch is
    kept for a retry, and no event becomes a dead letter for it."""
    records = journey_records(visitors=3, events_per_visitor=4)
    batch = Batch()
    for offset, (topic, _, value) in enumerate(kafka_messages(records, "events-refusal")):
        batch.add(SourceMessage(topic, 0, offset, value))
    loader = Loader(migrated_chdb, "events-refusal", "letters-refusal")
    letters_before = migrated_chdb.query("SELECT count() FROM clickstream.dead_letters").scalar()
    migrated_chdb.execute("RENAME TABLE clickstream.events TO clickstream.events_away")
    try:
        with pytest.raises(WarehouseUnavailable, match="refused the insert") as refused:
            loader.load(batch)
        assert refused.value.code == 60  # UNKNOWN_TABLE
    finally:
        migrated_chdb.execute("RENAME TABLE clickstream.events_away TO clickstream.events")
    letters = migrated_chdb.query("SELECT count() FROM clickstream.dead_letters").scalar()
    assert letters == letters_before
    assert loader.load(batch).events == len(records)  # the retry stores the batch
    ids = [record["event_id"] for record in records]
    stored = migrated_chdb.query(
        "SELECT uniqExact(event_id) FROM clickstream.events WHERE event_id IN {ids:Array(UUID)}",
        {"ids": ids},
    ).scalar()
    assert stored == len(records)


def test_a_worker_started_before_its_topics_exist_loads_them(
    kafka_broker: KafkaBroker, migrated_chdb: Warehouse, run_workers
) -> None:
    """Workers may start before the collector creates the topics (or the metadata of new topics
    may reach the group late): the partitions are picked up at the next metadata refresh, not
    minutes later."""
    name = uuid.uuid4().hex[:8]
    events, letters = f"events-{name}", f"letters-{name}"
    (worker,) = run_workers(1, topics=(events, letters))
    time.sleep(3)  # the group formed with no partitions to assign
    ensure_topics(kafka_broker.bootstrap, {events: 2, letters: 1})
    records = journey_records(visitors=30, events_per_visitor=5)
    before = migrated_chdb.query(COUNT_EVENTS).rows[0][1]
    produce(kafka_broker.bootstrap, kafka_messages(records, events))
    stored = wait_for_count(migrated_chdb, before + len(records), timeout=45)[1]
    assert stored == before + len(records), f"assigned: {worker.consumer.assignment()}"
