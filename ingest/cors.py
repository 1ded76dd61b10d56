"""CORS answers for browser senders (the snippet, shops' own scripts).

The snippet posts `text/plain` bodies, a "simple" request that needs no preflight, but the
browser only lets it read the answer when the answer names its origin. Errors name it too, so
a page can read why it was refused and how long to wait (`Retry-After`); the allow-list decides
what is accepted, not what may be read about a refusal. A page the collector serves itself (the
demo storefront) is the same origin and always allowed.
"""

from __future__ import annotations

from starlette.requests import Request


def same_origin(request: Request, origin: str) -> bool:
    return origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


def allow(origin: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": origin,
        "Vary": "Origin",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "Retry-After",
    }


def error_headers(request: Request) -> dict[str, str]:
    origin = request.headers.get("origin")
    return allow(origin) if origin else {}
