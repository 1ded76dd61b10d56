"""The Rust intake (`clickstream_native`, ingest/native_rows.py) and the Python path agree: for
every body the Rust side takes, the Python path accepts every event and makes the very same
Kafka messages (bytes); every body the Python path rejects even in part, the Rust side refuses
(the request then takes the Python path, which names the bad event and field).

Bodies come from hypothesis: valid, borderline and invalid values for every field, Unicode, big
numbers, times around the bounds and the skew tolerance, URLs and referrers for every channel
rule, nested properties, items; and hand-written JSON the encoder would never write (duplicate
keys, odd number forms, escapes).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest import native_rows
from ingest.enrich import classify_traffic
from ingest.enrich.traffic import UTM_FIELDS
from ingest.intake import take, take_valid, validate_batch
from ingest.native_rows import NativeIntake
from ingest.record import RECORD_COLUMNS, RequestContext, row_partition_key
from schemas.messages import Message, pack_rows
from tests.test_intake_fast_path import VALUES

pytestmark = pytest.mark.skipif(
    native_rows.clickstream_native is None,
    reason="clickstream_native is not built (no cargo when the venv was made): "
    "the collector runs on the Python path only",
)

TOPIC = "clickstream.events"
RECEIVED = datetime(2026, 11, 20, 12, 0, 0, 456789, tzinfo=UTC)
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"
CONTEXT = RequestContext(site_id="shop", received_at=RECEIVED, user_agent=CHROME, ip="203.0.113.9")
SMALL_MESSAGES = 2048  # bytes: cuts rows of one visitor into several messages


def intakes() -> dict[tuple[bool, int], NativeIntake]:
    return {
        (keep, size): NativeIntake(TOPIC, 500, keep, max_bytes=size)
        for keep in (True, False)
        for size in (SMALL_MESSAGES, 512 * 1024)
    }


NATIVE = intakes() if native_rows.clickstream_native is not None else {}


def raw(token: str) -> str:
    """A value written into the body as this exact JSON text (see `body_of`)."""
    return f"@@raw:{token}@@"


def body_of(events: Any, ensure_ascii: bool = False) -> bytes:
    text = json.dumps(events, ensure_ascii=ensure_ascii)
    return re.sub(r'"@@raw:([^"@]*)@@"', r"\1", text).encode()


def python_answer(body: bytes, context: RequestContext, max_bytes: int) -> Any:
    """What the collector's Python path makes of an array body: (messages, accepted, rejected),
    or None when the body is not a JSON array."""
    validated = validate_batch(body)
    intake = take_valid(validated, context) if validated is not None else None
    if intake is None:
        try:
            messages = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(messages, list):  # /v1/batch reads it as {"batch": [...]} or 400
            return None
        intake = take(messages, context)
    rows = pack_rows(TOPIC, RECORD_COLUMNS, intake.rows, row_partition_key, max_bytes)
    return rows, len(intake.rows), len(intake.rejections)


def check(body: bytes, context: RequestContext = CONTEXT, max_bytes: int = 512 * 1024) -> bool:
    """Assert the two paths agree on `body`; True if the Rust side took it."""
    native = NATIVE[(context.keep_ip_prefix, max_bytes)].pack(body, context)
    python = python_answer(body, context, max_bytes)
    if native is None:
        return False
    assert python is not None, "the Rust side took a body that is not a JSON array"
    messages, accepted, rejected = python
    assert rejected == 0, "the Rust side took a body the Python path rejects in part"
    assert native[1] == accepted
    assert_same_messages(native[0], messages)
    return True


def assert_same_messages(native: list[Message], python: list[Message]) -> None:
    if native != python:  # a readable difference: the first differing row, value by value
        for (_, _, ours), (_, _, theirs) in zip(native, python, strict=False):
            for our_row, their_row in zip(ours.split(b"\n"), theirs.split(b"\n"), strict=False):
                if our_row != their_row:
                    values = (orjson.loads(our_row), orjson.loads(their_row))
                    pairs = zip(RECORD_COLUMNS, *values, strict=True)
                    differing = [(c, a, b) for c, a, b in pairs if a != b]
                    raise AssertionError(f"rows differ (column, rust, python): {differing}")
        assert native == python


def event(**fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": "a-1"} | fields


# -- typical traffic is taken by the Rust side (else it would be correct but useless) ---------

BENCH_EVENT = event(
    ts="2026-11-20T10:00:00.000Z",
    sent_at="2026-11-20T10:00:01.000Z",
    url="https://shop.example/p/1?utm_source=google&utm_medium=cpc",
    referrer="https://www.google.com/",
    title="Product 1",
    screen_width=1920,
    screen_height=1080,
    language="en-US",
)
TYPICAL = [
    [BENCH_EVENT],
    [event(type="add_to_cart", product_id="p-1", price=19.99, quantity=1) for _ in range(3)],
    [
        event(
            type="order",
            user_id="u-1",
            order_id="o-1",
            revenue="59.97",
            currency="USD",
            items=[{"product_id": "p-1", "price": "19.99", "quantity": 3}],
            properties={"coupon": "X", "n": 2, "tags": ["a", 1.5, None], "deep": {"a": {"b": 1}}},
        )
    ],
    [event(type="order", items=[{"product_id": "p", "price": 5}, {"product_id": "q"}])],
    [event(type="identify", user_id="u-1", anonymous_id=None), event(user_id="u-2")],
    [event(url="https://shop.example/?gclid=abc&utm_campaign=spring%20sale+2026#top")],
    [event(referrer="https://l.facebook.com/x", url="https://shop.example/?fbclid=1")],
    [event(referrer="https://shop.example/cart", url="https://shop.example/p/2")],
    [event(ts=1_795_168_800_123, sent_at=1_795_168_800, title="商品 — ünïcödé\ttab")],
    [event(user_agent="curl/8.0", ip="198.51.100.7"), event(ip="2001:db8::1")],
    [event(anonymous_id=f"v-{n % 3}") for n in range(30)],
]


@pytest.mark.parametrize("events", TYPICAL)
def test_typical_bodies_are_taken_by_the_rust_side(events: list[dict[str, Any]]) -> None:
    for ensure_ascii in (False, True):
        body = body_of(events, ensure_ascii)
        assert check(body), "typical body refused"
        assert check(body, max_bytes=SMALL_MESSAGES)


def test_common_urls_are_classified_without_asking_python() -> None:
    def no_python(*_: Any) -> Any:
        raise AssertionError("asked the Python traffic rules")

    packer = native_rows.clickstream_native.Packer(
        list(RECORD_COLUMNS),
        TOPIC,
        orjson.dumps(list(RECORD_COLUMNS)),
        512 * 1024,
        500,
        {name: getattr(native_rows.traffic, name) for name in native_rows.TRAFFIC_RULES},
        no_python,
        native_rows._device_columns,
        lambda _: None,
    )
    cases = [
        ("https://shop.example/p/1?utm_source=google&utm_medium=cpc", "https://www.google.com/"),
        ("https://shop.example/", "https://t.co/x"),
        ("https://shop.example/?utm_source=Newsletter&utm_medium=E-mail", ""),
        ("https://shop.example/?msclkid=1&fbclid=2", "https://duckduckgo.com"),
        ("https://shop.example/a", "https://www.shop.example/b"),
        ("https://shop.example/a?x=%E5%95%86", "https://mail.google.com/mail/u/0"),
        ("/relative?utm_source=partner", "https://www.google.co.uk/search"),
        ("", ""),
    ]
    for url, referrer in cases:
        body = body_of([event(url=url, referrer=referrer)])
        device = ("", "", "", "", "other", 0)
        native = packer.pack(body, "shop", 1_795_168_800_000, device, "", False, "batch")
        assert native is not None
        row = orjson.loads(native[0][0][2].split(b"\n")[1])
        expected = classify_traffic(url, referrer, utm=dict.fromkeys(UTM_FIELDS, ""))
        assert tuple(row[17:25]) == expected.columns


# -- hypothesis: every field, valid and not ---------------------------------------------------


@st.composite
def timestamps(draw: st.DrawFn) -> Any:
    """Times of every form pydantic reads, around now, the skew tolerance and the bounds."""
    kind = draw(st.sampled_from(["near", "near", "any", "bound", "seconds", "millis", "odd"]))
    if kind == "odd":
        return draw(
            st.sampled_from(
                [
                    "1795168800",
                    1_795_168_800.5,
                    "2026-11-20T10:00:00",
                    "2026-11-20",
                    "2026-02-29T10:00:00Z",
                    "2026-11-20T24:00:00Z",
                    "2026-11-20T10:00:60Z",
                    "+2026-11-20T10:00:00Z",
                    "2026-11-20T10:00:00,5Z",
                    "2026-11-20T10:00Z",
                    "2026-11-20T10:00:00+08",
                    "2026-11-20T10:00:00-24:00",
                    "2026-11-20T10:00:00.Z",
                    -1,
                    0,
                    20_000_000_000,
                    2**64,
                    raw("1795168800123.0"),
                    raw("-0"),
                    None,
                    True,
                    "",
                ]
            )
        )
    if kind == "bound":
        moment = draw(
            st.sampled_from([datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)])
        ) + timedelta(microseconds=draw(st.sampled_from([-1, 0, 1, -1000, 999, 60_000_000])))
    elif kind == "near":
        delta = draw(
            st.sampled_from([0, 1, 999, 4_999, 5_000, 5_001, 86_400_000, 86_400_001, 10**9])
        )
        moment = RECEIVED + timedelta(milliseconds=delta * draw(st.sampled_from([1, -1])))
    else:
        moment = draw(
            st.datetimes(datetime(1985, 1, 1), datetime(2105, 1, 1), timezones=st.just(UTC))
        )
    if kind in ("seconds", "millis"):
        seconds = int(moment.timestamp())
        return seconds if kind == "seconds" else seconds * 1000 + moment.microsecond // 1000
    minutes = draw(st.sampled_from([0, 0, 1, -1, 330, -570, 23 * 60 + 59, -(23 * 60 + 59)]))
    local = moment.astimezone(timezone(timedelta(minutes=minutes)))
    digits = draw(st.sampled_from([0, 0, 1, 3, 3, 6, 7, 9, 10]))
    fraction = f"{local.microsecond:06d}{draw(st.integers(0, 999)):03d}0"[:digits]
    text = local.strftime("%Y-%m-%d") + draw(st.sampled_from("TTTt ")) + local.strftime("%H:%M:%S")
    text += f".{fraction}" if digits else ""
    sign, offset = ("-", -minutes) if minutes < 0 else ("+", minutes)
    hhmm = f"{offset // 60:02d}{offset % 60:02d}"
    zone = draw(
        st.sampled_from(
            ["Z", f"{sign}{hhmm[:2]}:{hhmm[2:]}", f"{sign}{hhmm}", "z"]
            if minutes
            else ["Z", "Z", "z", "+00:00", "-00:00", "+0000", ""]
        )
    )
    return text + zone


MONEY = (
    st.integers(-5, 10**13)
    | st.floats(min_value=-1, max_value=2e12)
    | st.decimals(min_value=0, max_value=2 * 10**12, allow_nan=False).map(str)
    | st.sampled_from(
        [
            "19.99",
            "0.00005",
            "0.00015",
            "0.00025",
            "1e2",
            " 1",
            "+1",
            "1_000",
            "١٢",
            "-0",
            "-0.0",
            "0",
            "1000000000000",
            "1000000000000.00001",
            "999999999999.99995",
            ".5",
            "5.",
            "NaN",
            "Infinity",
            raw("1E2"),
            raw("-0"),
            raw("-0.0"),
            raw("1e-400"),
            raw("1e400"),
            raw("0.1000000000000000055511151231257827"),
            raw("100000000000000000000000000001"),
            None,
            True,
            [],
        ]
    )
)

WHITESPACE = " \t\u00a0\u2003\u3000\u0085"
UTM_VALUES = st.sampled_from(
    ["", " ", "google", "CPC", " email ", "\u00a0cpc", "Social", "organic", "NEWSLETTER-weekly"]
    + ["social-networ\u212a", "paid_social", "x" * 300, "\u3000", "e\u0307mail", "Email"]
)
SCHEMES = ["https://", "http://", "HTTPS://", "", "//", "android-app://", "ftp://", " https://"]
HOSTS = [
    "shop.example",
    "www.shop.example",
    "Shop.Example.",
    "google.com",
    "www.google.co.uk",
    "google.example.org",
    "news.google.com",
    "notgoogle.com",
    "mail.google.com",
    "t.co",
    "l.facebook.com",
    "duckduckgo.com",
    "yandex.com.tr",
    "com.google.android.gm",
    "[::1]",
    "[::1",
    "例え.jp",
    "user@host.com",
    "host.com:8080",
    "",
    "bing.com.",
    "www.",
]
QUERY_NAMES = list(UTM_FIELDS) + ["gclid", "fbclid", "msclkid", "yclid", "li_fat_id", "x"]
QUERY_VALUES = ["google", "cpc", "CPC", "email", "Newsletter-weekly", "social", "organic", ""]
QUERY_VALUES += [" ", "%20x", "%C3%A9", "%E9", "%zz", "%4", "a+b", "paid_social", "%2B", "ü"]


@st.composite
def urls(draw: st.DrawFn) -> str:
    url = draw(st.sampled_from(SCHEMES)) + draw(st.sampled_from(HOSTS))
    url += draw(st.sampled_from(["", "/", "/p/1", "/a b", "/ü", "/x\ty"]))
    pairs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(QUERY_NAMES + ["utm%5Fsource", "utm_source+"]),
                st.sampled_from(QUERY_VALUES),
            ),
            max_size=4,
        )
    )
    if pairs or draw(st.booleans()):
        separator = draw(st.sampled_from(["&", "&", ";", "&&"]))
        url += "?" + separator.join(f"{name}={value}" for name, value in pairs)
    return url + draw(st.sampled_from(["", "", "#x", "#?utm_source=y"]))


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from([raw("-0"), raw("1E400"), raw("1e-400"), raw("-0.0"), raw("1.5E3")])
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=10,
)
PROPERTIES = st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=5) | st.sampled_from(
    [
        {f"k{n}": n for n in range(64)},
        {f"k{n}": n for n in range(65)},
        {"k" * 128: 1},
        {"k" * 129: 1},
        {"": 1},
        {"s": "x" * 4096},
        {"s": ["x" * 4097]},
        {"l": list(range(65))},
        {"d": {"e": {"f": {"g": 1}}}},
        {"d": {"e": {"f": {"g": {}}}}},
        {"d": [[[1]]]},
        {"d": [[[[1]]]]},
        {"c": '\x00\x1f\x7f\u2028"\\/'},
        [1],
        None,
        "text",
    ]
)
ITEMS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "product_id": st.sampled_from(["p-1", "", "x" * 129, "a\nb", None, 5]),
            "category": st.sampled_from(["shoes", "", None]),
            "price": MONEY,
            "quantity": st.sampled_from([0, 1, 3, 1_000_000, 1_000_001, -1, 1.0, "2", None]),
            "sku": st.just("x"),
        },
    ),
    max_size=3,
)

FIELDS: dict[str, Any] = VALUES | {
    "event_id": st.uuids().map(str)
    | st.uuids().map(lambda u: str(u).upper())
    | st.uuids().map(lambda u: u.hex)
    | st.uuids().map(lambda u: "{" + str(u) + "}")
    | st.sampled_from(["not-a-uuid", 12, None, ""]),
    "type": st.sampled_from(
        ["page_view", "order", "add_to_cart", "identify", "login", "x" * 64, "x" * 65, "Bad"]
    )
    | st.sampled_from(["", "a-b", "share_2", "9lives", None, "page_view\n"]),
    "event_name": VALUES["event_name"] | st.none(),
    "anonymous_id": VALUES["anonymous_id"] | st.none(),
    "session_id": VALUES["session_id"] | st.none(),
    "ts": timestamps(),
    "sent_at": timestamps(),
    "url": urls() | VALUES["url"],
    "referrer": urls() | VALUES["referrer"],
    "path": st.text(max_size=8) | st.sampled_from(["x" * 4096, "x" * 4097, None]),
    "title": st.text() | st.sampled_from(["x" * 1024, "x" * 1025, "\x7f", "\x85", "a\tb"]),
    "utm_source": UTM_VALUES,
    "utm_medium": UTM_VALUES,
    "utm_campaign": UTM_VALUES | st.text(WHITESPACE + "ab", max_size=4),
    "utm_term": UTM_VALUES,
    "utm_content": st.text(max_size=4) | st.none(),
    "screen_width": st.sampled_from([0, 1920, 65_535, 65_536, -1, 1920.0, "1920", None, raw("-0")]),
    "screen_height": st.integers(-2, 70_000),
    "language": st.sampled_from(["en-US", "x" * 35, "x" * 36, "", None]),
    "user_agent": st.sampled_from(
        [
            "curl/8.0",
            "",
            None,
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4)",
            "Googlebot/2.1",
            "x" * 1025,
        ]
    ),
    "ip": st.sampled_from(
        ["198.51.100.7", "2001:db8::1", "::ffff:1.2.3.4", "fe80::1%eth0", "999.1.1.1", "1.2.3.4 "]
        + ["01.2.3.4", "1.2.3.4/32", "", None, 3232235777]
    ),
    "product_id": st.text(max_size=6) | st.sampled_from(["x" * 128, "x" * 129, None]),
    "category": st.text(max_size=6),
    "price": MONEY,
    "quantity": st.sampled_from([0, 1, 2, 1_000_000, 1_000_001, -1, 2.0, "3", None]),
    "currency": st.sampled_from(["USD", "CNY", "usd", "US", "USDX", "", None, "ÜSD", "USD\n"]),
    "order_id": st.text(max_size=6) | st.none(),
    "revenue": MONEY,
    "items": ITEMS | st.sampled_from(["p1", None, [{"product_id": "p"}] * 201]),
    "properties": PROPERTIES,
}


@st.composite
def native_events(draw: st.DrawFn, extra_fields: int) -> dict[str, Any]:
    found = {
        "event_id": str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        "type": draw(st.sampled_from(["page_view", "favorite", "add_to_cart", "order"])),
        "anonymous_id": "a-" + draw(st.text("abc123", min_size=1, max_size=3)),
    }
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=extra_fields)):
        found[name] = draw(FIELDS[name])
    return found


@st.composite
def contexts(draw: st.DrawFn) -> RequestContext:
    received = RECEIVED + timedelta(microseconds=draw(st.integers(-(10**12), 10**12)))
    return RequestContext(
        site_id=draw(st.sampled_from(["shop", "商店", 'a"b'])),
        received_at=received,
        user_agent=draw(st.sampled_from([CHROME, "", "curl/8.0", "Mozilla/5.0 (iPad; CPU OS 17)"])),
        ip=draw(st.sampled_from(["203.0.113.9", "", "2001:db8:1:2::3", "unknown"])),
        source=draw(st.sampled_from(["batch", "import"])),
        historical=draw(st.booleans()),
        keep_ip_prefix=draw(st.booleans()),
    )


BATCHES = st.lists(native_events(extra_fields=3), min_size=0, max_size=4) | st.lists(
    native_events(extra_fields=10), min_size=1, max_size=3
)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    events=BATCHES,
    context=contexts(),
    ensure_ascii=st.booleans(),
    max_bytes=st.sampled_from([SMALL_MESSAGES, 512 * 1024]),
)
@example(events=[BENCH_EVENT], context=CONTEXT, ensure_ascii=False, max_bytes=512 * 1024)
def test_rust_and_python_make_the_same_messages(
    events: list[dict[str, Any]], context: RequestContext, ensure_ascii: bool, max_bytes: int
) -> None:
    check(body_of(events, ensure_ascii), context, max_bytes)


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    url=urls(),
    referrer=urls() | st.sampled_from(["", " ", "\u3000", "google.com/search?q=x", "about:blank"]),
    utm=st.tuples(*[UTM_VALUES] * 5),
)
def test_traffic_rules_agree(url: str, referrer: str, utm: tuple[str, ...]) -> None:
    fields = dict(zip(UTM_FIELDS, utm, strict=True))
    check(body_of([event(url=url, referrer=referrer, **fields)]))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(properties=PROPERTIES, ensure_ascii=st.booleans())
def test_properties_agree(properties: Any, ensure_ascii: bool) -> None:
    check(body_of([event(properties=properties)], ensure_ascii))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(ts=timestamps(), sent_at=timestamps(), context=contexts())
def test_times_agree(ts: Any, sent_at: Any, context: RequestContext) -> None:
    check(body_of([event(ts=ts, sent_at=sent_at)]), context)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(price=MONEY, revenue=MONEY, items=ITEMS, event_type=st.sampled_from(["order", "favorite"]))
def test_money_agrees(price: Any, revenue: Any, items: Any, event_type: str) -> None:
    order = event(type=event_type, price=price, items=items)
    if revenue is not None:
        order["revenue"] = revenue
    check(body_of([order]))


# -- JSON the encoder would not write ---------------------------------------------------------

ID = "0b2a4b8e-8f6e-4c55-9a43-1b0d5c7e9f10"
HAND_WRITTEN = [
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","anonymous_id":"b"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","properties":{{"k":1,"k":2}}}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","properties":{{"k":{{"x":1,"x":2}}}}}}]',
    f'[{{"event_id":"{ID}","type":"order","anonymous_id":"a","items":[{{"product_id":"p","product_id":"q"}}]}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a\\ud800"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a\\ud83d\\ude00"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a\\u0000"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a\tb"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a\\tb"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a\\u0009b","title":"\\/\\"\\\\"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","properties":{{"s":"\\u0001\\ud83d\\ude00"}}}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","screen_width":NaN}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a"}},]',
    f' \n[ {{ "event_id" : "{ID}" , "type" : "page_view" , "anonymous_id" : "a" }} ] \n',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a"}}] x',
    f'\ufeff[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a"}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","price":1e2}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","properties":{{"n":123456789012345678901234567890}}}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","properties":{{"n":18446744073709551615,"m":-9223372036854775808}}}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","properties":{{"n":18446744073709551616}}}}]',
    f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a","properties":{{"f":1.0,"g":1e-7,"h":1E16,"i":0.00001}}}}]',
    '[{"type":"track","event":"Product Added","messageId":"m1","anonymousId":"a"}]',  # Segment
    "[]",
    "[[]]",
    "[1]",
    "[null]",
    '{"batch": []}',
]


@pytest.mark.parametrize("text", HAND_WRITTEN)
def test_hand_written_json_agrees(text: str) -> None:
    check(text.encode())


def test_invalid_utf8_is_left_to_python() -> None:
    body = f'[{{"event_id":"{ID}","type":"page_view","anonymous_id":"a\xff"}}]'.encode("latin-1")
    assert not check(body)


def test_too_many_events_are_left_to_python() -> None:
    # the collector answers 413 on its Python path
    assert NATIVE[(True, 512 * 1024)].pack(body_of([event()] * 501), CONTEXT) is None
    assert NATIVE[(True, 512 * 1024)].pack(body_of([event()] * 500), CONTEXT) is not None
