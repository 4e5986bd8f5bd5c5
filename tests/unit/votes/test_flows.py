"""Whole votes through the core: create, vote, change, live updates, close, results, export."""

from __future__ import annotations

from datetime import datetime

from adapters.local.render import render
from bot.app import AlignBot
from bot.features.votes import FEATURE, polls
from bot.replies import Form, InputKind
from tests.conftest import ask, channel, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import (
    ballot_form,
    counts,
    give_roles,
    open_vote,
    pick,
    ranks,
    stored_ballots,
    text_of,
    vote_form,
)

ADA, BO, CY, DI = person("U1", "Ada"), person("U2", "Bo"), person("U3", "Cy"), person("U4", "Di")


async def test_new_opens_a_form_with_every_choice(alignbot: AlignBot) -> None:
    form = await ask(alignbot, "/vote new Which epic next?")
    assert isinstance(form, Form)
    kinds = {i.name: i.kind for i in form.inputs}
    assert kinds["items"] is InputKind.MULTILINE
    assert kinds["voters"] is InputKind.USERS
    assert kinds["method"] is InputKind.SELECT
    assert {o.value for o in next(i for i in form.inputs if i.name == "method").options} == {
        "single",
        "multi",
        "dot",
        "ranked",
        "moscow",
        "rice",
    }
    assert form.inputs[0].initial == "Which epic next?"


async def test_ranked_vote_end_to_end_with_live_updates_and_deadline_close(
    alignbot: AlignBot, messenger: RecordingMessenger, clock: FakeClock
) -> None:
    poll_id = await open_vote(alignbot)
    live = messenger.posts[0]
    assert f"Vote {poll_id}: Which epic next?" in render(live.reply)
    assert "Ranked choice" in render(live.reply)

    form = await ballot_form(alignbot, poll_id, ADA)
    assert [i.name for i in form.inputs] == ["rank_1", "rank_2", "rank_3"]
    reply = await vote_form(alignbot, poll_id, ADA, ranks([2, 0, 1]))
    assert "is in: Billing > Search > Onboarding" in text_of(reply)
    await vote_form(alignbot, poll_id, BO, ranks([0, 2, 1]))
    await vote_form(alignbot, poll_id, CY, ranks([0, 1, 2]))
    assert len(messenger.updates) == 3
    assert all(ref == live.ref for ref, _ in messenger.updates)
    assert "3 voted" in render(messenger.updates[-1][1])
    assert "Leading: Search (Borda count and Schulze agree)" in render(messenger.updates[-1][1])

    # Ada changes her mind; the form starts from her ballot, and she still counts once.
    again = await ballot_form(alignbot, poll_id, ADA)
    assert again.inputs[0].initial == "2"
    changed = await vote_form(alignbot, poll_id, ADA, ranks([1]))
    assert "was updated" in text_of(changed)
    assert await counts(alignbot) == (1, 3, 3)

    clock.advance(days=2, minutes=1)
    late = await vote_form_raw(alignbot, poll_id)
    assert "ended at" in late
    tick = next(t for t in FEATURE.ticks if t.name == "close_due")  # run by hand here
    assert tick.every_seconds == 60
    await tick.run(alignbot.ctx)
    final = render(messenger.posts[-1].reply)
    assert f"Final result of vote {poll_id}" in final
    # Borda: Search 0.5+2+2 = 4.5, Onboarding 2+0+1 = 3, Billing 0.5+1+0 = 1.5; Search also
    # beats Onboarding 2-1 and Billing 2-0 head to head, so Schulze agrees and the same order
    # is not printed twice.
    assert "Winner: Search (Borda count and Schulze agree)" in final
    assert "1. Search     ████████████████████ 4.5  points" in final
    assert "Schulze order" not in final
    assert "Vote" not in [line.strip() for line in render(messenger.updates[-1][1]).splitlines()]
    await polls.close_due(alignbot.ctx)  # a second tick posts nothing more
    assert sum("Final result" in render(p.reply) for p in messenger.posts) == 1
    after = await pick(alignbot, poll_id, 0, DI)
    assert "is closed" in text_of(after)


async def vote_form_raw(bot: AlignBot, poll_id: int) -> str:
    from bot.events import Action

    return text_of(await bot.handle(Action("vote.open", str(poll_id), DI, channel())))


async def test_single_choice_votes_from_the_menu_in_the_message(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, method="single")
    assert "Vote for…" in render(messenger.posts[0].reply)
    await pick(alignbot, poll_id, 1, ADA)
    await pick(alignbot, poll_id, 1, BO)
    await pick(alignbot, poll_id, 0, CY)
    await pick(alignbot, poll_id, 2, CY)  # Cy changes to Billing
    result = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "Leading: Onboarding" in result
    assert "3 voted" in result
    assert "1. Onboarding ████████████████████ 2  votes" in result
    assert "No votes: Search" in result


async def test_multi_dot_moscow_and_rice_ballots(alignbot: AlignBot) -> None:
    multi = await open_vote(alignbot, method="multi", max_choices="2")
    await vote_form(alignbot, multi, ADA, {"choices": ["0", "2"]})
    await vote_form(alignbot, multi, BO, {"choices": ["2"]})
    assert "Leading: Billing" in text_of(await ask(alignbot, f"/vote results {multi}"))

    dots = await open_vote(alignbot, method="dot", dots="5")
    await vote_form(alignbot, dots, ADA, {"dots_0": "5"})
    await vote_form(alignbot, dots, BO, {"dots_1": "3.0", "dots_2": "2"})  # Teams sends 3.0
    shown = text_of(await ask(alignbot, f"/vote results {dots}"))
    assert "Leading: Search" in shown
    assert "5  dots" in shown
    assert "3  dots" in shown
    assert "2  dots" in shown

    moscow = await open_vote(alignbot, method="moscow")
    for who, picks in ((ADA, "MSW"), (BO, "MCW"), (CY, "SCM")):
        await vote_form(alignbot, moscow, who, {f"item_{i}": c for i, c in enumerate(picks)})
    shown = text_of(await ask(alignbot, f"/vote results {moscow}"))
    assert "Leading: Search" in shown
    assert "1. Search     ████████████████████ 2.67  Must 67% · M2 S1 C0 W0" in shown
    assert "3. Billing" in shown
    assert "Won't 67% · M1 S0 C0 W2" in shown

    rice = await open_vote(alignbot, method="rice", items="Search\nOnboarding")
    form = await ballot_form(alignbot, rice, ADA)
    assert len(form.inputs) == 8
    score = {
        "reach_0": "100",
        "impact_0": "2",
        "confidence_0": "50%",
        "effort_0": "1",
        "reach_1": "1000",
        "impact_1": "1",
        "confidence_1": "80",
        "effort_1": "2",
    }
    await vote_form(alignbot, rice, ADA, score)
    shown = text_of(await ask(alignbot, f"/vote results {rice}"))
    assert "Leading: Onboarding" in shown
    assert "R 1000 · I 1 · C 80% · E 2" in shown


async def test_hidden_results_stay_hidden_until_close(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, method="single", hide_results="yes")
    await pick(alignbot, poll_id, 2, BO)
    live = render(messenger.updates[-1][1])
    assert "hidden until the vote closes" in live
    assert "1 voted" in live
    assert "█" not in live
    refused = text_of(await ask(alignbot, f"/vote results {poll_id}", ADA))
    assert "hidden until it closes" in refused
    assert "hidden" in text_of(await ask(alignbot, f"/vote export {poll_id}", ADA))
    await ask(alignbot, f"/vote close {poll_id}", ADA)
    assert "Winner: Billing" in render(messenger.posts[-1].reply)
    assert "Winner: Billing" in text_of(await ask(alignbot, f"/vote results {poll_id}", BO))


async def test_anonymous_votes_store_and_reveal_no_identity(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, method="single", anonymous="yes")
    for who, choice in ((ADA, 0), (BO, 1), (CY, 1)):
        await pick(alignbot, poll_id, choice, who)
    await pick(alignbot, poll_id, 0, BO)  # Bo changes: still one ballot, now for Search
    live = render(messenger.updates[-1][1])
    assert "no ballot can be traced" in live
    assert "█" not in live
    assert "hidden until it closes" in text_of(await ask(alignbot, f"/vote results {poll_id}"))
    rows = await stored_ballots(alignbot)
    assert len(rows) == 3
    assert all(row.voter_id is None for row in rows)
    assert not any(uid in row.owner_key for row in rows for uid in ("U1", "U2", "U3"))
    assert sorted(row.choice for row in rows) == ["[0]", "[0]", "[1]"]
    await ask(alignbot, f"/vote close {poll_id}", ADA)
    exported = text_of(await ask(alignbot, f"/vote export {poll_id}", ADA))
    final = render(messenger.posts[-1].reply)
    for name in ("Ada", "Bo", "Cy", "U1", "U2", "U3"):
        assert name not in exported
        assert name not in final
    assert "only totals are exported" in exported
    assert "1,Search,2" in exported
    async with alignbot.ctx.db.transaction() as session:
        closed = await polls.load(session, "W1", poll_id)
    assert closed.ballot_salt == ""  # the link key can never be recomputed now


async def test_open_vote_export_lists_ballots_for_the_creator_only(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot)
    await vote_form(alignbot, poll_id, BO, ranks([1, 0, 2]))
    creator_view = text_of(await ask(alignbot, f"/vote export {poll_id}", ADA))
    assert "rank,item,score,tied,detail" in creator_view
    assert "Bo,Onboarding > Search > Billing" in creator_view
    assert "schulze_rank,item,beats,tied" in creator_view
    other_view = text_of(await ask(alignbot, f"/vote export {poll_id}", CY))
    assert "voter,ballot" not in other_view
    assert "Bo," not in other_view
    assert "1,Onboarding,2" in other_view


async def test_results_split_by_role_show_disagreement(alignbot: AlignBot) -> None:
    await give_roles(alignbot, {"U1": ["Product Owner"], "U2": ["UX"], "U3": ["UX"]})
    poll_id = await open_vote(alignbot, method="single")
    await pick(alignbot, poll_id, 0, ADA)
    await pick(alignbot, poll_id, 2, BO)
    await pick(alignbot, poll_id, 2, CY)
    await pick(alignbot, poll_id, 1, DI)
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "Where roles differ" in shown
    assert "Product Owner (1): 1. Search" in shown
    assert "No role (1): 1. Onboarding" in shown
    assert "Same as overall: UX (2)" in shown


async def test_anonymous_role_split_merges_groups_under_three(alignbot: AlignBot) -> None:
    people = [person(f"U{i}", f"P{i}") for i in range(1, 8)]
    await give_roles(
        alignbot,
        {
            "U1": ["Engineering"],
            "U2": ["Engineering"],
            "U3": ["Engineering"],
            "U4": ["UX"],
            "U5": ["Stakeholder"],
            "U6": ["Stakeholder"],
        },
    )
    poll_id = await open_vote(alignbot, people[0], method="single", anonymous="yes")
    for who in people:
        await pick(alignbot, poll_id, 0, who)
    await ask(alignbot, f"/vote close {poll_id}", people[0])
    stored = sorted(row.roles for row in await stored_ballots(alignbot))
    # Rare roles (UX: 1 holder, Stakeholder: 2) are never written on an anonymous ballot.
    assert stored == ['["Engineering"]'] * 3 + ['["Other roles"]'] * 3 + ["[]"]
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}", people[0]))
    assert "Engineering (3)" in shown
    assert "Other roles (4)" in shown  # UX (1) + Stakeholder (2) + No role (1)
    assert "UX (" not in shown
    assert "Stakeholder (" not in shown


async def test_anonymous_tiny_groups_are_withheld(alignbot: AlignBot) -> None:
    await give_roles(
        alignbot,
        {"U1": ["Engineering"], "U2": ["Engineering"], "U3": ["Engineering"], "U4": ["UX"]},
    )
    poll_id = await open_vote(alignbot, method="single", anonymous="yes")
    for i in range(1, 5):
        await pick(alignbot, poll_id, 1, person(f"U{i}", f"P{i}"))
    await ask(alignbot, f"/vote close {poll_id}")
    shown = text_of(await ask(alignbot, f"/vote results {poll_id}"))
    assert "Engineering (3)" in shown
    assert "UX" not in shown
    assert "1 ballots from role groups under 3 voters are not shown" in shown


async def test_only_named_people_may_vote_when_the_creator_says_so(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, method="single", voters=["U2", "U4"])
    assert "Open to @U2, @U4" in render(messenger.posts[0].reply)
    assert "is in" in text_of(await pick(alignbot, poll_id, 0, BO))
    refused = text_of(await pick(alignbot, poll_id, 0, CY))
    assert "named people only" in refused
    assert await counts(alignbot) == (1, 1, 1)


async def test_only_the_creator_or_an_admin_may_close_or_delete(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    poll_id = await open_vote(alignbot, ADA)
    assert "creator or a workspace admin" in text_of(
        await ask(alignbot, f"/vote close {poll_id}", BO)
    )
    assert "creator or a workspace admin" in text_of(
        await ask(alignbot, f"/vote delete {poll_id}", BO)
    )
    boss = person("U9", "Boss", admin=True)
    assert "is closed" in text_of(await ask(alignbot, f"/vote close {poll_id}", boss))
    assert "already closed" in text_of(await ask(alignbot, f"/vote close {poll_id}", ADA))
    assert "deleted" in text_of(await ask(alignbot, f"/vote delete {poll_id} confirm", ADA))
    assert await counts(alignbot) == (0, 0, 0)
    assert "was deleted by Ada" in render(messenger.updates[-1][1])
    assert "no vote " in text_of(await ask(alignbot, f"/vote results {poll_id}")).lower()


async def test_list_shows_open_and_closed_votes(alignbot: AlignBot) -> None:
    assert "No votes in this channel yet" in text_of(await ask(alignbot, "/vote list"))
    first = await open_vote(alignbot, question="First?")
    second = await open_vote(alignbot, question="Second?", method="dot")
    await ask(alignbot, f"/vote close {first}")
    listed = text_of(await ask(alignbot, "/vote list"))
    assert f"vote {second} [open] Second?" in listed
    assert f"vote {first} [closed] First?" in listed


async def test_deadline_reads_the_askers_time_zone(alignbot: AlignBot) -> None:
    # Clock: Mon 2026-11-23 09:00 UTC; Ada is in Europe/Berlin (UTC+1).
    poll_id = await open_vote(alignbot, deadline_text="fri 17:00")
    async with alignbot.ctx.db.transaction() as session:
        poll = await polls.load(session, "W1", poll_id)
    assert poll.deadline is not None
    assert poll.deadline.isoformat() == "2026-11-27T16:00:00+00:00"
    assert poll.timezone == "Europe/Berlin"
    dated = await open_vote(
        alignbot, deadline_text="", deadline_date="2026-12-01", deadline_time="09:30"
    )
    async with alignbot.ctx.db.transaction() as session:
        poll = await polls.load(session, "W1", dated)
    assert poll.deadline == datetime.fromisoformat("2026-12-01T08:30:00+00:00")


async def test_help_lists_every_vote_form(alignbot: AlignBot) -> None:
    shown = text_of(await ask(alignbot, "/vote"))
    for sub in (
        "new",
        "from csv",
        "from github",
        "from jira",
        "list",
        "results",
        "close",
        "delete",
        "export",
    ):
        assert sub in shown
    assert "I don't know `/vote frobnicate`" in text_of(await ask(alignbot, "/vote frobnicate"))


async def test_an_anonymous_ballot_carries_at_most_one_role(alignbot: AlignBot) -> None:
    both = ["Engineering", "UX"]
    await give_roles(alignbot, {"U1": both, "U2": both, "U3": both})
    poll_id = await open_vote(alignbot, method="single", anonymous="yes")
    await pick(alignbot, poll_id, 0, ADA)
    (ballot,) = await stored_ballots(alignbot)
    assert ballot.roles == '["Engineering"]'  # a set of roles could single a person out
