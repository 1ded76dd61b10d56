"""The JSON Schema of the event, generated from the pydantic models.

`schemas/event.schema.json` is the published copy (the collector serves it too); a test keeps it
equal to what the models generate, and `clickstream schema --write` regenerates it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from schemas.event import Event

SCHEMA_FILE = Path(__file__).parent / "event.schema.json"
SCHEMA_ID = "https://clickstream.invalid/schemas/event.schema.json"


def event_json_schema() -> dict[str, Any]:
    schema = Event.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render() -> bytes:
    return (
        orjson.dumps(event_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    )


def write(path: Path = SCHEMA_FILE) -> Path:
    path.write_bytes(render())
    return path
