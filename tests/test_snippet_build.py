"""The committed, minified snippet is what its source builds to, and stays within its budget."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from ingest.static_routes import SNIPPET_FILE

SNIPPET_SOURCE = Path(__file__).resolve().parents[1] / "ingest" / "snippet"
GZIPPED_BUDGET = 2048  # SPEC section 5: under 2 KB gzipped


def test_snippet_is_within_its_size_budget() -> None:
    minified = SNIPPET_FILE.read_bytes()
    assert len(gzip.compress(minified, 9)) <= GZIPPED_BUDGET


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_committed_snippet_is_built_from_the_source(tmp_path: Path) -> None:
    if not (SNIPPET_SOURCE / "node_modules" / "terser").is_dir():
        pytest.fail("the snippet's build tools are missing: run `make snippet` (or `make deps`)")
    rebuilt = tmp_path / "t.min.js"
    completed = subprocess.run(
        ["node", str(SNIPPET_SOURCE / "build.mjs"), str(rebuilt)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr  # also: the output parses as ES2017
    assert rebuilt.read_bytes() == SNIPPET_FILE.read_bytes(), (
        "ingest/static/t.min.js is stale: run `make snippet` and commit it"
    )
