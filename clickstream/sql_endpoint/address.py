"""Where a running embedded service answers SQL, for other processes on the machine.

chDB lets one process open a data folder, so a second process (`clickstream report` while
`make run` is up) reads through the owner's SQL endpoint. The owner writes the endpoint's URL to
`<data dir>/sql-endpoint` while it serves and removes it when it stops; the reader trusts the
file only when the chDB folder is locked by another process.
"""

from __future__ import annotations

from pathlib import Path

ENDPOINT_FILE = "sql-endpoint"


def publish(data_dir: Path, url: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / ENDPOINT_FILE).write_text(url + "\n")


def unpublish(data_dir: Path) -> None:
    (data_dir / ENDPOINT_FILE).unlink(missing_ok=True)


def published_url(data_dir: Path) -> str | None:
    try:
        return (data_dir / ENDPOINT_FILE).read_text().strip() or None
    except FileNotFoundError:
        return None
