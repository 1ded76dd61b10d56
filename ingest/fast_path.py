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
from starlette.requests import Request
from starlette.responses import Response

log = logging.getLogger("clickstream.ingest")

Handler = Callable[[Request], Awaitable[Response]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response] | None]


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
        request = Request(scope, receive)
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
