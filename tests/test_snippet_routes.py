"""What the collector serves for the snippet and the demo storefront, and how it answers browsers
on other origins (CORS), over real HTTP."""

from __future__ import annotations

import uuid

import httpx
import orjson
import pytest

from ingest.static_routes import DEMO_PAGES, SNIPPET_FILE
from tests.support.browser import ShopSite

pytestmark = pytest.mark.kafka


def test_snippet_is_served_gzipped_with_long_caching(shop: ShopSite) -> None:
    url = shop.collector.url
    with httpx.Client(headers={"Accept-Encoding": "gzip"}) as client:
        response = client.get(url + "/t.js")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/javascript; charset=utf-8"
        assert response.headers["cache-control"].startswith("public, max-age=86400")
        assert response.headers["content-encoding"] == "gzip"
        assert int(response.headers["content-length"]) <= 2048
        assert response.content == SNIPPET_FILE.read_bytes()
        etag = response.headers["etag"]
        again = client.get(url + "/t.js", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""

        version = etag.strip('"')
        pinned = client.get(f"{url}/t/{version}.js")
        assert pinned.status_code == 200 and pinned.content == response.content
        assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"
        stale = client.get(url + "/t/0123456789abcdef.js")
        assert stale.status_code == 307 and stale.headers["location"] == "/t.js"

    plain = httpx.get(url + "/t.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == SNIPPET_FILE.read_bytes()


def test_demo_storefront_pages_are_served(shop: ShopSite) -> None:
    url = shop.collector.url
    redirect = httpx.get(url + "/demo")
    assert redirect.status_code in (301, 307) and redirect.headers["location"].endswith("/demo/")
    home = httpx.get(url + "/demo/")
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    for name, title in DEMO_PAGES.items():
        page = httpx.get(f"{url}/demo/{name}.html")
        assert page.status_code == 200 and f"<title>{title} - Demo shop</title>" in page.text
        assert f'data-page="{name}"' in page.text
        assert "clickstream('init', { key: 'demo-key' })" in page.text
        assert '<script async src="/t.js"></script>' in page.text
    assert home.text == httpx.get(url + "/demo/index.html").text
    assert httpx.get(url + "/demo/shop.js").status_code == 200
    assert httpx.get(url + "/demo/shop.css").status_code == 200
    missing = httpx.get(url + "/demo/nope.html")
    assert missing.status_code == 404 and missing.json()["error"]


def beacon(url: str, origin: str, key: str = "demo-key") -> httpx.Response:
    """A POST as sendBeacon makes it: text/plain, the key in the query string, an Origin."""
    event = {"event_id": str(uuid.uuid4()), "type": "page_view", "anonymous_id": "cors-test"}
    return httpx.post(
        f"{url}/v1/batch?key={key}",
        content=orjson.dumps([event]),
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": origin},
    )


def test_cors_for_the_allowed_origin_the_collector_itself_and_refusals(shop: ShopSite) -> None:
    url = shop.collector.url
    allowed = beacon(url, shop.origin)
    assert allowed.status_code == 200 and allowed.json()["accepted"] == 1
    assert allowed.headers["access-control-allow-origin"] == shop.origin
    assert allowed.headers["access-control-expose-headers"] == "Retry-After"

    same_origin = beacon(url, url)  # the demo storefront, served by the collector itself
    assert same_origin.status_code == 200
    assert same_origin.headers["access-control-allow-origin"] == url

    # Refusals name the origin too, so the page can read why (and stops retrying).
    other = beacon(url, "https://elsewhere.example")
    assert other.status_code == 403 and "not allowed" in other.json()["error"]
    assert other.headers["access-control-allow-origin"] == "https://elsewhere.example"
    unknown_key = beacon(url, shop.origin, key="nope")
    assert unknown_key.status_code == 401
    assert unknown_key.headers["access-control-allow-origin"] == shop.origin
