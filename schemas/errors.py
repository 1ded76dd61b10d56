"""Turn pydantic validation errors into the field/reason pairs that the API reports."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from schemas.event import NO_CONTROL_CHARS_PATTERN


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted path inside the event, e.g. "items[2].price"; "" for the whole event
    reason: str


def _path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def field_errors(error: ValidationError) -> list[FieldError]:
    """One entry per problem, in the order pydantic found them."""
    found = []
    for detail in error.errors(include_url=False, include_input=False):
        reason = detail["msg"].removeprefix("Value error, ")
        if detail.get("ctx", {}).get("pattern") == NO_CONTROL_CHARS_PATTERN:
            reason = "must not contain control characters"
        found.append(FieldError(field=_path(detail["loc"]), reason=reason))
    return found
