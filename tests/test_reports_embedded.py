"""`clickstream report` next to a running embedded service (`make run`), in its own process as a
user runs it: the service owns the chDB folder, so the report reads through the service's SQL
endpoint and says so; once the service is gone it reads the folder itself, with the same
numbers. The commands the service's banner prints work as printed."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clickstream.generate import Journeys, TrafficOptions
from clickstream.reports.definitions import REPORTS
from tests.support.collector import CollectorProcess
from tests.support.embedded import SQL_PASSWORD, EmbeddedProcess

SITE = "shop"
PERIOD = ["--from", "2026-05-01", "--to", "2026-06-01"]
FUNNEL_SQL = (
    "SELECT * FROM clickstream.funnel(site = 'shop', date_from = '2026-05-01 00:00:00', "
    "date_to = '2026-06-01 00:00:00', window_seconds = 604800)"
)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedProcess]:
    process = EmbeddedProcess(tmp_path_factory.mktemp("report-service") / "data")
    process.data_dir.mkdir()
    process.start()
    try:
        options = TrafficOptions(visitors=150, days=31, end=datetime(2026, 6, 1, tzinfo=UTC))
        process.send_historical([e for visitor in Journeys(options).visitors() for e in visitor])
        yield process
    finally:
        process.stop()


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: no CLICKSTREAM_* settings of this test run."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLICKSTREAM_")}
    return {**clean, "CLICKSTREAM_SQL_PASSWORD": SQL_PASSWORD, **extra}


def clickstream(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clickstream", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def funnel_json(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return clickstream(
        "report", "funnel", "--site", SITE, *PERIOD, "--format", "json",
        env=user_env(CLICKSTREAM_DATA_DIR=str(data_dir)),
    )  # fmt: skip


def rows(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["sections"]["funnel"]["rows"]


def test_report_reads_through_the_running_service(service: EmbeddedProcess) -> None:
    result = funnel_json(service.data_dir)
    note = " ".join(result.stderr.split())
    assert "is in use by a running service; reading through its SQL endpoint" in note
    assert f"http://127.0.0.1:{service.sql_port}" in note
    want = service.sql_client().query(FUNNEL_SQL).named_results()
    got = rows(result)
    assert got[0]["visitors"] > 20, "the journeys reached the funnel"
    for row, expected in zip(got, want, strict=True):
        for column, value in expected.items():
            assert row[column] == (None if value is None else pytest.approx(value)), column


def test_the_banner_commands_work_as_printed(service: EmbeddedProcess) -> None:
    log = (service.data_dir / "serve.log").read_text()
    lines = log.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("reports"))
    printed = lines[at].split("reports", 1)[1].strip()
    words = shlex.split(printed)
    assert words[1:5] == ["report", "funnel", "--site", SITE] and "--data-dir" in words
    others = lines[at + 1].split("also:", 1)[1].split(";")[0]
    assert [name.strip() for name in others.split(",")] == list(REPORTS)[1:]
    for name in REPORTS:
        command = [*words[1:2], name, *words[3:]]
        result = clickstream(*command, env=user_env())
        assert result.returncode == 0, (name, result.stderr)
        assert REPORTS[name].title in result.stdout, name


def test_no_sql_endpoint_no_report(tmp_path: Path) -> None:
    """A service without its SQL endpoint keeps the folder to itself: the report says why."""
    process = CollectorProcess(tmp_path, kafka="", extra_args=["--sql-port", "0"])
    process.start()
    try:
        result = funnel_json(tmp_path)
    finally:
        process.stop()
    assert result.returncode == 1
    assert "serves no SQL endpoint" in " ".join(result.stderr.split())


def test_report_reads_the_folder_itself_once_the_service_stops(service: EmbeddedProcess) -> None:
    """Last in this module: it stops the module's service."""
    through_service = rows(funnel_json(service.data_dir))
    service.stop()
    assert not (service.data_dir / "sql-endpoint").exists(), "the service took its address back"
    result = funnel_json(service.data_dir)
    assert "in use" not in result.stderr
    assert rows(result) == through_service
