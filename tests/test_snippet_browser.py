"""The tracking snippet in headless Chromium against the real collector and Kafka (SPEC section 5).

The demo storefront is served by the collector itself (same origin); the other pages are a shop's
own site on another origin (tests/fixtures/shop, served by a static server, self-hosting a copy of
the snippet) with its origin on the site's allow-list. What arrived is read back from the topic.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from tests.support.browser import (
    QUEUE_EMPTY,
    BatchRequests,
    PageProblems,
    ShopSite,
    arrived,
    launch_with_preferences,
    open_sent,
    stored_events,
    types_and_products,
)
from tests.support.servers import KafkaBroker

pytestmark = [pytest.mark.kafka, pytest.mark.browser]

# Keeps each pageshow (path, restored from the back/forward cache) in sessionStorage.
LOG_PAGESHOWS = """
addEventListener('pageshow', (event) => {
    const shows = JSON.parse(sessionStorage.getItem('shows') || '[]');
    shows.push([location.pathname, event.persisted]);
    sessionStorage.setItem('shows', JSON.stringify(shows));
});
"""
# Keeps the size of each body the page hands to the real sendBeacon, and whether it was queued,
# in sessionStorage, where the next page of the tab can read it.
LOG_BEACONS = """
const sendBeacon = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, body) => {
    const queued = sendBeacon(url, body);
    const log = JSON.parse(sessionStorage.getItem('beacons') || '[]');
    log.push([body.length, queued]);
    sessionStorage.setItem('beacons', JSON.stringify(log));
    return queued;
};
"""


def user_id_for(email: str) -> str:
    """The demo shop's user id for an email (FNV-1a, as demo/shop.js computes it)."""
    value = 0x811C9DC5
    for char in email.strip().lower():
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return f"u-{value:08x}"


def test_demo_storefront_journey(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    collector = shop.collector
    page = context.new_page()
    problems = PageProblems(page)
    landing = collector.url + "/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
    page.goto(landing, referer="https://mail.example.com/")
    page.click("nav >> text=Shoes")
    page.click("[data-product=p-100]")
    page.click("#favorite")
    page.click("#add-to-cart")
    page.click("#view-cart")
    page.click("#checkout")
    page.click("#register-to-order")
    page.fill("#register-form input[name=email]", "ada@example.com")
    page.click("#register-form button")
    page.wait_for_url("**/checkout.html")
    page.click("#place-order")
    page.wait_for_url("**/order.html")
    page.wait_for_function(QUEUE_EMPTY)

    records = arrived(kafka_broker.bootstrap, context, 12)
    steps = [(r["type"], r["path"].removeprefix("/demo/")) for r in records]
    assert steps == [
        ("page_view", ""),
        ("page_view", "category.html"),
        ("page_view", "product.html"),
        ("favorite", "product.html"),
        ("add_to_cart", "product.html"),
        ("page_view", "cart.html"),
        ("page_view", "checkout.html"),
        ("page_view", "register.html"),
        ("register", "register.html"),
        ("page_view", "checkout.html"),
        ("page_view", "order.html"),
        ("order", "order.html"),
    ]
    assert len({r["event_id"] for r in records}) == 12  # each event once on the topic
    assert {r["site_id"] for r in records} == {"demo"}
    assert len({r["session_id"] for r in records}) == 1
    user = user_id_for("ada@example.com")
    registered = steps.index(("register", "register.html"))
    assert [r["user_id"] for r in records] == [""] * registered + [user] * (12 - registered)

    landed = records[0]
    assert (landed["utm_source"], landed["utm_medium"], landed["utm_campaign"]) == (
        "newsletter",
        "email",
        "spring",
    )
    assert landed["referrer"] == "https://mail.example.com/" and landed["channel"] == "email"
    assert landed["url"] == landing and landed["title"] == "Home - Demo shop"
    assert records[1]["referrer"] == landing  # the next page's referrer is the landing page
    assert "Chrome" in landed["browser"] and landed["screen_width"] > 0 and landed["language"]

    by_type = {r["type"]: r for r in records}
    favorite, cart, order = by_type["favorite"], by_type["add_to_cart"], by_type["order"]
    assert (favorite["product_id"], favorite["category"], favorite["price"]) == (
        "p-100",
        "shoes",
        "89.0000",
    )
    assert (cart["product_id"], cart["quantity"], cart["currency"]) == ("p-100", 1, "EUR")
    assert order["revenue"] == "89.0000" and order["items.product_id"] == ["p-100"]
    assert order["order_id"] == page.text_content("#order-id")
    assert by_type["register"]["properties"] == {"method": "email"}
    assert problems.exceptions == [] and problems.console_errors == []


def beacons(page: Page) -> list[tuple[int, bool]]:
    return [
        tuple(entry)
        for entry in page.evaluate("() => JSON.parse(sessionStorage.getItem('beacons') || '[]')")
    ]


def test_calls_made_before_the_snippet_loads_are_replayed(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    requests = BatchRequests(context)
    page = context.new_page()
    page.goto(shop.origin + "/queued.html")
    page.wait_for_function("() => clickstream.loaded")
    page.evaluate("() => clickstream('track', 'share', {network: 'wechat', product_id: 'p-1'})")
    page.wait_for_function(QUEUE_EMPTY)
    records = arrived(kafka_broker.bootstrap, context, 4)
    assert [r["type"] for r in records] == ["page_view", "add_to_cart", "identify", "share"]
    view, cart, identify, share = records
    assert (cart["product_id"], cart["price"], cart["quantity"]) == ("queued-1", "5.0000", 2)
    assert cart["properties"] == {"color": "red"} and cart["user_id"] == ""
    assert identify["user_id"] == share["user_id"] == "u-queued"
    assert share["properties"] == {"network": "wechat"} and share["product_id"] == "p-1"
    assert view["url"] == shop.origin + "/queued.html"
    # Batched: the page view and the replayed calls in one request, the later call in another.
    bodies = [json.loads(r.post_data or "[]") for r in requests.seen]
    assert [[e["type"] for e in body] for body in bodies] == [
        ["page_view", "add_to_cart", "identify"],
        ["share"],
    ]
    for request in requests.seen:  # a "simple" request, which needs no CORS preflight
        assert request.method == "POST" and request.url.endswith("/v1/batch?key=demo-key")
        assert request.headers["content-type"] == "text/plain;charset=UTF-8"
        assert not {"authorization", "x-write-key"} & set(request.headers)


def test_single_page_app_navigations_are_page_views(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto(shop.origin + "/spa/")
    page.click("#to-a")
    page.click("#to-b")
    page.click("#same")  # replaceState to the same URL: no new page view
    page.click("#hash")  # a fragment only: no new page view
    page.go_back()  # to /spa/b
    page.go_back()  # to /spa/a
    page.go_forward()  # to /spa/b
    page.wait_for_function(QUEUE_EMPTY)
    records = arrived(kafka_broker.bootstrap, context, 5)
    assert [(r["type"], r["path"]) for r in records] == [
        ("page_view", "/spa/"),
        ("page_view", "/spa/a"),
        ("page_view", "/spa/b"),
        ("page_view", "/spa/a"),
        ("page_view", "/spa/b"),
    ]
    assert [r["title"] for r in records[:3]] == ["SPA home", "SPA a", "SPA b"]
    urls = [r["url"] for r in records]
    assert urls[2] == shop.origin + "/spa/b?tab=2"
    assert [r["referrer"] for r in records] == [""] + urls[:-1]
    assert len({r["session_id"] for r in records}) == 1


def test_last_events_before_leaving_go_by_beacon(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    context.add_init_script(LOG_BEACONS)
    page = open_sent(context, shop.origin + "/page.html")
    # The batch would wait a second; the page is gone before, to a page without the snippet.
    page.evaluate(
        "() => { clickstream('add_to_cart', {product_id: 'p-last'}); "
        "location.href = '/plain.html' }"
    )
    page.wait_for_url("**/plain.html")
    records = arrived(kafka_broker.bootstrap, context, 2)
    assert types_and_products(records) == [
        ("page_view", ""),
        ("add_to_cart", "p-last"),
    ]
    assert [queued for _, queued in beacons(page)] == [True]


def test_unload_batches_stay_under_64_kb(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    context.add_init_script(LOG_BEACONS)
    page = open_sent(context, shop.origin + "/page.html")
    # 100 events of about 2 KB (the most the snippet keeps), made just before leaving.
    page.evaluate(
        """() => {
        for (let n = 0; n < 100; n++) clickstream('track', 'review', {n, text: 'x'.repeat(1500)});
        document.getElementById('next').click();
    }"""
    )
    page.wait_for_url("**/page2.html")
    page.wait_for_function(QUEUE_EMPTY)
    records = arrived(kafka_broker.bootstrap, context, 102)
    reviews = [r for r in records if r["type"] == "review"]
    assert sorted(int(r["properties"]["n"]) for r in reviews) == list(range(100))
    assert len({r["event_id"] for r in records}) == len(records) == 102
    # Chromium queues keepalive bodies up to 64 KB in all: the first goes, the rest stay stored
    # and the next page sends them.
    sent = beacons(page)
    assert sent[0][1] is True and all(size < 64 * 1024 for size, _ in sent)


def storage_of(page: Page) -> dict[str, Any]:
    """What the snippet keeps in the browser: its cookies and localStorage keys."""
    cookies = page.evaluate("() => document.cookie")
    keys = page.evaluate("() => Object.keys(localStorage)")
    return {
        "cookies": sorted(c.split("=")[0] for c in cookies.split("; ") if c.startswith("_cs_")),
        "local": sorted(k for k in keys if k.startswith("_cs_")),
    }


def test_do_not_track_sends_and_stores_nothing(
    playwright: Playwright, shop: ShopSite, tmp_path: Path
) -> None:
    context = launch_with_preferences(
        playwright, tmp_path / "profile", {"enable_do_not_track": True}
    )
    try:
        requests = BatchRequests(context)
        page = context.new_page()
        problems = PageProblems(page)
        page.goto(shop.origin + "/page.html")
        assert page.evaluate("() => navigator.doNotTrack") == "1"  # the user's real setting
        page.wait_for_function("() => clickstream.loaded")
        page.evaluate(
            "() => { clickstream('favorite', {product_id: 'p-1'}); clickstream('register', 'u-1') }"
        )
        page.click("#next")
        page.wait_for_timeout(2500)
        assert requests.seen == []
        assert storage_of(page) == {"cookies": [], "local": []}
        assert problems.exceptions == [] and problems.console_errors == []
    finally:
        context.close()


def test_consent_switch(kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext) -> None:
    requests = BatchRequests(context)
    page = context.new_page()
    page.goto(shop.origin + "/consent.html")
    page.wait_for_function("() => clickstream.loaded")
    page.evaluate("() => clickstream('favorite', {product_id: 'p-wait'})")
    page.wait_for_timeout(1500)
    assert requests.seen == [] and storage_of(page) == {"cookies": [], "local": []}

    page.evaluate("() => clickstream('consent', true)")  # the visitor agrees: held events go
    page.wait_for_function(QUEUE_EMPTY)
    records = arrived(kafka_broker.bootstrap, context, 2)
    assert types_and_products(records) == [
        ("page_view", ""),
        ("favorite", "p-wait"),
    ]
    assert storage_of(page)["cookies"] == ["_cs_id", "_cs_sid"]

    page.evaluate("() => clickstream('consent', false)")  # withdrawn: forget, send nothing more
    assert storage_of(page) == {"cookies": [], "local": []}
    sent = len(requests.seen)
    page.evaluate("() => clickstream('add_to_cart', {product_id: 'p-no'})")
    page.wait_for_timeout(1500)
    assert len(requests.seen) == sent and storage_of(page) == {"cookies": [], "local": []}


ODD_CALLS = """() => {
    clickstream('no_such_method', 1);
    clickstream('favorite');
    clickstream('favorite', null);
    clickstream('add_to_cart', 'not an object');
    clickstream('order', {items: [{product_id: 'p-1', price: 'abc'}], revenue: -1});
    clickstream('track');
    clickstream('track', 'Not A Valid Name!', {deep: {a: {b: {c: {d: {e: 1}}}}}});
    clickstream('identify');
    clickstream('register', null, 7);
    clickstream('page', {x: undefined});
    clickstream.favorite({product_id: 'p-2'});
    clickstream();
}"""


def test_collector_blocked_no_errors_in_the_page(shop: ShopSite, context: BrowserContext) -> None:
    collector = shop.collector
    context.route(collector.url + "/**", lambda route: route.abort())  # e.g. an ad blocker
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(shop.origin + "/page.html")
    page.wait_for_function("() => clickstream.loaded")
    page.evaluate(ODD_CALLS)
    page.wait_for_timeout(4000)  # the first send and two retries fail
    page.click("#next")
    page.wait_for_function("() => clickstream.loaded")
    page.evaluate(ODD_CALLS)
    page.wait_for_timeout(1500)
    assert problems.exceptions == []
    assert problems.only_network_notices(collector.url)
    assert len(stored_events(page)) > 10  # kept for the next page
    page.evaluate("() => { for (let n = 0; n < 130; n++) clickstream('track', 'bulk', {n}) }")
    kept = stored_events(page)  # at most 100, the oldest dropped
    assert [event["properties"]["n"] for event in kept] == list(range(30, 130))


def test_snippet_blocked_the_demo_still_works(shop: ShopSite, context: BrowserContext) -> None:
    collector = shop.collector
    context.route("**/t.js", lambda route: route.abort())
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(collector.url + "/demo/product.html?id=p-200")
    page.click("#favorite")
    page.click("#add-to-cart")
    page.click("#view-cart")
    page.wait_for_selector("#main >> text=Leather backpack")  # the cart has it
    assert problems.exceptions == []
    assert problems.only_network_notices(collector.url + "/t.js")


def test_no_errors_where_storage_throws(shop: ShopSite, context: BrowserContext) -> None:
    """In a sandboxed frame (an opaque origin) cookies and localStorage throw on every access."""
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(shop.origin + "/plain.html")
    page.evaluate(
        r"""(src) => {
        const frame = document.createElement('iframe');
        frame.sandbox = 'allow-scripts';
        frame.srcdoc = `<script>
            window.clickstream = (...call) => (clickstream.q = clickstream.q || []).push(call);
            clickstream('init', {key: 'demo-key', url: '${src}'});
            clickstream('favorite', {product_id: 'p-1'});
            <\/script><script src="${location.origin}/t.js"><\/script>`;
        document.body.append(frame);
    }""",
        shop.collector.url,
    )
    frame = page.frames[1]
    frame.wait_for_function("() => window.clickstream && clickstream.loaded")
    frame.evaluate(ODD_CALLS)
    page.wait_for_timeout(1500)
    assert problems.exceptions == []


def test_back_and_forward_between_pages_are_page_views(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    """Back and forward restore pages whole from the back/forward cache: no load, no new script
    run, and still a page view each."""
    context.add_init_script(LOG_PAGESHOWS)
    page = open_sent(context, shop.origin + "/page.html")
    page.click("#next")
    for shown, move in ((3, page.go_back), (4, page.go_forward)):
        page.wait_for_function(QUEUE_EMPTY)
        move(wait_until="commit")
        page.wait_for_function(f"() => JSON.parse(sessionStorage.shows).length === {shown}")
    page.wait_for_function(QUEUE_EMPTY)
    shows = page.evaluate("() => JSON.parse(sessionStorage.shows)")
    assert shows == [
        ["/page.html", False],
        ["/page2.html", False],
        ["/page.html", True],
        ["/page2.html", True],
    ]
    records = arrived(kafka_broker.bootstrap, context, 4)
    assert [(r["type"], r["path"]) for r in records] == [
        ("page_view", "/page.html"),
        ("page_view", "/page2.html"),
        ("page_view", "/page.html"),
        ("page_view", "/page2.html"),
    ]
    assert len({r["event_id"] for r in records}) == 4


def test_ids_survive_lost_cookies_and_sessions_roll_after_30_idle_minutes(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    page = context.new_page()
    page.clock.install()  # the page's clock, which the test can move forward
    page.goto(shop.origin + "/page.html")
    page.wait_for_function(QUEUE_EMPTY)
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    now = time.time()
    assert abs(cookies["_cs_sid"]["expires"] - (now + 1800)) < 60  # renewed by each event
    assert abs(cookies["_cs_id"]["expires"] - (now + 400 * 86400)) < 60
    assert cookies["_cs_id"]["sameSite"] == "Lax"

    context.clear_cookies()  # cookies lost: the localStorage copies keep visitor and session
    page.evaluate("() => clickstream('favorite', {product_id: 'p-1'})")
    page.wait_for_function(QUEUE_EMPTY)

    # 31 idle minutes: the page's clock moves on, and the session cookie's own 30-minute
    # lifetime (kept by the browser's clock, which a test cannot move) ends as it would.
    page.clock.fast_forward("31:00")
    context.clear_cookies(name="_cs_sid")
    page.evaluate("() => clickstream('add_to_cart', {product_id: 'p-2'})")
    page.wait_for_function(QUEUE_EMPTY)

    view, favorite, cart = arrived(kafka_broker.bootstrap, context, 3)
    assert (view["type"], favorite["type"], cart["type"]) == (
        "page_view",
        "favorite",
        "add_to_cart",
    )
    assert view["anonymous_id"] == favorite["anonymous_id"] == cart["anonymous_id"]
    assert view["session_id"] == favorite["session_id"] != cart["session_id"]


def test_a_slow_snippet_never_holds_up_the_page(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    """The snippet arrives 2 s late: the page is parsed and usable before, calls made meanwhile
    are queued by the stub and sent once it has loaded."""
    page = context.new_page()
    page.goto(shop.origin + "/slow.html", wait_until="domcontentloaded")
    assert page.evaluate("() => window.clickstream.loaded") is None  # still the stub
    page.click("#favorite")
    page.wait_for_function("() => clickstream.loaded", timeout=10_000)
    page.wait_for_function(QUEUE_EMPTY)
    parsed, snippet_arrived = page.evaluate(
        """() => [
        performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        performance.getEntriesByName(location.origin + '/slow/t.js')[0].responseEnd,
    ]"""
    )
    assert parsed < snippet_arrived - 1000
    records = arrived(kafka_broker.bootstrap, context, 2)
    assert types_and_products(records) == [
        ("page_view", ""),
        ("favorite", "p-slow"),
    ]


def test_a_wrong_browser_clock_is_corrected(
    kafka_broker: KafkaBroker, shop: ShopSite, context: BrowserContext
) -> None:
    """Each send carries its own sent_at, so the collector corrects a browser two hours slow."""
    page = context.new_page()
    page.clock.install(time=datetime.now(UTC) - timedelta(hours=2))
    page.goto(shop.origin + "/page.html")
    page.wait_for_function(QUEUE_EMPTY)
    (view,) = arrived(kafka_broker.bootstrap, context, 1)
    assert abs(view["clock_skew_ms"] - 2 * 3600 * 1000) < 60_000
    stored, received = (datetime.fromisoformat(view[name]) for name in ("ts", "received_at"))
    assert timedelta(0) <= received - stored < timedelta(seconds=5)
