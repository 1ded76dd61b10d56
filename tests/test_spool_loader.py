"""The embedded loader (spool -> ClickHouse) on the session's chDB: a batch that was stored just
before a crash, and not yet removed from the spool, is not stored twice after the restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from clickstream.warehouse import Warehouse
from ingest.spool import Spool
from pipeline.batch import Batch, SourceMessage
from pipeline.loader import Loader
from pipeline.spool_loader import IN_FLIGHT_MARK, SpoolLoader
from tests.support.events import journey_records, kafka_messages

EVENTS = "clickstream.events"
RAW_COUNTS = "SELECT count(), uniqExact(event_id) FROM clickstream.events"


@pytest.fixture
def loader(migrated_chdb: Warehouse) -> Loader:
    # No background merges: a merge would collapse a doubled row and hide it from the counts.
    migrated_chdb.execute("SYSTEM STOP MERGES clickstream.events")
    return Loader(migrated_chdb, EVENTS, "clickstream.dead_letters")


def crash_after_storing(spool: Spool, loader: Loader, marked: bool) -> None:
    """What a crash between the insert and the removal of its rows leaves behind."""
    in_flight = spool.peek(2000)
    if marked:
        spool.set_mark(IN_FLIGHT_MARK, in_flight[-1].id)
    batch = Batch()
    for message in in_flight:
        batch.add(SourceMessage(message.topic, 0, message.id, message.value))
    loader.load(batch)


def restart(spool_dir: Path, loader: Loader) -> Spool:
    spool = Spool(spool_dir)
    spool_loader = SpoolLoader(spool, loader, batch_seconds=0.05)
    spool_loader.start()
    spool_loader.stop()  # stores everything the spool holds, then ends
    return spool


def test_the_batch_in_flight_at_a_crash_is_stored_once(
    migrated_chdb: Warehouse, loader: Loader, tmp_path: Path
) -> None:
    records = journey_records(visitors=40, events_per_visitor=5)
    spool = Spool(tmp_path / "spool")
    spool.append(kafka_messages(records[:100], EVENTS))
    crash_after_storing(spool, loader, marked=True)
    spool.append(kafka_messages(records[100:], EVENTS))  # more arrive before the restart
    spool.close()

    spool = restart(tmp_path / "spool", loader)
    assert len(spool) == 0
    assert migrated_chdb.query(RAW_COUNTS).rows[0] == (200, 200)  # not even before a merge
    spool.close()


def test_without_the_mark_the_copy_waits_for_final(
    migrated_chdb: Warehouse, loader: Loader, tmp_path: Path
) -> None:
    """The control: a batch re-formed differently gets another deduplication token, and only
    the readers' FINAL (deduplication by event_id) keeps the count right."""
    records = journey_records(visitors=40, events_per_visitor=5)
    spool = Spool(tmp_path / "spool")
    spool.append(kafka_messages(records[:100], EVENTS))
    crash_after_storing(spool, loader, marked=False)
    spool.append(kafka_messages(records[100:], EVENTS))
    spool.close()

    restart(tmp_path / "spool", loader).close()
    count, unique = migrated_chdb.query(RAW_COUNTS).rows[0]
    assert (count, unique) == (300, 200)
    final = "SELECT count(), uniqExact(event_id) FROM clickstream.events FINAL"
    assert migrated_chdb.query(final).rows[0] == (200, 200)
