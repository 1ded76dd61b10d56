"""The snippet's delivery guarantees in headless Chromium: the collector down and back, several
tabs sharing one stored queue, and a 429 with Retry-After. Every event arrives once on the real
Kafka topic. The shop's pages are on their own origin (and keep working while the collector is
away, because they self-host the snippet)."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Response

from tests.support.browser import QUEUE_EMPTY, ShopSite, arrived, open_sent, types_and_products
from tests.support.servers import KafkaBroker

pytestmark = [pytest.mark.kafka, pytest.mark.browser]

WAIT_FOR_RETRY_MS = 60_000  # the backoff doubles from 1 s; the collector takes seconds to start


def wait_until_tried_and_failed(page: Page, count: int) -> None:
    """`count` events stored, and none held by a send in progress: the send has failed."""
    page.wait_for_function(
        """(count) => {
        const queue = JSON.parse(localStorage.getItem('_cs_q') || '[]');
        return queue.length === count && queue.every((event) => event.lease === 0);
    }""",
        arg=count,
    )


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_events_made_while_the_collector_is_down_arrive_once(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    page = open_sent(context, shop.origin + "/page.html")

    shop.collector.stop()
    page.evaluate(
        """() => {
        clickstream('favorite', {product_id: 'p-down-1'});
        clickstream('add_to_cart', {product_id: 'p-down-2', price: 10});
    }"""
    )
    wait_until_tried_and_failed(page, 2)
    page.click("#next")  # still down: the next page adds its page view and keeps trying
    wait_until_tried_and_failed(page, 3)
    time.sleep(2)
    shop.collector.start()
    page.wait_for_function(QUEUE_EMPTY, timeout=WAIT_FOR_RETRY_MS)

    records = arrived(kafka_broker.bootstrap, context, 4)
    assert types_and_products(records) == [
        ("page_view", ""),
        ("favorite", "p-down-1"),
        ("add_to_cart", "p-down-2"),
        ("page_view", ""),
    ]
    assert len({r["event_id"] for r in records}) == len(records)  # once each on the topic
    favorite = records[1]
    # Sent seconds after it happened, with a fresh sent_at: its own time is kept, not receipt.
    assert favorite["ts"] == favorite["client_ts"] and favorite["clock_skew_ms"] == 0
    assert (parse_time(favorite["received_at"]) - parse_time(favorite["ts"])).total_seconds() > 2


def test_tabs_share_the_stored_events_and_send_each_once(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    tabs = [context.new_page(), context.new_page()]
    for tab, path in zip(tabs, ("/page.html", "/page2.html"), strict=True):
        tab.goto(shop.origin + path)
        tab.wait_for_function(QUEUE_EMPTY)

    shop.collector.stop()
    for number, tab in enumerate(tabs):
        tab.evaluate(
            "(tab) => { for (let n = 0; n < 5; n++) clickstream('track', 'tab_' + tab, {n}) }",
            number,
        )
    for tab in tabs:
        wait_until_tried_and_failed(tab, 10)  # one queue for the origin: both tabs see all ten
    shop.collector.start()
    for tab in tabs:
        tab.wait_for_function(QUEUE_EMPTY, timeout=WAIT_FOR_RETRY_MS)

    records = arrived(kafka_broker.bootstrap, context, 12)
    made = [r for r in records if r["type"].startswith("tab_")]
    assert sorted((r["type"], r["properties"]["n"]) for r in made) == sorted(
        (f"tab_{number}", str(n)) for number in (0, 1) for n in range(5)
    )
    assert len({r["event_id"] for r in records}) == len(records) == 12


def test_rate_limited_sends_wait_as_long_as_retry_after_says(
    kafka_broker: KafkaBroker, context: BrowserContext, tmp_path: Path
) -> None:
    # One request per 4 s for the demo key: the page view passes, the next batch gets a 429.
    limits = {"CLICKSTREAM_KEY_RATE": "0.25", "CLICKSTREAM_KEY_BURST": "1"}
    with ShopSite(tmp_path, kafka_broker.bootstrap, collector_env=limits) as site:
        answers: list[tuple[float, int, str | None]] = []
        requests: list[float] = []

        def answered(response: Response) -> None:
            if "/v1/batch" in response.url:
                retry_after = response.headers.get("retry-after")
                answers.append((time.monotonic(), response.status, retry_after))

        context.on("response", answered)
        context.on("request", lambda r: "/v1/batch" in r.url and requests.append(time.monotonic()))
        page = open_sent(context, site.origin + "/page.html")
        page.evaluate("() => clickstream('favorite', {product_id: 'p-limited'})")
        page.wait_for_function(QUEUE_EMPTY, timeout=WAIT_FOR_RETRY_MS)
        records = arrived(kafka_broker.bootstrap, context, 2)

    assert types_and_products(records) == [
        ("page_view", ""),
        ("favorite", "p-limited"),
    ]
    limited = [(at, retry_after) for at, status, retry_after in answers if status == 429]
    assert limited, answers
    for at, retry_after in limited:
        # Readable across origins (Access-Control-Expose-Headers), and obeyed.
        assert retry_after is not None and int(retry_after) >= 1
        next_request = min(t for t in requests if t > at)
        assert next_request - at >= int(retry_after) - 0.2, (answers, requests)
    assert answers[-1][1] == 200
