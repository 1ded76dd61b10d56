from __future__ import annotations

from pathlib import Path

import pytest

from clickstream.config import load_settings, parse_write_keys
from clickstream.warehouse.statements import split_statements


def test_split_on_semicolons_outside_quotes_and_comments() -> None:
    text = """
    -- a comment; with a semicolon
    CREATE TABLE a (s String DEFAULT 'x;y') ENGINE = Memory;
    /* block; comment */ SELECT "we;ird", `na;me` FROM a;
    SELECT 'it\\'s; fine';
    -- trailing comment only
    """
    statements = split_statements(text)
    assert len(statements) == 3
    assert statements[0].endswith("ENGINE = Memory")
    assert "`na;me`" in statements[1]
    assert statements[2] == "SELECT 'it\\'s; fine'"


def test_write_keys() -> None:
    assert parse_write_keys("demo:demo-key, shop2:k2") == {"demo-key": "demo", "k2": "shop2"}
    assert parse_write_keys("") == {}
    with pytest.raises(ValueError, match="site:key"):
        parse_write_keys("demo")


def test_precedence_option_over_env_over_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "clickstream.toml"
    config.write_text('kafka = "file:9092"\nwrite_keys = "a:b"\ndata_dir = "/from/file"\n')
    monkeypatch.setenv("CLICKSTREAM_KAFKA", "env:9092")
    monkeypatch.delenv("CLICKSTREAM_CLICKHOUSE", raising=False)
    settings = load_settings(config, data_dir=Path("/from/option"))
    assert settings.kafka == "env:9092"
    assert settings.write_keys == "a:b"
    assert settings.data_dir == Path("/from/option")
    assert settings.clickhouse_url == "chdb:///from/option/clickhouse"


def test_unknown_setting_in_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('kafak = "x"\n')
    with pytest.raises(ValueError, match="unknown settings"):
        load_settings(config)
