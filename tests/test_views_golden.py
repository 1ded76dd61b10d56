"""Golden-output tests in the manner of ClickHouse's own: a small fixed dataset
(tests/golden/events.jsonl, worked through by hand; a line may name its shop with "site_id",
default "golden"; tests/golden/sites.tsv gives shops their time zones) and each view's expected
output beside it (tests/golden/<name>.tsv, TabSeparatedWithNames)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from clickstream.warehouse import Warehouse
from clickstream.warehouse.statements import split_statements
from ingest.record import RequestContext, build_record
from schemas.event import Event
from schemas.migrations import migrate

GOLDEN = Path(__file__).parent / "golden"


def golden_queries() -> list[tuple[str, str]]:
    found = []
    for statement in split_statements((GOLDEN / "queries.sql").read_text()):
        name = next(
            line[3:].strip()
            for line in statement.splitlines()
            if line.startswith("-- ") and "golden file" not in line
        )
        found.append((name, statement))
    return found


@pytest.fixture(scope="module")
def golden_warehouse(chdb_session_warehouse: Warehouse) -> Iterator[Warehouse]:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    records = []
    for line in (GOLDEN / "events.jsonl").read_text().splitlines():
        fields = orjson.loads(line)
        site = fields.pop("site_id", "golden")  # the shop of the line (the collector's write key)
        event = Event.model_validate(fields)
        received = event.ts + timedelta(seconds=2)
        records.append(build_record(event, RequestContext(site_id=site, received_at=received)))
    warehouse.insert_rows("clickstream.events", records)
    header, *sites = (GOLDEN / "sites.tsv").read_text().splitlines()
    names = header.split("\t")
    zones = [dict(zip(names, row.split("\t"), strict=True)) for row in sites]
    warehouse.insert_rows("clickstream.sites", zones)  # the shops' time zones
    yield warehouse


@pytest.mark.parametrize(("name", "sql"), golden_queries(), ids=[n for n, _ in golden_queries()])
def test_view_output_matches_golden_file(golden_warehouse: Warehouse, name: str, sql: str) -> None:
    actual = golden_warehouse.query_raw(sql, "TabSeparatedWithNames").decode()
    expected = (GOLDEN / f"{name}.tsv").read_text()
    assert actual == expected
