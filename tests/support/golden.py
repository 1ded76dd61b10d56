"""The golden dataset (tests/golden/events.jsonl, worked through by hand; golden/sites.tsv sets the
shops' time zones) and its queries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from clickstream.warehouse import Warehouse
from clickstream.warehouse.statements import split_statements
from ingest.record import RequestContext, build_record
from schemas.event import Event

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def golden_queries() -> list[tuple[str, str]]:
    """(name, SQL): each query's expected output is golden/<name>.tsv."""
    found = []
    for statement in split_statements((GOLDEN / "queries.sql").read_text()):
        name = next(
            line[3:].strip()
            for line in statement.splitlines()
            if line.startswith("-- ") and "golden file" not in line
        )
        found.append((name, statement))
    return found


def golden_records() -> list[dict[str, Any]]:
    """The golden events as the collector stores them (received two seconds after they
    happened). A line may name its shop with "site_id" (the collector's write key); default
    "golden"."""
    records = []
    for line in (GOLDEN / "events.jsonl").read_text().splitlines():
        fields = orjson.loads(line)
        site = fields.pop("site_id", "golden")
        event = Event.model_validate(fields)
        received = event.ts + timedelta(seconds=2)
        records.append(build_record(event, RequestContext(site_id=site, received_at=received)))
    return records


def golden_sites() -> list[dict[str, str]]:
    """Rows of clickstream.sites: the golden shops' time zones (golden/sites.tsv)."""
    header, *rows = (GOLDEN / "sites.tsv").read_text().splitlines()
    names = header.split("\t")
    return [dict(zip(names, row.split("\t"), strict=True)) for row in rows]


def insert_golden(warehouse: Warehouse) -> None:
    """Load the golden events and shop settings."""
    warehouse.insert_rows("clickstream.events", golden_records())
    warehouse.insert_rows("clickstream.sites", golden_sites())


def expected_output(name: str) -> str:
    return (GOLDEN / f"{name}.tsv").read_text()
