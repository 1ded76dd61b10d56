"""Third-party clients and hostile input against the running collector (real Kafka behind it)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import segment.analytics as segment_analytics
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kafka import KafkaConsumer

from schemas.messages import unpack
from tests.support.collector import CollectorProcess
from tests.support.servers import KafkaBroker


def records_by_anonymous_id(bootstrap: str, anonymous_id: str) -> list[dict[str, Any]]:
    consumer = KafkaConsumer(
        "clickstream.events",
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        consumer_timeout_ms=3000,
    )
    found = [
        record
        for message in consumer
        for record in unpack(message.value)
        if record["anonymous_id"] == anonymous_id
    ]
    consumer.close()
    return found


def test_official_segment_python_library_delivers(
    collector: CollectorProcess, kafka_broker: KafkaBroker
) -> None:
    errors: list[Exception] = []
    client = segment_analytics.Client(
        write_key="shop-key",
        host=collector.url,
        on_error=lambda e, _: errors.append(e),
        gzip=True,
    )
    anonymous_id = f"seg-{uuid.uuid4().hex[:8]}"
    client.page(
        anonymous_id=anonymous_id,
        category="Docs",
        name="Pricing",
        properties={"url": "https://shop.example/pricing", "title": "Pricing"},
    )
    client.track(
        anonymous_id=anonymous_id,
        event="Product Added",
        properties={"product_id": "p-9", "price": 19.99, "quantity": 2},
    )
    client.track(
        anonymous_id=anonymous_id,
        event="Order Completed",
        user_id="u-77",
        properties={
            "order_id": "o-5",
            "revenue": 39.98,
            "currency": "USD",
            "products": [{"product_id": "p-9", "price": 19.99, "quantity": 2}],
        },
    )
    client.identify(anonymous_id=anonymous_id, user_id="u-77", traits={"plan": "gold"})
    client.track(anonymous_id=anonymous_id, event="Coupon Applied", properties={"code": "X"})
    client.flush()
    client.shutdown()
    assert errors == []

    stored = {r["type"]: r for r in records_by_anonymous_id(kafka_broker.bootstrap, anonymous_id)}
    assert set(stored) == {"page_view", "add_to_cart", "order", "identify", "coupon_applied"}
    assert stored["page_view"]["url"] == "https://shop.example/pricing"
    assert stored["add_to_cart"]["quantity"] == 2
    assert stored["order"]["revenue"] == "39.9800" and stored["order"]["items.product_id"] == [
        "p-9"
    ]
    assert stored["identify"]["user_id"] == "u-77"
    assert stored["identify"]["properties"] == {"plan": "gold"}
    assert stored["coupon_applied"]["event_name"] == "Coupon Applied"
    assert all(r["site_id"] == "shop" for r in stored.values())


@pytest.mark.parametrize(
    ("path", "message", "expected"),
    [
        ("screen", {"name": "Basket"}, {"type": "page_view", "event_name": "Basket"}),
        ("s", {"name": "Basket"}, {"type": "page_view", "event_name": "Basket"}),
        ("alias", {"userId": "u-al", "previousId": "{id}"}, {"type": "alias", "user_id": "u-al"}),
        ("a", {"userId": "u-al", "previousId": "{id}"}, {"type": "alias", "user_id": "u-al"}),
        ("group", {"anonymousId": "{id}", "groupId": "g-1"}, {"type": "group"}),
        ("g", {"anonymousId": "{id}", "groupId": "g-1"}, {"type": "group"}),
        ("t", {"anonymousId": "{id}", "event": "Product Added"}, {"type": "add_to_cart"}),
        ("p", {"anonymousId": "{id}", "name": "Home"}, {"type": "page_view"}),
        ("i", {"anonymousId": "{id}", "userId": "u-i"}, {"type": "identify", "user_id": "u-i"}),
    ],
)
def test_every_segment_call_path_takes_its_call(
    collector: CollectorProcess,
    kafka_broker: KafkaBroker,
    path: str,
    message: dict[str, str],
    expected: dict[str, str],
) -> None:
    """Segment's HTTP API has one endpoint per call, and its libraries post to short paths
    (/v1/t, /v1/p, ...): a message there need not say its call type."""
    anonymous_id = f"call-{uuid.uuid4().hex[:8]}"
    body = {key: value.replace("{id}", anonymous_id) for key, value in message.items()}
    body |= {"messageId": f"ajs-next-{uuid.uuid4().hex}", "anonymousId": anonymous_id}
    if path in ("alias", "a"):
        del body["anonymousId"]  # alias(userId, previousId): the previous id is the visitor
    response = httpx.post(
        f"{collector.url}/v1/{path}", json=body, auth=("shop-key", ""), timeout=10
    )
    assert response.status_code == 200 and response.json()["accepted"] == 1, response.text
    (stored,) = records_by_anonymous_id(kafka_broker.bootstrap, anonymous_id)
    assert {key: stored[key] for key in expected} == expected


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
FIELDS = st.sampled_from(
    [
        "event_id",
        "type",
        "anonymous_id",
        "user_id",
        "ts",
        "sent_at",
        "price",
        "quantity",
        "items",
        "properties",
        "revenue",
        "currency",
        "url",
        "referrer",
        "messageId",
        "anonymousId",
        "event",
        "context",
        "timestamp",
        "sentAt",
        "traits",
        "screen_width",
        "ip",
    ]
)
EVENTS = st.dictionaries(FIELDS, JSON, max_size=8) | st.fixed_dictionaries(
    {
        "event_id": st.uuids().map(str),
        "type": st.sampled_from(["page_view", "order", "Bad"]),
        "anonymous_id": st.text(max_size=5),
    },
    optional={"price": JSON, "items": JSON, "properties": JSON, "ts": JSON},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.lists(EVENTS, max_size=4), EVENTS, JSON))
def test_fuzzed_bodies_never_get_a_5xx(collector: CollectorProcess, body: Any) -> None:
    for path in ("/v1/batch", "/v1/track"):
        response = httpx.post(collector.url + path, json=body, headers={"X-Write-Key": "shop-key"})
        assert response.status_code < 500, response.text
        assert "internal error" not in response.text
        if response.status_code == 400:
            assert "error" in response.json() or response.json()["rejected"]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00",
        b"[" * 100_000,
        b'{"batch": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'[{"event_id": "' + b"\\ud800" + b'"}]',
        b"null",
        b"1e999999",
    ],
)
def test_hostile_bodies_get_4xx(collector: CollectorProcess, content: bytes) -> None:
    response = httpx.post(
        collector.url + "/v1/batch",
        content=content,
        headers={"X-Write-Key": "shop-key", "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text


def test_cors_preflight_and_origin_allow_list(kafka_broker: KafkaBroker, tmp_path) -> None:
    process = CollectorProcess(
        tmp_path,
        kafka_broker.bootstrap,
        extra_env={"CLICKSTREAM_ALLOWED_ORIGINS": "shop=https://shop.example"},
    )
    process.start()
    try:
        allowed = httpx.options(
            process.url + "/v1/batch?key=shop-key",
            headers={
                "Origin": "https://shop.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert allowed.status_code == 204
        assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
        denied = httpx.options(
            process.url + "/v1/batch?key=shop-key",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert denied.status_code == 403
        event = {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": "c"}
        post = httpx.post(
            process.url + "/v1/batch?key=shop-key",
            json=[event],
            headers={"Origin": "https://evil.example"},
        )
        assert post.status_code == 403 and "not allowed" in post.json()["error"]
        post = httpx.post(
            process.url + "/v1/batch?key=shop-key",
            json=[event],
            headers={"Origin": "https://shop.example"},
        )
        assert post.status_code == 200
        assert post.headers["access-control-allow-origin"] == "https://shop.example"
    finally:
        process.stop()


def test_rate_limits_answer_429_with_retry_after(kafka_broker: KafkaBroker, tmp_path) -> None:
    process = CollectorProcess(
        tmp_path,
        kafka_broker.bootstrap,
        extra_env={"CLICKSTREAM_IP_RATE": "1", "CLICKSTREAM_IP_BURST": "3"},
    )
    process.start()
    try:
        statuses = []
        for _ in range(6):
            event = {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": "r"}
            response = httpx.post(
                process.url + "/v1/batch", json=[event], headers={"X-Write-Key": "shop-key"}
            )
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert int(response.headers["retry-after"]) >= 1
        assert statuses[:3] == [200, 200, 200] and 429 in statuses[3:]
    finally:
        process.stop()


def test_several_uvicorn_workers_accept_events(kafka_broker: KafkaBroker, tmp_path) -> None:
    process = CollectorProcess(tmp_path, kafka_broker.bootstrap, workers=2)
    process.start()
    try:
        visitor = f"workers-{uuid.uuid4().hex[:6]}"
        for _ in range(20):
            event = {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": visitor}
            response = httpx.post(
                process.url + "/v1/batch", json=[event], headers={"X-Write-Key": "shop-key"}
            )
            assert response.status_code == 200
        assert len(list((tmp_path / "spool").glob("spool-*.sqlite"))) == 2
    finally:
        process.stop()
    assert len(records_by_anonymous_id(kafka_broker.bootstrap, visitor)) == 20
