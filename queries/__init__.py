"""The analysts' API: one ClickHouse view per .sql file, (re)created by `clickstream migrate`
in file-name order (the number prefix orders dependencies)."""

from pathlib import Path

QUERIES_DIR = Path(__file__).parent
