"""Pure rules for insights: tags, who a broadcast reaches, who may see it, fuzzy search.

Nothing here touches storage or a messenger, so every rule is tested in isolation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from rapidfuzz import fuzz, utils

from bot.errors import UserError
from bot.mentions import readable

MAX_TAGS = 20
MAX_TAG_CHARS = 40
TAG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TAG_SEPARATORS = re.compile(r"[,\s]+")
SEARCH_CUTOFF = 80.0


METHODS = (
    ("interview", "Interview"),
    ("usability_test", "Usability test"),
    ("survey", "Survey"),
    ("analytics", "Analytics"),
    ("ab_test", "A/B test"),
    ("other", "Other"),
)
CONFIDENCES = (("low", "Low"), ("medium", "Medium"), ("high", "High"))
ACK_KINDS = (("seen", "Seen"), ("act", "Will act"), ("disagree", "Disagree"))


def label_of(choices: Sequence[tuple[str, str]], value: str) -> str:
    return dict(choices).get(value, value)


class TargetKind(StrEnum):
    CHANNEL = "channel"
    PERSON = "person"


@dataclass(frozen=True)
class Target:
    """A place a broadcast goes: one channel, or one person's direct messages."""

    platform: str
    kind: TargetKind
    target_id: str
    name: str = ""

    @property
    def key(self) -> tuple[str, TargetKind, str]:
        return (self.platform, self.kind, self.target_id)


@dataclass(frozen=True)
class Subscriber:
    """A subscription row reduced to what matching needs."""

    target: Target
    tag: str


# Tags -------------------------------------------------------------------------------------


def normalise_tag(raw: str) -> str:
    """`#Onboarding` -> `onboarding`; refuses spaces and symbols with a message naming the tag."""
    tag = raw.strip().lstrip("#").casefold()
    if not tag:
        raise UserError("An empty tag makes no sense; use letters, digits, `-` or `_`.")
    if len(tag) > MAX_TAG_CHARS:
        raise UserError(f"The tag `{tag[:MAX_TAG_CHARS]}…` is too long (at most {MAX_TAG_CHARS}).")
    if not TAG.match(tag):
        raise UserError(
            f"The tag `{raw.strip()[:MAX_TAG_CHARS]}` may only use letters, digits, `-` and `_`."
        )
    return tag


def parse_tags(raw: str | Iterable[str]) -> list[str]:
    """Comma- or space-separated tags, normalised, deduplicated in first-seen order."""
    words = _TAG_SEPARATORS.split(raw) if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for word in words:
        if word.strip() and (tag := normalise_tag(word)) not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise UserError(f"That is {len(tags)} tags; an insight can carry at most {MAX_TAGS}.")
    return tags


# Who a broadcast reaches ------------------------------------------------------------------


def broadcast_targets(
    tags: Sequence[str],
    subscribers: Iterable[Subscriber],
    *,
    author: Target,
    shared_with: Sequence[Target],
    is_private: bool,
) -> list[Target]:
    """Each channel or person at most once: the "share with" list, plus, for a public
    insight, every subscriber whose tag the insight carries (except the author's own follow).
    A private insight reaches exactly its list: subscriptions and follows never widen it.
    """
    if is_private:
        return _unique(shared_with)
    wanted = set(tags)
    matched = [s.target for s in subscribers if s.tag in wanted and s.target.key != author.key]
    return _unique([*shared_with, *matched])


def _unique(targets: Iterable[Target]) -> list[Target]:
    seen: dict[tuple[str, TargetKind, str], Target] = {}
    for target in targets:
        seen.setdefault(target.key, target)
    return list(seen.values())


@dataclass(frozen=True)
class Viewer:
    """Who is asking, and where: decides whether a private insight may be shown."""

    user_id: str
    channel_id: str
    is_admin: bool = False


def may_view(
    viewer: Viewer,
    *,
    author_id: str,
    is_private: bool,
    audience: Sequence[Target],
    include_admin: bool = False,
) -> bool:
    """Public insights: anyone in the workspace. Private: the author, listed people, and
    anyone asking from a listed channel (admins only where `include_admin`)."""
    if not is_private or viewer.user_id == author_id or (include_admin and viewer.is_admin):
        return True
    return any(
        (t.kind is TargetKind.PERSON and t.target_id == viewer.user_id)
        or (t.kind is TargetKind.CHANNEL and t.target_id == viewer.channel_id)
        for t in audience
    )


# Search and list --------------------------------------------------------------------------


@dataclass(frozen=True)
class Searchable:
    insight_id: int
    title: str
    finding: str
    tags: tuple[str, ...]


def search_score(query: str, item: Searchable) -> float:
    """0-100: how well the query matches title, finding or tags, forgiving typos."""
    q = utils.default_process(query)
    if not q:
        return 0.0
    title = utils.default_process(item.title)
    finding = utils.default_process(item.finding)
    scores = [fuzz.token_set_ratio(q, text) for text in (title, finding)]
    scores += [_best_word_window(q, title), _best_word_window(q, finding)]
    scores += [fuzz.ratio(q, tag) for tag in item.tags]
    return max(scores)


def _best_word_window(query: str, haystack: str) -> float:
    """Compares the query to every run of as many words in the text: typos cost little,
    while unrelated long texts do not score by sharing a few letters."""
    words = haystack.split()
    size = max(1, len(query.split()))
    if len(words) <= size:
        return fuzz.ratio(query, haystack)
    return max(
        fuzz.ratio(query, " ".join(words[i : i + size])) for i in range(len(words) - size + 1)
    )


def rank(query: str, items: Iterable[Searchable], limit: int = 10) -> list[Searchable]:
    """Best matches first; ties keep newest first when items arrive newest first."""
    scored = [(search_score(query, item), index, item) for index, item in enumerate(items)]
    kept = [entry for entry in scored if entry[0] >= SEARCH_CUTOFF]
    kept.sort(key=lambda entry: (-entry[0], entry[1]))
    return [item for _, _, item in kept[:limit]]


def closest_tag(wanted: str, known: Iterable[str]) -> str | None:
    """The known tag a misspelt `#tag` most likely meant."""
    best: tuple[float, str] | None = None
    for tag in known:
        score = fuzz.ratio(wanted, tag)
        if score >= 75 and (best is None or score > best[0]):
            best = (score, tag)
    return best[1] if best else None


_PERIOD = re.compile(r"^(\d{1,4})([dw])$")


def parse_period(word: str) -> timedelta | None:
    """`30d` or `2w` as a timedelta; None when the word is not a period."""
    match = _PERIOD.match(word.casefold())
    if not match:
        return None
    amount = int(match.group(1))
    if amount == 0:
        raise UserError("A period of zero days finds nothing; try `30d` or `2w`.")
    return timedelta(days=amount * (7 if match.group(2) == "w" else 1))


def parse_insight_id(word: str) -> int:
    """`12` or `#12` (however the platform spelled the `#`); anything else is a friendly
    error."""
    typed = readable(word).strip()
    cleaned = typed.lstrip("#")
    if not cleaned.isdigit() or len(cleaned) > 12:
        raise UserError(f"`{typed[:30]}` is not an insight number; it looks like `12`.")
    return int(cleaned)
