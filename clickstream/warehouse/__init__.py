"""The one place that talks to ClickHouse.

Two backends behind one small interface (`Warehouse`): chDB in-process (`chdb:///path`) and a
ClickHouse server over the native protocol with clickhouse-driver (`clickhouse://...`).
"""

from clickstream.warehouse.base import QueryResult, Warehouse, WarehouseError
from clickstream.warehouse.url import connect, parse_url

__all__ = ["QueryResult", "Warehouse", "WarehouseError", "connect", "parse_url"]
