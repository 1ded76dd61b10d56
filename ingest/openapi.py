"""The collector's OpenAPI document: the event's JSON Schema (from the pydantic models) as the
request body of every accepting endpoint, the answers it gives, and how the write key travels.
The endpoints read their bodies themselves (text/plain, gzip), so FastAPI cannot infer this."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from schemas.event import Event

_REF = "#/components/schemas/{model}"
ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
ACCEPTED = {
    "type": "object",
    "required": ["accepted", "rejected"],
    "properties": {
        "accepted": {"type": "integer", "description": "events made durable"},
        "rejected": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "index": {"type": "integer"},
                    "event_id": {"type": "string"},
                    "type": {"type": "string"},
                    "field": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
FAILURES = {
    "400": "malformed body, or every event rejected",
    "401": "missing or unknown write key",
    "403": "origin not allowed for the site",
    "413": "body or batch too large",
    "415": "unsupported media type or encoding",
    "429": "rate limit; see Retry-After",
    "503": "cannot make events durable now; see Retry-After",
}


def _responses() -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "accepted (rejected events listed)",
            "content": {"application/json": {"schema": ACCEPTED}},
        }
    }
    for status, description in FAILURES.items():
        responses[status] = {
            "description": description,
            "content": {"application/json": {"schema": ERROR}},
        }
    responses["400"]["content"]["application/json"]["schema"] = {"anyOf": [ERROR, ACCEPTED]}
    return responses


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema}, "text/plain": {"schema": schema}},
    }


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            routes=app.routes,
            description="Clickstream collector: send shop events.",
        )
        event_schema = Event.model_json_schema(ref_template=_REF)
        components = document.setdefault("components", {})
        components.setdefault("schemas", {}).update(event_schema.pop("$defs", {}))
        components["schemas"]["Event"] = event_schema
        components["securitySchemes"] = {
            "basic": {
                "type": "http",
                "scheme": "basic",
                "description": "write key as the user name (Segment SDKs)",
            },
            "writeKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Write-Key"},
            "writeKeyQuery": {"type": "apiKey", "in": "query", "name": "key"},
        }
        event_ref = {"$ref": "#/components/schemas/Event"}
        batch = {
            "anyOf": [
                {"type": "array", "items": event_ref},
                {
                    "type": "object",
                    "required": ["batch"],
                    "properties": {
                        "batch": {"type": "array", "items": event_ref},
                        "writeKey": {"type": "string"},
                        "sentAt": {"type": "string"},
                        "historical": {"type": "boolean"},
                    },
                },
            ]
        }
        security = [{"basic": []}, {"writeKeyHeader": []}, {"writeKeyQuery": []}]
        paths = document["paths"]
        for path, body in (
            ("/v1/batch", batch),
            ("/v1/track", event_ref),
            ("/v1/page", event_ref),
            ("/v1/identify", event_ref),
            ("/v1/screen", event_ref),
            ("/v1/alias", event_ref),
            ("/v1/group", event_ref),
        ):
            operation = paths[path]["post"]
            operation["requestBody"] = _body(body)
            operation["responses"] = _responses()
            operation["security"] = security
        pixel = paths["/v1/p.gif"]["get"]
        pixel["security"] = [{"writeKeyQuery": []}]
        pixel["responses"] = _responses() | {
            "200": {"description": "a 1x1 GIF", "content": {"image/gif": {}}}
        }
        paths["/metrics"]["get"]["responses"] = {
            "200": {"description": "Prometheus text format", "content": {"text/plain": {}}}
        }
        paths["/v1/schema/event.json"]["get"]["responses"] = {
            "200": {
                "description": "JSON Schema of the event",
                "content": {"application/schema+json": {}},
            }
        }
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
