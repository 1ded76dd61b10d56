"""The cluster variant of the schema (SPEC §7): the same migration and view files, rendered for a
ClickHouse cluster instead of written twice.

- every `CREATE TABLE` becomes a `<name>_local` table with the Replicated form of its engine
  (ZooKeeper/Keeper path by shard, `{shard}`/`{replica}` macros of the servers), plus a
  `Distributed` table under the original name, so inserts and every view keep their names;
- a materialized view reads and writes the local tables of its shard;
- views and the database are created `ON CLUSTER`;
- a backfill (`INSERT INTO ... SELECT`) runs once, through the Distributed tables;
- the events of one visitor land on one shard (sharding by site and visitor), so the duplicates
  of an event always meet on one shard, where `FINAL` removes them.

Statements of other shapes are refused rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CLUSTER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,127}$")
# Events and identity links of one visitor together; anything else spread evenly.
SHARDING_KEYS = {
    "events": "cityHash64(site_id, if(anonymous_id != '', anonymous_id, user_id))",
    "identities": "cityHash64(site_id, anonymous_id)",
}
DEFAULT_SHARDING_KEY = "rand()"

_LEADING_COMMENTS = r"(?P<lead>(?:\s*--[^\n]*\n)*\s*)"
_CREATE_DATABASE = re.compile(
    _LEADING_COMMENTS + r"CREATE DATABASE IF NOT EXISTS (?P<name>\w+)\s*$", re.S
)
_CREATE_TABLE = re.compile(
    _LEADING_COMMENTS + r"CREATE TABLE IF NOT EXISTS clickstream\.(?P<name>\w+)\s*"
    r"(?P<columns>\(.*\))\s*ENGINE\s*=\s*(?P<engine>\w*MergeTree)(?:\((?P<args>[^)]*)\))?"
    r"(?P<rest>.*)$",
    re.S,
)
_CREATE_MATERIALIZED_VIEW = re.compile(
    _LEADING_COMMENTS + r"CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream\.(?P<name>\w+)\s+"
    r"TO clickstream\.(?P<target>\w+)(?P<rest>\s.*)$",
    re.S,
)
_CREATE_VIEW = re.compile(
    _LEADING_COMMENTS + r"CREATE OR REPLACE VIEW clickstream\.(?P<name>\w+)(?P<rest>\s.*)$", re.S
)
_INSERT_SELECT = re.compile(_LEADING_COMMENTS + r"INSERT INTO clickstream\.\w+\s+SELECT\s.*$", re.S)
_TABLE_NAME = re.compile(r"CREATE TABLE IF NOT EXISTS clickstream\.(\w+)")


class ClusterRenderError(ValueError):
    pass


def check_cluster_name(cluster: str) -> str:
    if not CLUSTER_NAME.match(cluster):
        raise ClusterRenderError(f"invalid cluster name {cluster!r}")
    return cluster


def sharded_tables(statements: Iterable[str]) -> set[str]:
    """Names of the tables the statements create: these get a local and a Distributed table."""
    return {name for statement in statements for name in _TABLE_NAME.findall(statement)}


def render(statement: str, cluster: str, tables: set[str]) -> list[str]:
    """The cluster form of one statement of a migration or view file."""
    check_cluster_name(cluster)
    on_cluster = f"ON CLUSTER `{cluster}`"
    if match := _CREATE_DATABASE.match(statement):
        return [f"{match['lead']}CREATE DATABASE IF NOT EXISTS {match['name']} {on_cluster}"]
    if match := _CREATE_TABLE.match(statement):
        return _render_table(match, cluster, on_cluster)
    if match := _CREATE_MATERIALIZED_VIEW.match(statement):
        select = _to_local(match["rest"], tables)
        return [
            f"{match['lead']}CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream.{match['name']} "
            f"{on_cluster} TO clickstream.{match['target']}_local{select}"
        ]
    if match := _CREATE_VIEW.match(statement):
        return [
            f"{match['lead']}CREATE OR REPLACE VIEW clickstream.{match['name']} "
            f"{on_cluster}{match['rest']}"
        ]
    if _INSERT_SELECT.match(statement):
        # A backfill runs once, from the node running the migration: it reads every shard and
        # writes through the Distributed table; the views aggregate what they read, so rows of
        # one key on several shards still merge.
        return [statement]
    first_line = next(line for line in statement.splitlines() if not line.startswith("--"))
    raise ClusterRenderError(f"no cluster form for the statement starting {first_line[:80]!r}")


def _render_table(match: re.Match[str], cluster: str, on_cluster: str) -> list[str]:
    name = match["name"]
    local = f"{name}_local"
    zookeeper_path = f"'/clickhouse/tables/{{shard}}/clickstream/{local}', '{{replica}}'"
    args = f"{zookeeper_path}, {match['args']}" if match["args"] else zookeeper_path
    # Replicated tables deduplicate resent blocks by their own window setting.
    rest = match["rest"].replace(
        "non_replicated_deduplication_window", "replicated_deduplication_window"
    )
    sharding_key = SHARDING_KEYS.get(name, DEFAULT_SHARDING_KEY)
    return [
        f"{match['lead']}CREATE TABLE IF NOT EXISTS clickstream.{local} {on_cluster}\n"
        f"{match['columns']}\nENGINE = Replicated{match['engine']}({args}){rest}",
        f"CREATE TABLE IF NOT EXISTS clickstream.{name} {on_cluster} AS clickstream.{local}\n"
        f"ENGINE = Distributed('{cluster}', 'clickstream', '{local}', {sharding_key})",
    ]


def _to_local(sql: str, tables: set[str]) -> str:
    """A materialized view sees the blocks inserted into its shard's local table."""
    return re.sub(
        r"\bclickstream\.(\w+)\b",
        lambda m: f"clickstream.{m[1]}_local" if m[1] in tables else m[0],
        sql,
    )


def _alter_table(table: str, cluster: str | None) -> str:
    """`ALTER TABLE <table>` of the schema; on a cluster, of its local tables on every node."""
    if cluster is None:
        return f"ALTER TABLE clickstream.{table}"
    return f"ALTER TABLE clickstream.{table}_local ON CLUSTER `{check_cluster_name(cluster)}`"


def retention_statement(cluster: str | None, days: int) -> str:
    """ALTER for `clickstream migrate --retention-days`: on a cluster, of the local tables."""
    if days == 0:
        return f"{_alter_table('events', cluster)} REMOVE TTL"
    return f"{_alter_table('events', cluster)} MODIFY TTL toDateTime(ts) + INTERVAL {int(days)} DAY"


def drop_partition_statement(table: str, partition: int, cluster: str | None) -> str:
    """ALTER that drops one partition (an integer partition key) of a table of the schema: on a
    cluster, of its local tables."""
    if not table.isidentifier():
        raise ClusterRenderError(f"invalid table name {table!r}")
    return f"{_alter_table(table, cluster)} DROP PARTITION {int(partition)}"
