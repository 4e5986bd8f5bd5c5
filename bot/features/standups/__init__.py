"""Stand-ups: prompts at each member's own local time, answers, a summary with blockers first."""

from bot.feature import CommandSpec, Example, Feature
from bot.features.standups import answers, commands, forms, jobs, views

FEATURE = Feature(
    name="standups",
    commands=(
        CommandSpec(
            name="standup",
            summary="daily stand-ups: answer, set up a team, days away, history and stats",
            handler=commands.standup,
            examples=(
                Example("/standup", "answer today's stand-up"),
                Example("/standup setup Design", "create or change a stand-up team"),
                Example("/standup tz Europe/Paris", "prompts at your own local time"),
                Example("/standup skip until 2026-12-01", "away: no prompts"),
                Example("/standup holiday 2026-12-25", "a team holiday"),
                Example("/standup history @Ada 30d", "past answers"),
                Example("/standup stats", "participation and answers on time"),
            ),
        ),
    ),
    actions={
        views.OPEN_ACTION: answers.open_from_button,
        views.SKIP_ACTION: answers.skip_from_button,
    },
    forms={forms.SETUP_FORM: commands.submit_setup, forms.ANSWER_FORM: answers.submit},
    ticks=(jobs.TICK,),
)
