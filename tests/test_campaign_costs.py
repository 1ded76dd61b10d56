"""Campaign costs: `clickstream costs import FILE.csv` stores a good file, refuses a bad one with
its line and field (storing nothing), and a day's cost imported again replaces the old one."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clickstream.campaign_costs import CostFileError, read_costs, store_costs
from clickstream.warehouse import Warehouse

HEADER = "site,date,utm_source,utm_medium,utm_campaign,cost,currency\n"
GOOD = (
    HEADER + "demo,2026-11-01,google,cpc,brand,120.50,CNY\n" + "demo,2026-11-01,,,win_back,0,USD\n"
)


def test_a_good_file_reads_in_any_column_order() -> None:
    text = "\ufeffcurrency,cost,utm_campaign,utm_medium,utm_source,date,site\n"
    text += "CNY,120.5,brand,cpc,google,2026-11-01,demo\n\nUSD,7,brand,cpc,google,2026-11-02,demo\n"
    rows = read_costs(text.encode())
    assert rows[0] == {
        "site_id": "demo",
        "date": date(2026, 11, 1),
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "brand",
        "cost": Decimal("120.5"),
        "currency": "CNY",
    }
    assert [row["currency"] for row in rows] == ["CNY", "USD"]


@pytest.mark.parametrize(
    ("text", "line", "field", "reason"),
    [
        (b"", 1, "", "empty file"),
        (HEADER.replace(",currency", "").encode(), 1, "currency", "missing column"),
        (HEADER.replace("cost", "spend").encode(), 1, "spend", "unknown column"),
        (
            (
                HEADER + "demo,2026-11-01,g,cpc,brand,1,CNY\ndemo,2026-11-31,g,cpc,b,1,CNY\n"
            ).encode(),
            3,
            "date",
            "not a date",
        ),
        ((HEADER + "demo,2026-11-01,g,cpc,brand,12x,CNY\n").encode(), 2, "cost", "not a number"),
        ((HEADER + "demo,2026-11-01,g,cpc,brand,-1,CNY\n").encode(), 2, "cost", "from 0"),
        ((HEADER + "demo,2026-11-01,g,cpc,brand,1.00001,CNY\n").encode(), 2, "cost", "4 decimals"),
        ((HEADER + "demo,2026-11-01,g,cpc,brand,NaN,CNY\n").encode(), 2, "cost", "from 0"),
        ((HEADER + "demo,2026-11-01,g,cpc,brand,1,yuan\n").encode(), 2, "currency", "ISO 4217"),
        ((HEADER + ",2026-11-01,g,cpc,brand,1,CNY\n").encode(), 2, "site", "empty"),
        ((HEADER + "demo,2026-11-01,g,cpc,,1,CNY\n").encode(), 2, "utm_campaign", "empty"),
        ((HEADER + "demo,2026-11-01,g,cpc,brand,1\n").encode(), 2, "", "6 fields"),
        (
            (HEADER + '"demo\nshop",2026-11-01,g,cpc,brand,1,CNY\nx,1,g,c,b,1,CNY\n').encode(),
            4,
            "date",
            "not a date",
        ),  # a quoted line break: the line is the file's
        (
            (HEADER + "d,2026-11-01,g,c,b,1,CNY\nd,2026-11-01,g,c,b,2,CNY\n").encode(),
            3,
            "",
            "as line 2",
        ),
        (HEADER.encode() + b"demo,2026-11-01,g,cpc,\xff,1,CNY\n", 2, "", "not UTF-8"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_field(
    text: bytes, line: int, field: str, reason: str
) -> None:
    with pytest.raises(CostFileError) as refused:
        read_costs(text)
    assert (refused.value.line, refused.value.field) == (line, field)
    assert reason in refused.value.reason
    assert str(refused.value).startswith(f"line {line}")


def test_a_day_imported_again_replaces_its_cost(migrated_chdb: Warehouse) -> None:
    store_costs(migrated_chdb, read_costs(GOOD.encode()))
    store_costs(
        migrated_chdb, read_costs((HEADER + "demo,2026-11-01,google,cpc,brand,99,CNY\n").encode())
    )
    stored = migrated_chdb.query(
        "SELECT utm_campaign, argMax(cost, imported_at) FROM clickstream.campaign_costs "
        "GROUP BY site_id, date, utm_source, utm_medium, utm_campaign ORDER BY utm_campaign"
    ).rows
    assert stored == [("brand", Decimal("99")), ("win_back", Decimal("0"))]


def _stored_costs(data_dir: Path) -> str:
    """The cost table of a data folder, read by a separate process (chDB: one per folder)."""
    probe = (
        "import sys; from clickstream.warehouse import connect; "
        "w = connect(sys.argv[1]); "
        "print(w.query('SELECT utm_campaign, cost FROM clickstream.campaign_costs FINAL "
        "ORDER BY utm_campaign').rows)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, f"chdb://{data_dir / 'clickhouse'}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_costs_import_command(tmp_path: Path) -> None:
    env = {**os.environ, "CLICKSTREAM_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "clickstream", "costs", "import", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD)
    bad.write_text(
        HEADER + "demo,2026-11-01,google,cpc,brand,5,CNY\ndemo,2026-11-02,g,c,b,5,RMB!\n"
    )
    imported = run(str(good))
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 cost rows" in imported.stderr

    refused = run(str(bad))
    assert refused.returncode == 2
    assert f"{bad} line 3, field 'currency': not an ISO 4217 code" in refused.stderr
    assert "nothing imported" in refused.stderr
    # the good first line of the bad file was not stored either
    assert (
        _stored_costs(tmp_path / "data")
        == "[('brand', Decimal('120.5')), ('win_back', Decimal('0'))]"
    )
