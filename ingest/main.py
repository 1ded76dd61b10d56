"""The app factory uvicorn imports in each worker process (`ingest.main:app_from_env`).
Settings come from CLICKSTREAM_* variables, which `clickstream serve` sets from its options."""

from __future__ import annotations

import logging
import os

from clickstream.config import load_settings
from clickstream.kafka_topics import ensure_topics
from ingest.app import create_app
from ingest.fast_path import FastPath
from ingest.kafka_sink import KafkaSink
from ingest.settings import CollectorSettings, parse_allowed_origins
from ingest.spool import Spool

log = logging.getLogger("clickstream.ingest")


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def collector_settings() -> CollectorSettings:
    settings = load_settings()
    return CollectorSettings(
        site_of_key=settings.site_keys(),
        allowed_origins=parse_allowed_origins(os.environ.get("CLICKSTREAM_ALLOWED_ORIGINS", "")),
        topic=settings.topic,
        dead_letter_topic=settings.dead_letter_topic,
        max_body_bytes=int(_float("CLICKSTREAM_MAX_BODY_BYTES", 512 * 1024)),
        ip_rate=_float("CLICKSTREAM_IP_RATE", 0),
        ip_burst=_float("CLICKSTREAM_IP_BURST", 200),
        key_rate=_float("CLICKSTREAM_KEY_RATE", 0),
        key_burst=_float("CLICKSTREAM_KEY_BURST", 2000),
        native=os.environ.get("CLICKSTREAM_NATIVE", "1") != "0",
    )


def spool_max_bytes() -> int:
    return int(_float("CLICKSTREAM_SPOOL_MAX_BYTES", 1 << 30))


def app_from_env() -> FastPath:
    settings = load_settings()
    if not settings.kafka:
        raise SystemExit(
            "CLICKSTREAM_KAFKA is not set: the embedded mode (local spool, loader and chDB in "
            "one process) runs through `clickstream serve` (clickstream/embedded.py)."
        )
    try:
        ensure_topics(
            settings.kafka,
            {
                settings.topic: int(_float("CLICKSTREAM_PARTITIONS", 6)),
                settings.dead_letter_topic: 1,
            },
        )
    except Exception as error:  # noqa: BLE001 - Kafka away at start: spool, create later
        log.warning("could not check Kafka topics at start: %s", error)
    spool = Spool(settings.data_dir / "spool", spool_max_bytes())
    sink = KafkaSink(settings.kafka, spool)
    return create_app(collector_settings(), sink)
