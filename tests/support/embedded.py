"""`clickstream serve` in the embedded mode (no Kafka) in a subprocess: collector and read-only
SQL endpoint on free loopback ports, data in its own folder (chDB: one process per folder)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import clickhouse_connect
import httpx
from clickhouse_connect.driver.client import Client

from clickstream.config import parse_write_keys
from clickstream.importer import CollectorClient
from tests.support.collector import CollectorProcess
from tests.support.ports import free_port

SQL_USER = "analyst"
SQL_PASSWORD = "test-sql-password"


class EmbeddedProcess(CollectorProcess):
    def __init__(self, data_dir: Path, write_keys: str = "shop:shop-key") -> None:
        self.sql_port = free_port()
        self.write_key = next(iter(parse_write_keys(write_keys)))
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

    def send_historical(self, events: list[dict[str, Any]], batch: int = 500) -> None:
        """POST the events as a historical import (they keep their times), all accepted, and
        wait until they are in ClickHouse."""
        client = CollectorClient(self.url, self.write_key)
        try:
            for start in range(0, len(events), batch):
                answer = client.send(events[start : start + batch])
                assert not answer["rejected"], answer
        finally:
            client.close()
        self.wait_loaded()

    def wait_loaded(self, timeout: float = 60) -> None:
        """Until the spool is empty: every acknowledged event is in ClickHouse."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if httpx.get(self.url + "/readyz", timeout=5).json()["spool_backlog"] == 0:
                return
            time.sleep(0.2)
        raise AssertionError("the spool did not drain")
