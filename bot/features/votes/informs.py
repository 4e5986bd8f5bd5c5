"""Which RACI decision a vote informs: asked for by name, suggested from the question, and
checked against the team's matrix when the form comes back (its value is untrusted)."""

from __future__ import annotations

import dataclasses
import re

from rapidfuzz import fuzz, process, utils

from bot.context import Context
from bot.errors import UserError
from bot.events import Conversation
from bot.features.roles import clean_query, load_matrix
from bot.features.votes.forms import DecisionChoice, Draft
from bot.mentions import readable
from storage.repositories import product_teams

_FOR = re.compile(r"(?:^|\s)for\s+[\"“”](?P<name>[^\"“”]+)[\"“”]\s*$", re.IGNORECASE)
ASKED_SCORE = 85  # `for "pricing"`: typos forgiven, a different decision not
SUGGEST_SHARE = 0.5  # of a decision's words found in the question, to suggest it
WORD_SCORE = 85  # "prising" still finds "pricing"
MIN_WORD = 4  # shorter words ("go", "ui", "a/b") say too little on their own


def split_for(text: str) -> tuple[str, str]:
    """`Which tier first? for "Pricing & packaging"` -> (`Which tier first?`, the name)."""
    found = _FOR.search(text)
    if found is None:
        return text, ""
    return text[: found.start()].strip(), " ".join(readable(found.group("name")).split())


async def choices(ctx: Context, where: Conversation) -> list[DecisionChoice]:
    async with ctx.db.transaction() as session:
        team = await product_teams.team_for(session, where, ctx.clock.now())
        matrix = (await load_matrix(session, team)).matrix
    return [DecisionChoice(d.name, d.key) for d in matrix.decisions]


def resolve(asked: str, decisions: list[DecisionChoice]) -> str:
    """The key of the decision `asked` names; a friendly refusal when none is close."""
    names = [d.name for d in decisions]
    found = process.extractOne(
        asked, names, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=ASKED_SCORE
    )
    if found is not None:
        return decisions[found[2]].key
    nearest = process.extract(
        asked, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=3
    )
    hint = ", ".join(f"“{name}”" for name, score, _ in nearest if score >= 50)
    raise UserError(
        f"There's no decision called “{asked[:60]}” in the RACI matrix."
        + (f" Closest: {hint}." if hint else "")
        + " `/raci show` lists them; nothing was opened."
    )


def suggest(question: str, decisions: list[DecisionChoice]) -> str:
    """The decision the question most likely informs, or "" when none stands out: the one
    with the largest share of its words in the question (typos forgiven), at least half."""
    asked = _words(clean_query(question))
    if not asked:
        return ""
    scored: list[tuple[float, str]] = []
    for decision in decisions:
        own = _words(decision.name)
        if not own:
            continue
        found = sum(
            1
            for word in own
            if process.extractOne(word, asked, scorer=fuzz.ratio, score_cutoff=WORD_SCORE)
        )
        scored.append((found / len(own), decision.key))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < SUGGEST_SHARE:
        return ""
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return ""  # two decisions fit as well: no suggestion beats a wrong one
    return scored[0][1]


def _words(text: str) -> list[str]:
    return [w for w in utils.default_process(text).split() if len(w) >= MIN_WORD]


async def checked(ctx: Context, where: Conversation, draft: Draft) -> Draft | dict[str, str]:
    """The draft with its decision's current name; an error when the key the form sent back
    names no decision of this team (changed meanwhile, or tampered with)."""
    if not draft.decision_key:
        return draft
    known = {d.key: d.name for d in await choices(ctx, where)}
    name = known.get(draft.decision_key)
    if name is None:
        return {
            "decision": "That decision isn't in this team's RACI matrix any more; pick another."
        }
    return dataclasses.replace(draft, decision_name=name)
