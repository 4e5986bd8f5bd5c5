"""The manifest a newcomer pastes into Slack matches what the adapter serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from adapters.pages import PRIVACY_PATH, TERMS_PATH
from adapters.slack import EVENTS_PATH
from bot.feature import discover_features

MANIFEST = Path(__file__).parents[2] / "adapters" / "slack" / "manifest.yaml"
URL = f"https://YOUR-HOST{EVENTS_PATH}"


def load() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_command_routes_to_the_events_endpoint() -> None:
    commands = load()["features"]["slash_commands"]
    assert {c["command"] for c in commands} >= {
        "/alignbot",
        "/standup",
        "/vote",
        "/insight",
        "/who",
        "/role",
        "/raci",
        "/digest",
    }
    assert all(c["url"] == URL for c in commands)
    assert all(len(c["description"]) <= 100 for c in commands)
    # Escaping makes Slack send @ana as <@U123|ana>: the core's one spelling of mentions.
    assert all(c["should_escape"] is True for c in commands)


def test_every_feature_command_has_a_slash_command() -> None:
    declared = {c["command"].lstrip("/") for c in load()["features"]["slash_commands"]}
    served = {
        spec.name
        for feature in discover_features()
        for spec in feature.commands
        if not spec.umbrella_only  # reached as `/alignbot <name>`
    }
    assert served - {"help"} <= declared


def test_scopes_events_and_interactivity() -> None:
    manifest = load()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes >= {
        "commands",
        "chat:write",
        "chat:write.public",
        "im:write",
        "im:history",
        "app_mentions:read",
        "users:read",
        "channels:read",
        "groups:read",
    }
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"] == URL
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "app_home_opened",
        "app_uninstalled",  # OAuth mode: posting stops, data purged after the grace period
        "tokens_revoked",
    }
    redirect = "https://YOUR-HOST/slack/oauth_redirect"
    assert manifest["oauth_config"]["redirect_urls"] == [redirect]
    assert settings["interactivity"] == {"is_enabled": True, "request_url": URL}
    assert settings["socket_mode_enabled"] is False


def test_the_description_links_the_privacy_and_terms_pages() -> None:
    described = load()["display_information"]["long_description"]
    assert f"https://YOUR-HOST{PRIVACY_PATH}" in described
    assert f"https://YOUR-HOST{TERMS_PATH}" in described


def test_shortcuts_are_declared_and_each_starts_a_core_action() -> None:
    from adapters.slack.translate import SHORTCUTS
    from bot.router import Router

    shortcuts = load()["features"]["shortcuts"]
    assert {(s["callback_id"], s["type"]) for s in shortcuts} == {
        ("insight_from_message", "message"),
        ("vote_from_message", "message"),
        ("who_owns", "global"),
    }
    # Slack's limits: a name of up to 24 characters, a description of up to 150.
    assert all(len(s["name"]) <= 24 and len(s["description"]) <= 150 for s in shortcuts)
    assert {s["callback_id"] for s in shortcuts} == set(SHORTCUTS)
    actions = Router(discover_features()).actions
    assert set(SHORTCUTS.values()) <= set(actions)


def test_the_home_tab_is_enabled() -> None:
    assert load()["features"]["app_home"]["home_tab_enabled"] is True
