"""A message someone picked from a platform's message menu (Slack message shortcut, Teams
message action), handed to a feature as an `Action` value. Its text comes from the client:
features treat it as untrusted input like anything typed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.errors import UserError

_BULLET = re.compile(r"^\s*(?:[-*•◦▪‣–]|\d{1,3}[.)]|\[[ xX]?\])\s+")


@dataclass(frozen=True)
class QuotedMessage:
    text: str
    link: str = ""  # where the message can be found again (a permalink), if known

    def encode(self) -> str:
        return json.dumps({"text": self.text, "link": self.link})

    @classmethod
    def decode(cls, value: str) -> QuotedMessage:
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise UserError("I could not read that message; please try again.")
        link = data.get("link")
        return cls(data["text"], link if isinstance(link, str) else "")

    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    def points(self) -> tuple[str, list[str]]:
        """The message as a lead-in and its points: the bullet or numbered lines when there
        are any (the first other line before them is the lead-in), else every line."""
        lines = self.lines()
        bulleted = [_BULLET.sub("", line).strip() for line in lines if _BULLET.match(line)]
        if not bulleted:
            return "", lines
        first_bullet = next(i for i, line in enumerate(lines) if _BULLET.match(line))
        lead = lines[0] if first_bullet > 0 else ""
        return lead, [point for point in bulleted if point]
