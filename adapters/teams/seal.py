"""Adaptive Card form data is client data: the form id and metadata travel sealed.

Teams hands back whatever the client puts in an Action.Submit's `data`. The form id and its
metadata (and the copy of the form kept for redisplay) are sealed with the server key when the
card is rendered and checked when it returns; an altered card reads as an expired form.
Rendering has no context to hand the key down, so `mount` installs the process's server key
here (until then, as in tests that render cards alone, a key for this process only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.server_key import ServerKey

SEAL_KEY = "alignbot_seal"
PURPOSE = "teams.form"

_key = ServerKey.ephemeral()


def install(key: ServerKey) -> None:
    global _key
    _key = key


def _message(form_id: Any, metadata: Any) -> str:
    return json.dumps([str(form_id), str(metadata or "")], separators=(",", ":"))


def seal(form_id: str, metadata: str) -> str:
    return _key.digest(PURPOSE, _message(form_id, metadata))


def intact(payload: Mapping[str, Any], form_key: str, metadata_key: str, spec_key: str) -> bool:
    """The sealed id and metadata are unaltered, and the form copy names the same ones."""
    form_id, metadata = payload.get(form_key), payload.get(metadata_key)
    spec = payload.get(spec_key)
    if isinstance(spec, dict) and (
        spec.get("form_id") != form_id or (spec.get("metadata") or "") != (metadata or "")
    ):
        return False
    signature = payload.get(SEAL_KEY)
    return isinstance(signature, str) and _key.verify(
        PURPOSE, _message(form_id, metadata), signature
    )
