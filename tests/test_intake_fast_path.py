"""The collector's two ways in agree: a body validated whole in pydantic-core (`validate_batch` +
`take_valid`) gives exactly the rows the careful per-event path (`take`) gives, and every body
the fast path refuses is one the careful path refuses at least in part (or cannot parse)."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import native_rows
from ingest.clock import epoch_ms, time_text
from ingest.intake import take, take_valid, validate_batch
from ingest.record import RECORD_COLUMNS, RequestContext, build_record, row_partition_key
from schemas.event import Event
from schemas.messages import pack, pack_rows, unpack

CONTEXT = RequestContext(
    site_id="shop",
    received_at=datetime(2026, 11, 20, 12, 0, 0, 456789, tzinfo=UTC),
    user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
    ip="203.0.113.9",
)

# Values each field may take: valid ones, borderline ones and wrong ones.
TEXT = st.text(max_size=12) | st.sampled_from(["", "a\nb", "tab\there", "x" * 129, "商品"])
TIMES = st.sampled_from(
    [
        "2026-11-20T10:00:00.123Z",
        "2026-11-20T18:00:00.999+08:00",
        "2026-11-20T11:59:58Z",
        "2026-11-21T12:00:00Z",
        "2020-01-01T00:00:00Z",
        "1989-12-31T23:59:59Z",
        "2026-11-20T10:00:00",
        "yesterday",
        1_795_168_800_123,
    ]
)
NUMBERS = st.sampled_from([0, 1, 19.99, "19.99", "1.23456", -1, "NaN", "1e13", 2_000_000, 1.5])
VALUES: dict[str, Any] = {
    "event_id": st.uuids().map(str) | st.sampled_from(["not-a-uuid", 12]),
    "type": st.sampled_from(["page_view", "order", "add_to_cart", "identify", "Bad Type", ""]),
    "event_name": TEXT,
    "anonymous_id": TEXT,
    "user_id": TEXT | st.none(),
    "session_id": TEXT,
    "ts": TIMES,
    "sent_at": TIMES,
    "url": st.sampled_from(
        [
            "https://shop.example/p/1?utm_source=google&utm_medium=cpc&gclid=x",
            "https://shop.example/",
            "not a url",
            "",
        ]
    ),
    "referrer": st.sampled_from(["https://www.google.com/", "https://t.co/x", "", "x" * 4097]),
    "title": TEXT,
    "utm_campaign": TEXT,
    "screen_width": st.sampled_from([1920, 0, -1, 70_000, "wide"]),
    "language": TEXT,
    "user_agent": st.sampled_from(["curl/8.0", "", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4)"]),
    "ip": st.sampled_from(["198.51.100.7", "2001:db8::1", "999.1.1.1"]),
    "product_id": TEXT,
    "category": TEXT,
    "price": NUMBERS,
    "quantity": NUMBERS,
    "currency": st.sampled_from(["USD", "CNY", "usd"]),
    "order_id": TEXT,
    "revenue": NUMBERS,
    "items": st.lists(
        st.fixed_dictionaries(
            {"product_id": TEXT}, optional={"price": NUMBERS, "quantity": NUMBERS}
        ),
        max_size=3,
    )
    | st.just("p1"),
    "properties": st.dictionaries(
        st.text(max_size=8),
        st.integers() | st.floats() | st.text(max_size=8) | st.lists(st.integers()),
        max_size=3,
    )
    | st.just([1]),
    "unknown_field": st.just(1),
}


@st.composite
def events(draw: st.DrawFn, mostly_valid: bool) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        "type": draw(st.sampled_from(["page_view", "favorite", "add_to_cart", "order"])),
        "anonymous_id": "a-" + draw(st.text("abc123", min_size=1, max_size=6)),
    }
    fields = draw(st.lists(st.sampled_from(sorted(VALUES)), max_size=2 if mostly_valid else 8))
    for name in fields:
        event[name] = draw(VALUES[name])
    return event


BATCHES = st.lists(events(mostly_valid=True), min_size=1, max_size=5) | st.lists(
    events(mostly_valid=False), min_size=1, max_size=5
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=BATCHES)
def test_fast_path_agrees_with_the_careful_path(batch: list[dict[str, Any]]) -> None:
    body = json.dumps(batch).encode()  # json, not orjson: big integers and NaN too
    try:
        careful = take(orjson.loads(body), CONTEXT)
    except orjson.JSONDecodeError:  # the collector answers 400 for the body
        careful = None
    validated = validate_batch(body)
    if validated is None:
        assert careful is None or careful.rejections, "fast path refused a body taken whole"
        return
    fast = take_valid(validated, CONTEXT)
    if fast is None:  # a row could not be built: the collector answers with `take`'s result
        return
    assert careful is not None and not careful.rejections
    assert not careful.rejections
    assert fast.rows == careful.rows
    assert fast.records == [build_record(Event.model_validate(e), CONTEXT) for e in batch]


def test_a_row_that_cannot_be_built_falls_back_to_the_careful_path() -> None:
    # orjson reads an integer beyond 64 bits as a float; pydantic-core keeps the int, which the
    # row cannot serialise: the collector then answers what the careful path makes of the body.
    event = {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": "a"}
    body = json.dumps([event | {"properties": {"big": 2**70}}]).encode()
    validated = validate_batch(body)
    assert validated is not None and take_valid(validated, CONTEXT) is None
    assert take(orjson.loads(body), CONTEXT).rows[0][RECORD_COLUMNS.index("properties")] == {
        "big": "1.1805916207174113e+21"
    }


def test_fast_path_takes_native_arrays_only() -> None:
    event = {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": "a"}
    assert validate_batch(orjson.dumps([event])) is not None
    assert validate_batch(orjson.dumps({"batch": [event]})) is None
    segment = {"type": "track", "event": "Product Added", "messageId": "m1", "anonymousId": "a"}
    assert validate_batch(orjson.dumps([segment])) is None
    assert validate_batch(b"[" * 10_000) is None
    assert validate_batch(b'[{"event_id": NaN}]') is None


@given(moment=st.datetimes(datetime(1990, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC)))
def test_time_text_is_the_utc_iso_text_cut_to_milliseconds(moment: datetime) -> None:
    expected = moment.isoformat(sep=" ", timespec="milliseconds")[:23]
    assert time_text(epoch_ms(moment)) == expected


def test_packed_rows_and_packed_records_are_the_same_messages() -> None:
    batch = [
        {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": f"a{i % 3}"}
        for i in range(9)
    ]
    intake = take_valid(validate_batch(orjson.dumps(batch)) or [], CONTEXT)
    assert intake is not None
    from_rows = pack_rows("t", RECORD_COLUMNS, intake.rows, row_partition_key)
    from_records = pack("t", intake.records, lambda r: row_partition_key(list(r.values())))
    assert from_rows == from_records
    assert [r for m in from_rows for r in unpack(m[2])] == sorted(
        intake.records, key=lambda r: r["anonymous_id"]
    )


def test_without_the_rust_extension_the_python_path_answers(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Where cargo was missing at install, clickstream_native is not importable: the collector
    says so once and every body takes the Python path."""
    monkeypatch.setattr(native_rows, "clickstream_native", None)
    with caplog.at_level(logging.WARNING, "clickstream.ingest"):
        assert native_rows.native_intake("t", 10, True) is None
    assert native_rows.NOT_BUILT in caplog.text
    with pytest.raises(RuntimeError, match="not built"):
        native_rows.NativeIntake("t", 10, True)
