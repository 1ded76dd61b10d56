"""The customer-stage metrics (SPEC section 8, docs/views-stages.md) computed in plain Python from
the records the views read: written from the definitions, not from the SQL, so the tests can
compare the two. Builds on tests/oracle.py (unique events, person stitching, orders, quantiles).

Times are epoch milliseconds; a `Period` turns the shop's wall-clock dates into them."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tests.oracle import by_person, ms, quantile, unique_events
from tests.oracle import orders as first_sends

MEMBER_TYPES = ("register", "login", "identify")
INTEREST_TYPES = ("favorite", "add_to_cart")
ONLINE_MS = 5 * 60 * 1000
ENGAGEMENT_KINDS = {"share": ("share",), "review": ("review",), "refer": ("refer",)}
CENT = Decimal("0.0001")

Row = dict[str, Any]


@dataclass(frozen=True)
class Period:
    """[date_from, date_to) on the shop's wall clock, and the period of equal length before."""

    wall_from: datetime
    wall_to: datetime
    zone: str

    def _ms(self, wall: datetime) -> int:
        return ms(wall.replace(tzinfo=ZoneInfo(self.zone)))

    @property
    def from_ms(self) -> int:
        return self._ms(self.wall_from)

    @property
    def to_ms(self) -> int:
        return self._ms(self.wall_to)

    @property
    def previous_from_ms(self) -> int:
        return self._ms(self.wall_from - (self.wall_to - self.wall_from))

    def holds(self, at_ms: int) -> bool:
        return self.from_ms <= at_ms < self.to_ms

    def holds_day(self, day: date) -> bool:
        return self.wall_from <= datetime.combine(day, time()) < self.wall_to


@dataclass(frozen=True)
class Order:
    order_id: str
    person: str
    at: int
    revenue: Decimal
    categories: frozenset[str]


class Shop:
    """One site's events as the definitions see them: each event_id once, grouped by person
    (stitched identities), in time order, with their times in milliseconds; orders once per
    order_id, with the time, buyer, revenue and item categories of their first send."""

    def __init__(self, records: list[Row], site: str) -> None:
        self.timelines: dict[str, list[tuple[int, Row]]] = {
            person: [(ms(event["ts"]), event) for event in events]
            for person, events in by_person(records, site).items()
        }
        first_event: dict[str, Row] = {}
        for event in sorted(
            unique_events(records, site), key=lambda e: (ms(e["ts"]), e["event_id"])
        ):
            if event["type"] == "order":
                first_event.setdefault(event["order_id"], event)
        self.orders = [
            Order(
                order_id,
                sent["person"],
                sent["at"],
                sent["revenue"],
                frozenset(c for c in first_event[order_id]["items.category"] if c),
            )
            for order_id, sent in first_sends(records, site).items()
        ]
        self.orders_of: dict[str, list[Order]] = defaultdict(list)
        for order in sorted(self.orders, key=lambda o: (o.at, o.order_id)):
            self.orders_of[order.person].append(order)


def _rate(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _growth(current: float | Decimal, previous: float | Decimal) -> float | None:
    return float(current - previous) / float(previous) if previous else None


def _truncated(amount: Decimal, count: int) -> Decimal:
    return (amount / count).quantize(CENT, ROUND_DOWN) if count else Decimal(0)


def _is_member(event: Row) -> bool:
    return event["type"] in MEMBER_TYPES or bool(event["user_id"])


@dataclass(frozen=True)
class Visit:
    person: str
    session: str
    landed: int
    page_views: int
    landing: Row


def visits(shop: Shop, period: Period) -> list[Visit]:
    """A visit is a person's session (page views without a session id: sessioned by 30 minutes
    without a page view); it belongs to the period of its first page view and counts all its
    page views."""
    sessions: dict[tuple[str, str], list[tuple[int, Row]]] = defaultdict(list)
    for person, timeline in shop.timelines.items():  # by_person: every page view has a session
        for at, event in timeline:
            if event["type"] == "page_view":
                sessions[(person, event["session_id"])].append((at, event))
    found = []
    for (person, key), views in sessions.items():
        landed, landing = min(views, key=lambda v: (v[0], v[1]["event_id"]))
        if period.holds(landed):
            found.append(Visit(person, key, landed, len(views), landing))
    return found


def _buyers(shop: Shop, period: Period) -> set[str]:
    return {order.person for order in shop.orders if period.holds(order.at)}


def stranger_stage(shop: Shop, period: Period) -> list[Row]:
    found = visits(shop, period)
    deepest: dict[str, int] = defaultdict(int)
    for visit in found:
        deepest[visit.person] = max(deepest[visit.person], visit.page_views)
    bounced = sum(1 for visit in found if visit.page_views == 1)
    ordering = len(set(deepest) & _buyers(shop, period))
    return [
        {
            "page_views": sum(visit.page_views for visit in found),
            "visits": len(found),
            "visitors": len(deepest),
            "first_click_visitors": sum(1 for depth in deepest.values() if depth == 1),
            "second_click_visitors": sum(1 for depth in deepest.values() if depth >= 2),
            "bounced_visits": bounced,
            "bounce_rate": _rate(bounced, len(found)),
            "ordering_visitors": ordering,
            "traffic_to_order_conversion": _rate(ordering, len(deepest)),
        }
    ]


def lead_stage(shop: Shop, period: Period) -> list[Row]:
    registrations = previous = bought = early = at_checkout = active_members = logins = 0
    for person, timeline in shop.timelines.items():
        seen = [(at, e) for at, e in timeline if at < period.to_ms]
        registered = min((at for at, e in seen if e["type"] == "register"), default=None)
        if registered is not None and registered >= period.from_ms:
            registrations += 1
            if any(registered <= o.at < period.to_ms for o in shop.orders_of[person]):
                bought += 1
            checkouts = [at for at, e in seen if e["type"] in ("checkout_start", "order")]
            if checkouts and min(checkouts) <= registered:
                at_checkout += 1
            else:
                early += 1
        elif registered is not None and registered >= period.previous_from_ms:
            previous += 1
        in_period = [e for at, e in seen if at >= period.from_ms]
        if in_period and any(_is_member(e) for _, e in seen):
            active_members += 1
        logins += sum(1 for e in in_period if e["type"] == "login")
    visit_counts: dict[str, int] = defaultdict(int)
    for visit in visits(shop, period):
        visit_counts[visit.person] += 1
    repeaters = sum(1 for n in visit_counts.values() if n >= 2)
    return [
        {
            "registrations": registrations,
            "previous_registrations": previous,
            "registration_growth_rate": _growth(registrations, previous),
            "registered_buyers": bought,
            "registration_to_purchase_conversion": _rate(bought, registrations),
            "registered_early": early,
            "registered_at_checkout": at_checkout,
            "active_registered_visitors": active_members,
            "logins": logins,
            "login_frequency": _rate(logins, active_members),
            "repeat_visitors": repeaters,
            "repeat_visit_rate": _rate(repeaters, len(visit_counts)),
        }
    ]


def online_visitors(shop: Shop, as_of_ms: int) -> list[Row]:
    online = registered = 0
    for timeline in shop.timelines.values():
        seen = [e for at, e in timeline if at <= as_of_ms]
        if any(as_of_ms - ONLINE_MS < at <= as_of_ms for at, _ in timeline):
            online += 1
            registered += any(_is_member(e) for e in seen)
    return [{"online_visitors": online, "online_registered_visitors": registered}]


def potential_stage(shop: Shop, period: Period) -> list[Row]:
    events: dict[str, int] = defaultdict(int)
    people: dict[str, set[str]] = defaultdict(set)
    for person, timeline in shop.timelines.items():
        for at, event in timeline:
            if period.holds(at):
                events[event["type"]] += 1
                people[event["type"]].add(person)
    return [
        {
            "favorites": events["favorite"],
            "favoriting_visitors": len(people["favorite"]),
            "cart_additions": events["add_to_cart"],
            "carting_visitors": len(people["add_to_cart"]),
            "checkout_starts": events["checkout_start"],
            "checkout_visitors": len(people["checkout_start"]),
        }
    ]


def abandonment(shop: Shop, period: Period, window_seconds: int, step_type: str) -> Row:
    """Persons with a `step_type` event in the period; ordered = an order within the window
    after one of those events."""
    window_ms = window_seconds * 1000
    started = ordered = 0
    for person, timeline in shop.timelines.items():
        steps = [at for at, e in timeline if e["type"] == step_type and period.holds(at)]
        if not steps:
            continue
        started += 1
        if any(s <= o.at <= s + window_ms for s in steps for o in shop.orders_of[person]):
            ordered += 1
    return {
        "started_visitors": started,
        "ordered_visitors": ordered,
        "abandoned_visitors": started - ordered,
        "abandonment_rate": _rate(started - ordered, started),
    }


def _renamed(row: Row, started_name: str) -> list[Row]:
    return [
        {started_name: row["started_visitors"]}
        | {k: v for k, v in row.items() if k != "started_visitors"}
    ]


def cart_abandonment(shop: Shop, period: Period, window_seconds: int) -> list[Row]:
    return _renamed(abandonment(shop, period, window_seconds, "add_to_cart"), "carted_visitors")


def checkout_abandonment(shop: Shop, period: Period, window_seconds: int) -> list[Row]:
    row = abandonment(shop, period, window_seconds, "checkout_start")
    return _renamed(row, "checkout_visitors")


def dormant_potential_customers(shop: Shop, as_of_ms: int, dormant_days: int) -> list[Row]:
    found = []
    for person, timeline in shop.timelines.items():
        seen = [(at, e) for at, e in timeline if at < as_of_ms]
        interests = [(at, e) for at, e in seen if e["type"] in INTEREST_TYPES]
        if not interests or any(e["type"] == "order" and e["order_id"] for _, e in seen):
            continue
        last_interest = max(at for at, _ in interests)
        if as_of_ms - last_interest <= dormant_days * 86_400_000:
            continue
        found.append(
            {
                "person": person,
                "user_id": person[2:] if person.startswith("u:") else "",
                "anonymous_ids": sorted({e["anonymous_id"] for _, e in seen if e["anonymous_id"]}),
                "last_interest_at": datetime.fromtimestamp(last_interest / 1000, UTC),
                "dormant_seconds": (as_of_ms - last_interest) / 1000,
                "carted_products": sorted(
                    {
                        e["product_id"]
                        for _, e in interests
                        if e["type"] == "add_to_cart" and e["product_id"]
                    }
                ),
                "favorited_products": sorted(
                    {
                        e["product_id"]
                        for _, e in interests
                        if e["type"] == "favorite" and e["product_id"]
                    }
                ),
                "last_seen_at": datetime.fromtimestamp(max(at for at, _ in seen) / 1000, UTC),
            }
        )
    return sorted(found, key=lambda row: (-row["last_interest_at"].timestamp(), row["person"]))


def _first_order_at(shop: Shop, person: str) -> int | None:
    placed = shop.orders_of[person]
    return placed[0].at if placed else None


def deal_stage(shop: Shop, period: Period) -> list[Row]:
    current = [o for o in shop.orders if period.holds(o.at)]
    previous = [o for o in shop.orders if period.previous_from_ms <= o.at < period.from_ms]
    revenue = sum((o.revenue for o in current), Decimal(0))
    previous_revenue = sum((o.revenue for o in previous), Decimal(0))
    average = _truncated(revenue, len(current))
    previous_average = _truncated(previous_revenue, len(previous))
    customers = {o.person for o in current}
    return [
        {
            "orders": len(current),
            "previous_orders": len(previous),
            "order_growth_rate": _growth(len(current), len(previous)),
            "revenue": revenue,
            "previous_revenue": previous_revenue,
            "revenue_growth_rate": _growth(revenue, previous_revenue),
            "avg_order_value": average,
            "previous_avg_order_value": previous_average,
            "avg_order_value_growth_rate": _growth(average, previous_average),
            "customers": len(customers),
            "new_customers": sum(1 for p in customers if period.holds(_first_order_at(shop, p))),
        }
    ]


def campaign_conversion(shop: Shop, period: Period, window_seconds: int) -> list[Row]:
    window_ms = window_seconds * 1000
    landings: dict[tuple[str, str, str], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for visit in visits(shop, period):
        if visit.landing["utm_campaign"]:
            campaign = tuple(visit.landing[f] for f in ("utm_source", "utm_medium", "utm_campaign"))
            landings[campaign][visit.person].append(visit.landed)
    rows = []
    for campaign, people in landings.items():
        ordering = new = 0
        brought: list[Order] = []
        for person, landed in people.items():
            won = [
                o for o in shop.orders_of[person] if any(t <= o.at <= t + window_ms for t in landed)
            ]
            brought += won
            ordering += bool(won)
            new += any(o.at == _first_order_at(shop, person) for o in won)
        rows.append(
            {
                "utm_source": campaign[0],
                "utm_medium": campaign[1],
                "utm_campaign": campaign[2],
                "visits": sum(len(landed) for landed in people.values()),
                "visitors": len(people),
                "ordering_visitors": ordering,
                "conversion": _rate(ordering, len(people)),
                "orders": len(brought),
                "revenue": sum((o.revenue for o in brought), Decimal(0)),
                "new_customers": new,
            }
        )
    return sorted(
        rows, key=lambda r: (-r["visitors"], r["utm_source"], r["utm_medium"], r["utm_campaign"])
    )


def campaign_acquisition_cost(
    shop: Shop, period: Period, window_seconds: int, costs: list[Row]
) -> list[Row]:
    """`costs`: rows of campaign_costs for this site, in import order (a later one replaces an
    earlier one of the same day and campaign)."""
    latest: dict[tuple[date, str, str, str], Row] = {}
    for cost in costs:
        key = (cost["date"], cost["utm_source"], cost["utm_medium"], cost["utm_campaign"])
        latest[key] = cost
    spent: dict[tuple[str, str, str, str], Decimal] = defaultdict(Decimal)
    for (day, *campaign), cost in latest.items():
        if period.holds_day(day):
            spent[(*campaign, cost["currency"])] += Decimal(cost["cost"])
    traffic = {
        (r["utm_source"], r["utm_medium"], r["utm_campaign"]): r
        for r in campaign_conversion(shop, period, window_seconds)
    }
    rows = []
    costed = {key[:3] for key in spent}
    entries = [(key[:3], key[3], amount) for key, amount in spent.items()]
    entries += [(campaign, "", None) for campaign in traffic if campaign not in costed]
    for campaign, currency, amount in entries:
        seen = traffic.get(campaign, {})
        new = seen.get("new_customers", 0)
        rows.append(
            {
                "utm_source": campaign[0],
                "utm_medium": campaign[1],
                "utm_campaign": campaign[2],
                "cost": amount,
                "currency": currency,
                "visitors": seen.get("visitors", 0),
                "ordering_visitors": seen.get("ordering_visitors", 0),
                "new_customers": new,
                "cost_per_new_customer": _truncated(amount, new)
                if amount is not None and new
                else None,
            }
        )
    return sorted(
        rows,
        key=lambda r: (
            r["cost"] is None,
            -(r["cost"] or 0),
            r["utm_source"],
            r["utm_medium"],
            r["utm_campaign"],
        ),
    )


def growth_stage(shop: Shop, period: Period) -> list[Row]:
    customers = orders = repeat_orders = repeat_customers = categories = 0
    revenue = Decimal(0)
    gaps: list[float] = []
    for placed in shop.orders_of.values():
        placed = [o for o in placed if o.at < period.to_ms]
        in_period = [i for i, o in enumerate(placed) if o.at >= period.from_ms]
        if not in_period:
            continue
        customers += 1
        orders += len(in_period)
        repeats = [i for i in in_period if i > 0]
        repeat_orders += len(repeats)
        repeat_customers += bool(repeats)
        gaps += [(placed[i].at - placed[i - 1].at) / 1000 for i in repeats]
        categories += len(frozenset().union(*(placed[i].categories for i in in_period)))
        revenue += sum((placed[i].revenue for i in in_period), Decimal(0))
    return [
        {
            "customers": customers,
            "orders": orders,
            "repeat_orders": repeat_orders,
            "repeat_customers": repeat_customers,
            "repeat_customer_rate": _rate(repeat_customers, customers),
            "orders_per_customer": _rate(orders, customers),
            "mean_seconds_between_orders": statistics.fmean(gaps) if gaps else None,
            "median_seconds_between_orders": quantile(gaps, 0.5) if gaps else None,
            "categories_per_customer": _rate(categories, customers),
            "revenue": revenue,
            "avg_spend_per_customer": _truncated(revenue, customers),
        }
    ]


def order_count_distribution(shop: Shop, period: Period) -> list[Row]:
    counts: dict[str, int] = defaultdict(int)
    for order in shop.orders:
        if period.holds(order.at):
            counts[order.person] += 1
    buckets = {"1": 0, "2": 0, "3": 0, "4+": 0}
    for n in counts.values():
        buckets[str(n) if n < 4 else "4+"] += 1
    return [
        {"orders_bucket": bucket, "customers": n, "share": _rate(n, len(counts))}
        for bucket, n in buckets.items()
    ]


def engagement(
    shop: Shop, period: Period, kinds: dict[str, tuple[str, ...]] = ENGAGEMENT_KINDS
) -> list[Row]:
    rows = []
    for kind, types in kinds.items():
        events = [
            person
            for person, timeline in shop.timelines.items()
            for at, event in timeline
            if event["type"] in types and period.holds(at)
        ]
        rows.append({"kind": kind, "events": len(events), "visitors": len(set(events))})
    return rows
