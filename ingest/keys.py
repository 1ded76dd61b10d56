"""Find the write key of a request (SPEC section 11): HTTP Basic auth user name (what Segment
SDKs send), the X-Write-Key header, a `writeKey` field in the body, or a `key` query parameter."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.requests import Request


def write_key_of(request: Request, body: Any = None) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "basic" and credentials:
        try:
            user = base64.b64decode(credentials, validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user:
            return user
    header = request.headers.get("x-write-key")
    if header:
        return header
    if isinstance(body, dict) and isinstance(body.get("writeKey"), str) and body["writeKey"]:
        return body["writeKey"]
    return request.query_params.get("key") or None
