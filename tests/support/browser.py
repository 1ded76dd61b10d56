"""Headless Chromium (Debian's `chromium` package) through Playwright, and a static web server
that plays a shop's own site on another origin.

Playwright never downloads browsers here: it drives /usr/bin/chromium. The flags keep Chromium
off the network it would otherwise try to reach (this machine has none), and `launch` gives
every browser a fresh profile of its own.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    sync_playwright,
)

from ingest.static_routes import SNIPPET_FILE
from tests.support import shop_pages
from tests.support.collector import CollectorProcess
from tests.support.ports import free_port
from tests.support.topics import Record, in_event_order, of_visitor, wait_for_records

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright turns the back/forward cache off by default; users' browsers have it on.
AS_USERS_HAVE_IT = ["--disable-back-forward-cache"]
DEMO_WRITE_KEYS = "demo:demo-key"
# The unsent events of every page of the origin: each page stores its own under `_cs_q.<id>`.
STORED_EVENTS = """() => Object.keys(localStorage)
    .filter((key) => key.startsWith('_cs_q'))
    .flatMap((key) => JSON.parse(localStorage.getItem(key)).q)"""
QUEUE_EMPTY = f"() => ({STORED_EVENTS})().length === 0"


@contextmanager
def playwright_session() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        raise RuntimeError("Debian's chromium is missing: apt-get install chromium (make deps)")
    with sync_playwright() as playwright:
        yield playwright


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, ignore_default_args=AS_USERS_HAVE_IT
    )


def launch_with_preferences(
    playwright: Playwright, profile: Path, preferences: dict[str, Any]
) -> BrowserContext:
    """A browser whose fresh profile starts with these user settings (e.g. Do-Not-Track on)."""
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_FLAGS,
        ignore_default_args=AS_USERS_HAVE_IT,
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        if path.startswith("/spa/"):  # a single-page app answers every path with its one page
            path = "/spa.html"
        elif path.startswith("/slow/"):  # the same file, two seconds late
            time.sleep(2)
            path = path.removeprefix("/slow")
        return super().translate_path(path)


class ShopSite:
    """A shop's own web site on another origin than the collector's, and its collector.

    The pages (tests/support/shop_pages.py) self-host a copy of the snippet and are served from a
    free loopback port; the collector (`clickstream
    serve`, real Kafka) has the demo site's key and this origin, only, on the site's allow-list.
    """

    def __init__(self, root: Path, bootstrap: str, collector_env: dict[str, str] | None = None):
        self.root = root / "site"
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        (root / "collector").mkdir(parents=True, exist_ok=True)
        self.collector = CollectorProcess(
            root / "collector",
            bootstrap,
            write_keys=DEMO_WRITE_KEYS,
            extra_env={
                "CLICKSTREAM_ALLOWED_ORIGINS": f"demo={self.origin}",
                **(collector_env or {}),
            },
        )
        self.server: ThreadingHTTPServer | None = None

    def __enter__(self) -> ShopSite:
        self.collector.start()
        self.root.mkdir(parents=True, exist_ok=True)
        for name, text in shop_pages.render(self.collector.url).items():
            (self.root / name).write_text(text)
        shutil.copy(SNIPPET_FILE, self.root / "t.js")
        handler = partial(_Quiet, directory=str(self.root))
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
        self.collector.stop()


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

    def only_network_notices(self, blocked: str) -> bool:
        """Chromium itself logs each failed request ("Failed to load resource: net::..."); that
        line is the browser's, not the page's, and no script can suppress it."""
        return all(
            m.text.startswith("Failed to load resource: net::")
            and m.location["url"].startswith(blocked)
            for m in self.console_errors
        )


class BatchRequests:
    """The requests a browser context makes to the collector's batch endpoint."""

    def __init__(self, context: BrowserContext) -> None:
        self.seen: list[Request] = []
        context.on("request", lambda r: "/v1/batch" in r.url and self.seen.append(r))


def stored_events(page: Page) -> list[dict[str, Any]]:
    """The unsent events the snippet keeps in the origin's localStorage, all pages' together."""
    result: list[dict[str, Any]] = page.evaluate(STORED_EVENTS)
    return result


def visitor_of(context: BrowserContext) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "_cs_id")


def arrived(bootstrap: str, context: BrowserContext, count: int) -> list[Record]:
    """The context's visitor's events on the topic (at least `count`, every copy), in order."""
    return in_event_order(wait_for_records(bootstrap, of_visitor(visitor_of(context)), count))


def open_sent(context: BrowserContext, url: str) -> Page:
    """A new tab on `url`, once the snippet has sent its page view."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(QUEUE_EMPTY)
    return page


def types_and_products(records: list[Record]) -> list[tuple[str, str]]:
    return [(record["type"], record["product_id"]) for record in records]
