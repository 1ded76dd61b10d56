"""Run `clickstream serve` in a subprocess on a free loopback port, as users run it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.ports import free_port


class CollectorProcess:
    def __init__(
        self,
        data_dir: Path,
        kafka: str,
        write_keys: str = "shop:shop-key",
        extra_env: dict[str, str] | None = None,
        workers: int = 1,
        extra_args: list[str] | None = None,
    ) -> None:
        self.workers = workers
        self.extra_args = extra_args or []
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "CLICKSTREAM_DATA_DIR": str(data_dir),
            "CLICKSTREAM_KAFKA": kafka,
            "CLICKSTREAM_WRITE_KEYS": write_keys,
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        log = open(self.data_dir / "serve.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "clickstream",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                *self.extra_args,
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.data_dir / "serve.log").read_text())
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("collector did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
