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

from bot.feature import CommandSpec, discover_features

MANIFEST_DIR = Path(__file__).parent / "manifest"
DEFAULT_OUTPUT = Path("dist") / "alignbot-teams.zip"
DEFAULT_WEBSITE = "https://localhost"
ICONS = ("color.png", "outline.png")
MAX_MENU_COMMANDS = 10  # Teams shows at most ten commands per scope
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """The package cannot be built as configured; the message says what to set."""


def command_menu(specs: list[CommandSpec]) -> list[dict[str, str]]:
    """The commands Teams suggests when someone types to the bot (`help` first)."""
    ordered = sorted(specs, key=lambda spec: (spec.name != "help", spec.name))
    return [
        {"title": spec.name[:32], "description": spec.summary[:128]}
        for spec in ordered[:MAX_MENU_COMMANDS]
    ]


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
