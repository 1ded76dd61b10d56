"""The event contract (pydantic models) and the ClickHouse migrations."""

from schemas.event import CORE_TYPES, KNOWN_TYPES, Event, Item

__all__ = ["CORE_TYPES", "KNOWN_TYPES", "Event", "Item"]
