"""Run the cluster form of the schema on chDB, as far as one process can: a cluster of one shard
whose replica is this process, so `Distributed` tables read and write the local tables for real.

chDB runs no distributed-DDL worker and cannot write Replicated tables (its built-in test keeper
stalls on inserts), so the rendered statements are run without `ON CLUSTER` and with the plain
engine under the Replicated one. Everything else is the cluster schema: `<name>_local` tables,
`Distributed` tables under the original names, materialized views on the local tables, views over
the Distributed tables, inserts through `Distributed` (foreground).

    python -m tests.support.cluster_probe DIR   -> prints {"query name": "TSV output"} as JSON
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import orjson

from clickstream.warehouse import connect
from schemas.migrations import migrate
from tests.support.golden import golden_queries, load_golden

CLUSTER = "probe_cluster"
CONFIG = """<clickhouse>
  <tcp_port>{port}</tcp_port>
  <remote_servers>
    <{cluster}><shard><replica><host>localhost</host><port>{port}</port></replica></shard></{cluster}>
  </remote_servers>
</clickhouse>
"""
_ON_CLUSTER = re.compile(r" ON CLUSTER `[^`]+`")
_REPLICATED = re.compile(r"Replicated(\w*MergeTree)\('[^']*', '\{replica\}'(?:, )?")


class OneShardWarehouse:
    """Runs each statement as a one-shard cluster can."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def execute(self, sql: str, params=None) -> None:
        sql = _REPLICATED.sub(lambda m: f"{m[1]}(", _ON_CLUSTER.sub("", sql))
        sql = sql.replace("replicated_deduplication_window", "non_replicated_deduplication_window")
        self.inner.execute(sql, params)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def main(directory: Path) -> None:
    config = directory / "config.xml"
    # The port is never listened on: it only tells ClickHouse which replica is itself.
    config.write_text(CONFIG.format(port=1, cluster=CLUSTER))
    warehouse = connect(
        f"chdb://{directory / 'clickhouse'}?config-file={config}&distributed_foreground_insert=1"
    )
    migrate(OneShardWarehouse(warehouse), cluster=CLUSTER)
    load_golden(warehouse)
    tables = warehouse.query(
        "SELECT name, engine FROM system.tables WHERE database = 'clickstream' ORDER BY name"
    ).rows
    outputs = {
        name: warehouse.query_raw(sql, "TabSeparatedWithNames").decode()
        for name, sql in golden_queries()
    }
    sys.stdout.buffer.write(orjson.dumps({"tables": tables, "outputs": outputs}))
    warehouse.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
