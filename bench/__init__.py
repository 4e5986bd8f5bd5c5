"""Benchmarks: each `bench/<name>.py` defines `async def measure(quick: bool) -> list[Result]`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    benchmark: str
    metric: str
    value: str
