"""Kafka messages straight from the request bytes, in Rust, when the optional extension is built.

`clickstream_native` (the crate in ingest/native/, built by `make venv` when cargo is present)
reads a body that is a JSON array of native events, checks every event by the rules of
schemas/event.py and writes the messages the Python path makes of it (`validate_batch`,
`RowMaker`, `pack_rows`): the same bytes, without a Python object per field. Whenever it is not
certain (an invalid event, a form of a value it does not read, a value Python could write
differently) it answers None and the request takes the Python path, which names each bad event
and field. It asks the Python enrichment below for what it does not port: a user agent, a
per-event IP, an unusual URL. Without the extension the collector runs on the Python path alone.
"""

from __future__ import annotations

import logging
from ipaddress import ip_address
from typing import Any

import orjson

from ingest.enrich import parse_user_agent, traffic, truncate_ip
from ingest.record import RECORD_COLUMNS, RequestContext, RowMaker, traffic_of
from schemas.messages import MAX_MESSAGE_BYTES, Message

try:
    import clickstream_native
except ImportError:  # built only where cargo was present (make venv)
    clickstream_native = None

log = logging.getLogger("clickstream.ingest")

NOT_BUILT = (
    "clickstream_native is not built (no cargo when the venv was made): "
    "the collector validates every event in Python"
)
# The word lists and limits of the traffic rules, handed to the Rust port by name.
TRAFFIC_RULES = (
    "UTM_FIELDS",
    "MAX_VALUE_LENGTH",
    "CLICK_ID_PARAMS",
    "PAID_CLICK_ID_PARAMS",
    "PAID_MEDIUMS",
    "EMAIL_MEDIUMS",
    "SOCIAL_MEDIUMS",
    "ORGANIC_MEDIUM",
    "WEBMAIL_DOMAINS",
    "SOCIAL_DOMAINS",
    "SEARCH_DOMAINS",
    "SEARCH_BRANDS",
    "_COUNTRY_SECOND_LEVELS",
)


def _traffic_columns(url: str, referrer: str, utm: tuple[str, str, str, str, str]) -> Any:
    return traffic_of(url, referrer, utm).columns


def _device_columns(user_agent: str) -> Any:
    return parse_user_agent(user_agent).columns


class NativeIntake:
    """One per collector: packs the bodies of its requests, or answers None."""

    def __init__(
        self, topic: str, max_events: int, keep_ip_prefix: bool, max_bytes: int = MAX_MESSAGE_BYTES
    ) -> None:
        if clickstream_native is None:
            raise RuntimeError(NOT_BUILT)

        def ip_prefix_of(text: str) -> str | None:
            """`ip` as the model reads it (IPv4Address, else IPv6Address); None if neither."""
            try:
                address = ip_address(text)
            except ValueError:
                return None
            return truncate_ip(str(address)) if keep_ip_prefix else ""

        self._packer = clickstream_native.Packer(
            list(RECORD_COLUMNS),
            topic,
            orjson.dumps(list(RECORD_COLUMNS)),
            max_bytes,
            max_events,
            {name: getattr(traffic, name) for name in TRAFFIC_RULES},
            _traffic_columns,
            _device_columns,
            ip_prefix_of,
        )

    def pack(self, body: bytes, context: RequestContext) -> tuple[list[Message], int] | None:
        """The messages and the event count of `body`, or None: then the Python path answers."""
        maker = RowMaker(context)  # what is the same for every event of the request
        return self._packer.pack(
            body,
            context.site_id,
            maker.received_ms,
            maker.device.columns,
            maker.ip_prefix,
            context.historical,
            context.source,
        )


def native_intake(topic: str, max_events: int, keep_ip_prefix: bool) -> NativeIntake | None:
    """The Rust intake if built; else None, said once in the log."""
    if clickstream_native is None:
        log.warning(NOT_BUILT)
        return None
    return NativeIntake(topic, max_events, keep_ip_prefix)
