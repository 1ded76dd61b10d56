"""The analytics definitions of SPEC section 8, computed in plain Python from the same records
the views read. Written from the definitions, not from the SQL: the tests compare the two."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

STEP_NAMES = ["visit", "engaged", "interest", "cart", "identified", "order"]
SEGMENTS = [
    "churned",
    "loyal",
    "repeat",
    "first_time",
    "dormant_potential",
    "potential",
    "lead",
    "stranger",
]
DAY_MS = 86_400_000


def ms(value: str | datetime) -> int:
    if isinstance(value, str):
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return round(value.timestamp() * 1000)


def unique_events(records: list[dict[str, Any]], site: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for record in records:
        if record["site_id"] == site:
            seen.setdefault(record["event_id"], record)
    return list(seen.values())


def person_resolver(events: list[dict[str, Any]]):
    first_link: dict[str, tuple[int, str]] = {}
    for event in events:
        if event["anonymous_id"] and event["user_id"]:
            link = (ms(event["ts"]), event["user_id"])
            if event["anonymous_id"] not in first_link or link < first_link[event["anonymous_id"]]:
                first_link[event["anonymous_id"]] = link

    def person(event: dict[str, Any]) -> str:
        if event["user_id"]:
            return "u:" + event["user_id"]
        if event["anonymous_id"] in first_link:
            return "u:" + first_link[event["anonymous_id"]][1]
        return "a:" + event["anonymous_id"]

    return person


def by_person(records, site):
    """person -> their events in (time, event_id) order, each once. Page views without a
    session_id carry the session they get by time (see sessionless_sessions) as session_id."""
    events = unique_events(records, site)
    person = person_resolver(events)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        grouped[person(event)].append(event)
    for person_events in grouped.values():
        person_events.sort(key=lambda e: (ms(e["ts"]), e["event_id"]))
        sessions = sessionless_sessions(
            [(ms(e["ts"]), e["event_id"]) for e in person_events if _sessionless_page_view(e)]
        )
        person_events[:] = [
            e | {"session_id": sessions[e["event_id"]]} if _sessionless_page_view(e) else e
            for e in person_events
        ]
    return grouped


def _sessionless_page_view(event: dict[str, Any]) -> bool:
    return event["type"] == "page_view" and not event["session_id"]


SESSION_TIMEOUT_MS = 30 * 60 * 1000


def sessionless_sessions(page_views: list[tuple[int, str]]) -> dict[str, str]:
    """One person's page views without a session_id, as (ms, event_id): the session of each, as
    the event_id of the session's first page view. In (time, event_id) order, a new session
    begins once 30 minutes have passed since the previous page view (the snippet's cookie rule)."""
    first_of: dict[str, str] = {}
    previous = first = None
    for at, event_id in sorted(page_views):
        if previous is None or at - previous >= SESSION_TIMEOUT_MS:
            first = event_id
        first_of[event_id] = first
        previous = at
    return first_of


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, quantileExactInclusive)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _chain(events: list[dict[str, Any]], start: int, window_ms: int) -> list[int]:
    """Positions of the steps reached from `start`, greedily (earliest qualifying event)."""
    limit = ms(events[start]["ts"]) + window_ms

    def first(after: int, inclusive: bool, test) -> int | None:
        for position in range(after if inclusive else after + 1, len(events)):
            if ms(events[position]["ts"]) <= limit and test(events[position]):
                return position
        return None

    session = events[start]["session_id"]
    tests = [
        (False, lambda e: e["type"] == "page_view" and e["session_id"] == session),
        (False, lambda e: e["type"] in ("favorite", "add_to_cart")),
        (True, lambda e: e["type"] == "add_to_cart"),
        (True, lambda e: e["type"] in ("register", "login") or bool(e["user_id"])),
        (True, lambda e: e["type"] == "order"),
    ]
    chain = [start]
    for inclusive, test in tests:
        found = first(chain[-1], inclusive, test)
        if found is None:
            break
        chain.append(found)
    return chain


def best_chains(records, site: str, date_from: datetime, date_to: datetime, window_seconds: int):
    """person -> (their events from date_from to date_to + window, the positions of the steps of
    their longest chain, the earliest start among equals); persons without a start are left out."""
    start_ms, end_ms, window_ms = ms(date_from), ms(date_to), window_seconds * 1000
    chains = {}
    for person, events in by_person(records, site).items():
        events = [e for e in events if start_ms <= ms(e["ts"]) < end_ms + window_ms]
        starts = [
            i for i, e in enumerate(events) if e["type"] == "page_view" and ms(e["ts"]) < end_ms
        ]
        if not starts:
            continue
        best: list[int] = []
        for start in starts:  # the longest chain; the earliest start among equals
            chain = _chain(events, start, window_ms)
            if len(chain) > len(best):
                best = chain
        chains[person] = (events, best)
    return chains


def funnel_rows(chains) -> list[dict[str, Any]]:
    """The funnel's rows over (events, chain) pairs (see best_chains)."""
    reached = [0] * 6
    gaps: list[list[float]] = [[] for _ in range(6)]
    for events, best in chains:
        for step in range(len(best)):
            reached[step] += 1
            if step:
                gaps[step].append(
                    (ms(events[best[step]]["ts"]) - ms(events[best[step - 1]]["ts"])) / 1000
                )
    rows = []
    for step in range(6):
        previous = reached[step - 1] if step else reached[0]
        visitors = reached[step]
        rows.append(
            {
                "step": step + 1,
                "step_name": STEP_NAMES[step],
                "visitors": visitors,
                "conversion_from_previous": (1.0 if visitors else 0.0)
                if step == 0
                else (visitors / previous if previous else 0.0),
                "conversion_from_first": visitors / reached[0] if reached[0] else 0.0,
                "drop_off": 0 if step == 0 else previous - visitors,
                "drop_off_rate": 0.0
                if step == 0 or not previous
                else (previous - visitors) / previous,
                "median_seconds_from_previous": quantile(gaps[step], 0.5)
                if step and visitors
                else None,
                "p90_seconds_from_previous": quantile(gaps[step], 0.9)
                if step and visitors
                else None,
            }
        )
    return rows


def funnel(records, site: str, date_from: datetime, date_to: datetime, window_seconds: int):
    return funnel_rows(best_chains(records, site, date_from, date_to, window_seconds).values())


def orders(records, site: str) -> dict[str, dict[str, Any]]:
    """order_id -> the earliest event carrying it (with its person, time, revenue)."""
    events = unique_events(records, site)
    person = person_resolver(events)
    found: dict[str, dict[str, Any]] = {}
    for event in sorted(events, key=lambda e: (ms(e["ts"]), e["event_id"])):
        if event["type"] == "order" and event["order_id"] and event["order_id"] not in found:
            found[event["order_id"]] = {
                "person": person(event),
                "at": ms(event["ts"]),
                "revenue": Decimal(event["revenue"]),
                "event": event,
            }
    return found


def _customers(records, site, date_from, date_to) -> dict[str, list[Decimal]]:
    customers: dict[str, list[Decimal]] = defaultdict(list)
    for order in orders(records, site).values():
        if ms(date_from) <= order["at"] < ms(date_to):
            customers[order["person"]].append(order["revenue"])
    return customers


def order_count_distribution(records, site, date_from, date_to):
    customers = _customers(records, site, date_from, date_to)
    counts = {"1": 0, "2": 0, "3": 0, "4+": 0}
    for revenues in customers.values():
        counts[str(len(revenues)) if len(revenues) < 4 else "4+"] += 1
    total = len(customers)
    return [
        {"orders_bucket": bucket, "customers": n, "share": n / total if total else 0.0}
        for bucket, n in counts.items()
    ]


def value_pyramid(records, site, date_from, date_to):
    customers = _customers(records, site, date_from, date_to)
    ranked = sorted(customers.items(), key=lambda item: (-sum(item[1]), item[0]))
    n = len(ranked)
    tiers: dict[str, list[list[Decimal]]] = {"vip": [], "major": [], "ordinary": [], "small": []}
    for rank, (_, revenues) in enumerate(ranked, start=1):
        if rank <= math.ceil(n * 0.01):
            tier = "vip"
        elif rank <= math.ceil(n * 0.05):
            tier = "major"
        elif rank <= math.ceil(n * 0.20):
            tier = "ordinary"
        else:
            tier = "small"
        tiers[tier].append(revenues)
    total = sum(sum(r) for r in customers.values())
    rows = []
    for tier, members in tiers.items():
        revenue = sum((sum(r) for r in members), Decimal(0))
        order_count = sum(len(r) for r in members)
        rows.append(
            {
                "tier": tier,
                "customers": len(members),
                "revenue": revenue,
                "revenue_share": float(revenue) / float(total) if total else 0.0,
                "avg_order_value": (revenue / order_count).quantize(Decimal("0.0001"), ROUND_DOWN)
                if order_count
                else Decimal(0),
            }
        )
    return rows


def cart_abandonment(records, site, date_from, date_to, window_seconds):
    start_ms, end_ms, window_ms = ms(date_from), ms(date_to), window_seconds * 1000
    carted = ordered = 0
    for events in by_person(records, site).values():
        carts = [
            ms(e["ts"])
            for e in events
            if e["type"] == "add_to_cart" and start_ms <= ms(e["ts"]) < end_ms
        ]
        if not carts:
            continue
        carted += 1
        order_times = [
            ms(e["ts"])
            for e in events
            if e["type"] == "order" and start_ms <= ms(e["ts"]) < end_ms + window_ms
        ]
        if any(c <= o <= c + window_ms for c in carts for o in order_times):
            ordered += 1
    return [
        {
            "carted_visitors": carted,
            "ordered_visitors": ordered,
            "abandoned_visitors": carted - ordered,
            "abandonment_rate": (carted - ordered) / carted if carted else 0.0,
        }
    ]


def churn_line_ms(order_times: list[int], one_time_churn_days: int = 180) -> float:
    """How long after the last order a buyer churns: twice their median interval between
    orders, or one_time_churn_days for one-time buyers."""
    if len(order_times) >= 2:
        intervals = [b - a for a, b in zip(order_times, order_times[1:], strict=False)]
        return 2 * statistics.median(intervals)
    return one_time_churn_days * DAY_MS


def lifecycle_segment(events, cutoff: int, dormant_days=30, one_time_churn_days=180) -> str | None:
    """The segment of one person's events (sorted) as of `cutoff` (ms); None if not seen yet."""
    events = [e for e in events if ms(e["ts"]) < cutoff]
    if not events:
        return None
    first_order: dict[str, int] = {}
    for e in events:
        if e["type"] == "order" and e["order_id"]:
            first_order[e["order_id"]] = min(
                first_order.get(e["order_id"], ms(e["ts"])), ms(e["ts"])
            )
    times = sorted(first_order.values())
    interests = [ms(e["ts"]) for e in events if e["type"] in ("favorite", "add_to_cart")]
    registered = any(e["type"] in ("register", "login", "identify") or e["user_id"] for e in events)
    if times:
        if cutoff - times[-1] > churn_line_ms(times, one_time_churn_days):
            return "churned"
        return {1: "first_time", 2: "repeat"}.get(len(times), "loyal")
    if interests:
        dormant = cutoff - max(interests) > dormant_days * DAY_MS
        return "dormant_potential" if dormant else "potential"
    return "lead" if registered else "stranger"


def lifecycle_segments(records, site, as_of, dormant_days=30, one_time_churn_days=180):
    cutoff = ms(as_of)
    counts = dict.fromkeys(SEGMENTS, 0)
    for events in by_person(records, site).values():
        segment = lifecycle_segment(events, cutoff, dormant_days, one_time_churn_days)
        if segment is not None:
            counts[segment] += 1
    return [{"segment": s, "visitors": n} for s, n in counts.items()]
