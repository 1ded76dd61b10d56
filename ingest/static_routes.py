"""The tracking snippet at /t.js and the demo storefront at /demo/ (SPEC sections 4, 5 and 11).

The snippet is the committed, minified `static/t.min.js` (built from `snippet/t.js` by
`make snippet`), so the collector serves it without node. `/t.js` is cached for a day and
revalidated by ETag, so a new snippet reaches every shop within a day; `/t/<version>.js`
(the version is the ETag) never changes and is cached for a year.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
SNIPPET_FILE = STATIC / "t.min.js"
DEMO_DIR = STATIC / "demo"  # the storefront's script and style sheet
DEMO_PAGE = STATIC / "demo_page.html"  # the one page, drawn by demo/shop.js as each of these
DEMO_PAGES = {
    "index": "Home",
    "category": "Category",
    "product": "Product",
    "cart": "Cart",
    "checkout": "Checkout",
    "register": "Register",
    "order": "Order confirmation",
}
CACHE_CURRENT = "public, max-age=86400, stale-while-revalidate=604800"
CACHE_VERSIONED = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Snippet:
    body: bytes
    gzipped: bytes
    version: str

    @classmethod
    def read(cls, path: Path = SNIPPET_FILE) -> Snippet:
        body = path.read_bytes()
        return cls(body, gzip.compress(body, 9, mtime=0), hashlib.sha256(body).hexdigest()[:16])

    def response(self, request: Request, cache_control: str) -> Response:
        headers = {
            "Cache-Control": cache_control,
            "ETag": f'"{self.version}"',
            "Vary": "Accept-Encoding",
            # Pages that isolate themselves (COEP: require-corp) may still load it.
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        if f'"{self.version}"' in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        body = self.body
        if "gzip" in request.headers.get("accept-encoding", ""):
            body, headers["Content-Encoding"] = self.gzipped, "gzip"
        return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


def install(app: FastAPI) -> None:
    snippet = Snippet.read()

    @app.get("/t.js", include_in_schema=False)
    async def current_snippet(request: Request) -> Response:
        return snippet.response(request, CACHE_CURRENT)

    @app.get("/t/{version}.js", include_in_schema=False)
    async def versioned_snippet(request: Request, version: str) -> Response:
        if version != snippet.version:  # an older pin: never break the shop, send it the current
            return RedirectResponse("/t.js", status_code=307)
        return snippet.response(request, CACHE_VERSIONED)

    install_demo(app)


def install_demo(app: FastAPI) -> None:
    template = DEMO_PAGE.read_text()
    pages = {
        name: template.replace("{{title}}", title).replace("{{page}}", name)
        for name, title in DEMO_PAGES.items()
    }

    @app.get("/demo/", include_in_schema=False)
    async def demo_home() -> HTMLResponse:
        return HTMLResponse(pages["index"])

    @app.get("/demo/{name}.html", include_in_schema=False)
    async def demo_page(name: str) -> HTMLResponse:
        if name not in pages:
            raise HTTPException(404)
        return HTMLResponse(pages[name])

    app.mount("/demo", StaticFiles(directory=DEMO_DIR), name="demo")
