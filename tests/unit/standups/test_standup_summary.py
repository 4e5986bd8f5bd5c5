"""The summary's content: blockers first, stuck blockers, absentees once, and the RACI hook."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.local.render import render
from bot.features.standups.questions import (
    DEFAULT_QUESTIONS,
    Kind,
    QuestionError,
    parse_questions,
)
from bot.features.standups.summary import (
    DaySummary,
    Entry,
    PersonAnswers,
    Someone,
    blocker_streak,
    blockers_section,
    build_summary,
    is_blocker,
)
from bot.replies import Mention, Text, reply

DAY = date(2026, 11, 23)


def person(
    user_id: str, name: str, blocker: str, today: str = "Work", stuck: int = 0
) -> PersonAnswers:
    entries = (
        Entry("What did you do yesterday?", Kind.YESTERDAY, "Stuff"),
        Entry("What will you do today?", Kind.TODAY, today),
        Entry("Any blockers?", Kind.BLOCKERS, blocker),
    )
    return PersonAnswers(user_id, name, entries, stuck)


@pytest.mark.parametrize(
    "answer", ["none", "None.", "no", "-", "n/a", "N/A", "nothing", " Nope! ", ""]
)
def test_nothing_answers_are_not_blockers(answer: str) -> None:
    assert not is_blocker(answer)


@pytest.mark.parametrize(
    "answer", ["No access to prod", "Waiting on legal", "none of the APIs work"]
)
def test_real_blockers_are_blockers(answer: str) -> None:
    assert is_blocker(answer)


def test_a_blocker_repeated_in_other_words_counts_as_the_same() -> None:
    today = "Still waiting for legal review of the consent form"
    earlier = ["waiting for legal review of consent form", "Legal review of the consent form", None]
    assert blocker_streak(today, earlier) == 3
    assert blocker_streak(today, ["CI is red", "waiting for legal review"]) == 1
    assert blocker_streak(today, []) == 1


def _summary(*, threaded: bool) -> str:
    data = DaySummary(
        "Design",
        DAY,
        answers=(
            person("U1", "Ada", "none", today="Wireframes"),
            person("U2", "Bo", "CI is red"),
            person("U3", "Chen", "Waiting for legal", stuck=4),
        ),
        missing=(Someone("U4", "Dee"),),
        away=(Someone("U5", "Eli"),),
    )
    summary = build_summary(data, threaded=threaded)
    assert summary.parent.visibility == "channel"
    return render(summary.parent)


def test_compact_summary_puts_blockers_first_and_flags_stuck_ones() -> None:
    text = _summary(threaded=False)
    lines = text.splitlines()
    assert lines[0] == "== Stand-up · Design · Mon 23 Nov 2026 =="
    assert lines[1] == "3 of 4 answered, 1 away."
    assert lines[2] == "Blockers (2)"
    # The stuck blocker leads; "none" is not a blocker.
    assert lines[3] == "• @Chen: Waiting for legal  stuck: 4 stand-ups in a row"
    assert lines[4] == "• @Bo: CI is red"
    assert text.count("Dee") == 1
    assert "(Not answered yet: Dee)" in text
    assert "(Away: Eli)" in text
    assert text.index("Blockers") < text.index("What will you do today?: Wireframes")


def test_threaded_summary_has_a_parent_and_one_reply_per_person() -> None:
    data = DaySummary("Design", DAY, answers=(person("U1", "Ada", "CI is red"),))
    summary = build_summary(data, threaded=True)
    parent = render(summary.parent)
    assert "@Ada: CI is red" in parent
    assert "Wireframes" not in parent
    assert "Any blockers?" not in parent
    assert [(uid, render(r).splitlines()[0]) for uid, r in summary.thread] == [("U1", "Ada")]


def test_a_day_without_blockers_says_so_and_nobody_is_shamed_twice() -> None:
    data = DaySummary(
        "Design", DAY, answers=(), missing=(Someone("U1", "Ada"), Someone("U2", "Bo"))
    )
    text = render(build_summary(data, threaded=True).parent)
    assert "0 of 2 answered." in text
    assert "No blockers today." in text
    assert text.count("Ada") == 1


def test_the_owner_hook_names_whoever_is_accountable() -> None:
    asked: list[str] = []

    def owner_of(blocker: str) -> str | None:
        asked.append(blocker)
        return (
            "Roadmap priorities: Accountable Grace (Product Owner)"
            if "roadmap" in blocker
            else None
        )

    blocks = blockers_section(
        [person("U1", "Ada", "Need the roadmap call"), person("U2", "Bo", "CI is red")], owner_of
    )
    text = render(reply(*blocks))
    assert asked == ["Need the roadmap call", "CI is red"]
    assert "↳ Roadmap priorities: Accountable Grace (Product Owner)" in text
    assert text.count("↳") == 1
    first = blocks[1]
    assert isinstance(first, Text)
    assert Mention("U1", "Ada") in first.spans


def test_questions_are_written_one_per_line() -> None:
    questions = parse_questions(
        "What did you do yesterday\n- What will you do today?\nAny blockers?\nMood (optional)\n"
    )
    assert [q.text for q in questions] == [
        "What did you do yesterday?",
        "What will you do today?",
        "Any blockers?",
        "Mood?",
    ]
    assert [q.kind for q in questions] == [Kind.YESTERDAY, Kind.TODAY, Kind.BLOCKERS, Kind.OTHER]
    assert [q.required for q in questions] == [True, True, True, False]
    assert parse_questions("Anything in your way?")[0].kind is Kind.BLOCKERS
    assert DEFAULT_QUESTIONS[2].kind is Kind.BLOCKERS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        ("A?\na?", "twice"),
        ("\n".join(f"Q{i}" for i in range(11)), "Up to 10"),
        ("(optional)", "only"),
        ("x" * 151, "150 characters"),
    ],
)
def test_bad_question_lists_are_refused(text: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        parse_questions(text)
