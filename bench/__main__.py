"""`python -m bench [--quick] [name ...]`: runs the benchmarks and prints one table."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
import time

import bench
from bench import Result


def _modules(wanted: set[str]) -> list[str]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")
    )
    return [name for name in names if not wanted or name in wanted]


async def _run(quick: bool, wanted: set[str]) -> list[Result]:
    results: list[Result] = []
    for name in _modules(wanted):
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        results.extend(await module.measure(quick))
        print(f"# {name} finished in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return results


def main() -> None:
    args = sys.argv[1:]
    quick = "--quick" in args
    wanted = {arg for arg in args if not arg.startswith("--")}
    results = asyncio.run(_run(quick, wanted))
    widths = [
        max(len(getattr(r, col)) for r in [Result("benchmark", "metric", "value"), *results])
        for col in ("benchmark", "metric", "value")
    ]
    header = Result("benchmark", "metric", "value")
    for row in [header, *results]:
        print(
            "  ".join(
                getattr(row, col).ljust(w)
                for col, w in zip(("benchmark", "metric", "value"), widths, strict=True)
            )
        )


if __name__ == "__main__":
    main()
