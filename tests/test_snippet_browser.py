"""The tracking snippet in headless Chromium against the real collector and Kafka (SPEC section 5).

The demo storefront is served by the collector itself (same origin); the other pages are a shop's
own site on another origin (tests/fixtures/shop, served by a static server, self-hosting a copy of
the snippet) with its origin on the site's allow-list. What arrived is read back from the topic.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

from tests.support.browser import ShopSite, launch, launch_with_preferences, playwright_session
from tests.support.collector import CollectorProcess
from tests.support.servers import KafkaBroker
from tests.support.topic import in_event_order, of_visitor, wait_for_records

pytestmark = [pytest.mark.kafka, pytest.mark.browser]

DEMO_KEYS = "demo:demo-key"
QUEUE_EMPTY = "() => JSON.parse(localStorage.getItem('_cs_q') || '[]').length === 0"


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with playwright_session() as session:
        yield session


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch(playwright)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopSite]:
    site = ShopSite(tmp_path_factory.mktemp("shop"))
    site.start()
    try:
        yield site
    finally:
        site.stop()


def demo_collector_process(data_dir: Path, bootstrap: str, shop: ShopSite, **env: str):
    """A collector for the demo site whose allow-list has the shop's origin (and no other)."""
    extra_env = {"CLICKSTREAM_ALLOWED_ORIGINS": f"demo={shop.origin}", **env}
    return CollectorProcess(data_dir, bootstrap, write_keys=DEMO_KEYS, extra_env=extra_env)


@pytest.fixture(scope="module")
def collector(
    kafka_broker: KafkaBroker, shop: ShopSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CollectorProcess]:
    process = demo_collector_process(
        tmp_path_factory.mktemp("collector"), kafka_broker.bootstrap, shop
    )
    process.start()
    shop.set_collector(process.url)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    try:
        yield context
    finally:
        context.close()


class PageProblems:
    """Errors a page shows: uncaught exceptions, and console messages of level error."""

    def __init__(self, page: Page) -> None:
        self.exceptions: list[str] = []
        self.console_errors: list[ConsoleMessage] = []
        page.on("pageerror", lambda error: self.exceptions.append(str(error)))
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message),
        )


def visitor_of(context: BrowserContext) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "_cs_id")


def user_id_for(email: str) -> str:
    """The demo shop's user id for an email (FNV-1a, as demo/shop.js computes it)."""
    value = 0x811C9DC5
    for char in email.strip().lower():
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return f"u-{value:08x}"


def arrived(kafka_broker: KafkaBroker, context: BrowserContext, count: int) -> list[dict[str, Any]]:
    return in_event_order(
        wait_for_records(kafka_broker.bootstrap, of_visitor(visitor_of(context)), count)
    )


def test_demo_storefront_journey(
    collector: CollectorProcess, kafka_broker: KafkaBroker, context: BrowserContext
) -> None:
    page = context.new_page()
    problems = PageProblems(page)
    landing = collector.url + "/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=spring"
    page.goto(landing, referer="https://mail.example.com/")
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

    records = arrived(kafka_broker, context, 11)
    steps = [(r["type"], r["path"].removeprefix("/demo/")) for r in records]
    assert steps == [
        ("page_view", ""),
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
    assert len({r["event_id"] for r in records}) == 11  # each event once on the topic
    assert {r["site_id"] for r in records} == {"demo"}
    assert len({r["session_id"] for r in records}) == 1
    user = user_id_for("ada@example.com")
    registered = steps.index(("register", "register.html"))
    assert [r["user_id"] for r in records] == [""] * registered + [user] * (11 - registered)

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

    favorite, cart = records[2], records[3]
    assert (favorite["product_id"], favorite["category"], favorite["price"]) == (
        "p-100",
        "shoes",
        "89.0000",
    )
    assert (cart["product_id"], cart["quantity"], cart["currency"]) == ("p-100", 1, "EUR")
    order = records[-1]
    assert order["revenue"] == "89.0000" and order["items.product_id"] == ["p-100"]
    assert order["order_id"] == page.text_content("#order-id")
    assert records[7]["properties"] == {"method": "email"}
    assert problems.exceptions == [] and problems.console_errors == []
