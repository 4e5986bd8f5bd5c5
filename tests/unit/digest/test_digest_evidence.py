"""The digest's evidence flags: top-ranked items no research supports, and research that no
vote refers to; private insights never show, research older than 90 days ages out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.local.render import render
from bot.app import AlignBot
from bot.replies import Reply
from tests.conftest import ask, person
from tests.support.recording import FakeClock
from tests.unit.insights.helpers import share
from tests.unit.votes.support import open_vote, pick

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
BACKLOG = "Search\nOnboarding\nBilling\nExport\nSSO\nDark mode"


async def _evidence_section(bot: AlignBot) -> str:
    preview = await ask(bot, "/digest preview")
    assert isinstance(preview, Reply), preview
    text = render(preview)
    assert "\nEvidence\n" in text, text
    return text.split("\nEvidence\n", 1)[1].split("Drill in", 1)[0]


async def test_digest_flags_unevidenced_top_items_and_research_no_vote_uses(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    clock.current = MONDAY - timedelta(days=100)
    await share(alignbot, title="Old finding nobody voted on", items="")
    clock.current = MONDAY
    poll_id = await open_vote(alignbot, method="single", items=BACKLOG)
    await share(alignbot, title="Search misses synonyms", items="search", confidence="medium")
    await share(
        alignbot,
        title="Billing pains, privately",
        items="Billing",
        visibility="private",
        people=["U1"],
    )
    await share(alignbot, title="Teams export to spreadsheets", items="CSV export")
    await share(alignbot, title="The onboarding tour is skipped", items="", confidence="low")
    for voter, choice in (("U2", 0), ("U3", 0), ("U4", 2)):  # Search 2, Billing 1, rest 0
        await pick(alignbot, poll_id, choice, person(voter, voter))
    await ask(alignbot, f"/vote close {poll_id}", person())
    clock.current = FRIDAY

    section = await _evidence_section(alignbot)

    # Top third of six items: Search (1st, backed by an insight) and Billing (2nd, only a
    # private insight); nobody backed the rest, so they are not ranked anywhere.
    assert f"vote {poll_id} Which epic next?: top third with no linked insight: Billing\n" in (
        section
    )
    assert "Public insights of the last 90 days that no vote refers to: 2" in section
    assert "Teams export to spreadsheets (high confidence), linked to CSV export" in section
    assert "The onboarding tour is skipped (low confidence), linked to no backlog item" in section
    for hidden in ("Search misses synonyms", "Billing pains", "Old finding"):
        assert hidden not in section


async def test_no_flags_no_section(alignbot: AlignBot, clock: FakeClock) -> None:
    """A backed leader is no flag; nor is a leader on a vote no research touches at all (as
    in the vote's own results: there every leader would be flagged, which tells nothing)."""
    clock.current = MONDAY
    poll_id = await open_vote(alignbot, method="single", items="Search\nBilling\nExport")
    unresearched = await open_vote(alignbot, method="single", items="Starter\nTeam\nEnterprise")
    await share(alignbot, title="Search misses synonyms", items="Search")
    await pick(alignbot, poll_id, 0, person("U2", "Bo"))
    await pick(alignbot, unresearched, 1, person("U2", "Bo"))
    await ask(alignbot, f"/vote close {poll_id}", person())
    await ask(alignbot, f"/vote close {unresearched}", person())
    clock.current = FRIDAY
    preview = await ask(alignbot, "/digest preview")
    assert isinstance(preview, Reply)
    text = render(preview)
    assert f"vote {poll_id} Which epic next? → winner: Search" in text
    assert "\nEvidence\n" not in text
