"""Start and stop the real local servers through the deploy/local scripts (what `make up` uses)."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_ports

REPO = Path(__file__).resolve().parents[2]
KAFKA_SCRIPT = REPO / "deploy" / "local" / "kafka.sh"
CLICKHOUSE_SCRIPT = REPO / "deploy" / "local" / "clickhouse-server.sh"


def _run(*command: str | Path) -> None:
    completed = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=180
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} failed:\n{completed.stdout}\n{completed.stderr}"
        )


@dataclass
class KafkaBroker:
    directory: Path
    port: int
    controller_port: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        _run(
            "env",
            f"KAFKA_CONTROLLER_PORT={self.controller_port}",
            KAFKA_SCRIPT,
            "start",
            str(self.port),
            self.directory,
        )
        self.wait_ready()

    def stop(self) -> None:
        _run(KAFKA_SCRIPT, "stop", self.directory)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """The port opens before the broker serves metadata: ask for metadata until it does."""
        from kafka import KafkaAdminClient

        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
                try:
                    admin.describe_cluster()
                    return
                finally:
                    admin.close()
            except Exception as error:  # noqa: BLE001 - any failure means "not yet"
                last_error = error
                time.sleep(0.3)
        raise RuntimeError(f"Kafka at {self.bootstrap} not ready: {last_error}")


def start_kafka(directory: Path) -> KafkaBroker:
    port, controller_port = free_ports(2)
    broker = KafkaBroker(directory=directory, port=port, controller_port=controller_port)
    broker.start()
    return broker


@dataclass
class ClickHouseServer:
    directory: Path
    tcp_port: int
    http_port: int

    @property
    def url(self) -> str:
        return f"clickhouse://default:@127.0.0.1:{self.tcp_port}/default"

    def start(self) -> None:
        _run(CLICKHOUSE_SCRIPT, "start", str(self.tcp_port), str(self.http_port), self.directory)

    def stop(self) -> None:
        _run(CLICKHOUSE_SCRIPT, "stop", self.directory)


def start_clickhouse_server(directory: Path) -> ClickHouseServer:
    tcp_port, http_port = free_ports(2)
    server = ClickHouseServer(directory=directory, tcp_port=tcp_port, http_port=http_port)
    server.start()
    return server
