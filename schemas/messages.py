"""Pack accepted records into Kafka messages, in a shape ClickHouse reads directly.

A message is ClickHouse's JSONCompactEachRowWithNames text: a first line naming the columns, then
one JSON array of values per record. The loader inserts many messages as one block with byte
operations only (drop each message's names line, join the rows) and ClickHouse parses them; no
Python decoding on the hot path. Keys are written once per message instead of once per value,
a third of the bytes of JSON objects.

kafka-python spends tens of microseconds of Python per message, more than validating an event,
so the records of one visitor in one request travel as one message (they share the partition key
anyway), cut below the broker's default 1 MB message limit. The collector goes further when it
sends: the messages of all requests waiting at that moment that are bound for one partition are
`merge`d into one (rows of several visitors of that partition; its key is the first one's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

MAX_MESSAGE_BYTES = 512 * 1024

Message = tuple[str, bytes, bytes]  # topic, key, value


def pack(
    topic: str,
    records: Iterable[dict[str, Any]],
    key_of: Callable[[dict[str, Any]], bytes],
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> list[Message]:
    """Records (dicts) -> messages, one per key and column layout, cut below `max_bytes`."""
    layouts: dict[tuple[str, ...], list[tuple[bytes, bytes]]] = {}
    for record in records:
        layouts.setdefault(tuple(record), []).append(
            (key_of(record), orjson.dumps(list(record.values())))
        )
    messages: list[Message] = []
    for names, keyed_rows in layouts.items():
        messages += _messages(topic, orjson.dumps(list(names)), keyed_rows, max_bytes)
    return messages


def pack_rows(
    topic: str,
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    key_of: Callable[[Sequence[Any]], bytes],
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> list[Message]:
    """Like `pack`, for rows that are already lists of values in the order of `names`."""
    keyed_rows = [(key_of(row), orjson.dumps(row)) for row in rows]
    return _messages(topic, orjson.dumps(list(names)), keyed_rows, max_bytes)


def _messages(
    topic: str, header: bytes, keyed_rows: Iterable[tuple[bytes, bytes]], max_bytes: int
) -> list[Message]:
    by_key: dict[bytes, list[bytes]] = {}
    for key, row in keyed_rows:
        by_key.setdefault(key, []).append(row)
    messages: list[Message] = []
    for key, rows in by_key.items():
        chunk: list[bytes] = []
        size = len(header)
        for row in rows:
            if chunk and size + len(row) + 1 > max_bytes:
                messages.append((topic, key, b"\n".join([header, *chunk])))
                chunk, size = [], len(header)
            chunk.append(row)
            size += len(row) + 1
        messages.append((topic, key, b"\n".join([header, *chunk])))
    return messages


def unpack(value: bytes) -> list[dict[str, Any]]:
    """The records of one message as dicts (for the loader's careful path and for tests).
    Raises ValueError when the message is not in the packed shape."""
    lines = value.split(b"\n")
    names = orjson.loads(lines[0])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError("first line is not a list of column names")
    records = []
    for number, line in enumerate(lines[1:], start=2):
        values = orjson.loads(line)
        if not isinstance(values, list) or len(values) != len(names):
            raise ValueError(f"line {number} does not have {len(names)} values")
        records.append(dict(zip(names, values, strict=True)))
    return records


def header_and_rows(value: bytes) -> tuple[bytes, bytes]:
    """Split a packed message into its names line and its rows (bytes, untouched)."""
    header, _, rows = value.partition(b"\n")
    return header, rows


@dataclass
class Merged:
    """One Kafka message made of the rows of several packed messages for one partition."""

    topic: str
    partition: int
    key: bytes
    header: bytes
    rows: list[bytes] = field(default_factory=list)
    size: int = 0
    sources: list[int] = field(default_factory=list)  # indexes of the messages merged here

    @property
    def value(self) -> bytes:
        return b"\n".join([self.header, *self.rows])


def merge(
    messages: Sequence[Message],
    partition_of: Callable[[str, bytes], int],
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> list[Merged]:
    """Merge packed messages bound for the same partition (and with the same names line) into as
    few messages as `max_bytes` allows, in order. Every row lands in exactly one merged message,
    and each merged message knows which of `messages` it carries."""
    open_by_target: dict[tuple[str, int, bytes], Merged] = {}
    merged: list[Merged] = []
    for index, (topic, key, value) in enumerate(messages):
        header, rows = header_and_rows(value)
        target = (topic, partition_of(topic, key), header)
        current = open_by_target.get(target)
        if current is None or (current.rows and current.size + len(rows) + 1 > max_bytes):
            current = Merged(topic, target[1], key, header, size=len(header))
            open_by_target[target] = current
            merged.append(current)
        if rows:
            current.rows.append(rows)
            current.size += len(rows) + 1
        current.sources.append(index)
    return merged
