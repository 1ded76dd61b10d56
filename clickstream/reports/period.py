"""Dates, times and durations of the command line, and the default periods.

The views read date_from, date_to and as_of on the shop's wall clock (the site's time zone), so
they are passed as naive local times; the defaults are computed on that clock too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from clickstream.reports.model import Grain

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_time(text: str) -> datetime:
    """'YYYY-MM-DD' (midnight) or 'YYYY-MM-DD HH:MM[:SS]' (a 'T' may separate them), as a
    naive time on the shop's clock."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(
            f"{text!r} is not a date (YYYY-MM-DD) or a time (YYYY-MM-DD HH:MM:SS)"
        ) from error
    if value.tzinfo is not None:
        raise ValueError(f"{text!r}: give the time without a zone; it is read in the site's zone")
    return value.replace(microsecond=0)


def parse_duration(text: str) -> int:
    """Seconds from '3600', '90s', '30m', '12h', '7d' or '2w'."""
    match = _DURATION.match(text.lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a duration such as 7d, 12h, 30m or 3600")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds >= 2**32:
        raise ValueError(f"{text!r} is too long")
    return seconds


def describe_duration(seconds: float) -> str:
    """Short and human: '45s', '1.5s', '2m 10s', '5h 3m', '7d', '2d 4h'."""
    if seconds < 60:
        return f"{seconds:.3g}s" if seconds % 1 else f"{int(seconds)}s"
    parts = []
    remaining = int(round(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count or parts:
            parts.append(f"{count}{unit}")
        if len(parts) == 2:
            break
    while parts and parts[-1][0] == "0":
        parts.pop()  # '7d', not '7d 0h'
    return " ".join(parts)


@dataclass(frozen=True)
class Period:
    date_from: datetime
    date_to: datetime  # exclusive

    def __str__(self) -> str:
        end = self.date_to - timedelta(seconds=1)
        if self.date_from.time() == self.date_to.time() == datetime.min.time():
            return f"{self.date_from:%Y-%m-%d} to {end:%Y-%m-%d}"
        return f"{self.date_from:%Y-%m-%d %H:%M:%S} to {self.date_to:%Y-%m-%d %H:%M:%S} (excl.)"


def shop_now(time_zone: str) -> datetime:
    """Now on the shop's clock, to the second."""
    return datetime.now(ZoneInfo(time_zone)).replace(tzinfo=None, microsecond=0)


def _month_start(day: date, months_back: int) -> datetime:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime(index // 12, index % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def bucket_start(moment: datetime, grain: Grain) -> datetime:
    """The start of the day, week (Monday) or month `moment` lies in."""
    if grain == "month":
        return _month_start(moment.date(), 0)
    if grain == "week":
        return _midnight(moment.date() - timedelta(days=moment.weekday()))
    return _midnight(moment.date())


def next_bucket(start: datetime, grain: Grain) -> datetime:
    if grain == "month":
        return _month_start(start.date(), -1)
    return start + timedelta(days=7 if grain == "week" else 1)


# How many whole buckets a default period holds, the current one included.
_DEFAULT_BUCKETS = {"day": 30, "week": 12, "month": 6}


def resolve_period(
    date_from: datetime | None, date_to: datetime | None, grain: Grain | None, today: date
) -> Period:
    """The period asked for; what is missing comes from the default: the last 30 days (today
    included), or with a grain, the last 30 days, 12 weeks or 6 months (the current included)."""
    grain = grain or "day"
    count = _DEFAULT_BUCKETS[grain]
    end = date_to or next_bucket(bucket_start(_midnight(today), grain), grain)
    start = date_from
    if start is None:
        start = bucket_start(end - timedelta(seconds=1), grain)
        for _ in range(count - 1):
            start = bucket_start(start - timedelta(seconds=1), grain)
    if start >= end:
        raise ValueError(f"the period is empty: --from {start} is not before --to {end}")
    return Period(start, end)


def split_period(period: Period, grain: Grain) -> list[Period]:
    """The days, weeks (Monday first) or months the period touches, cut to the period."""
    parts = []
    start = period.date_from
    while start < period.date_to:
        end = min(next_bucket(bucket_start(start, grain), grain), period.date_to)
        parts.append(Period(start, end))
        start = end
    return parts
