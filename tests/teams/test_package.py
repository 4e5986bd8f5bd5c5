"""The Teams app package: manifest with the app id filled in, command menu, both icons."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from adapters.teams import icons, package
from bot.feature import CommandSpec

APP_ID = "11111111-2222-3333-4444-555555555555"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _pixels(data: bytes, size: int) -> bytes:
    """The raw RGBA rows of one of our PNGs (single IDAT, filter 0)."""
    length = struct.unpack(">I", data[33:37])[0]
    assert data[37:41] == b"IDAT"
    raw = zlib.decompress(data[41 : 41 + length])
    assert len(raw) == size * (1 + size * 4)
    return raw


def test_build_writes_manifest_and_icons(tmp_path: Path) -> None:
    output = package.build(APP_ID, "https://alignbot.test/", tmp_path / "dist" / "teams.zip")
    with zipfile.ZipFile(output) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["developer"]["privacyUrl"] == "https://alignbot.test/privacy"
    assert "{{" not in json.dumps(manifest)
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    assert commands[0]["title"] == "help"
    assert _png_size(color) == (192, 192)
    assert _png_size(outline) == (32, 32)


def test_committed_icons_match_the_drawing_code() -> None:
    assert (icons.MANIFEST_DIR / "color.png").read_bytes() == icons.color_icon()
    assert (icons.MANIFEST_DIR / "outline.png").read_bytes() == icons.outline_icon()


def test_outline_icon_is_white_on_transparent() -> None:
    raw = _pixels(icons.outline_icon(), 32)
    pixels = {raw[i : i + 4] for row in range(32) for i in range(row * 129 + 1, row * 129 + 129, 4)}
    assert pixels == {bytes(icons.WHITE), bytes(icons.CLEAR)}


def test_command_menu_puts_help_first_and_keeps_ten() -> None:
    from bot.feature import Example

    async def handler(*_: object) -> None:
        return None

    specs = [
        CommandSpec(f"c{i:02}", "x", handler, examples=(Example(f"/c{i:02} go", "x" * 128),))
        for i in range(12)
    ]
    menu = package.command_menu(specs)
    assert len(menu) == package.MAX_MENU_COMMANDS
    assert menu[0]["title"] == "help"
    assert [item["title"] for item in menu[1:]] == [f"c{i:02} go" for i in range(9)]


@pytest.mark.parametrize(
    ("app_id", "website"), [("not-a-guid", "https://x.test"), (APP_ID, "http://x.test")]
)
def test_bad_configuration_is_refused_with_a_reason(app_id: str, website: str) -> None:
    with pytest.raises(package.PackageError):
        package.manifest(app_id, website, [])


def test_main_needs_the_app_id_and_prints_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    assert package.main() == 2
    assert "MICROSOFT_APP_ID" in capsys.readouterr().err
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    assert package.main() == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(Path("dist") / "alignbot-teams.zip")
    assert (tmp_path / printed).is_file()


def test_command_list_comes_from_the_features_examples_within_teams_limits() -> None:
    document = package.manifest(APP_ID, "https://alignbot.test", _every_command())
    (command_list,) = document["bots"][0]["commandLists"]
    commands = command_list["commands"]
    assert 1 <= len(commands) <= 10
    assert all(len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in commands)
    assert len({c["title"] for c in commands}) == len(commands)
    examples = {
        e.command.lstrip("/").removeprefix("alignbot ")
        for spec in _every_command()
        for e in spec.examples
    }
    assert commands[0]["title"] == "help"
    assert {c["title"] for c in commands[1:]} <= examples
    assert {"vote new", "standup", "insight new"} <= {c["title"] for c in commands}
    # What Teams would insert literally is never a placeholder to fill in.
    assert not any(set(c["title"]) & set("[]<>|@#") for c in commands)


def test_an_example_too_long_for_a_title_is_left_out_not_cut() -> None:
    from bot.feature import Example

    async def nothing(*_: object) -> None:
        return None

    spec = CommandSpec(
        "plan",
        "plans",
        nothing,  # type: ignore[arg-type]
        examples=(Example("/plan " + "x" * 40, "too long"), Example("/plan now", "plans now")),
    )
    titles = [c["title"] for c in package.command_menu([spec])]
    assert titles == ["help", "plan now"]


def _every_command() -> list[CommandSpec]:
    from bot.feature import discover_features

    return [spec for feature in discover_features() for spec in feature.commands]
