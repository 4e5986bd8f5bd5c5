"""The one place a Teams card names a form kept on the server.

A card carries only an opaque, unguessable token under `FORM_REF_KEY`, sealed with the server
key (`seal`); the form itself (its id, metadata and inputs) never travels to the client, so
nothing about it can be forged. Card data is untrusted: `decode` accepts only a well-formed
token with an intact seal.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from adapters.teams import seal

FORM_REF_KEY = "alignbot_dialog"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def encode(token: str) -> dict[str, str]:
    """The card data naming the form kept under `token`."""
    return {FORM_REF_KEY: token, seal.SEAL_KEY: seal.seal(token)}


def decode(data: Mapping[str, Any]) -> str | None:
    """The token a card sent back, or None when there is none, it is malformed or its seal
    does not match."""
    token = data.get(FORM_REF_KEY)
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return token if seal.intact(token, data.get(seal.SEAL_KEY)) else None
