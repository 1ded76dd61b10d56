"""Clickstream funnel analytics: shared plumbing (configuration, ClickHouse access, the CLI)."""

__version__ = "0.1.0"
