"""/who, /role and /raci through the core, as people type them."""

from __future__ import annotations

import pytest

from adapters.local.render import controls, render
from bot.app import AlignBot
from bot.events import Action, Command, Conversation, Submission
from bot.replies import Button, Form, Outcome, Reply
from storage.repositories import roles as repo
from storage.repositories.product_teams import team_for
from tests.conftest import ask, channel, person

ADMIN = person("U0", "Admin", admin=True)
ANA = person("U1", "Ana")
BEN = person("U2", "Ben")


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


async def matrix_rows(bot: AlignBot) -> repo.MatrixRows:
    async with bot.ctx.db.transaction() as session:
        team = await team_for(session, channel(), bot.ctx.clock.now())
        return await repo.load(session, team)


async def test_who_owns_works_before_any_setup(alignbot: AlignBot) -> None:
    answer = shown(await ask(alignbot, "/who owns backlog priority"))
    assert "== Backlog ordering & prioritisation ==" in answer
    assert "Accountable: Product Owner: nobody assigned yet" in answer
    assert "PO/UX default" in answer


async def test_answer_names_the_people_in_each_role(alignbot: AlignBot) -> None:
    await ask(alignbot, "/role assign <@U1|Ana> Product Owner", ADMIN)
    await ask(alignbot, "/role assign <@U2|Ben> <@U3|Cy> tech lead", ADMIN)
    answer = shown(await ask(alignbot, "who owns the release decision?"))
    assert "Accountable: Product Owner: @Ana" in answer
    assert "Responsible: Tech Lead: @Ben, @Cy" in answer


async def test_pick_list_buttons_answer_in_place(alignbot: AlignBot) -> None:
    outcome = await ask(alignbot, "/who design")
    assert isinstance(outcome, Reply)
    choice = controls(outcome)[0]
    assert isinstance(choice, Button)
    answer = await alignbot.handle(Action(choice.action_id, choice.value, ANA, channel()))
    assert isinstance(answer, Reply)
    assert answer.replace_original
    assert f"== {choice.value} ==" in render(answer)


async def test_nothing_close_shows_how_to_add_it(alignbot: AlignBot) -> None:
    answer = shown(await ask(alignbot, "/who owns the coffee machine"))
    assert "couldn't find a decision matching “coffee machine”" in answer
    assert '/raci add "coffee machine"' in answer


@pytest.mark.parametrize("line", ["/who", "/who owns", "/who   "])
async def test_empty_question_explains_the_grammar(alignbot: AlignBot, line: str) -> None:
    assert "/who owns backlog priority" in shown(await ask(alignbot, line))


async def test_only_an_admin_names_the_first_po_then_the_po_may_edit(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, "/role assign <@U2|Ben> PO", BEN))
    assert "Only a workspace admin or the team's Product Owner" in refused
    assert "a workspace admin can name one" in refused
    assert "now holds" in shown(await ask(alignbot, "/role assign <@U1|Ana> PO", ADMIN))
    assert "now holds" in shown(await ask(alignbot, "/role assign <@U2|Ben> UX Designer", ANA))
    assert "Only a workspace admin" in shown(await ask(alignbot, "/role assign <@U2|Ben> PO", BEN))


async def test_only_po_or_admin_edits_the_matrix(alignbot: AlignBot) -> None:
    await ask(alignbot, "/role assign <@U1|Ana> PO", ADMIN)
    refused = shown(await ask(alignbot, '/raci set "Product roadmap" "Tech Lead"=C', BEN))
    assert "Only a workspace admin" in refused
    assert (await matrix_rows(alignbot)).decisions == []


async def test_set_forks_the_default_and_keeps_one_accountable(alignbot: AlignBot) -> None:
    answer = shown(await ask(alignbot, '/raci set "Release go/no-go" "Tech Lead"=A PO=C', ADMIN))
    assert "own copy of the PO/UX default" in answer
    assert "Accountable: Tech Lead" in answer
    rows = await matrix_rows(alignbot)
    assert len(rows.decisions) == 20
    again = shown(await ask(alignbot, "/who owns release go/no-go"))
    assert "Accountable: Tech Lead" in again
    assert "PO/UX default" not in again


async def test_duplicate_accountable_is_refused_and_nothing_changes(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, '/raci set "Release go/no-go" "Tech Lead"=A', ADMIN))
    assert "Product Owner is already Accountable" in refused
    both = '/raci set "Release go/no-go" "Tech Lead"=A "UX Designer"=A'
    assert "3 Accountable roles" in shown(await ask(alignbot, both, ADMIN))
    assert (await matrix_rows(alignbot)).decisions == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('/raci set "Release go/no-go" "Desginer"=C', "There is no role called “Desginer”"),
        ('/raci set "Release go/no-go" PO=Q', "is not R, A, C or I"),
        ('/raci set "Relase go/nogo" PO=A', "Did you mean “Release go/no-go”?"),
        ('/raci set "Release go/no-go"', "Say which decision and which roles"),
        ('/raci set "Release go/no-go PO=A', "A quote is left open"),
        ('/raci add "Product roadmap" PO=A', "already exists"),
        ('/raci add "New thing" PO=R', "has no Accountable role"),
        ('/raci add "' + "x" * 201 + '" PO=A', "at most 200 characters"),
        ("/raci frobnicate", "I don't know `/raci frobnicate`. Try `/raci help`."),
        ("/raci sett PO=A", "Did you mean `/raci set`?"),
        ("/role frobnicate", "I don't know `/role frobnicate`. Try `/role help`."),
        ("/role add", '`/role add <role>` needs a role name, e.g. `/role add "Content Designer"`'),
        (
            "/raci set",
            "`/raci set <decision role=letters>` needs a decision and its roles' letters",
        ),
        ("/raci check everything", "`everything` is more than `/raci check` takes"),
        ("/role assign Product Owner", "Name the person and the role"),
        ("/raci export pdf", "Export as `csv` or `yaml`"),
        ('/raci remove "Nope"', "There is no decision called “Nope”"),
    ],
)
async def test_bad_edits_are_explained_and_store_nothing(
    alignbot: AlignBot, line: str, message: str
) -> None:
    assert message in shown(await ask(alignbot, line, ADMIN))
    assert (await matrix_rows(alignbot)).decisions == []


async def test_unicode_and_huge_names_are_safe(alignbot: AlignBot) -> None:
    answer = shown(await ask(alignbot, '/raci add "Überprüfung 🚀 <!channel>" PO=A', ADMIN))
    assert "== Überprüfung 🚀 <!channel> ==" in answer
    assert "Überprüfung" in shown(await ask(alignbot, "/who owns uberprufung 🚀"))
    huge = shown(await ask(alignbot, "/who owns " + "é" * 10_000))
    assert "couldn't find" in huge


async def test_add_alias_remove(alignbot: AlignBot) -> None:
    await ask(alignbot, '/raci add "Pricing experiments" Stakeholder=A PO=R', ADMIN)
    await ask(alignbot, '/raci alias "Pricing experiments" price tests, discount trials', ADMIN)
    assert "== Pricing experiments ==" in shown(await ask(alignbot, "/who owns discount trials"))
    assert "Removed" in shown(
        await ask(alignbot, '/raci remove "Pricing experiments" confirm', ADMIN)
    )
    rows = await matrix_rows(alignbot)
    assert "Pricing experiments" not in {d.name for d in rows.decisions}


async def test_roles_add_remove_and_accountable_guard(alignbot: AlignBot) -> None:
    assert "Added the Content Designer role" in shown(
        await ask(alignbot, '/role add "Content Designer"', ADMIN)
    )
    await ask(alignbot, '/raci add "Tone of voice" "Content Designer"=A', ADMIN)
    guarded = shown(await ask(alignbot, '/role remove "Content Designer"', ADMIN))
    assert "is Accountable for Tone of voice" in guarded
    await ask(alignbot, '/raci set "Tone of voice" "Content Designer"=- PO=A', ADMIN)
    assert "Removed the Content Designer role" in shown(
        await ask(alignbot, '/role remove "Content Designer" confirm', ADMIN)
    )


async def test_unassign(alignbot: AlignBot) -> None:
    await ask(alignbot, "/role assign <@U2|Ben> UX Designer", ADMIN)
    assert "no longer in UX Designer" in shown(
        await ask(alignbot, "/role unassign <@U2> UX Designer", ADMIN)
    )
    assert "Nothing changed" in shown(
        await ask(alignbot, "/role unassign <@U2> UX Designer", ADMIN)
    )
    assert "UX Designer: nobody assigned yet" in shown(await ask(alignbot, "/role list"))


async def test_check_show_and_template(alignbot: AlignBot) -> None:
    assert "things to look at" in shown(await ask(alignbot, "/raci check"))
    grid = shown(await ask(alignbot, "/raci show"))
    assert "Backlog ordering & prioritisation A/R" in grid
    assert "not customised yet" in grid
    assert "20 decisions added" in shown(await ask(alignbot, "/raci template", ADMIN))
    assert "0 decisions added" in shown(await ask(alignbot, "/raci template", ADMIN))
    assert "== Product roadmap ==" in shown(await ask(alignbot, '/raci show "Product roadmap"'))


async def test_import_merges_and_export_round_trips(alignbot: AlignBot) -> None:
    csv_text = (
        "decision,aliases,PO,UX Researcher,Legal\n"
        "Data retention,gdpr,R,C,A\n"
        "Product roadmap,,A/R,C,\n"
    )
    answer = shown(await ask(alignbot, f"/raci import {csv_text}", ADMIN))
    assert "Imported 2 decisions (1 new, 1 updated)" in answer
    exported = shown(await ask(alignbot, "/raci export csv"))
    assert "Data retention,gdpr,R," in exported
    assert "Legal" in exported
    assert "== Data retention ==" in shown(await ask(alignbot, "/who owns gdpr"))


async def test_import_form_and_refusal_keep_everything(alignbot: AlignBot) -> None:
    form = await ask(alignbot, "/raci import", ADMIN)
    assert isinstance(form, Form)
    bad = Submission(form.form_id, {"matrix": "decision,PO\nX,Q"}, ADMIN, channel())
    assert "Nothing was imported" in shown(await alignbot.handle(bad))
    assert (await matrix_rows(alignbot)).decisions == []
    good = Submission(form.form_id, {"matrix": "decision,PO\nX,A"}, ADMIN, channel())
    assert "Imported 1 decision" in shown(await alignbot.handle(good))


async def test_help_lists_every_command_with_an_example(alignbot: AlignBot) -> None:
    text = shown(await ask(alignbot, "/alignbot help"))
    for name in ("/who", "/role", "/raci"):
        assert name in text
    assert "`/who owns backlog priority`" in text
    one = shown(await ask(alignbot, "help raci"))
    assert "/raci" in one
    assert "/who —" not in one


async def test_help_in_teams_shows_the_words_without_slashes(alignbot: AlignBot) -> None:
    teams = Conversation("teams", "W1", "19:general")
    outcome = await alignbot.handle(Command("help", "", person(), teams))
    shown_text = shown(outcome)
    assert "`who owns backlog priority`" in shown_text
    assert "\nwho — " in shown_text
    assert "`/who" not in shown_text


async def test_nul_characters_never_reach_storage(alignbot: AlignBot) -> None:
    answer = shown(await ask(alignbot, '/raci add "Data\x00 retention" PO=A', ADMIN))
    assert "== Data retention ==" in answer


async def test_two_columns_for_one_role_are_refused(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, "/raci import decision,PO,Product Owner\nX,A,R", ADMIN))
    assert "Two columns mean the same role, Product Owner" in refused
    assert (await matrix_rows(alignbot)).decisions == []


async def test_a_bare_command_runs_its_default_and_help_explains_one_verb(
    alignbot: AlignBot,
) -> None:
    grid = shown(await ask(alignbot, "/raci show"))
    assert "Product roadmap" in grid
    assert shown(await ask(alignbot, "/raci")) == grid
    assert shown(await ask(alignbot, "/role")) == shown(await ask(alignbot, "/role list"))
    explained = shown(await ask(alignbot, "/raci set help"))
    assert "/raci set <decision role=letters>" in explained
    assert '/raci set "Release go/no-go" "Tech Lead"=A PO=C' in explained
