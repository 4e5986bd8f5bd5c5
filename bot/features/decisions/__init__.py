"""Decision records: votes that inform a RACI decision, ratified by its Accountable person.

A vote names the decision it informs (`/vote new … for "Pricing & packaging"`, or the form's
menu). When it closes, a record is written and its Accountable people are asked in a direct
message to Ratify, Override (with a reason) or Reopen. Ratifying or overriding posts the
record to the vote's channel and tells each Informed role holder once.

Public API (stable; the digest and `/raci check` drift build on it), all read-only, each
taking the caller's session:

- `decisions_made(session, team_id, since, until)`: records settled in a period (a week),
  who settled them, what was decided and what the vote said.
- `pending_decisions(session, team_id, now)`: voted but not yet ratified, with their age.
- `who_settles(session, team_id, decision_key, now, days=90)`: who ratifies, overrides or
  reopens a decision in practice (user id -> count).
- `who_closes_votes(session, team_id, decision_key, now, days=90)`: who closes the votes
  informing a decision by hand (user id -> count).
- `decision_key(name)`: the key decisions are matched by (the RACI matrix's folding).

Evidence flags for results and the digest come from the insights feature's public API
(`unevidenced_leaders`).
"""

from bot.feature import Feature
from bot.features.decisions import commands, views
from bot.features.decisions.api import (
    DecisionMade,
    PendingDecision,
    decision_key,
    decisions_made,
    pending_decisions,
    who_closes_votes,
    who_settles,
)

FEATURE = Feature(
    name="decisions",
    commands=(commands.SPEC,),
    actions={
        views.RATIFY_ACTION: commands.ratify,
        views.OVERRIDE_ACTION: commands.override_form,
        views.REOPEN_ACTION: commands.reopen,
    },
    forms={commands.OVERRIDE_FORM: commands.override_submitted},
    depends_on=("roles", "votes"),
)

__all__ = [
    "FEATURE",
    "DecisionMade",
    "PendingDecision",
    "decision_key",
    "decisions_made",
    "pending_decisions",
    "who_closes_votes",
    "who_settles",
]
