"""The ClickHouse data source's backend macros, expanded the way the plugin expands them.

Grafana's frontend substitutes dashboard variables first (tests/support/grafana_templating.py);
the plugin's Go backend then replaces the macros (`$__fromTime`, `$__timeInterval(col)`, ...)
before the SQL reaches ClickHouse. The Go module proxy refuses the plugin's modules
(github.com/grafana/clickhouse-datasource, github.com/grafana/sqlds: "403 This module version is
not available"), so the test harness cannot import the real package; this is a faithful Python
re-implementation of:

- grafana/clickhouse-datasource `pkg/macros/macros.go` (plugin v4.x; read at the 4.13 source,
  unchanged in behaviour since 4.2 / 4.0.3): the ClickHouse macros below;
- grafana/grafana-plugin-sdk-go `data/sqlutil/macros.go` (`Interpolate`, `getMacroMatches`,
  `parseArgs`, `DefaultMacros`), which sqlds v4 delegates to: macro names are matched as
  `\\$__NAME\\b`, longest name first; arguments are the bracketed list that *immediately*
  follows the name, split on top-level commas and trimmed; every occurrence of the matched text
  is replaced (strings.ReplaceAll).

tests/test_grafana_macros.py pins each expansion, including the plugin's own test vectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class MacroError(ValueError):
    """What the plugin answers with an error instead of a query."""


@dataclass(frozen=True)
class MacroQuery:
    """The parts of the plugin's query a macro reads: the panel's time range and interval."""

    time_from: datetime
    time_to: datetime
    interval: timedelta = timedelta(seconds=60)
    table: str = ""
    column: str = ""


Macro = Callable[[MacroQuery, list[str] | None], str]


def _unix_milli(moment: datetime) -> int:
    """Go's Time.UnixMilli(), computed without float rounding."""
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _unix(moment: datetime) -> int:
    """Go's Time.Unix(): whole seconds, rounded towards the past."""
    return _unix_milli(moment) // 1000


def _to_date(moment: datetime) -> str:
    # Go formats the time in its own location; the plugin's times are UTC.
    return f"toDate('{moment.astimezone(UTC):%Y-%m-%d}')"


def _to_date_time(moment: datetime) -> str:
    return f"toDateTime({_unix(moment)})"


def _to_date_time64(moment: datetime) -> str:
    return f"fromUnixTimestamp64Milli({_unix_milli(moment)})"


def _one_argument(args: list[str] | None, expected: int = 1) -> list[str]:
    count = len(args or [])
    if count != expected:
        raise MacroError(
            f"unexpected number of arguments: expected {expected} argument, received {count}"
        )
    return args or []


def _seconds(interval: timedelta) -> int:
    return int(max(interval.total_seconds(), 1))


def _filter(column: str, low: str, high: str) -> str:
    return f"{column} >= {low} AND {column} <= {high}"


# --- clickhouse-datasource pkg/macros/macros.go ------------------------------------------------


def _from_time(q: MacroQuery, _: list[str] | None) -> str:
    return _to_date_time(q.time_from)


def _to_time(q: MacroQuery, _: list[str] | None) -> str:
    return _to_date_time(q.time_to)


def _from_time_ms(q: MacroQuery, _: list[str] | None) -> str:
    return _to_date_time64(q.time_from)


def _to_time_ms(q: MacroQuery, _: list[str] | None) -> str:
    return _to_date_time64(q.time_to)


def _time_filter(q: MacroQuery, args: list[str] | None) -> str:
    (column,) = _one_argument(args)
    return _filter(column, _to_date_time(q.time_from), _to_date_time(q.time_to))


def _time_filter_ms(q: MacroQuery, args: list[str] | None) -> str:
    (column,) = _one_argument(args)
    return _filter(column, _to_date_time64(q.time_from), _to_date_time64(q.time_to))


def _date_filter(q: MacroQuery, args: list[str] | None) -> str:
    (column,) = _one_argument(args)
    return _filter(column, _to_date(q.time_from), _to_date(q.time_to))


def _date_time_filter(q: MacroQuery, args: list[str] | None) -> str:
    date_column, time_column = _one_argument(args, expected=2)
    dates = _filter(date_column, _to_date(q.time_from), _to_date(q.time_to))
    times = _filter(time_column, _to_date_time(q.time_from), _to_date_time(q.time_to))
    return f"({dates}) AND ({times})"


def _time_interval(q: MacroQuery, args: list[str] | None) -> str:
    (column,) = _one_argument(args)
    return f"toStartOfInterval(toDateTime({column}), INTERVAL {_seconds(q.interval)} second)"


def _time_interval_ms(q: MacroQuery, args: list[str] | None) -> str:
    (column,) = _one_argument(args)
    milliseconds = max(q.interval // timedelta(milliseconds=1), 1)
    return f"toStartOfInterval(toDateTime64({column}, 3), INTERVAL {milliseconds} millisecond)"


def _interval_seconds(q: MacroQuery, _: list[str] | None) -> str:
    return str(_seconds(q.interval))


CLICKHOUSE_MACROS: dict[str, Macro] = {
    "fromTime": _from_time,
    "toTime": _to_time,
    "fromTime_ms": _from_time_ms,
    "toTime_ms": _to_time_ms,
    "timeFilter": _time_filter,
    "timeFilter_ms": _time_filter_ms,
    "dateFilter": _date_filter,
    "dateTimeFilter": _date_time_filter,
    "dt": _date_time_filter,
    "timeInterval": _time_interval,
    "timeInterval_ms": _time_interval_ms,
    "interval_s": _interval_seconds,
}

# --- grafana-plugin-sdk-go data/sqlutil/macros.go DefaultMacros (timeFilter is overridden) -----


def _rfc3339(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _sdk_time_from(q: MacroQuery, args: list[str] | None) -> str:
    (column,) = _one_argument(args)
    return f"{column} >= '{_rfc3339(q.time_from)}'"


def _sdk_time_to(q: MacroQuery, args: list[str] | None) -> str:
    (column,) = _one_argument(args)
    return f"{column} <= '{_rfc3339(q.time_to)}'"


def _sdk_time_group(_: MacroQuery, args: list[str] | None) -> str:
    column, period = _one_argument(args, expected=2)
    parts = ["minute", "hour", "day", "month", "year"]
    if period not in parts:
        return ""
    return ",".join(f"datepart({part}, {column})" for part in parts[parts.index(period) :])


def _format_interval(interval: timedelta) -> str:
    """gtime.FormatInterval: the largest whole unit."""
    for unit, size in (
        ("y", timedelta(days=365)),
        ("d", timedelta(days=1)),
        ("h", timedelta(hours=1)),
        ("m", timedelta(minutes=1)),
        ("s", timedelta(seconds=1)),
        ("ms", timedelta(milliseconds=1)),
    ):
        if interval >= size:
            return f"{interval // size}{unit}"
    return "1ms"


SDK_DEFAULT_MACROS: dict[str, Macro] = {
    "interval": lambda q, _: _format_interval(q.interval),
    "interval_ms": lambda q, _: str(q.interval // timedelta(milliseconds=1)),
    "timeFilter": lambda q, args: _filter(
        _one_argument(args)[0], f"'{_rfc3339(q.time_from)}'", f"'{_rfc3339(q.time_to)}'"
    ),
    "timeFrom": _sdk_time_from,
    "timeGroup": _sdk_time_group,
    "timeTo": _sdk_time_to,
    "table": lambda q, _: q.table,
    "column": lambda q, _: q.column,
}

MACROS: dict[str, Macro] = {**SDK_DEFAULT_MACROS, **CLICKHOUSE_MACROS}


def _parse_args(text: str) -> tuple[list[str] | None, int]:
    """parseArgs: the bracketed list at the very start of `text` -> (args, its length);
    (None, 0) when `text` does not start with '('."""
    if not text.startswith("("):
        return None, 0
    args: list[str] = []
    depth = 0
    current: list[str] = []
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
            if depth == 1:
                continue
        elif char == ")":
            depth -= 1
            if depth == 0:
                args.append("".join(current).strip())
                return args, index + 1
        elif char == "," and depth == 1:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    raise MacroError("failed to parse macro arguments (missing close bracket?)")


def _matches(sql: str, name: str) -> list[tuple[str, list[str] | None]]:
    found = []
    for match in re.finditer(rf"\$__{name}\b", sql, flags=re.ASCII):
        args, length = _parse_args(sql[match.end() :])
        found.append((sql[match.start() : match.end() + length], args))
    return found


def interpolate(sql: str, query: MacroQuery) -> str:
    """sqlutil.Interpolate with the ClickHouse plugin's macros."""
    # Longest names first, so that $__fromTime never eats the start of $__fromTime_ms.
    for name in sorted(MACROS, key=len, reverse=True):
        for full, args in _matches(sql, name):
            sql = sql.replace(full, MACROS[name](query, args))
    return sql
