"""Token buckets per client IP and per write key (SPEC section 4): 429 with Retry-After."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`rate` requests per second on average, bursts up to `burst`. 0 disables the limit."""

    def __init__(self, rate: float, burst: float, max_tracked: int = 100_000) -> None:
        self.rate = rate
        self.burst = max(burst, 1.0)
        self.max_tracked = max_tracked
        self._buckets: dict[str, _Bucket] = {}

    def retry_after(self, who: str, cost: float = 1.0) -> int:
        """0 when allowed (and charged); else whole seconds to wait."""
        if self.rate <= 0:
            return 0
        now = time.monotonic()
        bucket = self._buckets.get(who)
        if bucket is None:
            if len(self._buckets) >= self.max_tracked:
                self._buckets.clear()  # bounded memory under a flood of distinct clients
            bucket = self._buckets[who] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0
        return max(1, math.ceil((cost - bucket.tokens) / self.rate))
