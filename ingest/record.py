"""Build the stored record of an accepted event: the row of `clickstream.events`, as the JSON
array that travels through Kafka (or the spool) to the loader (`RECORD_COLUMNS` name its values;
`build_record` gives the same as a dict). Column names are the table's.

The collector builds rows for every event it accepts, so `RowMaker` works out what is the same
for all events of a request once (receipt time, user agent, IP prefix) and keeps per-event work
to integer time arithmetic, cached lookups and one list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson

from ingest.clock import EventTime, epoch_ms, event_time, time_text
from ingest.enrich import Device, Traffic, classify_traffic, parse_user_agent, truncate_ip
from ingest.enrich.traffic import UTM_FIELDS
from schemas.event import Event, Item

RECORD_COLUMNS: tuple[str, ...] = (
    "event_id",
    "site_id",
    "type",
    "event_name",
    "anonymous_id",
    "user_id",
    "session_id",
    "ts",
    "client_ts",
    "sent_at",
    "received_at",
    "clock_skew_ms",
    "is_late",
    "url",
    "path",
    "title",
    "referrer",
    "referrer_domain",
    "channel",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "click_id",
    "screen_width",
    "screen_height",
    "language",
    "browser",
    "browser_version",
    "os",
    "os_version",
    "device_class",
    "is_bot",
    "ip_prefix",
    "product_id",
    "category",
    "price",
    "quantity",
    "currency",
    "order_id",
    "revenue",
    "items.product_id",
    "items.category",
    "items.price",
    "items.quantity",
    "properties",
    "source",
)
ZERO_MONEY = "0"


@dataclass(frozen=True, slots=True)
class RequestContext:
    site_id: str
    received_at: datetime
    user_agent: str = ""
    ip: str = ""
    source: str = "batch"  # batch, track, page, identify, pixel, import
    historical: bool = False
    keep_ip_prefix: bool = True  # False drops even the truncated address


@lru_cache(maxsize=65_536)
def traffic_of(url: str, referrer: str, utm: tuple[str, str, str, str, str]) -> Traffic:
    """Page URLs and referrers repeat across visitors: classify each combination once."""
    return classify_traffic(url, referrer, utm=dict(zip(UTM_FIELDS, utm, strict=True)))


def _money(value: Decimal | None) -> str:
    return ZERO_MONEY if value is None else str(value)


def _property_text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


class RowMaker:
    """Rows of the events of one request."""

    __slots__ = ("context", "received_ms", "received_text", "device", "ip_prefix")

    def __init__(self, context: RequestContext) -> None:
        self.context = context
        self.received_ms = epoch_ms(context.received_at)
        self.received_text = time_text(self.received_ms)
        self.device: Device = parse_user_agent(context.user_agent)
        self.ip_prefix = truncate_ip(context.ip) if context.keep_ip_prefix else ""

    def row(self, event: Event) -> list[Any]:
        """The values of `RECORD_COLUMNS` for one event."""
        context = self.context
        ts, sent_at = event.ts, event.sent_at
        sent_ms = None if sent_at is None else epoch_ms(sent_at)
        if ts is None and not context.historical:  # the common case of no client clock
            times = EventTime(self.received_ms, self.received_ms, 0, False)
            ts_text = client_ts_text = self.received_text
        else:
            times = event_time(
                None if ts is None else epoch_ms(ts), sent_ms, self.received_ms, context.historical
            )
            ts_text = time_text(times.ts)
            client_ts_text = ts_text if times.client_ts == times.ts else time_text(times.client_ts)
        device = self.device if not event.user_agent else parse_user_agent(event.user_agent)
        traffic = traffic_of(
            event.url,
            event.referrer,
            (
                event.utm_source,
                event.utm_medium,
                event.utm_campaign,
                event.utm_term,
                event.utm_content,
            ),
        )
        ip_prefix = self.ip_prefix
        if event.ip is not None:
            ip_prefix = truncate_ip(str(event.ip)) if context.keep_ip_prefix else ""
        event_type = event.type
        product_id = event.product_id
        items = event.items
        properties = event.properties
        quantity = event.quantity
        if event_type == "order":
            order_id = event.order_id or str(event.event_id)  # counted once, by its event
            revenue = str(event.order_revenue())
        else:
            order_id, revenue = event.order_id, _money(event.revenue)
        return [
            str(event.event_id),
            context.site_id,
            event_type,
            event.event_name or event_type,
            event.anonymous_id or "",
            event.user_id or "",
            event.session_id or "",
            ts_text,
            client_ts_text,
            None if sent_ms is None else time_text(sent_ms),
            self.received_text,
            times.clock_skew_ms,
            int(times.is_late),
            event.url,
            event.path,
            event.title,
            event.referrer,
            *traffic.columns,
            event.screen_width,
            event.screen_height,
            event.language,
            *device.columns,
            ip_prefix,
            product_id,
            event.category,
            _money(event.price),
            # one unit of a named product unless told otherwise
            quantity if quantity is not None else (1 if product_id else 0),
            event.currency or "",
            order_id,
            revenue,
            *(_item_columns(items) if items else ([], [], [], [])),
            {key: _property_text(value) for key, value in properties.items()} if properties else {},
            context.source,
        ]


def _item_columns(items: list[Item]) -> tuple[list[Any], ...]:
    return (
        [item.product_id for item in items],
        [item.category for item in items],
        [str(item.price) for item in items],
        [item.quantity for item in items],
    )


def build_record(event: Event, context: RequestContext) -> dict[str, Any]:
    """The stored record of one event as a dict (column -> value)."""
    return dict(zip(RECORD_COLUMNS, RowMaker(context).row(event), strict=True))


def partition_key(record: dict[str, Any]) -> bytes:
    """One visitor's events share a key, so they stay in one partition, in order."""
    return visitor_key(record["site_id"], record["anonymous_id"], record["user_id"])


def row_partition_key(row: list[Any]) -> bytes:
    """`partition_key` of a row (values in `RECORD_COLUMNS` order)."""
    return visitor_key(row[_SITE], row[_ANONYMOUS_ID], row[_USER_ID])


def visitor_key(site_id: str, anonymous_id: str, user_id: str) -> bytes:
    return f"{site_id}/{anonymous_id or 'u:' + user_id}".encode()


_SITE, _ANONYMOUS_ID, _USER_ID = (
    RECORD_COLUMNS.index(name) for name in ("site_id", "anonymous_id", "user_id")
)
