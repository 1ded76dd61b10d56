"""The collector: FastAPI app that validates, enriches and durably hands events on (SPEC §4).

Every accepting endpoint ends in `_accept`: validate each event, then write the good records and
the dead letters to the sink in one durable step, then answer. 2xx means durable.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest

from ingest import cors, openapi, static_routes
from ingest.body import BodyError, parse_json, read_body
from ingest.fast_path import FastPath
from ingest.intake import now_utc, take, take_valid, validate_batch
from ingest.keys import write_key_of
from ingest.native_rows import native_intake
from ingest.ratelimit import RateLimiter
from ingest.record import RECORD_COLUMNS, RequestContext, row_partition_key
from ingest.settings import CollectorSettings
from ingest.spool import SpoolFull
from schemas import json_schema
from schemas.event import Event
from schemas.messages import Message, pack, pack_rows

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# Segment's HTTP tracking API: one call per endpoint, named in full.
SINGLE_CALLS = ("track", "page", "identify", "screen", "alias", "group")
# The short paths Segment's own clients post to (analytics.js: /v1/t, /v1/p, ...; batches to
# /v1/b, as the mobile libraries do too): the same calls, left out of the OpenAPI document.
SHORT_CALLS = {
    "t": "track",
    "p": "page",
    "i": "identify",
    "s": "screen",
    "a": "alias",
    "g": "group",
}
# Every intake path skips FastAPI's routing (ingest/fast_path.py).
HOT_PATHS = ("/v1/batch", "/v1/b", *(f"/v1/{path}" for path in (*SINGLE_CALLS, *SHORT_CALLS)))
log = logging.getLogger("clickstream.ingest")


class Sink(Protocol):
    backlog: int  # events waiting in the local spool
    kafka_healthy: bool
    ready: bool  # can make new events durable now

    def start(self) -> None: ...
    async def write(self, messages: list[tuple[str, bytes, bytes]]) -> str: ...
    def close(self) -> None: ...


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(payload), status_code=status, headers=headers, media_type="application/json"
    )


def create_app(settings: CollectorSettings, sink: Sink) -> FastPath:
    registry = CollectorRegistry()
    accepted_total = Counter(
        "clickstream_events_accepted", "Events accepted", ["site", "path"], registry=registry
    )
    rejected_total = Counter(
        "clickstream_events_rejected", "Events rejected", ["site"], registry=registry
    )
    requests_total = Counter(
        "clickstream_requests", "Requests by status", ["status"], registry=registry
    )
    native = (
        native_intake(settings.topic, settings.max_events_per_request, settings.keep_ip_prefix)
        if settings.native
        else None
    )
    ip_limiter = RateLimiter(settings.ip_rate, settings.ip_burst)
    key_limiter = RateLimiter(settings.key_rate, settings.key_burst)

    children: dict[tuple[Counter, tuple[str, ...]], Any] = {}

    def counted(counter: Counter, *labels: str) -> Any:
        """`counter.labels(*labels)`, looked up once (prometheus_client locks and checks)."""
        child = children.get((counter, labels))
        if child is None:
            child = children[(counter, labels)] = counter.labels(*labels)
        return child

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        sink.start()  # the Kafka producer is made here, in the serving process
        try:
            yield
        finally:
            sink.close()

    app = FastAPI(title="clickstream collector", version="0.1.0", lifespan=lifespan)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        counted(requests_total, str(error.status)).inc()
        headers = cors.error_headers(request) | error.headers
        return _json({"error": error.message}, error.status, headers)

    async def fast_path_error(request: Request, error: Exception) -> Response | None:
        return await api_error(request, error) if isinstance(error, ApiError) else None

    def client_ip(request: Request) -> str:
        client = request.scope.get("client")  # (host, port), as `request.client` reads it
        return client[0] if client else ""

    def cors_headers(request: Request, site: str | None) -> dict[str, str]:
        origin = request.headers.get("origin")
        if not origin:
            return {}
        if (
            site is not None
            and not cors.same_origin(request, origin)
            and not settings.origin_allowed(site, origin)
        ):
            raise ApiError(403, f"origin {origin} is not allowed for this site")
        return cors.allow(origin)

    def resolve_site(request: Request, body: Any) -> str:
        key = write_key_of(request, body)
        if not key:
            raise ApiError(
                401, "write key missing: send it as Basic auth user, X-Write-Key, writeKey or ?key="
            )
        site = settings.site_of_key.get(key)
        if site is None:
            raise ApiError(401, "unknown write key")
        return site

    def check_limit(limiter: RateLimiter, who: str) -> None:
        wait = limiter.retry_after(who)
        if wait:
            raise ApiError(429, "rate limit exceeded", {"Retry-After": str(wait)})

    def admit(request: Request, body: Any, site: str | None = None) -> tuple[str, dict[str, str]]:
        """Rate limits, the site of the write key (`site` if already known), CORS: the site and
        the CORS headers of the answer; raises ApiError."""
        check_limit(ip_limiter, client_ip(request))
        site = site or resolve_site(request, body)
        check_limit(key_limiter, site)
        return site, cors_headers(request, site)

    def context_of(request: Request, site: str, source: str, historical: bool) -> RequestContext:
        return RequestContext(
            site_id=site,
            received_at=now_utc(),
            user_agent=request.headers.get("user-agent", ""),
            ip=client_ip(request),
            source=source,
            historical=historical,
            keep_ip_prefix=settings.keep_ip_prefix,
        )

    async def accept(
        request: Request,
        body: Any,
        messages: list[Any] | list[Event],
        source: str,
        call: str | None = None,
        validated_from: bytes | None = None,
    ) -> Response:
        """Take `messages` from `body`: raw messages, or the Events `validate_batch` made of the
        bytes `validated_from`."""
        site, headers = admit(request, body)
        if len(messages) > settings.max_events_per_request:
            raise ApiError(413, f"at most {settings.max_events_per_request} events per request")
        historical = isinstance(body, dict) and body.get("historical") is True
        context = context_of(request, site, source, historical)
        intake = None if validated_from is None else take_valid(messages, context)
        if intake is None:
            if validated_from is not None:  # a row failed: the careful path names the event
                messages = json_of(validated_from)
            intake = take(messages, context, call)
        out = pack_rows(settings.topic, RECORD_COLUMNS, intake.rows, row_partition_key)
        out += pack(settings.dead_letter_topic, intake.dead_letters, lambda _: site.encode())
        rejected = [r.as_json() for r in intake.rejections]
        return await store(site, source, out, len(intake.rows), rejected, headers)

    async def store(
        site: str,
        source: str,
        messages: list[Message],
        accepted: int,
        rejected: list[dict[str, Any]],
        headers: dict[str, str],
    ) -> Response:
        """Make the messages durable, then answer: 2xx only once the sink has them."""
        try:
            await sink.write(messages)
        except SpoolFull as error:
            raise ApiError(
                503, "temporarily unable to store events; retry later", {"Retry-After": "5"}
            ) from error
        counted(accepted_total, site, source).inc(accepted)
        if rejected:
            counted(rejected_total, site).inc(len(rejected))
        status = 400 if rejected and not accepted else 200
        counted(requests_total, str(status)).inc()
        return _json({"accepted": accepted, "rejected": rejected}, status, headers)

    async def accept_native(request: Request, raw: bytes) -> Response | None:
        """A JSON array of valid native events, packed in Rust (ingest/native_rows.py); None
        when the Rust side is not sure of it (or a write key is missing), for the Python path.
        The same checks as `accept`, in the same order, before anything is stored."""
        assert native is not None
        site = settings.site_of_key.get(write_key_of(request) or "")
        if site is None:
            return None  # the Python path answers 401 (or 400 for a body that is not JSON)
        context = context_of(request, site, "batch", historical=False)
        try:
            packed = native.pack(raw, context)
        except Exception:  # noqa: BLE001 - a bug here must not cost the request: Python answers
            log.exception("clickstream_native failed; the Python path takes the request")
            return None
        if packed is None:
            return None
        messages, accepted = packed
        site, headers = admit(request, None, site)
        return await store(site, "batch", messages, accepted, [], headers)

    async def body_of(request: Request) -> bytes:
        try:
            return await read_body(request, settings.max_body_bytes)
        except BodyError as error:
            raise ApiError(error.status, error.message) from error

    def json_of(raw: bytes) -> Any:
        try:
            return parse_json(raw)
        except BodyError as error:
            raise ApiError(error.status, error.message) from error

    @app.post("/v1/b", include_in_schema=False)
    @app.post("/v1/batch", summary="Send a batch of events (native or Segment format)")
    async def batch(request: Request) -> Response:
        raw = await body_of(request)
        is_array = (raw[:1] if not raw[:1].isspace() else raw.lstrip()[:1]) == b"["
        if is_array and native is not None:
            answer = await accept_native(request, raw)
            if answer is not None:
                return answer
        events = validate_batch(raw) if is_array else None
        if events is not None:
            return await accept(request, None, events, "batch", validated_from=raw)
        body = json_of(raw)
        if isinstance(body, list):
            messages = body
        elif isinstance(body, dict) and isinstance(body.get("batch"), list):
            messages = body["batch"]
        elif isinstance(body, dict) and isinstance(body.get("events"), list):
            messages = body["events"]
        else:
            raise ApiError(400, "body must be an array of events or an object with 'batch'")
        sent_at = body.get("sentAt") if isinstance(body, dict) else None
        if sent_at is not None:
            messages = [
                {"sentAt": sent_at, **m} if isinstance(m, dict) and "event_id" not in m else m
                for m in messages
            ]
        return await accept(request, body, messages, "batch")

    for path, call in [(call, call) for call in SINGLE_CALLS] + list(SHORT_CALLS.items()):

        async def single(request: Request, call: str = call) -> Response:
            body = json_of(await body_of(request))
            if not isinstance(body, dict):
                raise ApiError(400, "body must be one event object")
            message = {key: value for key, value in body.items() if key != "writeKey"}
            return await accept(
                request, body, [message], call, call=None if "event_id" in message else call
            )

        app.add_api_route(
            f"/v1/{path}",
            single,
            methods=["POST"],
            summary=f"Send one {call} event",
            include_in_schema=path == call,
        )

    @app.get("/v1/p.gif", summary="Tracking pixel for clients without JavaScript")
    async def pixel(request: Request) -> Response:
        query = request.query_params
        event: dict[str, Any] = {
            "event_id": query.get("event_id") or str(uuid.uuid4()),
            "type": query.get("type", "page_view"),
            "url": query.get("url") or request.headers.get("referer", ""),
        }
        for name in (
            "anonymous_id",
            "user_id",
            "session_id",
            "referrer",
            "title",
            "product_id",
            "order_id",
            "revenue",
            "currency",
        ):
            if query.get(name):
                event[name] = query[name]
        if "anonymous_id" not in event and "user_id" not in event:
            event["anonymous_id"] = "pixel:" + uuid.uuid4().hex
        response = await accept(request, None, [event], "pixel")
        if response.status_code != 200:
            return response
        return Response(
            PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store, max-age=0"}
        )

    @app.options("/v1/{path:path}", include_in_schema=False)
    async def preflight(request: Request) -> Response:
        origin = request.headers.get("origin", "")
        key = write_key_of(request)
        site = settings.site_of_key.get(key or "")
        allowed = bool(origin) and (
            settings.origin_allowed(site, origin)
            if site
            else any(settings.origin_allowed(s, origin) for s in set(settings.site_of_key.values()))
        )
        if not allowed:
            return Response(status_code=403)
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Vary": "Origin",
                "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
                "Access-Control-Allow-Headers": request.headers.get(
                    "access-control-request-headers", "content-type, authorization, x-write-key"
                ),
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Max-Age": "86400",
            },
        )

    @app.get("/healthz", summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", summary="Writes can be accepted durably")
    async def readyz() -> Response:
        ready = sink.ready
        return _json(
            {"ready": ready, "kafka": sink.kafka_healthy, "spool_backlog": sink.backlog},
            200 if ready else 503,
        )

    @app.get("/metrics", summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/v1/schema/event.json", summary="JSON Schema of the native event")
    async def event_schema() -> Response:
        return Response(json_schema.render(), media_type="application/schema+json")

    @app.exception_handler(404)
    async def not_found(request: Request, _: Exception) -> JSONResponse:
        return JSONResponse({"error": f"no such endpoint {request.url.path}"}, status_code=404)

    openapi.install(app)
    static_routes.install(app)
    hot_routes = {
        route.path: route.endpoint
        for route in app.routes
        if isinstance(route, APIRoute) and route.path in HOT_PATHS
    }
    return FastPath(app, hot_routes, fast_path_error)
