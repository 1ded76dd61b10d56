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
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from ingest.static_routes import SNIPPET_FILE
from tests.support.ports import free_port

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
SHOP_PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "shop"


@contextmanager
def playwright_session() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        raise RuntimeError("Debian's chromium is missing: apt-get install chromium (make deps)")
    with sync_playwright() as playwright:
        yield playwright


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


def launch_with_preferences(
    playwright: Playwright, profile: Path, preferences: dict[str, Any]
) -> BrowserContext:
    """A browser whose fresh profile starts with these user settings (e.g. Do-Not-Track on)."""
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
    )


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def translate_path(self, path: str) -> str:
        if path.startswith("/spa/"):  # a single-page app answers every path with its one page
            path = "/spa.html"
        return super().translate_path(path)


class ShopSite:
    """The test shop's pages (tests/fixtures/shop), self-hosting a copy of the snippet, on a free
    loopback port: another origin than the collector's. `{{COLLECTOR}}` in a page becomes the
    collector's URL."""

    def __init__(self, root: Path, collector_url: str = "") -> None:
        self.root = root
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.server: ThreadingHTTPServer | None = None
        self.set_collector(collector_url)

    def set_collector(self, collector_url: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for page in SHOP_PAGES.iterdir():
            text = page.read_text().replace("{{COLLECTOR}}", collector_url)
            (self.root / page.name).write_text(text)
        shutil.copy(SNIPPET_FILE, self.root / "t.js")

    def start(self) -> None:
        handler = partial(_Quiet, directory=str(self.root))
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
