"""Query time of each customer-stage view on chDB over generated shopper journeys (a month's
period; best of three runs). `python -m bench.bench_stage_views [PEOPLE]` (default 20 000 people,
about 270 k events)."""

from __future__ import annotations

import sys
import tempfile
import time

from clickstream.warehouse import connect
from schemas.migrations import migrate
from tests.support.shoppers import ShopperGenerator

PERIOD = "site = 'shop', date_from = '2026-03-01 00:00:00', date_to = '2026-04-01 00:00:00'"
WINDOW = PERIOD + ", window_seconds = 604800"
QUERIES = {
    "visits": PERIOD,
    "stranger_stage": PERIOD,
    "lead_stage": PERIOD,
    "online_visitors": "site = 'shop', as_of = '2026-03-15 12:00:00'",
    "potential_stage": PERIOD,
    "cart_abandonment": WINDOW,
    "checkout_abandonment": WINDOW,
    "dormant_potential_customers": "site = 'shop', as_of = '2026-05-01', dormant_days = 30",
    "deal_stage": PERIOD,
    "campaign_conversion": WINDOW,
    "campaign_acquisition_cost": WINDOW,
    "growth_stage": PERIOD,
    "order_count_distribution": PERIOD,
    "engagement": PERIOD,
}


def main(people: int = 20_000) -> None:
    records = ShopperGenerator(seed=3).generate(people=people)
    with tempfile.TemporaryDirectory() as folder:
        warehouse = connect(f"chdb://{folder}")
        try:
            migrate(warehouse)
            for start in range(0, len(records), 50_000):
                warehouse.insert_rows("clickstream.events", records[start : start + 50_000])
            print(f"{len(records)} events, {people} people")
            for view, arguments in QUERIES.items():
                sql = f"SELECT count() FROM clickstream.{view}({arguments})"
                runs = []
                for _ in range(3):
                    started = time.perf_counter()
                    warehouse.query(sql)
                    runs.append(time.perf_counter() - started)
                print(f"{view:30} {min(runs) * 1000:8.0f} ms")
        finally:
            warehouse.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
