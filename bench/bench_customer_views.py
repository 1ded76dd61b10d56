"""Query time of the customer views (lifecycle, value, sources, cohorts, products) on generated
shopper journeys in a shop with a time zone: the median of three runs of each view's typical
call, on chDB. BENCH_CUSTOMER_PEOPLE sets the number of shoppers (default 20 000, about 14 events
each). Runs in a child process: a process opens one chDB directory, and other benchmarks open
theirs.

    python -m bench.bench_customer_views
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from clickstream.warehouse import connect
from schemas.migrations import migrate
from tests.support.shoppers import ShopperGenerator

PEOPLE = int(os.environ.get("BENCH_CUSTOMER_PEOPLE", "20000"))
MONTH = "site = 'bench', date_from = '2026-04-01 00:00:00', date_to = '2026-05-01 00:00:00'"
CALLS = {
    "lifecycle_segments": "lifecycle_segments(site = 'bench', as_of = '2026-05-01 00:00:00')",
    "lifecycle_people": "lifecycle_people(site = 'bench', as_of = '2026-05-01 00:00:00')",
    "lifecycle_movement": "lifecycle_movement(site = 'bench', date_from = '2026-03-01 00:00:00', "
    "date_to = '2026-07-01 00:00:00')",
    "value_pyramid": f"value_pyramid({MONTH})",
    "rfm_customers": f"rfm_customers({MONTH})",
    "rfm_summary": f"rfm_summary({MONTH})",
    "acquisition_sources": f"acquisition_sources({MONTH})",
    "acquisition_sources_compare": f"acquisition_sources_compare({MONTH}, compare_to = 'month')",
    "cohort_retention": "cohort_retention(site = 'bench', date_from = '2026-03-02 00:00:00', "
    "date_to = '2026-06-01 00:00:00', cohort_by = 'first_visit', grain = 'week')",
    "product_stats": f"product_stats({MONTH})",
    "products_bought_together": f"products_bought_together({MONTH})",
    "recently_viewed_products": "recently_viewed_products(site = 'bench', visitor = 'anon-122-0', "
    "limit = 10)",
}


def measure(directory: Path) -> None:
    started = time.perf_counter()
    records = ShopperGenerator(seed=1, site="bench").generate(people=PEOPLE)
    warehouse = connect(f"chdb://{directory}")
    migrate(warehouse)
    for start in range(0, len(records), 50_000):
        warehouse.insert_rows("clickstream.events", records[start : start + 50_000])
    warehouse.insert("clickstream.sites", {"site_id": ["bench"], "time_zone": ["Asia/Shanghai"]})
    print(
        f"{PEOPLE} shoppers, {len(records)} events (with resent duplicates) generated and loaded "
        f"in {time.perf_counter() - started:.0f} s"
    )
    for view, call in CALLS.items():
        seconds = []
        for _ in range(3):
            began = time.perf_counter()
            rows = len(warehouse.query(f"SELECT * FROM clickstream.{call}").rows)
            seconds.append(time.perf_counter() - began)
        print(f"{view:<28} {statistics.median(seconds) * 1000:8.0f} ms  ({rows} rows)")
    warehouse.close()


def main() -> None:
    directory = Path(tempfile.mkdtemp(prefix="bench-customers-"))
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.bench_customer_views", str(directory)], check=True
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        measure(Path(sys.argv[1]) / "clickhouse")
    else:
        main()
