"""/metrics read as Prometheus reads it: fetched over HTTP, parsed by prometheus_client."""

from __future__ import annotations

import math

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


async def scrape(session: ClientSession, base_url: str) -> list[Sample]:
    """Every sample the running app exposes at `base_url`/metrics."""
    async with session.get(f"{base_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = await response.text()
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when there are none)."""
    wanted = labels.items()
    return math.fsum(s.value for s in samples if s.name == name and wanted <= s.labels.items())


def buckets(samples: list[Sample], name: str, **labels: str) -> dict[str, float]:
    """A histogram's cumulative bucket counts by upper bound (`le`)."""
    wanted = labels.items()
    found: dict[str, float] = {}
    for s in samples:
        if s.name == f"{name}_bucket" and wanted <= s.labels.items():
            found[s.labels["le"]] = found.get(s.labels["le"], 0.0) + s.value
    return found
