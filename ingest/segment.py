"""Translate Segment tracking-API messages into the native event shape (SPEC section 4).

Existing analytics SDKs (analytics.js, analytics-python, ...) can point at the collector unchanged:
`page` becomes `page_view`, `identify` links the anonymous id to the user, `track` names map to our
types (the Segment e-commerce spec names) or are normalised to the custom-name pattern. The result
is validated by the same `Event` model as native events, so errors name native fields; a Segment
field that cannot be translated is named by its Segment path.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

# Segment e-commerce spec names -> our types. Compared case-insensitively.
TRACK_NAMES: dict[str, str] = {
    "product added": "add_to_cart",
    "product added to wishlist": "favorite",
    "product removed from wishlist": "unfavorite",
    "product removed": "remove_from_cart",
    "signed up": "register",
    "signed in": "login",
    "order completed": "order",
    "checkout started": "checkout_start",
    "products searched": "search",
    "product viewed": "product_viewed",
}
SEGMENT_KEYS = frozenset(
    {
        "type",
        "event",
        "anonymousId",
        "userId",
        "messageId",
        "timestamp",
        "sentAt",
        "context",
        "properties",
        "traits",
        "originalTimestamp",
        "name",
        "category",
    }
)
# Fields Segment SDKs send that carry nothing for us; accepted and not stored.
IGNORED_KEYS = frozenset(
    {
        "integrations",
        "_metadata",
        "receivedAt",
        "version",
        "channel",
        "writeKey",
        "options",
        "projectId",
        "library",
    }
)
SEGMENT_CALLS = frozenset({"track", "page", "screen", "identify", "alias", "group"})
# Segment messageIds are often not UUIDs (e.g. "ajs-next-..."): derive a stable UUID from them.
MESSAGE_ID_NAMESPACE = uuid.UUID("5b0c7a64-3e0e-4b53-9a43-6f2d0b6a2c11")

_COMMERCE_FIELDS = ("product_id", "category", "price", "quantity", "currency", "order_id")
_NOT_NAME = re.compile(r"[^a-z0-9_]+")


class SegmentError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def is_segment(message: dict[str, Any]) -> bool:
    """Native events carry `event_id`; Segment messages carry camelCase ids or a Segment call."""
    if "event_id" in message:
        return False
    if _call_of(message) in SEGMENT_CALLS:
        return True
    return bool(SEGMENT_KEYS.intersection(message) - {"type"})


def _call_of(message: dict[str, Any], default: str | None = None) -> str | None:
    kind = message.get("type", default)
    return kind if isinstance(kind, str) else None


def normalise_name(name: str) -> str:
    lowered = name.strip().lower()
    if lowered in TRACK_NAMES:
        return TRACK_NAMES[lowered]
    return _NOT_NAME.sub("_", lowered.replace(" ", "_")).strip("_")[:64]


def event_id_from(message_id: Any) -> str:
    if not isinstance(message_id, str) or not message_id:
        raise SegmentError("messageId", "messageId is required")
    try:
        return str(uuid.UUID(message_id))
    except ValueError:
        return str(uuid.uuid5(MESSAGE_ID_NAMESPACE, message_id))


def _dict(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SegmentError(field, "must be an object")
    return value


def _copy_page(native: dict[str, Any], page: dict[str, Any]) -> None:
    for ours, theirs in (
        ("url", "url"),
        ("path", "path"),
        ("title", "title"),
        ("referrer", "referrer"),
    ):
        if page.get(theirs) not in (None, ""):
            native.setdefault(ours, page[theirs])


def _items(products: Any) -> list[Any]:
    if not isinstance(products, list):
        raise SegmentError("properties.products", "must be an array")
    items = []
    for product in products:
        if not isinstance(product, dict):
            items.append(product)  # the model names the bad element
            continue
        item = {"product_id": product.get("product_id", product.get("id", product.get("sku")))}
        for field in ("category", "price", "quantity"):
            if product.get(field) is not None:
                item[field] = product[field]
        items.append(item)
    return items


def to_native(message: dict[str, Any], call: str | None = None) -> dict[str, Any]:
    """One Segment message -> a native event dict (not yet validated). `call` is the endpoint's
    call type (`/v1/track` -> "track") for messages that do not say their type."""
    kind = _call_of(message, call)
    if kind not in SEGMENT_CALLS:
        raise SegmentError("type", f"unknown Segment call type {kind!r}")
    context = _dict(message.get("context"), "context")
    properties = dict(_dict(message.get("properties"), "properties"))
    traits = _dict(message.get("traits"), "traits")

    native: dict[str, Any] = {"event_id": event_id_from(message.get("messageId"))}
    for ours, theirs in (("anonymous_id", "anonymousId"), ("user_id", "userId")):
        if message.get(theirs) not in (None, ""):
            value = message[theirs]
            native[ours] = str(value) if isinstance(value, int | float) else value
    timestamp = message.get("timestamp", message.get("originalTimestamp"))
    if timestamp is not None:
        native["ts"] = timestamp
    if message.get("sentAt") is not None:
        native["sent_at"] = message["sentAt"]

    if kind in ("page", "screen"):
        native["type"] = "page_view"
        name = message.get("name")
        if isinstance(name, str) and name:
            native["event_name"] = name
        _copy_page(native, properties)
        for key in ("url", "path", "title", "referrer", "search", "name"):
            properties.pop(key, None)
    elif kind == "identify":
        native["type"] = "identify"
        properties = {**traits, **properties}
    elif kind == "track":
        event = message.get("event")
        if not isinstance(event, str) or not event.strip():
            raise SegmentError("event", "track calls need an event name")
        native["type"] = normalise_name(event)
        native["event_name"] = event
    else:  # alias, group: kept as custom events so nothing is dropped
        native["type"] = kind
        properties = {**traits, **properties}
        if kind == "alias" and message.get("previousId"):
            properties["previous_id"] = message["previousId"]
            # alias(userId, previousId) says the earlier id is this user: stored as the
            # anonymous id, the event links that history to the user as identify does
            if isinstance(message["previousId"], str) and "anonymous_id" not in native:
                native["anonymous_id"] = message["previousId"]
        if kind == "group" and message.get("groupId"):
            properties["group_id"] = message["groupId"]

    if kind == "track":
        if "products" in properties:
            native["items"] = _items(properties.pop("products"))
        for field in _COMMERCE_FIELDS:
            if field in properties and properties[field] is not None:
                native[field] = properties.pop(field)
        if (
            native.get("product_id") is None
            and "id" in properties
            and "product" in native.get("event_name", "").lower()
        ):
            native["product_id"] = properties.pop("id")
        revenue = properties.pop("revenue", None)
        total = properties.pop("total", None)
        if revenue is not None or total is not None:
            native["revenue"] = revenue if revenue is not None else total
        for field in ("product_id", "order_id"):
            if isinstance(native.get(field), int):
                native[field] = str(native[field])

    _copy_page(native, _dict(context.get("page"), "context.page"))
    campaign = _dict(context.get("campaign"), "context.campaign")
    for ours, theirs in (
        ("utm_source", "source"),
        ("utm_medium", "medium"),
        ("utm_campaign", "name"),
        ("utm_term", "term"),
        ("utm_content", "content"),
    ):
        if isinstance(campaign.get(theirs), str):
            native[ours] = campaign[theirs]
    screen = _dict(context.get("screen"), "context.screen")
    for ours, theirs in (("screen_width", "width"), ("screen_height", "height")):
        if screen.get(theirs) is not None:
            native[ours] = screen[theirs]
    for ours, theirs in (("user_agent", "userAgent"), ("ip", "ip"), ("language", "locale")):
        if context.get(theirs) not in (None, ""):
            native[ours] = context[theirs]
    session = context.get("sessionId", properties.pop("session_id", None))
    if session not in (None, ""):
        native["session_id"] = str(session)
    if properties:
        native["properties"] = properties
    return native
