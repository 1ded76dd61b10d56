"""Event time: the client's clock corrected for skew, bounded (SPEC section 3).

stored ts = received_at - (sent_at - ts): the client's own gap between the event and sending it,
measured back from our clock. Skew within `tolerance` is taken as network transit, not a wrong
clock, and the client time is kept exactly; this also makes two deliveries of one event (a client
retry) store the same time. Events never lie in the future of their receipt. Without `sent_at`, or
in a batch marked historical, the client time is kept (imports of years of history).

Times are whole epoch milliseconds (the stored precision): integer arithmetic, no datetime work
per event on the collector's hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

DEFAULT_TOLERANCE_MS = 5_000
LATE_AFTER_MS = 24 * 3600 * 1000


@dataclass(frozen=True, slots=True)
class EventTime:
    ts: int  # epoch milliseconds, skew-corrected
    client_ts: int
    clock_skew_ms: int
    is_late: bool


def epoch_ms(value: datetime) -> int:
    """An aware datetime as epoch milliseconds, truncated like ClickHouse's DateTime64(3)."""
    return round(value.timestamp() * 1_000_000) // 1000


def event_time(
    ts: int | None,
    sent_at: int | None,
    received_at: int,
    historical: bool = False,
    tolerance: int = DEFAULT_TOLERANCE_MS,
) -> EventTime:
    client_ts = received_at if ts is None else ts
    if historical:
        return EventTime(client_ts, client_ts, 0, False)
    corrected = client_ts
    if ts is not None and sent_at is not None:
        skew = received_at - sent_at
        if abs(skew) > tolerance:
            corrected = client_ts + skew
    if corrected > received_at + tolerance:
        corrected = received_at  # a clock in the future: clamp to receipt
    return EventTime(
        corrected, client_ts, corrected - client_ts, received_at - corrected > LATE_AFTER_MS
    )


@lru_cache(maxsize=4096)
def _second_text(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%d %H:%M:%S")


_MILLIS = tuple(f".{milli:03d}" for milli in range(1000))


def time_text(milliseconds: int) -> str:
    """Epoch milliseconds as ClickHouse reads DateTime64(3) in UTC: "2026-03-01 10:00:00.123"."""
    second, milli = divmod(milliseconds, 1000)
    return _second_text(second) + _MILLIS[milli]
