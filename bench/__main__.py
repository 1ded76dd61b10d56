"""Run every benchmark module in bench/ in name order; each prints its own figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main() -> int:
    modules = sorted(
        info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_")
    )
    if not modules:
        print("no benchmarks yet: they arrive with the collector, worker and views issues")
        return 0
    for name in modules:
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
