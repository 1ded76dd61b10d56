"""Apply the ClickHouse migrations in `schemas/clickhouse/` in order, once each.

`000_bootstrap.sql` runs on every pass (it creates the database and the record table, both
idempotently). Every later file `NNN_name.sql` runs when its version is not yet recorded in
`clickstream.schema_migrations`, and is recorded after all its statements succeeded. Statements
are written to be idempotent (IF NOT EXISTS), so a pass cut short is simply run again. A recorded
file that has changed since is an error: migrations are append-only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clickstream.warehouse import Warehouse
from clickstream.warehouse.statements import split_statements
from queries import QUERIES_DIR
from schemas.cluster import render, retention_statement, sharded_tables
from schemas.view_inlining import inline_view_files

MIGRATIONS_DIR = Path(__file__).parent / "clickhouse"
_FILE_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def statements(self) -> list[str]:
        return split_statements(self.text)


class Layout:
    """How statements are written for the target: as they are (one server), or rendered for a
    cluster (schemas/cluster.py)."""

    def __init__(self, cluster: str | None, directory: Path = MIGRATIONS_DIR) -> None:
        self.cluster = cluster
        self.tables = (
            sharded_tables(s for m in discover(directory) for s in m.statements())
            if cluster
            else set()
        )

    def statements(self, text: str) -> list[str]:
        statements = split_statements(text)
        if self.cluster is None:
            return statements
        return [out for s in statements for out in render(s, self.cluster, self.tables)]


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNN_lower_case.sql")
        found.append(Migration(version=int(match.group(1)), name=path.name, path=path))
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return found


def applied(warehouse: Warehouse) -> dict[int, str]:
    result = warehouse.query(
        "SELECT version, argMax(checksum, applied_at) FROM clickstream.schema_migrations "
        "GROUP BY version"
    )
    return {int(version): checksum for version, checksum in result.rows}


def views(directory: Path = QUERIES_DIR) -> list[Path]:
    return sorted(directory.glob("*.sql"))


def apply_views(
    warehouse: Warehouse, directory: Path = QUERIES_DIR, layout: Layout | None = None
) -> list[str]:
    """(Re)create every view of queries/ in file order; each file is one CREATE OR REPLACE
    VIEW, so this is idempotent. Calls of parameterized views are written out as subqueries
    (schemas/view_inlining.py). Returns the view files applied."""
    layout = layout or Layout(None)
    applied_views = []
    for path, text in inline_view_files(views(directory)):
        for statement in layout.statements(text):
            try:
                warehouse.execute(statement)
            except Exception as error:
                raise MigrationError(f"queries/{path.name}: {error}") from error
        applied_views.append(path.name)
    return applied_views


def script(directory: Path = MIGRATIONS_DIR, cluster: str | None = None) -> list[str]:
    """Every statement `migrate` would run on an empty target, in order (for review, or for
    applying by hand)."""
    layout = Layout(cluster, directory)
    statements = [s for m in discover(directory) for s in layout.statements(m.text)]
    view_statements = [s for _, text in inline_view_files(views()) for s in layout.statements(text)]
    return statements + view_statements


def migrate(
    warehouse: Warehouse,
    directory: Path = MIGRATIONS_DIR,
    on_applied: Callable[[Migration], None] | None = None,
    with_views: bool = True,
    cluster: str | None = None,
) -> list[Migration]:
    """Apply pending migrations, then (re)create the views; returns the migrations applied.
    With `cluster`, everything is created ON CLUSTER in its replicated/distributed form."""
    migrations = discover(directory)
    layout = Layout(cluster, directory)
    bootstrap = [migration for migration in migrations if migration.version == 0]
    for migration in bootstrap:
        for statement in layout.statements(migration.text):
            warehouse.execute(statement)
    done = applied(warehouse)
    newly_applied = []
    for migration in migrations:
        if migration.version == 0:
            continue
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                raise MigrationError(
                    f"{migration.name} changed after it was applied; add a new migration instead"
                )
            continue
        for statement in layout.statements(migration.text):
            try:
                warehouse.execute(statement)
            except Exception as error:
                raise MigrationError(f"{migration.name}: {error}") from error
        warehouse.insert(
            "clickstream.schema_migrations",
            {
                "version": [migration.version],
                "name": [migration.name],
                "checksum": [migration.checksum],
            },
        )
        newly_applied.append(migration)
        if on_applied:
            on_applied(migration)
    if with_views:
        apply_views(warehouse, layout=layout)
    return newly_applied


def set_retention(warehouse: Warehouse, days: int, cluster: str | None = None) -> None:
    """Keep raw events `days` days by event time; 0 keeps everything (the default)."""
    if days < 0:
        raise ValueError("retention days must be 0 (keep everything) or positive")
    if days == 0 and not _has_ttl(warehouse, cluster):
        return
    # `days` is a checked int, not text from a request; a query parameter here would be kept in
    # the table definition as a cast expression.
    warehouse.execute(retention_statement(cluster, days))


def _has_ttl(warehouse: Warehouse, cluster: str | None) -> bool:
    table = "clickstream.events" if cluster is None else "clickstream.events_local"
    create = warehouse.query(f"SHOW CREATE TABLE {table}").scalar()
    return "\nTTL " in create
