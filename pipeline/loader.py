"""Store one batch in ClickHouse: events and dead letters (the identity map follows the events
through a materialized view).

Used by the Kafka worker and by the embedded mode alike. The fast path hands the messages to
ClickHouse as they are (one insert, byte operations only). Every insert carries a deduplication
token made from the batch's offsets, so storing the same batch twice (a crash between insert and
offset commit) adds nothing. If ClickHouse refuses the batch, the careful path decodes it: poison
messages and the records ClickHouse refuses (found by halving the rows until the bad ones stand
alone) become dead letters with the reason, and the rest are stored. Only a refusal of the
values themselves makes a dead letter: when ClickHouse refuses for any other reason (a missing
table, too many parts, memory), the whole batch is retried as if ClickHouse were away.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from clickstream.warehouse import Warehouse, WarehouseError
from clickstream.warehouse.base import WarehouseUnavailable, refuses_data
from pipeline.batch import (
    DEAD_LETTER_FIELDS,
    EVENT_FIELDS,
    Batch,
    Poison,
    SourceMessage,
    decode,
)
from schemas.messages import header_and_rows

log = logging.getLogger("clickstream.pipeline")

EVENTS_TABLE = "clickstream.events"
DEAD_LETTERS_TABLE = "clickstream.dead_letters"
MAX_PAYLOAD = 64 * 1024
# Every dead-letter row carries every column, whoever wrote it (collector or loader).
DEAD_LETTER_DEFAULTS: dict[str, Any] = {
    "site_id": "",
    "stage": "",
    "event_index": -1,
    "event_id": "",
    "event_type": "",
    "field": "",
    "payload": "",
    "kafka_topic": "",
    "kafka_partition": -1,
    "kafka_offset": -1,
}


@dataclass
class LoadResult:
    events: int = 0  # rows stored (a resent event is deduplicated by the table, not here)
    dead_letters: int = 0
    rejected: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def _now_text() -> str:
    return datetime.now(UTC).isoformat(sep=" ", timespec="milliseconds")[:23]


def poison_letter(poison: Poison) -> dict[str, Any]:
    message = poison.message
    return {
        "received_at": _now_text(),
        "site_id": "",
        "stage": "loader",
        "event_index": -1,
        "event_id": "",
        "event_type": "",
        "field": "",
        "reason": poison.reason,
        "payload": message.value[:MAX_PAYLOAD].decode(errors="replace"),
        "kafka_topic": message.topic,
        "kafka_partition": message.partition,
        "kafka_offset": message.offset,
    }


def rejected_letter(record: Mapping[str, Any], reason: str) -> dict[str, Any]:
    import orjson

    return {
        "received_at": _now_text(),
        "site_id": str(record.get("site_id", "")),
        "stage": "loader",
        "event_index": -1,
        "event_id": str(record.get("event_id", "")),
        "event_type": str(record.get("type", "")),
        "field": "",
        "reason": reason[:2000],
        "payload": orjson.dumps(record, default=str)[:MAX_PAYLOAD].decode(errors="replace"),
    }


def _retry_later(error: WarehouseError) -> WarehouseUnavailable:
    """A refusal that is not about the rows: nothing of the batch is acknowledged, the caller
    retries it (and no event becomes a dead letter for the server's trouble)."""
    return WarehouseUnavailable(f"ClickHouse refused the insert: {error}", error.code)


class Loader:
    def __init__(self, warehouse: Warehouse, events_topic: str, dead_letter_topic: str) -> None:
        self.warehouse = warehouse
        self.events_topic = events_topic
        self.dead_letter_topic = dead_letter_topic

    def load(self, batch: Batch) -> LoadResult:
        """Store the batch. Raises WarehouseUnavailable when ClickHouse cannot be reached:
        nothing is acknowledged then, and the caller retries the same batch."""
        result = LoadResult()
        event_messages: list[SourceMessage] = []
        letter_messages: list[SourceMessage] = []
        for message in batch.messages:
            if message.topic == self.dead_letter_topic:
                letter_messages.append(message)
            else:
                event_messages.append(message)
        letters: list[dict[str, Any]] = []
        token = batch.token("events")
        try:
            result.events = self._insert_fast(EVENTS_TABLE, event_messages, token)
        except WarehouseUnavailable:
            raise
        except WarehouseError as error:
            log.info("batch refused as a whole (%s); storing it record by record", error)
            records, poison = decode(event_messages, EVENT_FIELDS, unique_by="event_id")
            letters += [poison_letter(p) for p in poison]
            result.events = len(self._insert_or_split(EVENTS_TABLE, records, token, result))
            letters += [rejected_letter(record, reason) for record, reason in result.rejected]

        letter_token = batch.token("letters")
        try:
            result.dead_letters = self._insert_fast(
                DEAD_LETTERS_TABLE, letter_messages, letter_token + "/fast"
            )
        except WarehouseUnavailable:
            raise
        except WarehouseError:
            collector_letters, poison = decode(letter_messages, DEAD_LETTER_FIELDS)
            letters = collector_letters + letters + [poison_letter(p) for p in poison]
        letters = [DEAD_LETTER_DEFAULTS | letter for letter in letters]
        result.dead_letters += self._insert(DEAD_LETTERS_TABLE, letters, letter_token)
        return result

    def _insert_fast(self, table: str, messages: list[SourceMessage], token: str) -> int:
        """All messages as one insert per column layout, by byte operations only."""
        groups: dict[bytes, list[bytes]] = {}
        for message in messages:
            header, rows = header_and_rows(message.value)
            if rows:
                groups.setdefault(header, []).append(rows)
        stored = 0
        for index, (header, rows) in enumerate(groups.items()):
            body = b"\n".join([header, *rows])
            stored += self.warehouse.insert_packed(table, body, dedup_token=f"{token}/{index}")
        return stored

    def _insert(self, table: str, rows: list[dict[str, Any]], token: str) -> int:
        if not rows:
            return 0
        try:
            return self.warehouse.insert_rows(table, rows, dedup_token=token)
        except WarehouseUnavailable:
            raise
        except WarehouseError as error:
            raise _retry_later(error) from error

    def _insert_or_split(
        self, table: str, rows: list[dict[str, Any]], token: str, result: LoadResult
    ) -> list[dict[str, Any]]:
        """Insert rows; if ClickHouse refuses them, halve until the refused ones stand alone.
        Returns the rows stored."""
        if not rows:
            return []
        try:
            self.warehouse.insert_rows(table, rows, dedup_token=token)
            return rows
        except WarehouseUnavailable:
            raise
        except WarehouseError as error:
            if not refuses_data(error):
                raise _retry_later(error) from error
            if len(rows) == 1:
                log.warning("ClickHouse refused event %s: %s", rows[0].get("event_id"), error)
                result.rejected.append((rows[0], f"ClickHouse refused the row: {error}"))
                return []
        middle = len(rows) // 2
        return self._insert_or_split(
            table, rows[:middle], f"{token}/a", result
        ) + self._insert_or_split(table, rows[middle:], f"{token}/b", result)
