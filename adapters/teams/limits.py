"""Teams' message size limit, measured in one place.

Teams refuses an activity over about 28 KB, and its service counts some payloads as UTF-16
(twice the bytes of ASCII text), so the budget is 28 KB of UTF-8 and 40 KB of UTF-16, whichever
is stricter, measured on the JSON actually sent. Cards are split to fit (`cards.reply_cards`);
whatever still does not fit, or what the connector refuses as too big (HTTP 413,
`MessageSizeTooBig`), becomes a short message saying so (`connector.RetryingConnector`), never
a silent loss.
"""

from __future__ import annotations

import json
from typing import Any

MAX_UTF8 = 28_000
MAX_UTF16 = 40_000
TOO_BIG_CODE = "MessageSizeTooBig"


def weight(value: Any) -> int:
    """`value`'s size against the UTF-8 budget, as it goes over the wire: the Bot Framework
    client sends ASCII JSON (`json.dumps`, so other characters travel as `\\uXXXX`), whose
    UTF-16 form is twice as long; scaled to the UTF-8 budget, that is the stricter of the two."""
    return wire_weight(len(json.dumps(value)))


def wire_weight(ascii_chars: int) -> int:
    """The weight of `ascii_chars` characters of wire JSON: max(UTF-8, scaled UTF-16)."""
    return max(ascii_chars, -(-2 * ascii_chars * MAX_UTF8 // MAX_UTF16))


def fits(value: Any) -> bool:
    """Whether a whole activity (as JSON) is within both Teams limits."""
    return weight(value) <= MAX_UTF8


def refused_as_too_big(error: BaseException) -> bool:
    """A connector answer saying the activity was too big (413, or the error code)."""
    response = getattr(error, "response", None)
    if getattr(response, "status_code", None) == 413:
        return True
    code = getattr(getattr(getattr(error, "error", None), "error", None), "code", None)
    return code == TOO_BIG_CODE or TOO_BIG_CODE in str(error)
