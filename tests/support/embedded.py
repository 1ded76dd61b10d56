"""`clickstream serve` in the embedded mode (no Kafka) in a subprocess: collector and read-only
SQL endpoint on free loopback ports, data in its own folder (chDB: one process per folder)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import clickhouse_connect
import httpx
from clickhouse_connect.driver.client import Client

from tests.support.collector import CollectorProcess
from tests.support.ports import free_port

SQL_USER = "analyst"
SQL_PASSWORD = "test-sql-password"


class EmbeddedProcess(CollectorProcess):
    def __init__(self, data_dir: Path, write_keys: str = "shop:shop-key") -> None:
        self.sql_port = free_port()
        super().__init__(
            data_dir,
            kafka="",
            write_keys=write_keys,
            extra_env={"CLICKSTREAM_SQL_USER": SQL_USER, "CLICKSTREAM_SQL_PASSWORD": SQL_PASSWORD},
            extra_args=["--sql-port", str(self.sql_port)],
        )
        self.sql_url = f"http://127.0.0.1:{self.sql_port}"

    def sql_client(self) -> Client:
        return clickhouse_connect.get_client(
            host="127.0.0.1", port=self.sql_port, username=SQL_USER, password=SQL_PASSWORD
        )

    def sql(self, query: str, **parameters: str) -> httpx.Response:
        """POST a query to the SQL endpoint as curl would (TabSeparated unless it says)."""
        return httpx.post(
            self.sql_url,
            content=query,
            params=parameters,
            auth=(SQL_USER, SQL_PASSWORD),
            timeout=60,
        )

    def load_history(self, events: list[dict[str, Any]], write_key: str = "shop-key") -> None:
        """Send past events as a historical import (500 a request), then wait until they are
        all in ClickHouse."""
        for start in range(0, len(events), 500):
            response = httpx.post(
                self.url + "/v1/batch",
                json={"batch": events[start : start + 500], "historical": True},
                headers={"X-Write-Key": write_key},
                timeout=60,
            )
            assert response.status_code == 200 and not response.json()["rejected"], response.text
        self.wait_loaded()

    def wait_loaded(self, timeout: float = 60) -> None:
        """Until the spool is empty: every acknowledged event is in ClickHouse."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if httpx.get(self.url + "/readyz", timeout=5).json()["spool_backlog"] == 0:
                return
            time.sleep(0.2)
        raise AssertionError("the spool did not drain")
