"""Collector throughput: durable events/s per core and latency, beside a bare uvicorn endpoint
that only parses the body (the floor), in the same run (issue 3).

Layout on this 2-core machine: the server under test is pinned to core 0, the load generator
(wrk, distinct events per request) and the Kafka broker to core 1. "per core" is events per
CPU-second of the server process, read from /proc. Also measured: kafka-python's own cost per
message, the reason the collector packs one visitor's events of a request into one message.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.processes import start_collector, start_pinned, wait_http
from tests.support.ports import free_ports
from tests.support.servers import KAFKA_SCRIPT

HERE = Path(__file__).parent
REPO = HERE.parent
LUA = HERE / "wrk" / "post_events.lua"
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 64


@dataclass
class Figures:
    target: str
    batch: int
    requests_per_s: float
    events_per_s: float
    events_per_cpu_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL
    )
    return shutil.which("wrk") or "wrk"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _milliseconds(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # wrk: "850.00us", "1.02m"
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(wrk: str, url: str, batch: int, pid: int, target: str, seconds: int) -> Figures:
    command = [
        "taskset",
        "-c",
        "1",
        wrk,
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(LUA),
        url,
    ]
    env = {**os.environ, "BATCH": str(batch)}
    before = cpu_seconds(pid)
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - before
    if not re.search(r"^\s+50%\s+[\d.]+", output, re.M):
        raise RuntimeError(f"wrk measured no latency against {url}:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return Figures(
        target=target,
        batch=batch,
        requests_per_s=rate,
        events_per_s=rate * batch,
        events_per_cpu_s=requests * batch / cpu if cpu else 0.0,
        p50_ms=_milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        p99_ms=_milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        errors=errors,
    )


def kafka_python_cost(bootstrap: str, messages: int = 50_000) -> tuple[float, float]:
    """Messages/s one Python thread gets through kafka-python's producer (acks=all), for 1 KB
    single-event messages and for 50-event packed messages."""
    code = f"""
import time, os
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers={bootstrap!r}, acks="all", linger_ms=2,
                  batch_size=256*1024, max_request_size=4*1024*1024)
for size in (1000, 50000):
    value = b"x" * size
    n = {messages} if size == 1000 else {messages} // 50
    start = time.process_time(); t = time.time()
    for i in range(n):
        p.send("bench.raw", key=b"k%d" % (i % 1000), value=value)
    p.flush()
    print(n / (time.process_time() - start))
"""
    out = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="bench-collector-"))
    kafka_port, controller_port = free_ports(2)
    env_kafka = {**os.environ, "KAFKA_CONTROLLER_PORT": str(controller_port)}
    subprocess.run(
        ["taskset", "-c", "1", str(KAFKA_SCRIPT), "start", str(kafka_port), str(workdir / "kafka")],
        env=env_kafka,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    bootstrap = f"127.0.0.1:{kafka_port}"
    servers: list[subprocess.Popen[bytes]] = []
    try:
        from kafka.admin import KafkaAdminClient, NewTopic

        time.sleep(2)
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        admin.create_topics([NewTopic("bench.raw", 6, 1)])
        admin.close()

        collector_port, python_port, bare_port = free_ports(3)
        env = {
            **os.environ,
            "CLICKSTREAM_DATA_DIR": str(workdir / "data"),
            "CLICKSTREAM_KAFKA": bootstrap,
            "CLICKSTREAM_WRITE_KEYS": "bench:bench-key",
        }
        collector = start_collector(0, collector_port, env)
        python_only = start_collector(
            0,
            python_port,
            env | {"CLICKSTREAM_NATIVE": "0", "CLICKSTREAM_DATA_DIR": str(workdir / "data-python")},
        )
        bare = start_pinned(
            0,
            [
                "uvicorn",
                "bench.bare_app:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
        )
        servers += [collector, python_only, bare]
        wait_http(f"http://127.0.0.1:{bare_port}/")

        results = []
        for batch in (1, 50):
            for target, port, process in (
                ("bare uvicorn (parse only)", bare_port, bare),
                ("collector, Python path", python_port, python_only),
                ("collector, native (Rust) path", collector_port, collector),
            ):
                url = f"http://127.0.0.1:{port}/v1/batch"
                run_wrk(wrk, url, batch, process.pid, target, 2)  # warm-up
                results.append(run_wrk(wrk, url, batch, process.pid, target, DURATION))
        single, packed = kafka_python_cost(bootstrap)
        backlog = sum(
            httpx.get(f"http://127.0.0.1:{port}/readyz").json()["spool_backlog"]
            for port in (collector_port, python_port)
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        subprocess.run([str(KAFKA_SCRIPT), "stop", str(workdir / "kafka")], check=False)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"{'target':30} {'batch':>5} {'req/s':>9} {'events/s':>10} {'ev/CPU-s':>10} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    for f in results:
        print(
            f"{f.target:30} {f.batch:>5} {f.requests_per_s:>9.0f} {f.events_per_s:>10.0f} "
            f"{f.events_per_cpu_s:>10.0f} {f.p50_ms:>7.2f} {f.p99_ms:>7.2f} {f.errors:>6}"
        )
    if any(f.errors for f in results):
        print("INVALID RUN: some requests failed (errors column); figures above do not count")
    print(
        f"kafka-python producer alone, one core: {single:,.0f} msgs/s of 1 KB; "
        f"{packed:,.0f} msgs/s of 50 KB (= {packed * 50:,.0f} packed events/s)"
    )
    print(f"collectors' spool backlog at the end: {backlog} (0 = all went to Kafka)")


if __name__ == "__main__":
    main()
