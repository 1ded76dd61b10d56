"""The collector over HTTP against the real Kafka broker: what a 2xx puts on the topic."""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.support.collector import CollectorProcess
from tests.support.servers import KafkaBroker
from tests.support.topics import read_topic

EVENTS_TOPIC = "clickstream.events"
DEAD_LETTER_TOPIC = "clickstream.dead_letters"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


def event(**fields: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "page_view",
        "anonymous_id": "visitor-1",
        "ts": "2026-11-20T10:00:00.000Z",
    } | fields


def test_accepted_events_are_on_the_topic_enriched(
    collector: CollectorProcess, kafka_broker: KafkaBroker
) -> None:
    view = event(
        url="https://shop.example/p/42?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
        referrer="https://mail.google.com/",
        session_id="s1",
    )
    order = event(
        type="order",
        order_id="o-1",
        revenue="99.50",
        currency="CNY",
        user_id="u-1",
        items=[{"product_id": "p-42", "price": "49.75", "quantity": 2}],
        sent_at="2026-11-20T10:00:00.000Z",
    )
    response = httpx.post(
        collector.url + "/v1/batch",
        json=[view, order],
        headers={"X-Write-Key": "shop-key", "User-Agent": CHROME, "X-Forwarded-For": "1.2.3.4"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 2, "rejected": []}

    found = read_topic(kafka_broker.bootstrap, EVENTS_TOPIC, {view["event_id"], order["event_id"]})
    stored_view, stored_order = found[view["event_id"]], found[order["event_id"]]
    assert stored_view["site_id"] == "shop"
    assert stored_view["utm_campaign"] == "spring" and stored_view["channel"] == "email"
    assert stored_view["browser"] == "Chrome" and stored_view["device_class"] == "desktop"
    # uvicorn trusts X-Forwarded-For from a loopback proxy; the address is cut to its /24.
    assert stored_view["ip_prefix"] == "1.2.3.0"
    assert "1.2.3.4" not in str(stored_view)
    assert stored_view["ts"] == "2026-11-20 10:00:00.000" and stored_view["is_late"] == 1
    assert stored_view["_key"] == b"shop/visitor-1"
    assert stored_order["revenue"] == "99.5000" and stored_order["items.quantity"] == [2]
    # sent_at lies days before receipt: the client's clock is corrected towards ours.
    assert stored_order["clock_skew_ms"] > 0 and stored_order["ts"] > "2026-11-20 10:00:00.000"
    assert stored_order["_partition"] == stored_view["_partition"]  # one visitor, one partition
    assert all(copy["_copies"] == 1 for copy in found.values())


def test_mixed_batch_accepts_good_and_dead_letters_bad(
    collector: CollectorProcess, kafka_broker: KafkaBroker
) -> None:
    good = event()
    bad_price = event(type="add_to_cart", price=-5)
    bad_type = event(type="Not A Type")
    response = httpx.post(
        collector.url + "/v1/batch",
        json={"batch": [good, bad_price, bad_type], "writeKey": "shop-key"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [(1, "price"), (2, "type")]
    assert body["rejected"][0]["event_id"] == bad_price["event_id"]

    assert set(read_topic(kafka_broker.bootstrap, EVENTS_TOPIC, {good["event_id"]})) == {
        good["event_id"]
    }
    dead = read_topic(
        kafka_broker.bootstrap, DEAD_LETTER_TOPIC, {bad_price["event_id"], bad_type["event_id"]}
    )
    assert dead[bad_price["event_id"]]["field"] == "price"
    assert "between 0 and" in dead[bad_price["event_id"]]["reason"]
    assert dead[bad_type["event_id"]]["stage"] == "collector"


def test_segment_payloads_are_translated(
    collector: CollectorProcess, kafka_broker: KafkaBroker
) -> None:
    message_id = "ajs-next-1700000000000-abc"
    payload = {
        "batch": [
            {
                "type": "track",
                "event": "Product Added",
                "messageId": message_id,
                "anonymousId": "seg-anon",
                "timestamp": "2026-11-20T10:00:00Z",
                "properties": {"product_id": "p-7", "price": 12.5, "quantity": 1, "color": "red"},
                "context": {
                    "campaign": {"source": "google", "medium": "cpc", "name": "brand"},
                    "userAgent": CHROME,
                },
            },
        ],
        "sentAt": "2026-11-20T10:00:00Z",
    }
    auth = httpx.BasicAuth("shop-key", "")
    response = httpx.post(collector.url + "/v1/batch", json=payload, auth=auth)
    assert response.status_code == 200 and response.json()["accepted"] == 1
    expected_id = str(uuid.uuid5(uuid.UUID("5b0c7a64-3e0e-4b53-9a43-6f2d0b6a2c11"), message_id))
    stored = read_topic(kafka_broker.bootstrap, EVENTS_TOPIC, {expected_id})[expected_id]
    assert stored["type"] == "add_to_cart" and stored["event_name"] == "Product Added"
    assert stored["product_id"] == "p-7" and stored["price"] == "12.5000"
    assert stored["channel"] == "paid" and stored["utm_campaign"] == "brand"
    assert stored["properties"] == {"color": "red"}


def test_text_plain_and_gzip_bodies(collector: CollectorProcess, kafka_broker: KafkaBroker) -> None:
    beacon, zipped = event(), event()
    response = httpx.post(
        collector.url + "/v1/batch?key=shop-key",
        content=orjson.dumps([beacon]),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
    )
    assert response.status_code == 200, response.text
    response = httpx.post(
        collector.url + "/v1/batch",
        content=gzip.compress(orjson.dumps([zipped])),
        headers={
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "X-Write-Key": "shop-key",
        },
    )
    assert response.status_code == 200, response.text
    found = read_topic(
        kafka_broker.bootstrap, EVENTS_TOPIC, {beacon["event_id"], zipped["event_id"]}
    )
    assert len(found) == 2


@pytest.mark.parametrize(
    ("request_kwargs", "status", "message"),
    [
        ({"json": [event()]}, 401, "write key missing"),
        ({"json": [event()], "headers": {"X-Write-Key": "nope"}}, 401, "unknown write key"),
        (
            {
                "content": b"{not json",
                "headers": {"X-Write-Key": "shop-key", "Content-Type": "application/json"},
            },
            400,
            "not valid JSON",
        ),
        (
            {
                "content": b"<x/>",
                "headers": {"X-Write-Key": "shop-key", "Content-Type": "application/xml"},
            },
            415,
            "unsupported media type",
        ),
        (
            {"content": b"[" + b" " * 600_000 + b"]", "headers": {"X-Write-Key": "shop-key"}},
            413,
            "larger than",
        ),
        (
            {
                "content": gzip.compress(b"[" + b" " * 5_000_000 + b"]"),
                "headers": {"X-Write-Key": "shop-key", "Content-Encoding": "gzip"},
            },
            413,
            "larger than",
        ),
        ({"json": {"nope": 1}, "headers": {"X-Write-Key": "shop-key"}}, 400, "array of events"),
        ({"json": [1], "headers": {"X-Write-Key": "shop-key"}}, 400, ""),
    ],
)
def test_bad_requests_get_clear_4xx(
    collector: CollectorProcess, request_kwargs: dict[str, Any], status: int, message: str
) -> None:
    response = httpx.post(collector.url + "/v1/batch", **request_kwargs)
    assert response.status_code == status, response.text
    assert message in response.text


def test_pixel_health_and_metrics(collector: CollectorProcess, kafka_broker: KafkaBroker) -> None:
    event_id = str(uuid.uuid4())
    response = httpx.get(
        collector.url + "/v1/p.gif",
        params={
            "key": "shop-key",
            "event_id": event_id,
            "anonymous_id": "px",
            "url": "https://s.example/",
        },
    )
    assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
    assert event_id in read_topic(kafka_broker.bootstrap, EVENTS_TOPIC, {event_id})
    assert httpx.get(collector.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(collector.url + "/readyz").json()["ready"] is True
    assert "clickstream_events_accepted" in httpx.get(collector.url + "/metrics").text


def test_spool_file_is_in_the_data_dir(collector: CollectorProcess) -> None:
    assert list(Path(collector.data_dir, "spool").glob("spool-*.sqlite"))


def test_native_and_python_paths_store_the_same_records(
    collector: CollectorProcess, kafka_broker: KafkaBroker, tmp_path: Path
) -> None:
    """The same events posted to this collector (Rust intake when built) and to one on the
    Python path (CLICKSTREAM_NATIVE=0) land on the topic alike, answer alike, same keys."""
    python_path = CollectorProcess(
        tmp_path, kafka_broker.bootstrap, extra_env={"CLICKSTREAM_NATIVE": "0"}
    )
    python_path.start()
    try:
        events = [
            event(
                url="https://shop.example/p/1?utm_source=google&utm_medium=cpc&gclid=g",
                referrer="https://www.google.com/",
                properties={"tags": ["a", 1.5], "coupon": "X"},
            ),
            event(type="order", user_id="u-1", items=[{"product_id": "p", "price": 19.99}]),
            event(type="add_to_cart", anonymous_id="visitor-2", product_id="p", price="5"),
        ]
        ids: dict[str, list[str]] = {}
        for name, server in (("native", collector), ("python", python_path)):
            sent = [e | {"event_id": str(uuid.uuid4())} for e in events]
            response = httpx.post(
                server.url + "/v1/batch",
                content=orjson.dumps(sent),
                headers={"X-Write-Key": "shop-key", "User-Agent": CHROME},
            )
            assert response.status_code == 200 and response.json() == {
                "accepted": 3,
                "rejected": [],
            }
            ids[name] = [e["event_id"] for e in sent]
        found = read_topic(kafka_broker.bootstrap, EVENTS_TOPIC, {*ids["native"], *ids["python"]})
    finally:
        python_path.stop()
    for native_id, python_id in zip(ids["native"], ids["python"], strict=True):
        native, python = found[native_id], found[python_id]
        assert native.pop("received_at") and python.pop("received_at")
        assert native.pop("event_id") == native_id and python.pop("event_id") == python_id
        if native["type"] == "order":  # its order_id defaults to its event_id
            assert native.pop("order_id") == native_id and python.pop("order_id") == python_id
        assert native == python
