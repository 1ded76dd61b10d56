"""Views stay linear in one person's events: two resellers, each with thousands of campaign
visits, carts and orders, give the right answers under a memory cap that a search of every
session per order (or of every order per cart) would exceed many times over.

Real shops have such people (resellers, office buyers, staff testing the checkout); one of them
once made `abandonment` ask for 27 GB."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from clickstream.warehouse import Warehouse
from ingest.record import RequestContext, build_record
from schemas.event import Event
from schemas.migrations import migrate

SITE = "resellers"
VISITS = 4000  # per reseller: 4 000 visits, carts and orders each
START = datetime(2026, 3, 2, tzinfo=UTC)
GAP = timedelta(minutes=15)  # between one reseller's visits
WINDOW_SECONDS = 600
REVENUE = Decimal("10.00")
PRODUCT = "https://shop.example/p/1"
CAMPAIGN = "?utm_source=google&utm_medium=cpc&utm_campaign=restock"
# The linear views pass under 40 MB; the quadratic ones they replaced needed about 370 MB here
# (and 27 GB for 37 500 carts and orders).
MEMORY_CAP = "SETTINGS max_memory_usage = 100000000"
PERIOD = "site = 'resellers', date_from = '2026-03-01 00:00:00', date_to = '2026-05-01 00:00:00'"


def record(when: datetime, **fields: Any) -> dict[str, Any]:
    event = Event.model_validate({"event_id": str(uuid.uuid4()), "ts": when.isoformat()} | fields)
    return build_record(event, RequestContext(site_id=SITE, received_at=when))


def reseller(name: str, order_after: timedelta) -> list[dict[str, Any]]:
    """A visit from the campaign every 15 minutes: landing, a product page 30 seconds later, a
    cart a minute after landing, an order `order_after` the landing."""
    ids = {"anonymous_id": f"{name}-browser", "user_id": name}
    records = []
    for n in range(VISITS):
        landed = START + n * GAP
        session = {"session_id": f"{name}-{n}"} | ids
        records += [
            record(landed, type="page_view", url=f"https://shop.example/{CAMPAIGN}", **session),
            record(landed + timedelta(seconds=30), type="page_view", url=PRODUCT, **session),
            record(landed + timedelta(minutes=1), type="add_to_cart", product_id="p1", **session),
            record(
                landed + order_after,
                type="order",
                order_id=f"{name}-order-{n}",
                revenue=str(REVENUE),
                currency="CNY",
                **session,
            ),
        ]
    return records


@pytest.fixture(scope="module")
def resellers(chdb_session_warehouse: Warehouse) -> Warehouse:
    warehouse = chdb_session_warehouse
    warehouse.execute("DROP DATABASE IF EXISTS clickstream SYNC")
    migrate(warehouse)
    # "late": orders 12 minutes after landing, 11 after the cart: outside a 10-minute window.
    # "prompt": orders 5 minutes after landing, plus one order a day before their first visit.
    early = record(
        START - timedelta(days=1),
        type="order",
        order_id="prompt-order-early",
        revenue=str(REVENUE),
        currency="CNY",
        anonymous_id="prompt-phone",
        user_id="prompt",
    )
    records = reseller("late", timedelta(minutes=12)) + reseller("prompt", timedelta(minutes=5))
    warehouse.insert_rows("clickstream.events", [*records, early])
    return warehouse


def rows(warehouse: Warehouse, view: str, arguments: str) -> list[dict[str, Any]]:
    sql = f"SELECT * FROM clickstream.{view}({arguments}) {MEMORY_CAP}"
    return warehouse.query(sql).dicts()


def test_cart_abandonment(resellers: Warehouse) -> None:
    (row,) = rows(resellers, "cart_abandonment", f"{PERIOD}, window_seconds = {WINDOW_SECONDS}")
    assert row["carted_visitors"] == 2
    assert row["ordered_visitors"] == 1  # "prompt"; "late" never ordered within 10 minutes


def test_campaign_conversion(resellers: Warehouse) -> None:
    (row,) = rows(resellers, "campaign_conversion", f"{PERIOD}, window_seconds = {WINDOW_SECONDS}")
    assert (row["utm_source"], row["utm_medium"], row["utm_campaign"]) == (
        "google",
        "cpc",
        "restock",
    )
    assert row["visits"] == 2 * VISITS
    assert row["visitors"] == 2
    assert row["ordering_visitors"] == 1
    assert row["orders"] == VISITS  # prompt's, not the one before their first visit
    assert row["revenue"] == VISITS * REVENUE
    assert row["new_customers"] == 0  # prompt's first order came before the campaign


def test_acquisition_sources(resellers: Warehouse) -> None:
    found = {
        (row["model"], row["channel"], row["utm_campaign"]): row
        for row in rows(resellers, "acquisition_sources", PERIOD)
    }
    for model in ("first_touch", "last_touch"):
        campaign = found[(model, "paid", "restock")]
        assert campaign["visitors"] == 2
        assert campaign["orders"] == 2 * VISITS
        assert campaign["revenue"] == 2 * VISITS * REVENUE
        unknown = found[(model, "none", "")]  # the order before any visit
        assert (unknown["visitors"], unknown["orders"]) == (0, 1)
    assert len(found) == 4


def test_funnel(resellers: Warehouse) -> None:
    funnel = rows(resellers, "funnel", f"{PERIOD}, window_seconds = {WINDOW_SECONDS}")
    # both engage, cart and are identified (every event carries their user id); only "prompt"
    # orders within 10 minutes of a landing
    assert [row["visitors"] for row in funnel] == [2, 2, 2, 2, 2, 1]
    chains = f"clickstream.funnel_chains({PERIOD}, window_seconds = {WINDOW_SECONDS})"
    assert resellers.query(f"SELECT count() FROM {chains} {MEMORY_CAP}").scalar() == 2
