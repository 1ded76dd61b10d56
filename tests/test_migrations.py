"""Migrations on chDB (a current ClickHouse engine): what they create; a rerun is a no-op."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clickstream.warehouse import Warehouse
from schemas.migrations import (
    MIGRATIONS_DIR,
    MigrationError,
    discover,
    migrate,
    set_retention,
    views,
)
from tests.support.events import journey_records
from tests.support.loading import load_shuffled


def tables(warehouse: Warehouse) -> dict[str, dict[str, str]]:
    result = warehouse.query(
        "SELECT name, engine, partition_key, sorting_key, create_table_query "
        "FROM system.tables WHERE database = 'clickstream' ORDER BY name"
    )
    return {row["name"]: row for row in result.dicts()}


def column_types(warehouse: Warehouse, table: str) -> dict[str, str]:
    result = warehouse.query(
        "SELECT name, type FROM system.columns "
        "WHERE database = 'clickstream' AND table = {t:String}",
        {"t": table},
    )
    return dict(result.rows)


def test_migrate_creates_tables_with_intended_engines_and_keys(empty_chdb: Warehouse) -> None:
    applied = migrate(empty_chdb)
    assert [m.name for m in applied] == [m.name for m in discover() if m.version > 0]

    found = tables(empty_chdb)
    view_names = {path.name.split("_", 1)[1].removesuffix(".sql") for path in views()}
    assert set(found) == created_by_migrations() | view_names
    assert {found[name]["engine"] for name in view_names} == {"View"}
    assert {"events", "identities", "identity_links_mv", "dead_letters", "sites"} <= set(found)
    assert found["identity_links_mv"]["engine"] == "MaterializedView"

    events = found["events"]
    assert events["engine"] == "ReplacingMergeTree"
    assert events["partition_key"] == "toYYYYMM(ts)"
    assert events["sorting_key"] == "site_id, anonymous_id, event_id"
    assert "non_replicated_deduplication_window = 10000" in events["create_table_query"]
    assert " TTL " not in events["create_table_query"]  # default: keep everything

    assert found["identities"]["engine"] == "AggregatingMergeTree"
    assert found["identities"]["sorting_key"] == "site_id, anonymous_id, user_id"
    assert found["dead_letters"]["engine"] == "MergeTree"
    assert "TTL" in found["dead_letters"]["create_table_query"]


def created_by_migrations() -> set[str]:
    """Names of the tables and materialized views the migration files create."""
    pattern = re.compile(
        r"CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS clickstream\.(\w+)", re.IGNORECASE
    )
    return {name for m in discover() for name in pattern.findall(m.text)}


def test_event_columns_use_the_intended_types(migrated_chdb: Warehouse) -> None:
    types = column_types(migrated_chdb, "events")
    assert types["event_id"] == "UUID"
    assert types["ts"] == "DateTime64(3, 'UTC')"
    assert types["received_at"] == "DateTime64(3, 'UTC')"
    assert types["sent_at"] == "Nullable(DateTime64(3, 'UTC'))"
    for low_cardinality in ("site_id", "type", "channel", "device_class", "currency", "browser"):
        assert types[low_cardinality] == "LowCardinality(String)", low_cardinality
    assert types["revenue"] == "Decimal(18, 4)"
    assert types["items.price"] == "Array(Decimal(18, 4))"
    assert types["properties"] == "Map(String, String)"
    identity_types = column_types(migrated_chdb, "identities")
    assert identity_types["linked_at"] == "SimpleAggregateFunction(min, DateTime64(3, 'UTC'))"


def test_second_run_changes_nothing(migrated_chdb: Warehouse) -> None:
    before = tables(migrated_chdb)
    records_before = migrated_chdb.query(
        "SELECT version, name, checksum, applied_at "
        "FROM clickstream.schema_migrations ORDER BY version"
    ).rows

    assert migrate(migrated_chdb) == []

    assert tables(migrated_chdb) == before
    records_after = migrated_chdb.query(
        "SELECT version, name, checksum, applied_at "
        "FROM clickstream.schema_migrations ORDER BY version"
    ).rows
    assert records_after == records_before
    assert [row[0] for row in records_after] == [m.version for m in discover() if m.version > 0]


def test_data_survives_a_rerun(migrated_chdb: Warehouse) -> None:
    migrated_chdb.insert(
        "clickstream.dead_letters",
        {"received_at": [datetime.now(UTC)], "reason": ["kept"], "stage": ["collector"]},
    )
    migrate(migrated_chdb)
    assert migrated_chdb.query("SELECT reason FROM clickstream.dead_letters").rows == [("kept",)]


def test_a_pre_aggregation_added_later_takes_in_the_events_stored_before(
    empty_chdb: Warehouse, tmp_path: Path
) -> None:
    landing_pages = next(m for m in discover() if m.name == "012_session_landing_pages.sql")
    directory = tmp_path / "migrations"
    directory.mkdir()
    for migration in discover():
        if migration.version < landing_pages.version:
            shutil.copy(migration.path, directory)
    migrate(empty_chdb, directory, with_views=False)
    records = journey_records(visitors=6, events_per_visitor=8)
    for number, record in enumerate(records):
        record["session_id"] = f"s-{record['anonymous_id']}-{number % 2}" if number % 3 else ""
    load_shuffled(empty_chdb, records + records[:5])  # and a few resent
    stored_before = migrate(empty_chdb)  # the rest, 012 among them: its backfill
    assert landing_pages.name in [m.name for m in stored_before]

    first: dict[str, tuple[str, str]] = {}
    for record in sorted(records, key=lambda r: (r["ts"], r["event_id"])):
        if record["type"] == "page_view" and record["session_id"]:
            first.setdefault(record["session_id"], (record["event_id"], record["path"]))
    found = empty_chdb.query(
        "SELECT session_id, landing_event_id, landing_path FROM clickstream.session_landings "
        "WHERE site_id = 'shop' AND session_id LIKE 's-%' ORDER BY session_id"
    ).rows
    assert found == sorted((session, *landing) for session, landing in first.items())
    assert len(found) >= 6


def test_only_pending_migrations_run(empty_chdb: Warehouse, tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    migrate(empty_chdb, directory)
    (directory / "900_extra.sql").write_text(
        "CREATE TABLE IF NOT EXISTS clickstream.extra (x UInt8) ENGINE = MergeTree ORDER BY x;\n"
    )
    assert [m.name for m in migrate(empty_chdb, directory)] == ["900_extra.sql"]
    assert migrate(empty_chdb, directory) == []


def test_an_applied_migration_must_not_change(empty_chdb: Warehouse, tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    migrate(empty_chdb, directory)
    changed = directory / "003_dead_letters.sql"
    changed.write_text(changed.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match="003_dead_letters.sql changed"):
        migrate(empty_chdb, directory)


def test_a_failing_migration_is_not_recorded(empty_chdb: Warehouse, tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    (directory / "900_broken.sql").write_text("CREATE TABLE clickstream.broken (x NoSuchType);\n")
    with pytest.raises(MigrationError, match="900_broken.sql"):
        migrate(empty_chdb, directory)
    versions = {
        row[0] for row in empty_chdb.query("SELECT version FROM clickstream.schema_migrations").rows
    }
    assert 900 not in versions and 1 in versions


def test_badly_named_migration_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "1_x.sql").write_text("SELECT 1")
    with pytest.raises(MigrationError, match="NNN_lower_case.sql"):
        discover(tmp_path)


def test_retention_is_set_and_removed(migrated_chdb: Warehouse) -> None:
    def create() -> str:
        return migrated_chdb.query("SHOW CREATE TABLE clickstream.events").scalar()

    set_retention(migrated_chdb, 400)
    assert "TTL toDateTime(ts) + toIntervalDay(400)" in create()
    set_retention(migrated_chdb, 0)
    assert "TTL" not in create()
    with pytest.raises(ValueError):
        set_retention(migrated_chdb, -1)


def test_clickstream_migrate_command_is_idempotent(tmp_path: Path) -> None:
    """The console script, in its own process (it owns its own chDB directory)."""
    env = {**os.environ, "CLICKSTREAM_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "clickstream", "migrate"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "applied 001_events.sql" in first.stderr
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "schema is up to date" in second.stderr
    assert (tmp_path / "data" / "clickhouse").is_dir()
