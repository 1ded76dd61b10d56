"""Golden-output tests in the manner of ClickHouse's own: a small fixed dataset
(tests/golden/events.jsonl, worked through by hand) and each view's expected output beside it
(tests/golden/<view>.tsv, TabSeparatedWithNames). Site golden_east holds the same events and
reads its periods and days in Asia/Shanghai."""

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
EAST = "Asia/Shanghai"


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
    # The same events for a second site, whose periods and days are Asia/Shanghai's.
    warehouse.insert("clickstream.sites", {"site_id": ["golden_east"], "time_zone": [EAST]})
    records = []
    for line in (GOLDEN / "events.jsonl").read_text().splitlines():
        event = Event.model_validate(orjson.loads(line))
        received = event.ts + timedelta(seconds=2)
        for site in ("golden", "golden_east"):
            records.append(build_record(event, RequestContext(site_id=site, received_at=received)))
    warehouse.insert_rows("clickstream.events", records)
    yield warehouse


@pytest.mark.parametrize(("name", "sql"), golden_queries(), ids=[n for n, _ in golden_queries()])
def test_view_output_matches_golden_file(golden_warehouse: Warehouse, name: str, sql: str) -> None:
    actual = golden_warehouse.query_raw(sql, "TabSeparatedWithNames").decode()
    expected = (GOLDEN / f"{name}.tsv").read_text()
    assert actual == expected
