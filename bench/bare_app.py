"""The floor for the collector benchmark: a bare ASGI endpoint that only reads and parses the JSON
body, served by the same uvicorn. Whatever the collector costs above this is its own work."""

from __future__ import annotations

from typing import Any

import orjson


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    events = orjson.loads(body) if body else []
    payload = orjson.dumps({"accepted": len(events), "rejected": []})
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": payload})
