"""One person's stored data, per feature: read it out, erase it, age it out.

Features reach these through their own public functions (see `bot.features.privacy`); erasing
keeps what counts without naming anyone (tallies, turnout, who was prompted), under a random
`former:` id that no one can tie back to the person.
"""

from __future__ import annotations

import secrets

FORMER_PREFIX = "former:"


def former_id() -> str:
    """A fresh stand-in id for an erased person: rows still count, but point at no one."""
    return FORMER_PREFIX + secrets.token_hex(8)
