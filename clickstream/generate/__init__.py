"""Realistic shop traffic for demos and benchmarks (`clickstream generate`): simulated visitors'
journeys posted to a collector over HTTP."""

from clickstream.generate.journeys import Journeys, TrafficOptions, parse_channel_mix
from clickstream.generate.send import Sender, SendError, SendResult, send

__all__ = [
    "Journeys",
    "SendError",
    "SendResult",
    "Sender",
    "TrafficOptions",
    "parse_channel_mix",
    "send",
]
