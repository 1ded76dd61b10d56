"""Servers the benchmarks start: pinned to a core, waited for over HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

REPO = Path(__file__).parent.parent


def start_pinned(
    core: int, arguments: list[str], env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`python -m <arguments>` on one CPU core."""
    return subprocess.Popen(
        ["taskset", "-c", str(core), sys.executable, "-m", *arguments],
        env=dict(env) if env is not None else None,
        cwd=REPO,
    )


def start_collector(core: int, port: int, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    process = start_pinned(core, ["clickstream", "serve", "--port", str(port)], env)
    wait_http(f"http://127.0.0.1:{port}/healthz")
    return process


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")
