"""Per-site time zones: `clickstream site set` records them, `site_time_zone` reads them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from clickstream.warehouse import Warehouse


def zone_of(warehouse: Warehouse, site: str) -> str:
    return warehouse.query(
        "SELECT time_zone FROM clickstream.site_time_zone(site = {site:String})", {"site": site}
    ).scalar()


def test_unknown_site_is_utc_and_latest_setting_wins(migrated_chdb: Warehouse) -> None:
    assert zone_of(migrated_chdb, "nowhere") == "UTC"
    for zone in ("Europe/Berlin", "Asia/Shanghai"):
        migrated_chdb.insert("clickstream.sites", {"site_id": ["shop"], "time_zone": [zone]})
    assert zone_of(migrated_chdb, "shop") == "Asia/Shanghai"
    assert zone_of(migrated_chdb, "nowhere") == "UTC"


def test_site_command_sets_and_refuses_unknown_zones(tmp_path: Path) -> None:
    env = {**os.environ, "CLICKSTREAM_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "clickstream", "site", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("set", "demo", "--time-zone", "Asia/Shanghai").returncode == 0
    listed = run("list")
    assert listed.returncode == 0 and "Asia/Shanghai" in listed.stdout
    refused = run("set", "demo", "--time-zone", "Mars/Olympus_Mons")
    assert refused.returncode == 2 and "unknown time zone" in refused.stderr
