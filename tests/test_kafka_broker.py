"""The real Kafka 4.x broker (started from Maven jars by deploy/local/kafka.sh) answers clients."""

from __future__ import annotations

import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from tests.support.servers import KafkaBroker


def test_produce_and_consume_the_same_messages(kafka_broker: KafkaBroker) -> None:
    topic = f"test-roundtrip-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        admin.close()

    sent = {f"visitor-{i % 17}".encode(): [] for i in range(17)}
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, acks="all", linger_ms=5)
    futures = []
    for i in range(500):
        key = f"visitor-{i % 17}".encode()
        value = f'{{"n": {i}}}'.encode()
        sent[key].append(value)
        futures.append(producer.send(topic, key=key, value=value))
    producer.flush()
    metadata = [future.get(timeout=30) for future in futures]
    producer.close()
    partition_of_key: dict[bytes, set[int]] = {}
    for i, record in enumerate(metadata):
        partition_of_key.setdefault(f"visitor-{i % 17}".encode(), set()).add(record.partition)
    assert all(len(partitions) == 1 for partitions in partition_of_key.values())

    consumer = KafkaConsumer(
        bootstrap_servers=kafka_broker.bootstrap,
        group_id=f"test-{topic}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=10_000,
    )
    consumer.subscribe([topic])
    received: dict[bytes, list[bytes]] = {}
    count = 0
    for message in consumer:
        received.setdefault(message.key, []).append(message.value)
        count += 1
        if count == 500:
            break
    consumer.commit()
    committed = {
        partition: consumer.committed(TopicPartition(topic, partition)) for partition in range(3)
    }
    consumer.close()

    assert count == 500
    assert received == sent  # every message once, and per key in the order sent
    assert sum(offset or 0 for offset in committed.values()) == 500
