"""Validate and enrich the events of one request. Good events become rows for Kafka; each bad
one becomes a rejection (index, field, reason) for the response and a dead letter with the same
reason. One bad event never sinks the good ones.

Two ways in, one model. The usual body, a JSON array of valid native events, is validated whole
by pydantic-core straight from the bytes (`validate_batch`: parsing and checking in Rust, about
half the cost of orjson + a model per dict). Anything else, or any failure, takes `take`, which
translates Segment messages and names every problem per event. Both end in the same `Event`
model and the same `RowMaker`; tests hold the two ways to the same output.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from ingest.record import RECORD_COLUMNS, RequestContext, RowMaker
from ingest.segment import SegmentError, is_segment, to_native
from schemas.errors import field_errors
from schemas.event import Event

MAX_DEAD_LETTER_PAYLOAD = 64 * 1024
log = logging.getLogger("clickstream.ingest")


@dataclass(frozen=True, slots=True)
class Rejection:
    index: int
    event_id: str
    type: str
    field: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "event_id": self.event_id,
            "type": self.type,
            "field": self.field,
            "reason": self.reason,
        }


@dataclass
class Intake:
    rows: list[list[Any]] = field(default_factory=list)  # values in RECORD_COLUMNS order
    rejections: list[Rejection] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(RECORD_COLUMNS, row, strict=True)) for row in self.rows]


_BATCH = TypeAdapter(list[Event])


def _text(value: Any) -> str:
    return value[:256] if isinstance(value, str) else "" if value is None else str(value)[:256]


def _dead_letter(raw: Any, rejection: Rejection, context: RequestContext) -> dict[str, Any]:
    payload = orjson.dumps(raw, default=str).decode(errors="replace")[:MAX_DEAD_LETTER_PAYLOAD]
    return {
        "received_at": context.received_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
        "site_id": context.site_id,
        "stage": "collector",
        "event_index": rejection.index,
        "event_id": rejection.event_id,
        "event_type": rejection.type,
        "field": rejection.field,
        "reason": rejection.reason,
        "payload": payload,
    }


def validate_batch(body: bytes) -> list[Event] | None:
    """The events of a body that is a JSON array of valid native events; None otherwise."""
    try:
        return _BATCH.validate_json(body)
    except ValidationError:
        return None


def take_valid(events: list[Event], context: RequestContext) -> Intake | None:
    """Rows of events that passed `validate_batch`; None if any row cannot be built (then
    `take` names the event)."""
    maker = RowMaker(context)
    try:
        return Intake(rows=[maker.row(event) for event in events])
    except Exception:  # noqa: BLE001 - `take` reports it per event
        return None


def take(messages: list[Any], context: RequestContext, call: str | None = None) -> Intake:
    intake = Intake()
    maker = RowMaker(context)
    for index, raw in enumerate(messages):
        problems: list[tuple[str, str]] = []
        event_id = event_type = ""
        if not isinstance(raw, dict):
            problems.append(("", "an event must be a JSON object"))
        else:
            event_id = _text(raw.get("event_id", raw.get("messageId")))
            event_type = _text(raw.get("type") if "event" not in raw else raw.get("event"))
            try:
                native = to_native(raw, call) if call or is_segment(raw) else raw
                event = Event.model_validate(native)
                intake.rows.append(maker.row(event))
                continue
            except SegmentError as error:
                problems.append((error.field, error.reason))
            except ValidationError as error:
                problems.extend((e.field, e.reason) for e in field_errors(error))
            except Exception:  # a bug must not turn one odd event into a 500 for the batch
                log.exception("unexpected failure processing event %d", index)
                problems.append(("", "internal error while processing this event"))
        first_field = problems[0][0] if problems else ""
        reason = "; ".join(f"{name or 'event'}: {why}" for name, why in problems)
        rejection = Rejection(index, event_id, event_type, first_field, reason)
        intake.rejections.append(rejection)
        intake.dead_letters.append(_dead_letter(raw, rejection, context))
    return intake


def now_utc() -> datetime:
    return datetime.now(UTC)
