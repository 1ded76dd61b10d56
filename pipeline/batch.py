"""One batch of Kafka messages on its way to ClickHouse: decoded records, poison messages, and
the deduplication token that makes a resent batch a no-op."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from schemas.messages import unpack

# What every record must carry before ClickHouse sees it; the collector always sets them.
EVENT_FIELDS = ("event_id", "site_id", "type", "ts")
DEAD_LETTER_FIELDS = ("received_at", "reason")


@dataclass(frozen=True, slots=True)
class SourceMessage:
    topic: str
    partition: int
    offset: int
    value: bytes


@dataclass
class Poison:
    message: SourceMessage
    reason: str


@dataclass
class Batch:
    messages: list[SourceMessage] = field(default_factory=list)
    size_bytes: int = 0
    rows: int = 0  # records in the messages (a message packs one visitor's events)

    def add(self, message: SourceMessage) -> None:
        self.messages.append(message)
        self.size_bytes += len(message.value)
        # One record per line after the names line: a fast byte scan, no decoding.
        self.rows += max(1, message.value.count(b"\n"))

    def __len__(self) -> int:
        return len(self.messages)

    def token(self, table: str) -> str:
        """Same messages (topic, partition, offset range) -> same token, whatever the order."""
        ranges: dict[tuple[str, int], list[int]] = {}
        for message in self.messages:
            ranges.setdefault((message.topic, message.partition), []).append(message.offset)
        spans = sorted(f"{t}:{p}:{min(o)}-{max(o)}" for (t, p), o in ranges.items())
        digest = hashlib.sha256(";".join(spans).encode()).hexdigest()[:32]
        return f"{table}:{digest}"

    def next_offsets(self) -> dict[tuple[str, int], int]:
        """Offsets to commit once this batch is stored: one past the last, per partition."""
        positions: dict[tuple[str, int], int] = {}
        for message in self.messages:
            key = (message.topic, message.partition)
            positions[key] = max(positions.get(key, 0), message.offset + 1)
        return positions


def decode(
    messages: list[SourceMessage], required: tuple[str, ...], unique_by: str | None = None
) -> tuple[list[dict[str, Any]], list[Poison]]:
    """Records of all messages and the poison. With `unique_by`, records are deduplicated by that
    field (the first copy wins): a batch never inserts one event twice."""
    records: list[dict[str, Any]] = []
    seen: set[Any] = set()
    poison: list[Poison] = []
    for message in messages:
        try:
            items = unpack(message.value)
        except ValueError as error:  # orjson.JSONDecodeError is a ValueError too
            poison.append(Poison(message, f"not a packed message: {error}"))
            continue
        bad = next((item for item in items if not _has(item, required)), None)
        if bad is not None:
            if not isinstance(bad, dict):
                poison.append(Poison(message, "a record must be a JSON object"))
            else:
                missing = ", ".join(name for name in required if not bad.get(name))
                poison.append(Poison(message, f"record without {missing}"))
            continue
        for item in items:
            if unique_by is None:
                records.append(item)
            elif item[unique_by] not in seen:
                seen.add(item[unique_by])
                records.append(item)
    return records, poison


def _has(item: Any, required: tuple[str, ...]) -> bool:
    return isinstance(item, dict) and all(item.get(name) for name in required)
