"""Schemathesis over the collector's own OpenAPI document: generated requests (valid and invalid
bodies, headers, query strings) never get a 5xx, and the answers match the documented responses.
Run through schemathesis's own command line, as a user would run it against the service."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.collector import CollectorProcess
from tests.support.servers import KafkaBroker

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_schemathesis_finds_no_failures(kafka_broker: KafkaBroker, tmp_path: Path) -> None:
    collector = CollectorProcess(tmp_path, kafka_broker.bootstrap)
    collector.start()
    try:
        completed = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                collector.url + "/openapi.json",
                "--checks",
                "not_a_server_error,status_code_conformance,"
                "content_type_conformance,response_schema_conformance",
                "-H",
                "X-Write-Key: shop-key",
                "--max-examples",
                "60",
                "--seed",
                "1",
                "--phases",
                "examples,coverage,fuzzing",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=500,
            cwd=tmp_path,  # schemathesis keeps its cache of crashes in the working directory
        )
    finally:
        collector.stop()
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    assert "No issues found" in completed.stdout or " passed" in completed.stdout
