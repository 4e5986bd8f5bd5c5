"""Digest build time as history grows: 50 people, up to five years of stand-ups, votes,
insights and RACI changes. Flat times mean every digest query stays bounded by its week."""

from __future__ import annotations

import json
import random
import secrets
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from bench import Result
from bot.features.digest.commands import build
from storage.db import Database
from storage.models.core import ProductTeam
from storage.models.digests import DigestSchedule
from storage.models.insights import Insight, InsightAck
from storage.models.roles import RaciChange
from storage.models.standups import StandupAnswer, StandupPrompt, StandupTeam
from storage.models.votes import Ballot, Poll

WORKSPACE = "bench"
END = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
BLOCKERS = ("none", "none", "none", "waiting for API keys", "design review pending")


async def measure(quick: bool) -> list[Result]:
    people = 10 if quick else 50
    years = (1, 2) if quick else (1, 3, 5)
    repeats = 5 if quick else 20
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite+aiosqlite:///{scratch}/digest.db")
        await db.upgrade()
        schedule, team_name, standup_id = await _setup(db, people)
        seeded_years = 0
        for target in years:
            for year in range(seeded_years, target):
                await _seed_year(db, schedule, standup_id, people, year)
            seeded_years = target
            timings = await _time_builds(db, schedule, team_name, repeats)
            median = sorted(timings)[len(timings) // 2]
            results.append(
                Result(
                    f"digest_build ({people} people, SQLite)",
                    f"history {target}y: median / max",
                    f"{median:.1f} / {max(timings):.1f} ms",
                )
            )
        await db.dispose()
    return results


async def _time_builds(
    db: Database, schedule: DigestSchedule, team: str, repeats: int
) -> list[float]:
    timings: list[float] = []
    async with db.transaction() as session:  # warm-up: caches and prepared statements
        await build(session, schedule, team, END, public=True)
    for _ in range(repeats):
        started = time.perf_counter()
        async with db.transaction() as session:
            await build(session, schedule, team, END, public=True)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def _setup(db: Database, people: int) -> tuple[DigestSchedule, str, int]:
    now = END
    async with db.transaction() as session:
        team = ProductTeam(workspace_id=WORKSPACE, slug="default", name="Checkout", created_at=now)
        session.add(team)
        await session.flush()
        assert team.id is not None
        standup = StandupTeam(
            workspace_id=WORKSPACE,
            platform="local",
            slug="checkout",
            name="Checkout",
            channel_id="C1",
            questions="[]",
            weekdays="1,2,3,4,5",
            prompt_time="09:30",
            summary_time="11:00",
            timezone="Europe/Berlin",
            reminder_minutes=60,
            style="compact",
            created_by="U0",
            created_at=now,
            updated_at=now,
        )
        schedule = DigestSchedule(
            workspace_id=WORKSPACE,
            platform="local",
            channel_id="C1",
            team_id=team.id,
            weekday=4,
            time_of_day="16:00",
            timezone="Europe/Berlin",
            updated_by="U0",
            updated_at=now,
        )
        session.add(standup)
        session.add(schedule)
        await session.flush()
        assert standup.id is not None
    return schedule, team.name, standup.id


async def _seed_year(
    db: Database, schedule: DigestSchedule, standup_id: int, people: int, year: int
) -> None:
    """One more year of history, further back than what is already there."""
    rng = random.Random(year)
    last = END.date() - timedelta(days=365 * year)
    days = [
        last - timedelta(days=n) for n in range(365) if (last - timedelta(days=n)).weekday() < 5
    ]
    answers, prompts = _standup_rows(rng, standup_id, people, days)
    polls, insights = _weekly_rows(rng, schedule, days)
    async with db.transaction() as session:
        await session.execute(insert(StandupAnswer), answers)
        await session.execute(insert(StandupPrompt), prompts)
        await session.execute(insert(RaciChange), [_change(schedule, d) for d in days[::5]])
        for poll_row in polls:
            poll = Poll(**poll_row)
            session.add(poll)
            await session.flush()
            await session.execute(insert(Ballot), _ballots(rng, poll, people))
        for insight_row in insights:
            insight = Insight(**insight_row)
            session.add(insight)
            await session.flush()
            await session.execute(insert(InsightAck), _acks(rng, insight, people))


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _standup_rows(
    rng: random.Random, standup_id: int, people: int, days: list[date]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    answers: list[dict[str, Any]] = []
    prompts: list[dict[str, Any]] = []
    for day in days:
        for person in range(people):
            user = f"U{person}"
            prompts.append(
                dict(
                    workspace_id=WORKSPACE,
                    standup_id=standup_id,
                    user_id=user,
                    day=day,
                    kind="prompt",
                    sent_at=_at(day, 8),
                )
            )
            if rng.random() < 0.85:
                entries = [
                    {
                        "question": "Any blockers?",
                        "kind": "blockers",
                        "answer": rng.choice(BLOCKERS),
                    }
                ]
                answers.append(
                    dict(
                        workspace_id=WORKSPACE,
                        standup_id=standup_id,
                        user_id=user,
                        day=day,
                        entries=json.dumps(entries),
                        on_time=True,
                        submitted_at=_at(day, 9),
                        updated_at=_at(day, 9),
                    )
                )
    return answers, prompts


def _weekly_rows(
    rng: random.Random, schedule: DigestSchedule, days: list[date]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    polls: list[dict[str, Any]] = []
    insights: list[dict[str, Any]] = []
    for day in days[::2]:
        opened = _at(day, 10)
        polls.append(
            dict(
                workspace_id=WORKSPACE,
                team_id=schedule.team_id,
                platform="local",
                channel_id="C1",
                creator_id="U0",
                question=f"Next epic {day}?",
                method="single",
                items=json.dumps(["Search", "Billing", "Onboarding"]),
                created_at=opened,
                closed_at=opened + timedelta(days=2),
            )
        )
        insights.append(
            dict(
                workspace_id=WORKSPACE,
                team_id=schedule.team_id,
                platform="local",
                author_id="U1",
                title=f"Finding {day}",
                finding="People hesitate at checkout.",
                method="interview",
                confidence=rng.choice(["low", "medium", "high"]),
                created_at=opened,
                updated_at=opened,
            )
        )
    return polls, insights


def _ballots(rng: random.Random, poll: Poll, people: int) -> list[dict[str, Any]]:
    return [
        dict(
            id=secrets.token_hex(8),
            poll_id=poll.id,
            owner_key=f"u:U{p}",
            voter_id=f"U{p}",
            choice=json.dumps([rng.randrange(3)]),
        )
        for p in range(min(people, 20))
    ]


def _acks(rng: random.Random, insight: Insight, people: int) -> list[dict[str, Any]]:
    return [
        dict(
            insight_id=insight.id,
            workspace_id=WORKSPACE,
            user_id=f"U{p}",
            kind="seen",
            created_at=insight.created_at,
            updated_at=insight.created_at,
        )
        for p in rng.sample(range(people), k=min(people, 8))
    ]


def _change(schedule: DigestSchedule, day: date) -> dict[str, Any]:
    return dict(
        workspace_id=WORKSPACE,
        team_id=schedule.team_id,
        actor_id="U0",
        summary=f"set “Roadmap” on {day}",
        created_at=_at(day, 12),
    )
