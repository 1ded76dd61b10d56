"""The golden dataset (tests/golden/events.jsonl, worked through by hand; a line may name its
site, whose time zone is in sites.jsonl and campaign costs in campaign_costs.csv) and its
queries. Lines without a site are stored for `golden` (UTC) and again for `golden_east`
(Asia/Shanghai), so the same events can be read in two time zones."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from clickstream.campaign_costs import read_costs, store_costs
from clickstream.warehouse import Warehouse
from clickstream.warehouse.statements import split_statements
from ingest.record import RequestContext, build_record
from schemas.event import Event

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DEFAULT_SITES = ("golden", "golden_east")


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
    happened)."""
    records = []
    for line in (GOLDEN / "events.jsonl").read_text().splitlines():
        fields = orjson.loads(line)
        named = fields.pop("site_id", None)
        event = Event.model_validate(fields)
        received = event.ts + timedelta(seconds=2)
        for site in [named] if named else DEFAULT_SITES:
            records.append(build_record(event, RequestContext(site_id=site, received_at=received)))
    return records


def load_golden(warehouse: Warehouse) -> None:
    """The golden events, the sites' time zones and the campaign costs, into a migrated
    warehouse."""
    warehouse.insert_rows("clickstream.events", golden_records())
    sites = [orjson.loads(line) for line in (GOLDEN / "sites.jsonl").read_text().splitlines()]
    warehouse.insert_rows("clickstream.sites", sites)
    store_costs(warehouse, read_costs((GOLDEN / "campaign_costs.csv").read_bytes()))


def expected_output(name: str) -> str:
    return (GOLDEN / f"{name}.tsv").read_text()
