"""`make teams-package`: the Teams app package to upload (Teams admin center or "Upload an app").

Writes dist/alignbot-teams.zip: manifest.json with MICROSOFT_APP_ID (and ALIGNBOT_WEBSITE_URL)
filled in and the bot's command menu built from the installed features, plus both icons.
"""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from bot.feature import CommandSpec, Example, discover_features
from bot.router import UMBRELLA

MANIFEST_DIR = Path(__file__).parent / "manifest"
DEFAULT_OUTPUT = Path("dist") / "alignbot-teams.zip"
DEFAULT_WEBSITE = "https://localhost"
ICONS = ("color.png", "outline.png")
MAX_MENU_COMMANDS = 10  # the manifest schema: at most ten commands per command list
MAX_TITLE = 32  # a command's title (what is typed), per the manifest schema
MAX_DESCRIPTION = 128
_PLACEHOLDER = re.compile(r"[\[\]<>|@#]")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """The package cannot be built as configured; the message says what to set."""


def command_menu(specs: list[CommandSpec]) -> list[dict[str, str]]:
    """The commands Teams offers in the compose box, from the features' own examples: `help`
    first, then each command's first example, then their next ones while there is room.
    Only examples that can be sent as they stand (no `[optional]`, `<pasted>`, `a|b`,
    `@person` or `#channel` placeholders) and fit Teams' limits are offered; none is cut."""
    menu = [{"title": "help", "description": "Every command, with an example of each"}]
    rounds = [[c for c in map(_menu_command, spec.examples) if c] for spec in _ordered(specs)]
    depth = max((len(found) for found in rounds), default=0)
    for index in range(depth):
        for found in rounds:
            if index < len(found) and found[index]["title"] not in _titles(menu):
                menu.append(found[index])
    return menu[:MAX_MENU_COMMANDS]


def _ordered(specs: list[CommandSpec]) -> list[CommandSpec]:
    """`help`, then commands with a slash command of their own, then the umbrella's
    (`/alignbot my data`, `/alignbot about`): a new feature of either kind keeps the menu's
    everyday commands in it."""
    return sorted(specs, key=lambda spec: (spec.name != "help", spec.umbrella_only, spec.name))


def _titles(menu: list[dict[str, str]]) -> set[str]:
    return {command["title"] for command in menu}


def _menu_command(example: Example) -> dict[str, str] | None:
    """The example as typed to the bot in Teams: no slash, no `alignbot` umbrella."""
    typed = example.command.strip().lstrip("/")
    if typed.startswith(UMBRELLA + " "):
        typed = typed[len(UMBRELLA) + 1 :]
    if _PLACEHOLDER.search(typed) or len(typed) > MAX_TITLE:
        return None
    meaning = example.meaning[:1].upper() + example.meaning[1:]
    if not meaning or len(meaning) > MAX_DESCRIPTION:
        return None
    return {"title": typed, "description": meaning}


def manifest(app_id: str, website: str, specs: list[CommandSpec]) -> dict[str, Any]:
    if not _GUID.match(app_id):
        raise PackageError(
            f"MICROSOFT_APP_ID must be the bot's Microsoft app id (a GUID), got {app_id!r}"
        )
    if not website.startswith("https://"):
        raise PackageError(f"ALIGNBOT_WEBSITE_URL must be an https:// URL, got {website!r}")
    raw = (MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8")
    raw = raw.replace("{{MICROSOFT_APP_ID}}", app_id)
    raw = raw.replace("{{ALIGNBOT_WEBSITE_URL}}", website.rstrip("/"))
    document: dict[str, Any] = json.loads(raw)
    scopes = document["bots"][0]["scopes"]
    document["bots"][0]["commandLists"] = [{"scopes": scopes, "commands": command_menu(specs)}]
    return document


def build(app_id: str, website: str, output: Path = DEFAULT_OUTPUT) -> Path:
    specs = [spec for feature in discover_features() for spec in feature.commands]
    document = manifest(app_id, website, specs)
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(document, indent=2))
        for icon in ICONS:
            archive.write(MANIFEST_DIR / icon, icon)
    return output


def main() -> int:
    app_id = os.environ.get("MICROSOFT_APP_ID", "").strip()
    if not app_id:
        print(
            "Set MICROSOFT_APP_ID (your Azure Bot's app id) to build the Teams package.",
            file=sys.stderr,
        )
        return 2
    website = os.environ.get("ALIGNBOT_WEBSITE_URL", DEFAULT_WEBSITE).strip()
    try:
        path = build(app_id, website)
    except PackageError as error:
        print(error, file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
