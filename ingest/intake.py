"""Validate and enrich the events of one request. Good events become records for Kafka; each bad
one becomes a rejection (index, field, reason) for the response and a dead letter with the same
reason. One bad event never sinks the good ones."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from ingest.record import RequestContext, build_record
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
    records: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)


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


def take(messages: list[Any], context: RequestContext, call: str | None = None) -> Intake:
    intake = Intake()
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
                intake.records.append(build_record(event, context))
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
