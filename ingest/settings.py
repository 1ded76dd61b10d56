"""What the collector needs to know, resolved from the shared settings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CollectorSettings:
    site_of_key: dict[str, str]  # write key -> site id
    allowed_origins: dict[str, frozenset[str]] = field(default_factory=dict)  # site -> origins
    topic: str = "clickstream.events"
    dead_letter_topic: str = "clickstream.dead_letters"
    max_body_bytes: int = 512 * 1024
    max_events_per_request: int = 2000
    ip_rate: float = 0.0  # requests per second per client IP; 0 = unlimited
    ip_burst: float = 200.0
    key_rate: float = 0.0  # requests per second per write key; 0 = unlimited
    key_burst: float = 2000.0
    keep_ip_prefix: bool = True
    native: bool = True  # pack array bodies in Rust when clickstream_native is built

    def origin_allowed(self, site: str, origin: str) -> bool:
        allowed = self.allowed_origins.get(site)
        if not allowed:
            return True  # no allow-list configured for the site: any origin
        return "*" in allowed or origin in allowed


def parse_allowed_origins(spec: str) -> dict[str, frozenset[str]]:
    """ "site=https://a.example https://b.example;site2=*" -> {site: origins}."""
    allowed: dict[str, frozenset[str]] = {}
    for entry in filter(None, (part.strip() for part in spec.split(";"))):
        site, separator, origins = entry.partition("=")
        if not separator or not site.strip():
            raise ValueError(f"allowed origins entry {entry!r} is not site=origin ...")
        allowed[site.strip()] = frozenset(origin.rstrip("/") for origin in origins.split())
    return allowed
