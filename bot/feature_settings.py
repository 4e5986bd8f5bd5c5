"""A feature's own settings: declared on its `Feature`, built once by the core, handed over in
the `Context`, so no feature reads the environment by itself and a test can pass its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound=BaseSettings)


def feature_config(feature: str) -> SettingsConfigDict:
    """The model config of a feature's settings: its variables are `ALIGNBOT_<FEATURE>_<NAME>`
    (a field with its own `validation_alias` keeps that name instead)."""
    return SettingsConfigDict(
        env_prefix=f"ALIGNBOT_{feature.upper()}_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
    )


class FeatureSettings:
    """Each declared settings class, built once: from the environment, unless given."""

    def __init__(self, given: Iterable[BaseSettings] = ()) -> None:
        self._by_class: dict[type[BaseSettings], BaseSettings] = {type(s): s for s in given}

    def build(self, classes: Iterable[type[BaseSettings]]) -> None:
        """Reads each class not given yet from the environment; a bad value fails the start."""
        for cls in classes:
            if cls not in self._by_class:
                self._by_class[cls] = cls()

    def of(self, cls: type[S]) -> S:
        found = self._by_class.get(cls)
        if not isinstance(found, cls):
            raise LookupError(f"{cls.__name__} is not the settings of any feature this bot runs")
        return found
