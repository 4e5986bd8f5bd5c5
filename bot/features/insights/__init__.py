"""Research insights: share a finding once, reach every subscribed channel and follower once,
collect Seen / Will act / Disagree answers, and keep every posted copy up to date."""

from __future__ import annotations

from bot.feature import Feature
from bot.features.insights import acks, commands, publish, shortcut
from bot.features.insights.evidence import (
    CONFIDENCE_PERCENT,
    Evidence,
    ItemEvidence,
    Ranked,
    UnusedInsight,
    evidence_for_items,
    insights_no_vote_uses,
    top_third,
    unevidenced_leaders,
    without_evidence,
)
from bot.features.insights.forms import FORM_DISAGREE, FORM_EDIT, FORM_NEW
from bot.features.insights.personal import erase_answers_before, forget_person, personal_data
from bot.features.insights.waiting import waiting_for

FEATURE = Feature(
    name="insights",
    commands=(commands.SPEC,),
    actions={
        "insight.seen": acks.seen,
        "insight.act": acks.will_act,
        "insight.disagree": acks.disagree,
        publish.RETRACT_ACTION: publish.retract_confirmed,
        shortcut.FROM_MESSAGE_ACTION: shortcut.from_message,
    },
    forms={
        FORM_NEW: publish.share,
        FORM_EDIT: publish.save_edit,
        FORM_DISAGREE: acks.disagree_submitted,
    },
)

# What other features may use. The privacy feature: a person's data, erasure, retention.
# The home page: the insights waiting for a person's answer (`waiting_for`).
# Votes and the digest, the evidence behind backlog items (bot/features/insights/evidence.py):
# `evidence_for_items` (linked public insights and a RICE Confidence per item),
# `unevidenced_leaders` (a vote's top-third items no insight supports; `top_third` and
# `without_evidence` are its parts) and
# `insights_no_vote_uses` (public research no vote refers to over a period).
__all__ = [
    "CONFIDENCE_PERCENT",
    "FEATURE",
    "Evidence",
    "ItemEvidence",
    "Ranked",
    "UnusedInsight",
    "erase_answers_before",
    "evidence_for_items",
    "forget_person",
    "insights_no_vote_uses",
    "personal_data",
    "top_third",
    "unevidenced_leaders",
    "waiting_for",
    "without_evidence",
]
