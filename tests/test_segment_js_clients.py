"""Segment's own JavaScript libraries pointed at the collector, unchanged (SPEC section 4): the
Node library (`@segment/analytics-node`, a shop's server) and analytics.js
(`@segment/analytics-next`, in headless Chromium on the shop's own origin). Both are installed
from npm into tests/clients by `make deps`. What arrived is read back from the Kafka topic.

analytics.js posts each call to the short paths of Segment's API (/v1/t, /v1/p, /v1/i, ...) or,
with its batching delivery, to /v1/b; the Node library posts to /v1/batch.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext

from tests.support.browser import PageProblems, ShopSite
from tests.support.collector import CollectorProcess
from tests.support.servers import KafkaBroker
from tests.support.topics import Record, of_visitor, wait_for_records

pytestmark = pytest.mark.kafka

CLIENTS = Path(__file__).parent / "clients"
MODULES = CLIENTS / "node_modules" / "@segment"


def installed(package: str) -> Path:
    path = MODULES / package
    if not path.is_dir():  # not a skip: these clients are part of what the tests prove
        raise RuntimeError(f"tests/clients is not installed: run `make deps` ({path} missing)")
    return path


def by_type(records: list[Record]) -> dict[str, Record]:
    found: dict[str, Record] = {}
    for record in records:
        assert record["type"] not in found, f"{record['type']} arrived twice"
        found[record["type"]] = record
    return found


def test_segment_node_library_delivers(
    collector: CollectorProcess, kafka_broker: KafkaBroker
) -> None:
    installed("analytics-node")
    anonymous_id = f"node-{uuid.uuid4().hex[:8]}"
    completed = subprocess.run(
        ["node", str(CLIENTS / "segment_node.mjs"), collector.url, "shop-key", anonymous_id],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    assert answer["errors"] == [] and answer["requests"] >= 1, completed.stderr

    wanted = of_visitor(anonymous_id)
    records = wait_for_records(
        kafka_broker.bootstrap,
        lambda r: wanted(r) or r["anonymous_id"] == f"{anonymous_id}-old",
        count=7,
    )
    page_views = sorted((r for r in records if r["type"] == "page_view"), key=lambda r: r["url"])
    stored = by_type([r for r in records if r["type"] != "page_view"])
    assert set(stored) == {"add_to_cart", "identify", "order", "group", "alias"}, sorted(stored)
    screen, page = page_views  # a screen call is a page view too, with its name and no URL
    assert page["url"] == "https://shop.example/pricing" and page["event_name"] == "Pricing"
    assert page["path"] == "/pricing" and page["title"] == "Pricing"
    assert screen["url"] == "" and screen["event_name"] == "Basket"
    assert stored["add_to_cart"]["product_id"] == "p-9" and stored["add_to_cart"]["quantity"] == 2
    assert stored["identify"]["user_id"] == "node-u-1"
    assert stored["identify"]["properties"] == {"plan": "gold"}
    assert stored["order"]["order_id"] == "node-o-1" and stored["order"]["currency"] == "EUR"
    assert stored["order"]["items.product_id"] == ["p-9"]
    assert stored["group"]["properties"]["group_id"] == "acme"
    # alias(userId, previousId): the earlier id is linked to the user
    assert stored["alias"]["anonymous_id"] == f"{anonymous_id}-old"
    assert stored["alias"]["user_id"] == "node-u-1"
    assert all(r["site_id"] == "shop" for r in records)


SEGMENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Segment shop</title>
<script src="/analytics-next/index.js"></script>
</head><body><h1>A shop that uses analytics.js</h1>
<script>
window.sent = (async () => {
  const params = new URLSearchParams(location.search);
  const segmentio = { apiKey: 'demo-key', apiHost: params.get('api'), protocol: 'http' };
  if (params.get('batching')) {
    segmentio.deliveryStrategy = { strategy: 'batching', config: { size: 4, timeout: 300 } };
  }
  const [analytics] = await AnalyticsNext.AnalyticsBrowser.load(
    { writeKey: 'demo-key', cdnSettings: { integrations: { 'Segment.io': segmentio } } },
    { integrations: { 'Segment.io': segmentio } },
  );
  await analytics.page('Shoes', { category_page: true });
  await analytics.track('Product Added', { product_id: 'js-1', price: 12.5, quantity: 3 });
  await analytics.track('Product Added to Wishlist', { product_id: 'js-2' });
  await analytics.identify('js-user-1', { email_domain: 'example.org' });
  await analytics.track('Order Completed', {
    order_id: 'js-o-1', revenue: 37.5, currency: 'EUR',
    products: [{ product_id: 'js-1', price: 12.5, quantity: 3 }],
  });
  return analytics.user().anonymousId();
})();
</script></body></html>
"""


def send_from_browser(shop: ShopSite, context: BrowserContext, batching: bool) -> str:
    installed("analytics-next")
    bundle = shop.root / "analytics-next"
    if not bundle.exists():
        shutil.copytree(MODULES / "analytics-next" / "dist" / "umd", bundle)
    (shop.root / "segment.html").write_text(SEGMENT_PAGE)
    page = context.new_page()
    problems = PageProblems(page)
    api = shop.collector.url.removeprefix("http://") + "/v1"
    query = f"api={api}" + ("&batching=1" if batching else "")
    statuses: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda response: (
            response.url.startswith(shop.collector.url)
            and statuses.append((response.url.removeprefix(shop.collector.url), response.status))
        ),
    )
    page.goto(f"{shop.origin}/segment.html?{query}")
    anonymous_id: Any = page.evaluate("window.sent")
    page.wait_for_timeout(1500)  # the batching delivery sends after its timeout
    page.close()
    assert problems.exceptions == [] and problems.console_errors == [], (
        problems.exceptions,
        [m.text for m in problems.console_errors],
    )
    assert statuses and all(status == 200 for _, status in statuses), statuses
    paths = {path for path, _ in statuses}
    assert paths <= ({"/v1/b"} if batching else {"/v1/p", "/v1/t", "/v1/i"}), paths
    return str(anonymous_id)


@pytest.mark.browser
@pytest.mark.parametrize("batching", [False, True], ids=["per-call", "batching"])
def test_analytics_js_in_the_browser_delivers(
    shop: ShopSite, context: BrowserContext, kafka_broker: KafkaBroker, batching: bool
) -> None:
    anonymous_id = send_from_browser(shop, context, batching)
    stored = by_type(wait_for_records(kafka_broker.bootstrap, of_visitor(anonymous_id), count=5))
    assert set(stored) == {"page_view", "add_to_cart", "favorite", "identify", "order"}
    page_view = stored["page_view"]
    assert page_view["url"].startswith(f"{shop.origin}/segment.html")
    assert page_view["path"] == "/segment.html" and page_view["title"] == "Segment shop"
    assert page_view["event_name"] == "Shoes"
    assert "Chrome" in page_view["browser"]  # enriched from the browser's user agent
    assert stored["add_to_cart"]["product_id"] == "js-1" and stored["add_to_cart"]["quantity"] == 3
    assert stored["favorite"]["product_id"] == "js-2"
    assert stored["identify"]["user_id"] == "js-user-1"
    assert stored["order"]["user_id"] == "js-user-1"
    assert stored["order"]["revenue"] == "37.5000" and stored["order"]["currency"] == "EUR"
    assert len({r["session_id"] for r in stored.values()}) == 1  # one session for the visit
    assert all(r["site_id"] == "demo" for r in stored.values())
