"""Golden-output tests in the manner of ClickHouse's own: a small fixed dataset
(tests/golden/events.jsonl, worked through by hand) and each view's expected output beside it
(tests/golden/<view>.tsv, TabSeparatedWithNames)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clickstream.warehouse import Warehouse
from schemas.migrations import migrate
from tests.support.golden import expected_output, golden_queries, load_golden


@pytest.fixture(scope="module")
def golden_warehouse(chdb_session_warehouse: Warehouse) -> Iterator[Warehouse]:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    load_golden(warehouse)
    yield warehouse


@pytest.mark.parametrize(("name", "sql"), golden_queries(), ids=[n for n, _ in golden_queries()])
def test_view_output_matches_golden_file(golden_warehouse: Warehouse, name: str, sql: str) -> None:
    actual = golden_warehouse.query_raw(sql, "TabSeparatedWithNames").decode()
    assert actual == expected_output(name)
