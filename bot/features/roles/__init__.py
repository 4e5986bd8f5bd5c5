"""Role-responsibility lookups: a RACI matrix per team, mapped to real people."""

from bot.feature import Feature
from bot.features.roles import ask, commands, views
from bot.features.roles.lookup import Ambiguous, Found, clean_query, find_decision
from bot.features.roles.matrix import DecisionView, Holder, Matrix, normalise
from bot.features.roles.owners import NamedDecision, decision_lookup, owner_lookup, role_names
from bot.features.roles.personal import forget_person, personal_data
from bot.features.roles.service import load as load_matrix
from bot.features.roles.service import may_edit
from bot.features.roles.views import PICK_ACTION
from bot.features.roles.waiting import held_by

FEATURE = Feature(
    name="roles",
    commands=commands.SPECS,
    actions={
        PICK_ACTION: commands.pick,
        commands.REMOVE_DECISION_ACTION: commands.remove_decision_pressed,
        commands.REMOVE_ROLE_ACTION: commands.remove_role_pressed,
        ask.ASK_ACTION: ask.ask,
        views.DRIFT_FIX_ACTION: commands.drift_fix_pressed,
        views.DRIFT_CONFIRM_ACTION: commands.drift_confirmed,
    },
    forms={commands.IMPORT_FORM: commands.import_submitted, ask.ASK_FORM: ask.asked},
)

# What other features may use: privacy (a person's data, erasure, retention); decisions, votes
# and the digest (a team's matrix, who may change team settings, finding the decision a person
# means); stand-ups (the decision a blocker names, and its owners); the home page (your roles).
__all__ = [
    "FEATURE",
    "Ambiguous",
    "DecisionView",
    "Found",
    "Holder",
    "Matrix",
    "NamedDecision",
    "clean_query",
    "decision_lookup",
    "find_decision",
    "forget_person",
    "held_by",
    "load_matrix",
    "may_edit",
    "normalise",
    "owner_lookup",
    "personal_data",
    "role_names",
]
