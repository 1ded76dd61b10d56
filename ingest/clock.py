"""Event time: the client's clock corrected for skew, bounded (SPEC section 3).

stored ts = received_at - (sent_at - ts): the client's own gap between the event and sending it,
measured back from our clock. Skew within `tolerance` is taken as network transit, not a wrong
clock, and the client time is kept exactly; this also makes two deliveries of one event (a client
retry) store the same time. Events never lie in the future of their receipt. Without `sent_at`, or
in a batch marked historical, the client time is kept (imports of years of history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_TOLERANCE = timedelta(seconds=5)
LATE_AFTER = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class EventTime:
    ts: datetime
    client_ts: datetime
    clock_skew_ms: int
    is_late: bool


def event_time(
    ts: datetime | None,
    sent_at: datetime | None,
    received_at: datetime,
    historical: bool = False,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> EventTime:
    client_ts = ts or received_at
    if historical:
        return EventTime(client_ts, client_ts, 0, False)
    corrected = client_ts
    if ts is not None and sent_at is not None:
        skew = received_at - sent_at
        if abs(skew) > tolerance:
            corrected = client_ts + skew
    if corrected > received_at + tolerance:
        corrected = received_at  # a clock in the future: clamp to receipt
    skew_ms = round((corrected - client_ts) / timedelta(milliseconds=1))
    return EventTime(corrected, client_ts, skew_ms, received_at - corrected > LATE_AFTER)
