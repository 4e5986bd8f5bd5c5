"""Adaptive Card data is client data: the reference to a server-kept form travels sealed.

Teams hands back whatever the client puts in an Action.Submit's `data`. The only thing a card
says about a form is the token naming the copy the server keeps (`formrefs`); it is sealed with
the server key when the card is rendered and checked when it returns, so an altered or made-up
reference reads as an expired form. Rendering has no context to hand the key down, so `mount`
installs the process's server key here (until then, as in tests that render cards alone, a key
for this process only).
"""

from __future__ import annotations

from bot.server_key import ServerKey

SEAL_KEY = "alignbot_seal"
PURPOSE = "teams.dialog"

_key = ServerKey.ephemeral()


def install(key: ServerKey) -> None:
    global _key
    _key = key


def seal(token: str) -> str:
    return _key.digest(PURPOSE, token)


def intact(token: str, signature: object) -> bool:
    return isinstance(signature, str) and _key.verify(PURPOSE, token, signature)
