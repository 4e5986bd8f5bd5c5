"""The bot scopes the app manifest asks for, asked again by `/slack/install`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

MANIFEST = Path(__file__).with_name("manifest.yaml")


@cache
def manifest_bot_scopes() -> list[str]:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return [str(scope) for scope in manifest["oauth_config"]["scopes"]["bot"]]
