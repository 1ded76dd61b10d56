"""Settings from the environment (CLICKSTREAM_*), an optional TOML file, and defaults.

Precedence: command-line option > environment variable > file > default. The file is named by
CLICKSTREAM_CONFIG (or --config) and uses the variable names without the prefix, in lower case:

    kafka = "127.0.0.1:9092"
    clickhouse = "clickhouse://default:@127.0.0.1:9000/default"
    write_keys = "demo:demo-key"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

ENV_PREFIX = "CLICKSTREAM_"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("./data")
    kafka: str = ""  # bootstrap servers; empty means the embedded spool
    clickhouse: str = ""  # empty means chdb://<data_dir>/clickhouse
    write_keys: str = ""  # "site:key,site:key"
    sql_user: str = "analyst"  # the embedded SQL endpoint's user
    sql_password: str = ""  # empty: made on first start, kept in <data_dir>/sql-password
    topic: str = "clickstream.events"
    dead_letter_topic: str = "clickstream.dead_letters"
    cluster: str = ""  # a ClickHouse cluster the schema was created ON (migrate --cluster)
    # the worker and the embedded server refresh the funnel snapshots this often; 0: never
    funnel_snapshot_seconds: float = 300.0

    @property
    def clickhouse_url(self) -> str:
        return self.clickhouse or f"chdb://{self.data_dir.resolve() / 'clickhouse'}"

    def site_keys(self) -> dict[str, str]:
        """write key -> site id."""
        return parse_write_keys(self.write_keys)


def parse_write_keys(spec: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        site, separator, key = entry.partition(":")
        if not separator or not site or not key:
            raise ValueError(f"write key entry {entry!r} is not site:key")
        keys[key] = site
    return keys


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    config_file = config_file or os.environ.get(ENV_PREFIX + "CONFIG")
    if config_file:
        with open(config_file, "rb") as handle:
            from_file = tomllib.load(handle)
        unknown = set(from_file) - names
        if unknown:
            raise ValueError(f"{config_file}: unknown settings {sorted(unknown)}")
        values.update(from_file)
    for name in names:
        env_value = os.environ.get(ENV_PREFIX + name.upper())
        if env_value is not None:
            values[name] = env_value
    values.update({name: value for name, value in overrides.items() if value is not None})
    if "data_dir" in values:
        values["data_dir"] = Path(values["data_dir"])
    if "funnel_snapshot_seconds" in values:
        values["funnel_snapshot_seconds"] = float(values["funnel_snapshot_seconds"])
    return Settings(**values)
