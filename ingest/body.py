"""Read a request body the way the collector accepts it: JSON or text/plain (what sendBeacon
sends), optionally gzip-compressed, within a size limit that also bounds the decompressed size."""

from __future__ import annotations

import zlib
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request

JSON_TYPES = ("application/json", "text/plain", "application/x-json", "")


class BodyError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyError(413, f"body is larger than {limit} bytes")
    # ASGI messages read directly: `request.stream()`'s async generator costs more than the
    # usual one-message body
    chunks, size, more = [], 0, True
    while more:
        message = await request.receive()
        if message["type"] != "http.request":  # http.disconnect
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        more = message.get("more_body", False)
        size += len(chunk)
        if size > limit:
            raise BodyError(413, f"body is larger than {limit} bytes")
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decompress(body: bytes, encoding: str, limit: int) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise BodyError(415, f"unsupported Content-Encoding {encoding!r}: use gzip")
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as error:
        raise BodyError(400, f"body is not valid {encoding}: {error}") from error
    if len(data) > limit or inflater.unconsumed_tail:
        raise BodyError(413, f"decompressed body is larger than {limit} bytes")
    return data


async def read_body(request: Request, limit: int) -> bytes:
    """The body's bytes, decompressed; refuses other media types, oversized and empty bodies."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in JSON_TYPES:
        raise BodyError(
            415, f"unsupported media type {media_type!r}: send application/json or text/plain"
        )
    body = await read_limited(request, limit)
    body = decompress(body, request.headers.get("content-encoding", ""), limit)
    if not body or body.isspace():  # not `strip()`: a copy of the body
        raise BodyError(400, "body is empty")
    return body


def parse_json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BodyError(400, f"body is not valid JSON: {error}") from error


async def read_json(request: Request, limit: int) -> Any:
    return parse_json(await read_body(request, limit))
