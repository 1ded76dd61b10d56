"""The event every sender speaks (SPEC section 3), as pydantic v2 models.

This is the native contract: flat field names in snake_case. Segment-style payloads are translated
into it by the collector before validation, so every event is checked by this one model. Bounds are
explicit so that a hostile or broken sender gets a 400 naming the field instead of filling a column.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from ipaddress import IPv4Address, IPv6Address
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

CORE_TYPES: tuple[str, ...] = ("page_view", "favorite", "add_to_cart", "register", "order")
KNOWN_TYPES: tuple[str, ...] = CORE_TYPES + (
    "login",
    "identify",
    "remove_from_cart",
    "unfavorite",
    "search",
    "checkout_start",
)
# Custom event names share the pattern of the known ones, so `type` has a single rule.
EVENT_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"

# Time bounds: historical imports go years back; nothing in this product predates 1990.
EARLIEST_TS = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_TS = datetime(2100, 1, 1, tzinfo=UTC)

MONEY_MAX = Decimal(10) ** 12
MONEY_QUANTUM = Decimal("0.0001")  # the ClickHouse columns are Decimal(18, 4)
MAX_ITEMS = 200
MAX_PROPERTIES = 64
MAX_PROPERTY_DEPTH = 4
MAX_PROPERTY_KEY_LENGTH = 128
MAX_PROPERTY_STRING_LENGTH = 4096


# Text fields refuse control characters (tab allowed). As a pattern, the check runs inside
# pydantic-core (Rust) instead of a Python call per string; errors.py words its message.
NO_CONTROL_CHARS_PATTERN = r"^[^\x00-\x08\x0a-\x1f\x7f]*$"


def _Text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str,
        StringConstraints(
            min_length=min_length, max_length=max_length, pattern=NO_CONTROL_CHARS_PATTERN
        ),
    ]


Identifier = _Text(128, min_length=1)
ShortText = _Text(256)
UrlText = _Text(4096)


# A timestamp must carry its zone (ISO 8601 with offset or Z), or be epoch milliseconds. It keeps
# the zone it was sent in; the collector stores UTC.
Timestamp = Annotated[AwareDatetime, Field(ge=EARLIEST_TS, lt=LATEST_TS)]


def _money(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value < 0 or value > MONEY_MAX:
        raise ValueError("must be between 0 and 1000000000000")
    return value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_EVEN)


Money = Annotated[Decimal, AfterValidator(_money)]
Quantity = Annotated[int, Field(ge=0, le=1_000_000)]
ScreenSize = Annotated[int, Field(ge=0, le=65_535)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
EventName = Annotated[str, StringConstraints(pattern=EVENT_NAME_PATTERN)]


def _check_json_value(value: Any, depth: int, path: str) -> None:
    """`depth` counts nested objects and arrays; `properties` itself is level 1."""
    if isinstance(value, dict | list) and depth > MAX_PROPERTY_DEPTH:
        raise ValueError(f"{path}: nested deeper than {MAX_PROPERTY_DEPTH} levels")
    if isinstance(value, dict):
        if len(value) > MAX_PROPERTIES:
            raise ValueError(f"{path}: more than {MAX_PROPERTIES} keys")
        for key, inner in value.items():
            if not isinstance(key, str) or not 0 < len(key) <= MAX_PROPERTY_KEY_LENGTH:
                raise ValueError(f"{path}: keys must be 1..{MAX_PROPERTY_KEY_LENGTH} characters")
            _check_json_value(inner, depth + 1, f"{path}.{key}")
    elif isinstance(value, list):
        if len(value) > MAX_PROPERTIES:
            raise ValueError(f"{path}: more than {MAX_PROPERTIES} elements")
        for index, inner in enumerate(value):
            _check_json_value(inner, depth + 1, f"{path}[{index}]")
    elif isinstance(value, str):
        if len(value) > MAX_PROPERTY_STRING_LENGTH:
            raise ValueError(f"{path}: string longer than {MAX_PROPERTY_STRING_LENGTH}")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: numbers must be finite")
    elif value is not None and not isinstance(value, bool | int):
        raise ValueError(f"{path}: unsupported value type {type(value).__name__}")


def _bounded_properties(value: dict[str, Any]) -> dict[str, Any]:
    _check_json_value(value, 1, "properties")
    return value


Properties = Annotated[dict[str, Any], AfterValidator(_bounded_properties)]


class Item(BaseModel):
    """One line of an order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product_id: Identifier
    category: ShortText = ""
    price: Money = Decimal(0)
    quantity: Quantity = 1


class Event(BaseModel):
    """One event as a sender submits it. `site_id` is not here: it comes from the write key."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    event_id: UUID = Field(description="UUID made by the sender; deduplication key end to end")
    type: EventName = Field(
        description="page_view, favorite, add_to_cart, register, order, a further known type "
        "or a custom name matching " + EVENT_NAME_PATTERN
    )
    event_name: ShortText | None = Field(
        default=None, description="the name as the sender called it (e.g. a Segment track name)"
    )
    anonymous_id: Identifier | None = Field(
        default=None, description="visitor id from the first-party cookie or localStorage"
    )
    user_id: Identifier | None = Field(default=None, description="set once the visitor is known")
    session_id: Identifier | None = None
    ts: Timestamp | None = Field(
        default=None, description="client time of the event; server receive time when absent"
    )
    sent_at: Timestamp | None = Field(default=None, description="client time of sending")

    # page context
    url: UrlText = ""
    path: UrlText = ""
    title: _Text(1024) = ""
    referrer: UrlText = ""
    utm_source: ShortText = ""
    utm_medium: ShortText = ""
    utm_campaign: ShortText = ""
    utm_term: ShortText = ""
    utm_content: ShortText = ""
    screen_width: ScreenSize = 0
    screen_height: ScreenSize = 0
    language: _Text(35) = ""
    user_agent: _Text(1024) | None = Field(
        default=None, description="end user's user agent, for server-side senders"
    )
    ip: IPv4Address | IPv6Address | None = Field(
        default=None, description="end user's IP, for server-side senders; truncated, never stored"
    )

    # commerce
    product_id: _Text(128) = ""
    category: ShortText = ""
    price: Money | None = None
    quantity: Quantity | None = None
    currency: Currency | None = None
    order_id: _Text(128) = ""
    revenue: Money | None = None
    items: Annotated[list[Item], Field(max_length=MAX_ITEMS, default_factory=list)]

    properties: Annotated[Properties, Field(default_factory=dict)]

    @model_validator(mode="after")
    def _type_specific_rules(self) -> Event:
        if not self.anonymous_id and not self.user_id:
            raise ValueError("anonymous_id or user_id is required")
        if self.type == "identify" and not self.user_id:
            raise ValueError("user_id is required for identify")
        return self

    def order_revenue(self) -> Decimal:
        """Revenue of an order: as sent, else the sum of its items."""
        if self.revenue is not None:
            return self.revenue
        return sum((item.price * item.quantity for item in self.items), Decimal(0))
