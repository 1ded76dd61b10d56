"""The snippet's delivery guarantees in headless Chromium: the collector down and back, several
tabs (each keeps its own stored queue; a closed tab's is sent by another), and a 429 with
Retry-After. Every event arrives once on the real
Kafka topic. The shop's pages are on their own origin (and keep working while the collector is
away, because they self-host the snippet)."""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Response

from tests.support.browser import (
    QUEUE_EMPTY,
    ShopSite,
    arrived,
    open_sent,
    stored_events,
    types_and_products,
)
from tests.support.servers import KafkaBroker

pytestmark = [pytest.mark.kafka, pytest.mark.browser]

WAIT_FOR_RETRY_MS = 60_000  # the backoff doubles from 1 s; the collector takes seconds to start


def tried_and_failed(page: Page, count: int) -> AbstractContextManager[Any]:
    """Waits for a batch of `count` events from `page` that could not reach the collector."""

    def batch_of_count(request: Request) -> bool:
        return "/v1/batch" in request.url and len(json.loads(request.post_data or "[]")) == count

    return page.expect_event("requestfailed", batch_of_count, timeout=WAIT_FOR_RETRY_MS)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_events_made_while_the_collector_is_down_arrive_once(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    page = open_sent(context, shop.origin + "/page.html")

    shop.collector.stop()
    with tried_and_failed(page, 2):
        page.evaluate(
            """() => {
            clickstream('favorite', {product_id: 'p-down-1'});
            clickstream('add_to_cart', {product_id: 'p-down-2', price: 10});
        }"""
        )
    # Still down: the next page takes the stored two, adds its page view and keeps trying.
    with tried_and_failed(page, 3):
        page.click("#next")
    assert len(stored_events(page)) == 3
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


def test_tabs_keep_their_own_events_and_send_each_once(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    tabs = [context.new_page(), context.new_page()]
    for tab, path in zip(tabs, ("/page.html", "/page2.html"), strict=True):
        tab.goto(shop.origin + path)
        tab.wait_for_function(QUEUE_EMPTY)

    shop.collector.stop()
    for number, tab in enumerate(tabs):
        with tried_and_failed(tab, 5):  # each tab tries its own five
            tab.evaluate(
                "(tab) => { for (let n = 0; n < 5; n++) clickstream('track', 'tab_' + tab, {n}) }",
                number,
            )
    assert len(stored_events(tabs[0])) == 10
    shop.collector.start()
    for tab in tabs:
        tab.wait_for_function(QUEUE_EMPTY, timeout=WAIT_FOR_RETRY_MS)

    records = arrived(kafka_broker.bootstrap, context, 12)
    made = [r for r in records if r["type"].startswith("tab_")]
    assert sorted((r["type"], r["properties"]["n"]) for r in made) == sorted(
        (f"tab_{number}", str(n)) for number in (0, 1) for n in range(5)
    )
    assert len({r["event_id"] for r in records}) == len(records) == 12


def test_a_closed_tabs_events_are_sent_by_another_tab(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    staying = open_sent(context, shop.origin + "/page.html")
    closing = open_sent(context, shop.origin + "/page2.html")

    shop.collector.stop()
    with tried_and_failed(closing, 3):
        closing.evaluate("() => [0, 1, 2].forEach((n) => clickstream('track', 'closed', {n}))")
    closing.close()  # while the collector is down: nothing could go
    shop.collector.start()
    # The staying tab takes the closed tab's events with its own next event.
    staying.evaluate("() => clickstream('track', 'staying')")
    staying.wait_for_function(QUEUE_EMPTY, timeout=WAIT_FOR_RETRY_MS)

    records = arrived(kafka_broker.bootstrap, context, 6)
    assert sorted(r["type"] for r in records) == ["closed"] * 3 + ["page_view"] * 2 + ["staying"]
    assert len({r["event_id"] for r in records}) == len(records) == 6


# Each tab makes events at random moments, a few milliseconds apart, while the others send theirs.
BUSY_TABS, BUSY_EVENTS = 4, 150
BUSY_TAB = """(tab) => new Promise((done) => {
    let n = 0;
    const next = () => {
        clickstream('track', 'busy_' + tab, {n: n++});
        if (n < EVENTS) setTimeout(next, Math.random() * 20); else done();
    };
    next();
})""".replace("EVENTS", str(BUSY_EVENTS))


def test_busy_tabs_lose_no_event(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    # Tabs that wrote one shared queue lost events here: one tab saved its copy over another's.
    tabs = [open_sent(context, shop.origin + "/page.html") for _ in range(BUSY_TABS)]
    made = [tab.evaluate_handle(BUSY_TAB, number) for number, tab in enumerate(tabs)]
    for tab, handle in zip(tabs, made, strict=True):
        tab.evaluate("(done) => done", handle)  # all of its events made
        tab.wait_for_function(QUEUE_EMPTY, timeout=WAIT_FOR_RETRY_MS)

    made_in_all = BUSY_TABS * (BUSY_EVENTS + 1)  # and a page view each
    records = arrived(kafka_broker.bootstrap, context, made_in_all)
    busy = [(r["type"], int(r["properties"]["n"])) for r in records if r["type"] != "page_view"]
    assert sorted(busy) == sorted(
        (f"busy_{tab}", n) for tab in range(BUSY_TABS) for n in range(BUSY_EVENTS)
    )
    assert len({r["event_id"] for r in records}) == len(records) == made_in_all


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
