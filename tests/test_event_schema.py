"""The event contract: every field accepts what it should and names itself when it refuses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from schemas import json_schema
from schemas.errors import field_errors
from schemas.event import CORE_TYPES, KNOWN_TYPES, Event


def base(**changes: Any) -> dict[str, Any]:
    event = {
        "event_id": str(uuid.uuid4()),
        "type": "page_view",
        "anonymous_id": "a-1",
        "ts": "2026-03-01T10:00:00.123Z",
    }
    event.update(changes)
    return {key: value for key, value in event.items() if value is not None}


def errors_of(payload: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Event.model_validate(payload)
    return {error.field: error.reason for error in field_errors(caught.value)}


def test_minimal_event_is_valid() -> None:
    event = Event.model_validate(base())
    assert event.type == "page_view"
    assert event.ts == datetime(2026, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)


@pytest.mark.parametrize("event_type", KNOWN_TYPES + ("share", "review_posted", "x" * 64))
def test_known_and_custom_types_are_valid(event_type: str) -> None:
    payload = base(type=event_type, user_id="u-1")
    assert Event.model_validate(payload).type == event_type


def test_core_types_are_the_five_funnel_events() -> None:
    assert CORE_TYPES == ("page_view", "favorite", "add_to_cart", "register", "order")


VALID_VALUES: list[tuple[str, Any, Any]] = [
    ("ts", 1_772_359_200_123, datetime(2026, 3, 1, 10, 0, 0, 123000, tzinfo=UTC)),
    ("ts", "2026-03-01T18:00:00+08:00", datetime(2026, 3, 1, 10, 0, tzinfo=UTC)),
    ("sent_at", "2026-03-01T10:00:01Z", datetime(2026, 3, 1, 10, 0, 1, tzinfo=UTC)),
    ("user_id", "u-42", "u-42"),
    ("session_id", "s-1", "s-1"),
    ("url", "https://shop.example/p/1?utm_source=x", "https://shop.example/p/1?utm_source=x"),
    ("title", "商品详情", "商品详情"),
    ("screen_width", 1920, 1920),
    ("language", "zh-CN", "zh-CN"),
    ("price", "19.99", Decimal("19.9900")),
    ("price", 0.1, Decimal("0.1000")),
    ("price", "1.23456", Decimal("1.2346")),
    ("quantity", 3, 3),
    ("currency", "CNY", "CNY"),
    ("revenue", 1234.5, Decimal("1234.5000")),
    ("ip", "203.0.113.7", "203.0.113.7"),
    ("properties", {"coupon": "X", "n": 1, "nested": {"a": [1, 2, {"b": None}]}}, None),
]


@pytest.mark.parametrize(("field", "value", "expected"), VALID_VALUES)
def test_valid_field_values(field: str, value: Any, expected: Any) -> None:
    event = Event.model_validate(base(**{field: value}))
    actual = getattr(event, field)
    if expected is not None:
        assert (str(actual) if field == "ip" else actual) == expected


INVALID_VALUES: list[tuple[str, Any]] = [
    ("event_id", "not-a-uuid"),
    ("event_id", 12),
    ("type", "Page View"),
    ("type", "9lives"),
    ("type", "x" * 65),
    ("type", ""),
    ("anonymous_id", ""),
    ("anonymous_id", "a" * 129),
    ("anonymous_id", "line\nbreak"),
    ("user_id", {"id": 1}),
    ("session_id", "s" * 200),
    ("ts", "2026-03-01T10:00:00"),
    ("ts", "yesterday"),
    ("ts", "1989-12-31T23:59:59Z"),
    ("ts", "2100-01-01T00:00:00Z"),
    ("sent_at", "2026-03-01 10:00"),
    ("url", "u" * 4097),
    ("title", "t" * 1025),
    ("referrer", 5),
    ("utm_source", "s" * 257),
    ("screen_width", -1),
    ("screen_height", 70_000),
    ("language", "l" * 36),
    ("user_agent", "a" * 1025),
    ("ip", "999.1.1.1"),
    ("product_id", "p" * 129),
    ("category", ["shoes"]),
    ("price", -0.01),
    ("price", "NaN"),
    ("price", "1e13"),
    ("quantity", -1),
    ("quantity", 1.5),
    ("quantity", 2_000_000),
    ("currency", "usd"),
    ("currency", "EURO"),
    ("order_id", "o" * 129),
    ("revenue", "abc"),
    ("items", "p1"),
    ("items", [{"product_id": "p"}] * 201),
    ("properties", [1, 2]),
    ("properties", {"a": {"b": {"c": {"d": {"e": 1}}}}}),
    ("properties", {f"k{i}": i for i in range(65)}),
    ("properties", {"k": "v" * 4097}),
    ("properties", {"": 1}),
    ("properties", {"f": float("inf")}),
    ("unknown_field", 1),
]


@pytest.mark.parametrize(("field", "value"), INVALID_VALUES)
def test_invalid_field_is_named(field: str, value: Any) -> None:
    errors = errors_of(base(**{field: value}))
    assert any(
        name == field or name.startswith(field + "[") or name.startswith(field + ".")
        for name in errors
    ), errors


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"price": 1}, "items[0].product_id"),
        ({"product_id": "p", "price": -1}, "items[0].price"),
        ({"product_id": "p", "quantity": "many"}, "items[0].quantity"),
        ({"product_id": "p", "colour": "red"}, "items[0].colour"),
    ],
)
def test_item_errors_name_the_item_and_field(item: dict[str, Any], field: str) -> None:
    assert field in errors_of(base(type="order", order_id="o1", items=[item]))


def test_missing_required_fields_are_named() -> None:
    errors = errors_of({"type": "page_view", "anonymous_id": "a"})
    assert "event_id" in errors
    errors = errors_of({"event_id": str(uuid.uuid4()), "anonymous_id": "a"})
    assert "type" in errors


def test_a_visitor_id_is_required() -> None:
    errors = errors_of(base(anonymous_id=None))
    assert "anonymous_id or user_id is required" in errors[""]
    assert Event.model_validate(base(anonymous_id=None, user_id="u-1")).user_id == "u-1"


def test_identify_needs_a_user_id() -> None:
    assert "user_id is required for identify" in errors_of(base(type="identify"))[""]


def test_order_revenue_falls_back_to_items() -> None:
    items = [
        {"product_id": "p1", "price": "10.50", "quantity": 2},
        {"product_id": "p2", "price": 1},
    ]
    event = Event.model_validate(base(type="order", order_id="o1", items=items))
    assert event.order_revenue() == Decimal("22.0000")
    event = Event.model_validate(base(type="order", order_id="o1", items=items, revenue=5))
    assert event.order_revenue() == Decimal("5")


def test_published_json_schema_matches_the_models() -> None:
    assert json_schema.SCHEMA_FILE.read_bytes() == json_schema.render(), (
        "schemas/event.schema.json is stale: run `clickstream schema --write`"
    )


def test_json_schema_describes_the_contract() -> None:
    schema = orjson.loads(json_schema.render())
    assert set(schema["required"]) == {"event_id", "type"}
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["pattern"] == "^[a-z][a-z0-9_]{0,63}$"
    assert schema["properties"]["event_id"]["format"] == "uuid"
