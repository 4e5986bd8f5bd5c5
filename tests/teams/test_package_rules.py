"""The package `make teams-package` writes, checked as Teams checks an upload: Microsoft's JSON
schema for the manifest version it declares, then Teams' rules the schema does not express."""

from __future__ import annotations

import json
import struct
import uuid
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from adapters.teams import extension, package
from tests.teams.manifest_schema import teams_schema

APP_ID = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The zip exactly as `make teams-package` (`python -m adapters.teams.package`) writes it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("ALIGNBOT_WEBSITE_URL", "https://alignbot.example.org")
    assert package.main() == 0
    return tmp_path / package.DEFAULT_OUTPUT


def _manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        document: dict[str, Any] = json.loads(archive.read("manifest.json"))
    return document


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = teams_schema(document["manifestVersion"])
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_the_package_validates_against_microsofts_schema_for_its_version(built: Path) -> None:
    document = _manifest(built)
    version = document["manifestVersion"]
    assert document["$schema"].endswith(f"/teams/v{version}/MicrosoftTeams.schema.json")
    assert schema_errors(document) == []


def test_the_schema_check_rejects_what_teams_would_refuse(built: Path) -> None:
    """The validation above can fail: each of these manifests is one Teams refuses."""
    document = _manifest(built)
    too_many = json.loads(json.dumps(document))
    commands = too_many["bots"][0]["commandLists"][0]["commands"]
    commands += [{"title": f"extra {i}", "description": "x"} for i in range(11)]
    long_title = json.loads(json.dumps(document))
    long_title["composeExtensions"][0]["commands"][0]["title"] = "x" * 33
    not_a_guid = {**document, "id": "alignbot"}
    for broken in (too_many, long_title, not_a_guid):
        assert schema_errors(broken), broken


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_zip_holds_the_manifest_and_its_icons_at_its_root(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("manifest.json"))
        icons = {role: archive.read(name) for role, name in document["icons"].items()}
    # Teams reads a flat zip: no folder, nothing but the manifest and the files it names.
    assert sorted(names) == sorted(["manifest.json", *document["icons"].values()])
    assert _png_size(icons["color"]) == (192, 192)
    assert _png_size(icons["outline"]) == (32, 32)


def test_the_bot_and_its_menus_keep_teams_rules(built: Path) -> None:
    document = _manifest(built)
    assert str(uuid.UUID(document["id"])) == document["id"] == APP_ID
    [bot] = document["bots"]
    assert bot["botId"] == document["id"]
    scopes = [scope for entry in bot["commandLists"] for scope in entry["scopes"]]
    assert len(scopes) == len(set(scopes))
    assert set(scopes) <= set(bot["scopes"])
    for entry in bot["commandLists"]:
        titles = [command["title"] for command in entry["commands"]]
        assert 1 <= len(titles) <= 10
        assert len(set(titles)) == len(titles)
        for command in entry["commands"]:
            assert 0 < len(command["title"]) <= 32
            assert 0 < len(command["description"]) <= 128


def test_the_message_extension_keeps_teams_rules(built: Path) -> None:
    document = _manifest(built)
    [compose] = document["composeExtensions"]  # Teams supports one per app
    assert compose["botId"] == document["bots"][0]["botId"]
    commands = compose["commands"]
    ids = [command["id"] for command in commands]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(extension.COMMANDS)
    for command in commands:
        assert 0 < len(command["id"]) <= 64
        assert 0 < len(command["title"]) <= 32
        assert 0 < len(command["description"]) <= 128
        assert command["type"] == "action"
        assert command["fetchTask"] is True
        assert command["context"] == ["message"]


def test_valid_domains_stay_empty_for_a_bot_only_app(built: Path) -> None:
    """alignbot has no tab or sign-in page that Teams would load inside its client, so it
    asks Teams to trust no web domain (and `*.botframework.com` is trusted anyway)."""
    assert _manifest(built)["validDomains"] == []
