"""Every adapter handles every attribute of the core form model on purpose.

Each adapter keeps one table per platform from a field of `Input` (or `Form`) to how it
travels; `handles_every_field` runs when the adapter is imported, so a field added to the
core model and forgotten by an adapter stops the application (and every test) at once,
instead of being silently dropped on one platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any


class UnhandledFormField(TypeError):
    """A core form attribute that an adapter's table does not mention (or one it no longer has)."""


def handles_every_field(model: type[Any], table: Mapping[str, object], where: str) -> None:
    """Raises `UnhandledFormField` unless `table` names exactly the fields of `model`."""
    declared = {item.name for item in fields(model)}
    missing = sorted(declared - table.keys())
    unknown = sorted(table.keys() - declared)
    if missing or unknown:
        raise UnhandledFormField(
            f"{where}: {model.__name__} fields not handled: {missing or 'none'}; "
            f"handled but not in the model: {unknown or 'none'}"
        )
