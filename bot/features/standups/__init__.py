"""Stand-ups: prompts at each member's own local time, answers, a summary with blockers first."""

from bot.feature import Feature
from bot.features.standups import (
    answers,
    commands,
    escalation,
    escalation_answers,
    forms,
    jobs,
    views,
)
from bot.features.standups.blocked import blocked_decisions_for
from bot.features.standups.escalation import (
    DecisionEscalations,
    Resolution,
    escalations_by_decision,
    resolutions,
)
from bot.features.standups.personal import erase_answers_before, forget_person, personal_data
from bot.features.standups.waiting import waiting_for
from bot.features.standups.week import StandupWeek, standup_week

FEATURE = Feature(
    name="standups",
    commands=(commands.SPEC,),
    actions={
        views.OPEN_ACTION: answers.open_from_button,
        views.SKIP_ACTION: answers.skip_from_button,
        escalation.UNBLOCK_ACTION: escalation_answers.unblock,
        escalation.NOT_MINE_ACTION: escalation_answers.not_mine,
        escalation.RESOLVED_ACTION: escalation_answers.resolved,
    },
    forms={
        forms.SETUP_FORM: commands.submit_setup,
        forms.ANSWER_FORM: answers.submit,
        escalation_answers.NOT_MINE_FORM: escalation_answers.not_mine_submitted,
    },
    ticks=(jobs.TICK,),
    depends_on=("roles",),
)

# What other features may use (the privacy feature: a person's data, erasure, retention; the
# digest: a team's week of stand-ups, and with `/raci check`, escalated blockers per decision
# and who resolved them; the home page: today's stand-up and the blockers waiting on someone's
# decisions).
__all__ = [
    "FEATURE",
    "DecisionEscalations",
    "Resolution",
    "StandupWeek",
    "blocked_decisions_for",
    "erase_answers_before",
    "escalations_by_decision",
    "forget_person",
    "personal_data",
    "resolutions",
    "standup_week",
    "waiting_for",
]
