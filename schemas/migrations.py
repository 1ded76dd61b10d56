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


def apply_views(warehouse: Warehouse, directory: Path = QUERIES_DIR) -> list[str]:
    """(Re)create every view of queries/ in file order; each file is one CREATE OR REPLACE
    VIEW, so this is idempotent. Returns the view files applied."""
    applied_views = []
    for path in views(directory):
        for statement in split_statements(path.read_text(encoding="utf-8")):
            try:
                warehouse.execute(statement)
            except Exception as error:
                raise MigrationError(f"queries/{path.name}: {error}") from error
        applied_views.append(path.name)
    return applied_views


def migrate(
    warehouse: Warehouse,
    directory: Path = MIGRATIONS_DIR,
    on_applied: Callable[[Migration], None] | None = None,
    with_views: bool = True,
) -> list[Migration]:
    """Apply pending migrations, then (re)create the views; returns the migrations applied."""
    migrations = discover(directory)
    bootstrap = [migration for migration in migrations if migration.version == 0]
    for migration in bootstrap:
        for statement in migration.statements():
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
        for statement in migration.statements():
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
        apply_views(warehouse)
    return newly_applied


def set_retention(warehouse: Warehouse, days: int) -> None:
    """Keep raw events `days` days by event time; 0 keeps everything (the default)."""
    if days < 0:
        raise ValueError("retention days must be 0 (keep everything) or positive")
    if days == 0:
        if _has_ttl(warehouse):
            warehouse.execute("ALTER TABLE clickstream.events REMOVE TTL")
        return
    # `days` is a checked int, not text from a request; a query parameter here would be kept in
    # the table definition as a cast expression.
    warehouse.execute(
        f"ALTER TABLE clickstream.events MODIFY TTL toDateTime(ts) + INTERVAL {int(days)} DAY"
    )


def _has_ttl(warehouse: Warehouse) -> bool:
    create = warehouse.query("SHOW CREATE TABLE clickstream.events").scalar()
    return "\nTTL " in create
