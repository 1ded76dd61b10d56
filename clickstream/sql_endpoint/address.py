"""Where a running embedded service answers SQL, for other processes on the machine.

chDB lets one process open a data folder, so a second process (`clickstream report` while
`make run` is up) reads through the owner's SQL endpoint. The owner writes the endpoint's URL to
`<data dir>/sql-endpoint` while it serves and removes it when it stops; the reader trusts the
file only when the chDB folder is locked by another process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENDPOINT_FILE = "sql-endpoint"


@contextmanager
def published(data_dir: Path, url: str) -> Iterator[None]:
    path = data_dir / ENDPOINT_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(url + "\n")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def published_url(data_dir: Path) -> str | None:
    try:
        return (data_dir / ENDPOINT_FILE).read_text().strip() or None
    except FileNotFoundError:
        return None
