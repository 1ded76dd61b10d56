"""`clickstream import`: load historical events from CSV or JSON-lines files.

The events go through the collector over HTTP (`POST /v1/batch` with `"historical": true`), so
they meet the same validation, enrichment, deduplication and durability as live traffic, and
whatever owns the data (a Kafka-backed collector, or the embedded service) stores them. Historical
batches keep each event's own `ts` (no skew correction).

Rows are native events or Segment messages. CSV cells are text: empty cells are left out, `items`
and `properties` cells hold JSON, and `properties.<key>` columns are gathered into `properties`.
A row without an `event_id` (or Segment `messageId`) gets one derived from its content, so
importing the same file twice stores each event once.
"""

from __future__ import annotations

import csv
import gzip
import io
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

# Fixed namespace for content-derived event ids (uuid5), so they are stable across runs.
IMPORT_NAMESPACE = uuid.UUID("5b0e3c2e-8a53-4f53-9b6e-6a1f2f3c9d11")
JSON_CELLS = ("items", "properties", "context", "traits")
RETRY_STATUSES = (429, 502, 503, 504)


class ImportFailed(Exception):
    """The collector could not be reached or refused the whole import (bad key, ...)."""


class TooLarge(Exception):
    """The collector found the request too large (413): send fewer events at once."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # 1-based line of the file where the row starts
    event: Any  # the decoded event; None when the line could not be read
    problem: str = ""  # why the line could not be read


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    field: str
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    accepted: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def file_format(path: Path, given: str | None = None) -> str:
    if given:
        return given
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] == ".csv":
        return "csv"
    if suffixes and suffixes[-1] in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise ValueError(f"{path.name}: cannot tell the format from the name; pass --format csv|jsonl")


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix.lower() == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed by the caller


def _with_event_id(event: Any) -> Any:
    if isinstance(event, dict) and not event.get("event_id") and not event.get("messageId"):
        digest = orjson.dumps(event, option=orjson.OPT_SORT_KEYS).decode()
        event = {"event_id": str(uuid.uuid5(IMPORT_NAMESPACE, digest)), **event}
    return event


def read_jsonl(handle: io.TextIOBase) -> Iterator[Row]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            yield Row(number, _with_event_id(orjson.loads(line)))
        except orjson.JSONDecodeError as error:
            yield Row(number, None, f"event: not valid JSON: {error}")


def _csv_event(cells: dict[str, str]) -> dict[str, Any]:
    event: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for name, value in cells.items():
        if value is None or value == "" or not name:
            continue
        if name.startswith("properties."):
            properties[name.removeprefix("properties.")] = value
        elif name in JSON_CELLS:
            event[name] = orjson.loads(value)
        else:
            event[name] = value
    if properties:
        event["properties"] = {**event.get("properties", {}), **properties}
    return event


def read_csv(handle: io.TextIOBase) -> Iterator[Row]:
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:  # reads the header line; an empty file has none
        return
    line = reader.line_num + 1
    for cells in reader:
        if None in cells:
            yield Row(line, None, "event: more cells than the header has columns")
        else:
            try:
                yield Row(line, _with_event_id(_csv_event(cells)))
            except orjson.JSONDecodeError as error:
                yield Row(
                    line, None, f"event: a JSON cell (items, properties) is not JSON: {error}"
                )
        line = reader.line_num + 1


def read_rows(path: Path, fmt: str) -> Iterator[Row]:
    with _open_text(path) as handle:
        yield from (read_csv(handle) if fmt == "csv" else read_jsonl(handle))


class CollectorClient:
    """POSTs historical batches, retrying while the collector is busy or away."""

    def __init__(self, url: str, write_key: str, retries: int = 8, timeout: float = 60.0) -> None:
        self.http = httpx.Client(
            base_url=url.rstrip("/"), headers={"X-Write-Key": write_key}, timeout=timeout
        )
        self.retries = retries

    def send(self, events: list[Any]) -> dict[str, Any]:
        body = orjson.dumps({"batch": events, "historical": True})
        delay = 0.5
        for attempt in range(self.retries + 1):
            try:
                response = self.http.post(
                    "/v1/batch", content=body, headers={"Content-Type": "application/json"}
                )
            except httpx.TransportError as error:
                if attempt == self.retries:
                    message = f"collector unreachable at {self.http.base_url}: {error}"
                    raise ImportFailed(message) from error
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                time.sleep(float(response.headers.get("Retry-After", delay)))
                delay = min(delay * 2, 10.0)
                continue
            if response.status_code in (200, 400) and "accepted" in response.text:
                return orjson.loads(response.content)
            if response.status_code == 413 and len(events) > 1:
                raise TooLarge(response.text)
            raise ImportFailed(f"collector answered {response.status_code}: {response.text}")
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.http.close()


def import_file(
    path: Path,
    client: CollectorClient,
    fmt: str | None = None,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Send every row of `path`; rows the collector refuses come back with their line."""
    result = ImportResult()
    pending: list[Row] = []

    def send(rows: list[Row]) -> None:
        try:
            answer = client.send([row.event for row in rows])
        except TooLarge:  # halve until the collector's body limit is met
            middle = len(rows) // 2
            send(rows[:middle])
            send(rows[middle:])
            return
        result.accepted += answer["accepted"]
        for rejection in answer["rejected"]:
            row = rows[rejection["index"]]
            result.rejected.append(Rejected(row.line, rejection["field"], rejection["reason"]))
        if progress:
            progress(len(rows))

    def flush() -> None:
        if pending:
            send(pending)
            pending.clear()

    for row in read_rows(path, file_format(path, fmt)):
        result.rows += 1
        if row.event is None:
            result.rejected.append(Rejected(row.line, "", row.problem))
            continue
        pending.append(row)
        if len(pending) >= batch_size:
            flush()
    flush()
    result.rejected.sort(key=lambda r: r.line)
    return result
