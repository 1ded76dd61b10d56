"""The one place that talks to ClickHouse.

Three backends behind one small interface (`Warehouse`): chDB in-process (`chdb:///path`), a
ClickHouse server over the native protocol with clickhouse-driver (`clickhouse://...`), and,
query-only, ClickHouse's HTTP interface (`http://...`: a server's HTTP port or the embedded
mode's SQL endpoint).
"""

from clickstream.warehouse.base import QueryResult, Warehouse, WarehouseError
from clickstream.warehouse.url import connect, parse_url

__all__ = ["QueryResult", "Warehouse", "WarehouseError", "connect", "parse_url"]
