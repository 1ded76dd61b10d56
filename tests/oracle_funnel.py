"""The funnel family of SPEC section 8 as documented in docs/views-funnel.md (the ordered funnel
split by period, channel, campaign, device and new-vs-returning visitor; stages reached in any
order; visit-to-order conversion per period; traffic per period), computed in plain Python from
the same records the views read. Written from the definitions, not from the SQL; the ordered
chains themselves come from tests/oracle.py."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.oracle import STEP_NAMES, best_chains, by_person, funnel_rows, ms, unique_events

Row = dict[str, Any]


def local_period(date_from: datetime, date_to: datetime, zone: str) -> tuple[datetime, datetime]:
    """The instants that the site-local wall-clock times date_from and date_to name."""
    return date_from.replace(tzinfo=ZoneInfo(zone)), date_to.replace(tzinfo=ZoneInfo(zone))


def bucket_start(at_ms: int, zone: str, bucket: str) -> date:
    """First day of the site-local day, week (from Monday) or month holding the instant."""
    day = datetime.fromtimestamp(at_ms // 1000, ZoneInfo(zone)).date()
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def steps_of(event: dict[str, Any]) -> set[int]:
    """The default funnel steps an event satisfies on its own (step 2 needs a session)."""
    steps = set()
    if event["type"] == "page_view":
        steps |= {1, 2}
    if event["type"] in ("favorite", "add_to_cart"):
        steps.add(3)
    if event["type"] == "add_to_cart":
        steps.add(4)
    if event["type"] in ("register", "login") or event["user_id"]:
        steps.add(5)
    if event["type"] == "order":
        steps.add(6)
    return steps


def landing_pages(records, site: str) -> dict[str, dict[str, Any]]:
    """session_id -> the session's first page view (time, then event_id). Page views without a
    session_id come with the session they get by time (tests/oracle.py by_person)."""
    first: dict[str, dict[str, Any]] = {}
    for events in by_person(records, site).values():
        for event in events:  # in (time, event_id) order
            if event["type"] == "page_view":
                key = event["session_id"]
                if key not in first or (ms(event["ts"]), event["event_id"]) < (
                    ms(first[key]["ts"]),
                    first[key]["event_id"],
                ):
                    first[key] = event
    return first


def first_page_views(records, site: str) -> dict[str, int]:
    """person -> time of their first page view ever, epoch ms."""
    return {
        person: min(ms(e["ts"]) for e in events if e["type"] == "page_view")
        for person, events in by_person(records, site).items()
        if any(e["type"] == "page_view" for e in events)
    }


def funnel_breakdown(
    records, site: str, date_from: datetime, date_to: datetime, window: int, dimension: str, zone
) -> list[Row]:
    """Rows of funnel_breakdown: each person's best chain grouped by `dimension` of its start."""
    period = local_period(date_from, date_to, zone)
    landings = landing_pages(records, site)
    first_seen = first_page_views(records, site)
    groups: dict[str, list] = defaultdict(list)
    for person, (events, chain) in best_chains(records, site, *period, window).items():
        start = events[chain[0]]
        start_ms = ms(start["ts"])
        landing = landings[start["session_id"]]
        if dimension in ("day", "week", "month"):
            value = bucket_start(start_ms, zone, dimension).isoformat()
        elif dimension == "visitor_type":
            value = "returning" if first_seen[person] < start_ms else "new"
        else:
            field = {"channel": "channel", "campaign": "utm_campaign", "device": "device_class"}
            value = landing[field[dimension]]
        groups[value].append((events, chain))
    return [
        {"value": value, **row} for value in sorted(groups) for row in funnel_rows(groups[value])
    ]


def stage_reached(records, site: str, date_from: datetime, date_to: datetime, zone) -> list[Row]:
    start, end = (ms(at) for at in local_period(date_from, date_to, zone))
    reached = [0] * 6
    active = 0
    for events in by_person(records, site).values():
        inside = [e for e in events if start <= ms(e["ts"]) < end]
        steps = set().union(*(steps_of(e) for e in inside)) - {2}
        page_views = defaultdict(int)
        for event in inside:
            page_views[event["session_id"]] += event["type"] == "page_view"
        if any(n >= 2 for n in page_views.values()):
            steps.add(2)
        if steps:
            active += 1
        for step in steps:
            reached[step - 1] += 1
    return [
        {
            "step": step,
            "step_name": STEP_NAMES[step - 1],
            "visitors": reached[step - 1],
            "active_visitors": active,
            "share": reached[step - 1] / active if active else 0.0,
        }
        for step in range(1, 7)
    ]


def conversion_trend(records, site, date_from, date_to, bucket: str, zone) -> list[Row]:
    start, end = (ms(at) for at in local_period(date_from, date_to, zone))
    visited: dict[date, set[str]] = defaultdict(set)
    ordered: dict[date, set[str]] = defaultdict(set)
    for person, events in by_person(records, site).items():
        for event in events:
            at = ms(event["ts"])
            if start <= at < end and event["type"] in ("page_view", "order"):
                kind = visited if event["type"] == "page_view" else ordered
                kind[bucket_start(at, zone, bucket)].add(person)
    return [
        {
            "period_start": period,
            "visitors": len(visited[period]),
            "ordering_visitors": len(visited[period] & ordered[period]),
            "conversion": len(visited[period] & ordered[period]) / len(visited[period])
            if visited[period]
            else 0.0,
        }
        for period in sorted(set(visited) | set(ordered))
    ]


def visitor_id(event: dict[str, Any]) -> str:
    return event["anonymous_id"] or "u:" + event["user_id"]


def traffic(records, site, date_from, date_to, bucket: str, zone) -> list[Row]:
    start, end = (ms(at) for at in local_period(date_from, date_to, zone))
    events: dict[tuple, int] = defaultdict(int)
    visitors: dict[tuple, set[str]] = defaultdict(set)
    for event in unique_events(records, site):
        at = ms(event["ts"])
        if start <= at < end:
            key = (bucket_start(at, zone, bucket), event["type"], event["channel"])
            key += (event["device_class"],)
            events[key] += 1
            visitors[key].add(visitor_id(event))
    return [
        {
            "period_start": key[0],
            "type": key[1],
            "channel": key[2],
            "device_class": key[3],
            "events": events[key],
            "visitor_ids": len(visitors[key]),
        }
        for key in sorted(events)
    ]


def traffic_totals(records, site, date_from, date_to, bucket: str, zone) -> list[Row]:
    start, end = (ms(at) for at in local_period(date_from, date_to, zone))
    totals: dict[date, list] = defaultdict(lambda: [0, 0, set()])
    for event in unique_events(records, site):
        at = ms(event["ts"])
        if start <= at < end:
            total = totals[bucket_start(at, zone, bucket)]
            total[0] += 1
            total[1] += event["type"] == "page_view"
            total[2].add(visitor_id(event))
    return [
        {"period_start": period, "events": n, "page_views": views, "visitor_ids": len(ids)}
        for period, (n, views, ids) in sorted(totals.items())
    ]
