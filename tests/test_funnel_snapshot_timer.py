"""The worker and the embedded server keep the funnel snapshots fresh on a timer
(pipeline/funnel_snapshots.py SnapshotTimer), and the funnel then reads them."""

from __future__ import annotations

import threading
import time

from clickstream.warehouse import Warehouse
from pipeline.funnel_snapshots import SnapshotTimer, due_sites
from tests.support.loading import load_shuffled
from tests.support.shoppers import ShopperGenerator


def test_the_timer_takes_a_snapshot_of_each_site_behind(migrated_chdb: Warehouse) -> None:
    load_shuffled(migrated_chdb, ShopperGenerator(seed=51).generate(people=40))
    assert due_sites(migrated_chdb) == ["shop"]
    timer = SnapshotTimer(migrated_chdb, interval=0.2)
    timer.start()
    try:
        deadline = time.monotonic() + 60
        while not migrated_chdb.query("SELECT count() FROM clickstream.funnel_snapshots").scalar():
            assert time.monotonic() < deadline, "no snapshot within a minute"
            time.sleep(0.1)
    finally:
        timer.stop()
    fits = migrated_chdb.query(
        "SELECT count() FROM clickstream.funnel_snapshot(site = 'shop', "
        "date_from = '2026-03-01 00:00:00', date_to = '2026-05-01 00:00:00', "
        "window_seconds = 604800)"
    ).scalar()
    assert fits == 1


def test_a_timer_of_zero_seconds_never_runs(migrated_chdb: Warehouse) -> None:
    timer = SnapshotTimer(migrated_chdb, interval=0)
    timer.start()
    assert "funnel-snapshots" not in {thread.name for thread in threading.enumerate()}
    timer.stop()
