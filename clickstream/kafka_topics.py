"""Create the Kafka topics the product uses, if they are missing (idempotent)."""

from __future__ import annotations

import contextlib

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError


def ensure_topics(
    bootstrap_servers: str, partitions: dict[str, int], replication_factor: int = 1
) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10_000)
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(name, count, replication_factor)
            for name, count in partitions.items()
            if name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another process was first
                admin.create_topics(missing)
    finally:
        admin.close()
