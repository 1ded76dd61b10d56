"""The cluster variant of the schema (SPEC §7): every migration and view rendered ON CLUSTER with
Replicated local tables and Distributed tables; valid ClickHouse SQL; and, on a one-shard cluster
in chDB, every golden view answers exactly as on a single server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from clickstream.warehouse import Warehouse
from schemas.cluster import (
    ClusterRenderError,
    drop_partition_statement,
    render,
    retention_statement,
)
from schemas.migrations import script
from tests.support.golden import expected_output, golden_queries

CLUSTER = "shop_cluster"


def test_every_statement_of_the_cluster_schema_is_valid_sql(migrated_chdb: Warehouse) -> None:
    statements = script(cluster=CLUSTER) + [
        retention_statement(CLUSTER, 30),
        drop_partition_statement("funnel_snapshot_chains", 1795564371286, CLUSTER),
    ]
    for statement in statements:
        formatted = migrated_chdb.query("SELECT formatQuery({q:String})", {"q": statement}).scalar()
        if formatted.startswith("INSERT INTO"):
            # Backfills run once, through the Distributed tables (no ON CLUSTER for INSERT).
            assert "_local" not in formatted, statement
            continue
        assert f"ON CLUSTER {CLUSTER}" in formatted, statement


def test_tables_become_replicated_locals_behind_distributed_tables() -> None:
    single = "\n".join(script())
    clustered = "\n".join(script(cluster=CLUSTER))
    tables = re.findall(r"CREATE TABLE IF NOT EXISTS clickstream\.(\w+)", single)
    assert {"events", "identities", "dead_letters", "sites", "schema_migrations"} <= set(tables)
    for table in tables:
        local = re.search(
            rf"CREATE TABLE IF NOT EXISTS clickstream\.{table}_local ON CLUSTER `{CLUSTER}`"
            rf".*?ENGINE = Replicated\w*MergeTree\('/clickhouse/tables/{{shard}}/clickstream/"
            rf"{table}_local', '{{replica}}'",
            clustered,
            re.S,
        )
        assert local, table
        assert (
            f"CREATE TABLE IF NOT EXISTS clickstream.{table} ON CLUSTER `{CLUSTER}` "
            f"AS clickstream.{table}_local\nENGINE = Distributed('{CLUSTER}', 'clickstream', "
            f"'{table}_local', " in clustered
        ), table
    # One visitor's events (and so every copy of one event) on one shard.
    assert "'events_local', cityHash64(site_id, if(anonymous_id != '', anonymous_id" in clustered
    assert (
        "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/clickstream/sites_local', "
        "'{replica}', updated_at)" in clustered
    )
    assert "SETTINGS replicated_deduplication_window = 10000" in clustered
    # The identity links are made on each shard from the events inserted there.
    mv = next(s for s in script(cluster=CLUSTER) if "MATERIALIZED VIEW" in s)
    assert "TO clickstream.identities_local" in mv and "FROM clickstream.events_local" in mv
    views = [s for s in script(cluster=CLUSTER) if "CREATE OR REPLACE VIEW" in s]
    assert views and all(f"ON CLUSTER `{CLUSTER}`" in view for view in views)


def test_unknown_shapes_and_names_are_refused() -> None:
    with pytest.raises(ClusterRenderError, match="no cluster form"):
        render("DROP TABLE clickstream.events", CLUSTER, {"events"})
    with pytest.raises(ClusterRenderError, match="invalid cluster name"):
        render("CREATE DATABASE IF NOT EXISTS clickstream", "c`; DROP", set())


def test_migrate_print_shows_the_cluster_statements() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "clickstream", "migrate", "--print", "--cluster", CLUSTER],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"CREATE DATABASE IF NOT EXISTS clickstream ON CLUSTER `{CLUSTER}`;" in completed.stdout
    assert "ENGINE = Distributed(" in completed.stdout


def test_views_over_distributed_tables_answer_as_on_one_server(tmp_path: Path) -> None:
    """In its own process: chDB started with a cluster configuration (one process per data
    directory and per set of startup options)."""
    completed = subprocess.run(
        [sys.executable, "-m", "tests.support.cluster_probe", str(tmp_path)],
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    probe = orjson.loads(completed.stdout)
    engines = dict(probe["tables"])
    assert engines["events"] == "Distributed"
    assert engines["events_local"] == "ReplacingMergeTree"
    assert engines["identity_links_mv"] == "MaterializedView"
    for name, _ in golden_queries():
        assert probe["outputs"][name] == expected_output(name), name
