"""The customer views of SPEC section 8 (value and RFM, lifecycle, acquisition sources, cohorts,
products) computed in plain Python from the same records the views read. Written from the
definitions in the views' headers, not from their SQL: the tests compare the two.

Periods are given as the analyst gives them, naive local text ("2026-03-01 00:00:00") read in the
site's time zone `tz`; times come back as datetimes in that zone."""

from __future__ import annotations

import calendar
import itertools
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tests import oracle
from tests.oracle import (
    SEGMENTS,
    by_person,
    ms,
    orders,
    person_resolver,
    unique_events,
)

Row = dict[str, Any]
SOURCE_FIELDS = ("channel", "utm_source", "utm_medium", "utm_campaign", "referrer_domain")
NO_SOURCE = ("none", "", "", "", "")
MODELS = ("first_touch", "last_touch")


def local(text: str, tz: str) -> datetime:
    """A naive local time of the site, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz))


def at(epoch_ms: int, tz: str) -> datetime:
    """Epoch milliseconds as a datetime in the site's zone, exactly."""
    seconds, millis = divmod(epoch_ms, 1000)
    return datetime.fromtimestamp(seconds, ZoneInfo(tz)) + timedelta(milliseconds=millis)


def period(tz: str, date_from: str, date_to: str) -> tuple[int, int]:
    return ms(local(date_from, tz)), ms(local(date_to, tz))


def shift_months(text: str, months: int) -> str:
    """Calendar months back from a naive time; a day past the month's end is clamped to it."""
    value = datetime.fromisoformat(text)
    index = value.year * 12 + value.month - 1 - months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day).isoformat(sep=" ")


def _user_id(person: str) -> str:
    return person[2:] if person.startswith("u:") else ""


# --- orders, customers, value ------------------------------------------------------------


def period_orders(records, site, tz, date_from, date_to) -> list[Row]:
    start, end = period(tz, date_from, date_to)
    rows = []
    for order_id, order in sorted(orders(records, site).items()):
        if start <= order["at"] < end:
            rows.append(
                {
                    "order_id": order_id,
                    "person": order["person"],
                    "ordered_at": at(order["at"], tz),
                    "revenue": order["revenue"],
                    "currency": order["event"]["currency"],
                    "items": len(order["event"]["items.product_id"]),
                }
            )
    return rows


def period_customers(records, site, tz, date_from, date_to) -> list[Row]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for order in period_orders(records, site, tz, date_from, date_to):
        grouped[order["person"]].append(order)
    return [
        {
            "person": person,
            "orders": len(placed),
            "revenue": sum((o["revenue"] for o in placed), Decimal(0)),
            "first_order_at": min(o["ordered_at"] for o in placed),
            "last_order_at": max(o["ordered_at"] for o in placed),
        }
        for person, placed in sorted(grouped.items())
    ]


def value_pyramid(records, site, tz, date_from, date_to) -> list[Row]:
    return oracle.value_pyramid(records, site, local(date_from, tz), local(date_to, tz))


def _score(value, values: list) -> int:
    """1 + floor(5 * customers with a strictly worse value / customers)."""
    worse = sum(1 for other in values if other < value)
    return 1 + 5 * worse // len(values)


def rfm_customers(records, site, tz, date_from, date_to) -> list[Row]:
    _, end = period(tz, date_from, date_to)
    customers = period_customers(records, site, tz, date_from, date_to)
    lasts = [c["last_order_at"] for c in customers]
    counts = [c["orders"] for c in customers]
    revenues = [c["revenue"] for c in customers]
    rows = []
    for c in customers:
        scores = (
            _score(c["last_order_at"], lasts),
            _score(c["orders"], counts),
            _score(c["revenue"], revenues),
        )
        rows.append(
            {
                "person": c["person"],
                "user_id": _user_id(c["person"]),
                "last_order_at": c["last_order_at"],
                "recency_seconds": (end - ms(c["last_order_at"])) / 1000,
                "frequency": c["orders"],
                "monetary": c["revenue"],
                "r_score": scores[0],
                "f_score": scores[1],
                "m_score": scores[2],
                "rfm": "".join(map(str, scores)),
            }
        )
    return sorted(rows, key=lambda r: (-int(r["rfm"]), -r["monetary"], r["person"]))


def rfm_summary(records, site, tz, date_from, date_to) -> list[Row]:
    customers = rfm_customers(records, site, tz, date_from, date_to)
    total = sum((c["monetary"] for c in customers), Decimal(0))
    rows = []
    for dimension, score_of, value_of in (
        ("recency", "r_score", "recency_seconds"),
        ("frequency", "f_score", "frequency"),
        ("monetary", "m_score", "monetary"),
    ):
        for score in range(1, 6):
            members = [c for c in customers if c[score_of] == score]
            revenue = sum((c["monetary"] for c in members), Decimal(0))
            values = [float(c[value_of]) for c in members]
            rows.append(
                {
                    "dimension": dimension,
                    "score": score,
                    "customers": len(members),
                    "customer_share": len(members) / len(customers) if customers else 0.0,
                    "revenue": revenue,
                    "revenue_share": float(revenue) / float(total) if total else 0.0,
                    "min_value": min(values) if values else None,
                    "max_value": max(values) if values else None,
                }
            )
    return rows


# --- lifecycle ---------------------------------------------------------------------------


def _month_start(day: date, months_later: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date, tz: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))


def moments(tz: str, date_from: str, date_to: str) -> list[int]:
    """date_from, then every local month start after it up to date_to (inclusive), in ms."""
    first, last = local(date_from, tz), local(date_to, tz)
    found = [first]
    month = 1
    while (start := _midnight(_month_start(first.date(), month), tz)) <= last:
        found.append(start)
        month += 1
    return [ms(moment) for moment in found]


def lifecycle_history(
    records, site, tz, date_from, date_to, dormant_days=30, one_time_churn_days=180
) -> list[Row]:
    placed_orders: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for order in orders(records, site).values():
        placed_orders[order["person"]].append((order["at"], order["revenue"]))
    people = by_person(records, site)
    rows = []
    for moment in moments(tz, date_from, date_to):
        for person, events in sorted(people.items()):
            segment = oracle.lifecycle_segment(events, moment, dormant_days, one_time_churn_days)
            if segment is None:
                continue
            before = [e for e in events if ms(e["ts"]) < moment]
            placed = sorted(o for o in placed_orders[person] if o[0] < moment)
            times = [t for t, _ in placed]
            interests = [ms(e["ts"]) for e in before if e["type"] in ("favorite", "add_to_cart")]
            churns = (
                times[-1] + math.floor(oracle.churn_line_ms(times, one_time_churn_days))
                if times
                else None
            )
            rows.append(
                {
                    "as_of": at(moment, tz),
                    "person": person,
                    "segment": segment,
                    "orders": len(times),
                    "revenue": sum((r for _, r in placed), Decimal(0)),
                    "first_seen_at": at(min(ms(e["ts"]) for e in before), tz),
                    "last_order_at": at(times[-1], tz) if times else None,
                    "churns_at": at(churns, tz) if churns is not None else None,
                    "last_interest_at": at(max(interests), tz) if interests else None,
                    "registered": int(
                        any(
                            e["type"] in ("register", "login", "identify") or e["user_id"]
                            for e in before
                        )
                    ),
                }
            )
    return rows


def lifecycle_people(records, site, tz, as_of) -> list[Row]:
    rows = lifecycle_history(records, site, tz, as_of, as_of)
    return [
        {"person": r["person"], "user_id": _user_id(r["person"])}
        | {k: v for k, v in r.items() if k not in ("as_of", "person")}
        for r in rows
    ]


def lifecycle_segments(records, site, tz, as_of, dormant_days=30, one_time_churn_days=180):
    return oracle.lifecycle_segments(
        records, site, local(as_of, tz), dormant_days, one_time_churn_days
    )


lifecycle_segments_custom = lifecycle_segments


def lifecycle_movement(records, site, tz, date_from, date_to) -> list[Row]:
    segment = {
        (ms(r["as_of"]), r["person"]): r["segment"]
        for r in lifecycle_history(records, site, tz, date_from, date_to)
    }
    start, end = period(tz, date_from, date_to)
    order = ["new", *SEGMENTS]
    rows = []
    month = 0
    first = local(date_from, tz).date()
    while True:
        begins = ms(_midnight(_month_start(first, month), tz))
        ends = ms(_midnight(_month_start(first, month + 1), tz))
        month += 1
        if ends > end:
            break
        if begins < start:
            continue
        moves: dict[tuple[str, str], int] = defaultdict(int)
        for (moment, person), to_segment in segment.items():
            if moment == ends:
                moves[(segment.get((begins, person), "new"), to_segment)] += 1
        for (from_segment, to_segment), visitors in sorted(
            moves.items(), key=lambda m: (order.index(m[0][0]), order.index(m[0][1]))
        ):
            rows.append(
                {
                    "month": at(begins, tz).date(),
                    "from_segment": from_segment,
                    "to_segment": to_segment,
                    "visitors": visitors,
                }
            )
    return rows


# --- acquisition sources -----------------------------------------------------------------


def session_landings(records, site) -> dict[str, list[tuple[int, str, tuple[str, ...]]]]:
    """person -> their sessions' landings (ms, landing event_id, source), in landing order.
    Page views without a session_id come with their session by time (by_person)."""
    sessions = {}
    for who, events in by_person(records, site).items():
        first: dict[str, tuple[int, str, tuple[str, ...]]] = {}
        for e in events:  # in (time, event_id) order: a session's first page view comes first
            if e["type"] == "page_view":
                first.setdefault(
                    e["session_id"],
                    (ms(e["ts"]), e["event_id"], tuple(e[f] for f in SOURCE_FIELDS)),
                )
        if first:
            sessions[who] = sorted(first.values())
    return sessions


def acquisition_sources(records, site, tz, date_from, date_to) -> list[Row]:
    start, end = period(tz, date_from, date_to)
    sessions = {
        who: [s for s in found if s[0] < end]
        for who, found in session_landings(records, site).items()
    }
    totals: dict[tuple[str, tuple[str, ...]], Row] = defaultdict(
        lambda: {"visitors": 0, "new_visitors": 0, "orders": 0, "revenue": Decimal(0)}
    )
    for found in sessions.values():
        in_period = [s for s in found if s[0] >= start]
        if not in_period:
            continue
        for model, landed in zip(MODELS, (found[0], in_period[-1]), strict=True):
            totals[(model, landed[2])]["visitors"] += 1
            totals[(model, landed[2])]["new_visitors"] += found[0][0] >= start
    for order in orders(records, site).values():
        if not start <= order["at"] < end:
            continue
        before = [s for s in sessions.get(order["person"], []) if s[0] <= order["at"]]
        credited = (before[0][2], before[-1][2]) if before else (NO_SOURCE, NO_SOURCE)
        for model, source in zip(MODELS, credited, strict=True):
            totals[(model, source)]["orders"] += 1
            totals[(model, source)]["revenue"] += order["revenue"]
    rows = [
        {"model": model} | dict(zip(SOURCE_FIELDS, source, strict=True)) | values
        for (model, source), values in totals.items()
    ]
    return sorted(
        rows,
        key=lambda r: (r["model"], -r["visitors"], -r["orders"], *(r[f] for f in SOURCE_FIELDS)),
    )


def _change(current, previous) -> float | None:
    return None if previous == 0 else (float(current) - float(previous)) / float(previous)


def acquisition_sources_compare(records, site, tz, date_from, date_to, compare_to) -> list[Row]:
    months = {"month": 1, "quarter": 3, "year": 12}[compare_to]
    current = acquisition_sources(records, site, tz, date_from, date_to)
    previous = acquisition_sources(
        records, site, tz, shift_months(date_from, months), shift_months(date_to, months)
    )
    keys = ("model", *SOURCE_FIELDS)
    zero = {"visitors": 0, "new_visitors": 0, "orders": 0, "revenue": Decimal(0)}
    now = {tuple(r[k] for k in keys): r for r in current}
    then = {tuple(r[k] for k in keys): r for r in previous}
    rows = []
    for key in now.keys() | then.keys():
        c, p = now.get(key, zero), then.get(key, zero)
        row: Row = dict(zip(keys, key, strict=True))
        for metric in ("visitors", "new_visitors", "orders", "revenue"):
            row[metric] = c[metric]
            row[f"previous_{metric}"] = p[metric]
            row[f"{metric}_change_rate"] = _change(c[metric], p[metric])
        rows.append(row)
    return sorted(
        rows,
        key=lambda r: (
            r["model"],
            -r["visitors"],
            -r["previous_visitors"],
            -r["orders"],
            *(r[f] for f in SOURCE_FIELDS),
        ),
    )


# --- cohorts -----------------------------------------------------------------------------


def cohort_retention(records, site, tz, date_from, date_to, cohort_by, grain) -> list[Row]:
    start, end = period(tz, date_from, date_to)
    times: dict[str, list[int]] = defaultdict(list)
    if cohort_by == "first_visit":
        for who, events in by_person(records, site).items():
            times[who] = [ms(e["ts"]) for e in events if e["type"] == "page_view"]
    else:
        for order in orders(records, site).values():
            times[order["person"]].append(order["at"])

    def bucket(epoch_ms: int) -> date:
        day = at(epoch_ms, tz).date()
        return day - timedelta(days=day.weekday()) if grain == "week" else day.replace(day=1)

    def offset(later: date, earlier: date) -> int:
        if grain == "week":
            return (later - earlier).days // 7
        return (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month)

    cohorts: dict[date, list[set[int]]] = defaultdict(list)
    for found in times.values():
        found = [t for t in found if t < end]
        if found and min(found) >= start:
            cohort = bucket(min(found))
            cohorts[cohort].append({offset(bucket(t), cohort) for t in found})
    last = bucket(end - 1)
    rows = []
    for cohort, members in sorted(cohorts.items()):
        for period_offset in range(offset(last, cohort) + 1):
            retained = sum(1 for offsets in members if period_offset in offsets)
            rows.append(
                {
                    "cohort": cohort,
                    "period_offset": period_offset,
                    "cohort_size": len(members),
                    "retained": retained,
                    "retention_rate": retained / len(members),
                }
            )
    return rows


# --- products ----------------------------------------------------------------------------


def order_items(records, site) -> list[Row]:
    """The lines of each order's earliest event."""
    lines = []
    for order_id, order in sorted(orders(records, site).items()):
        event = order["event"]
        for line, product_id in enumerate(event["items.product_id"], start=1):
            lines.append(
                {
                    "order_id": order_id,
                    "person": order["person"],
                    "at": order["at"],
                    "line": line,
                    "product_id": product_id,
                    "category": event["items.category"][line - 1],
                    "price": Decimal(event["items.price"][line - 1]),
                    "quantity": event["items.quantity"][line - 1],
                }
            )
    return lines


def period_order_items(records, site, tz, date_from, date_to) -> list[Row]:
    """The lines (with a product) of the orders placed in the period."""
    start, end = period(tz, date_from, date_to)
    return [
        {
            "order_id": line["order_id"],
            "person": line["person"],
            "ordered_at": at(line["at"], tz),
            "ordered_ms": line["at"],
        }
        | {k: line[k] for k in ("line", "product_id", "category", "price", "quantity")}
        for line in order_items(records, site)
        if start <= line["at"] < end and line["product_id"]
    ]


def product_stats(records, site, tz, date_from, date_to) -> list[Row]:
    start, end = period(tz, date_from, date_to)
    products: dict[str, Row] = defaultdict(
        lambda: {
            "categories": set(),
            "views": 0,
            "viewers": set(),
            "carts": 0,
            "first_cart": {},
            "orders": set(),
            "units": 0,
            "buyers": set(),
            "revenue": Decimal(0),
            "last_order": {},
        }
    )
    for who, events in by_person(records, site).items():
        for e in events:
            if start <= ms(e["ts"]) < end and e["product_id"]:
                if e["type"] == "page_view":
                    p = products[e["product_id"]]
                    p["views"] += 1
                    p["viewers"].add(who)
                elif e["type"] == "add_to_cart":
                    p = products[e["product_id"]]
                    p["carts"] += 1
                    p["first_cart"].setdefault(who, ms(e["ts"]))  # events are in time order
                else:
                    continue
                p["categories"].add(e["category"])
    for line in period_order_items(records, site, tz, date_from, date_to):
        p = products[line["product_id"]]
        p["categories"].add(line["category"])
        p["orders"].add(line["order_id"])
        p["units"] += line["quantity"]
        p["buyers"].add(line["person"])
        p["revenue"] += line["price"] * line["quantity"]
        buyer = line["person"]
        p["last_order"][buyer] = max(p["last_order"].get(buyer, 0), line["ordered_ms"])
    rows = []
    for product_id, p in products.items():
        carters = len(p["first_cart"])
        converted = sum(
            1 for who, cart in p["first_cart"].items() if p["last_order"].get(who, -1) >= cart
        )
        rows.append(
            {
                "product_id": product_id,
                "category": max(p["categories"]),
                "views": p["views"],
                "viewers": len(p["viewers"]),
                "carts": p["carts"],
                "carters": carters,
                "orders": len(p["orders"]),
                "units": p["units"],
                "buyers": len(p["buyers"]),
                "revenue": p["revenue"],
                "cart_to_order_rate": converted / carters if carters else 0.0,
            }
        )
    for metric in ("views", "carts", "orders"):
        ranked = sorted(rows, key=lambda r, m=metric: (-r[m], r["product_id"]))
        for rank, row in enumerate(ranked, start=1):
            row[f"{metric}_rank"] = rank
    return sorted(rows, key=lambda r: r["views_rank"])


def products_bought_together(records, site, tz, date_from, date_to) -> list[Row]:
    baskets: dict[str, set[str]] = defaultdict(set)
    for line in period_order_items(records, site, tz, date_from, date_to):
        baskets[line["order_id"]].add(line["product_id"])
    containing: dict[str, int] = defaultdict(int)
    together: dict[tuple[str, str], int] = defaultdict(int)
    for products in baskets.values():
        for product in products:
            containing[product] += 1
        for pair in itertools.combinations(sorted(products), 2):
            together[pair] += 1
    n = len(baskets)
    rows = [
        {
            "product_a": a,
            "product_b": b,
            "orders": both,
            "support": both / n,
            "confidence_a_to_b": both / containing[a],
            "confidence_b_to_a": both / containing[b],
            "lift": both * n / (containing[a] * containing[b]),
        }
        for (a, b), both in together.items()
    ]
    return sorted(rows, key=lambda r: (-r["orders"], r["product_a"], r["product_b"]))


def recently_viewed_products(records, site, tz, visitor: str, limit: int) -> list[Row]:
    if visitor.startswith(("u:", "a:")):
        target = visitor
    else:
        target = person_resolver(unique_events(records, site))(
            {"user_id": "", "anonymous_id": visitor}
        )
    last: dict[str, tuple[int, str, str]] = {}
    views: dict[str, int] = defaultdict(int)
    for e in by_person(records, site).get(target, []):
        if e["type"] == "page_view" and e["product_id"]:
            views[e["product_id"]] += 1
            seen = (ms(e["ts"]), e["event_id"], e["category"])
            last[e["product_id"]] = max(last.get(e["product_id"], seen), seen)
    rows = [
        {
            "product_id": product_id,
            "category": category,
            "last_viewed_at": at(when, tz),
            "views": views[product_id],
        }
        for product_id, (when, _, category) in last.items()
    ]
    return sorted(rows, key=lambda r: (-ms(r["last_viewed_at"]), r["product_id"]))[:limit]
