"""A thin ASGI front for the hot endpoints.

Each POST to /v1/batch, /v1/track, /v1/page or /v1/identify goes straight to its handler, past
FastAPI's routing, dependency and telemetry layers (about half the CPU of a one-event request,
measured with py-spy under `make bench`). Everything else, and the OpenAPI document that
describes these same handlers, is the FastAPI app's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("clickstream.ingest")

Handler = Callable[[Request], Awaitable[Response]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response] | None]


class IndexedHeaders(Headers):
    """Starlette's headers, looked up in a dict: a hot request reads about seven of them (write
    key, content type and length, user agent, origin, ...), each a scan of the list otherwise.
    The first of repeated headers wins, as in `Headers`."""

    def __init__(self, scope: dict[str, Any]) -> None:
        super().__init__(scope=scope)
        self._first = dict(reversed(self._list))

    def get(self, key: str, default: Any = None) -> Any:
        value = self._first.get(key.lower().encode("latin-1"))
        return default if value is None else value.decode("latin-1")

    def __getitem__(self, key: str) -> str:
        value = self._first.get(key.lower().encode("latin-1"))
        if value is None:
            raise KeyError(key)
        return value.decode("latin-1")

    def __contains__(self, key: Any) -> bool:
        return isinstance(key, str) and key.lower().encode("latin-1") in self._first


class HotRequest(Request):
    @property
    def headers(self) -> Headers:
        if not hasattr(self, "_headers"):
            self._headers = IndexedHeaders(self.scope)
        return self._headers


class FastPath:
    def __init__(
        self,
        app: FastAPI,
        routes: dict[str, Handler],
        on_error: Callable[[Request, Exception], Awaitable[Response | None]],
    ) -> None:
        self.app = app
        self.routes = routes
        self.on_error = on_error

    def __getattr__(self, name: str) -> Any:  # openapi(), routes, state, ... of the FastAPI app
        return getattr(self.app, name)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        handler = (
            self.routes.get(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST"
            else None
        )
        if handler is None:
            await self.app(scope, receive, send)
            return
        request = HotRequest(scope, receive)
        try:
            response = await handler(request)
        except Exception as error:  # noqa: BLE001 - answered below, never left to the server
            handled = await self.on_error(request, error)
            if handled is None:
                log.exception("unhandled error on %s", scope["path"])
                handled = Response(
                    b'{"error":"internal error"}', status_code=500, media_type="application/json"
                )
            response = handled
        await response(scope, receive, send)
