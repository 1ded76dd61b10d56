"""Server-side enrichment of collected events: device, traffic source, truncated IP."""

from ingest.enrich.ip import truncate_ip
from ingest.enrich.traffic import Traffic, classify_traffic
from ingest.enrich.user_agent import Device, parse_user_agent

__all__ = ["Device", "Traffic", "classify_traffic", "parse_user_agent", "truncate_ip"]
