"""First-week RACI and role bugs: alias clashes, repeated roles, typos granting permissions."""

from __future__ import annotations

from adapters.local.render import controls, render
from bot.app import AlignBot
from bot.events import Action
from bot.replies import Button, Outcome, Reply
from storage.repositories import roles as repo
from storage.repositories.product_teams import team_for
from tests.conftest import ask, channel, person

ADMIN = person("U0", "Admin", admin=True)


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


async def holders(bot: AlignBot) -> list[str]:
    async with bot.ctx.db.transaction() as session:
        team = await team_for(session, channel(), bot.ctx.clock.now())
        rows = await repo.load(session, team)
    return sorted(a.user_id for a in rows.assignments)


async def test_an_alias_another_decision_already_answers_to_is_refused(alignbot: AlignBot) -> None:
    await ask(alignbot, '/raci add "Pricing" PO=A', ADMIN)
    refused = shown(await ask(alignbot, '/raci alias "Pricing" roadmap', ADMIN))
    assert "already" in refused
    assert "Product roadmap" in refused
    answer = shown(await ask(alignbot, "who owns the roadmap?"))
    assert "== Product roadmap ==" in answer


async def test_an_alias_naming_another_decision_is_refused(alignbot: AlignBot) -> None:
    await ask(alignbot, '/raci add "Pricing" PO=A', ADMIN)
    refused = shown(await ask(alignbot, '/raci alias "Pricing" "product roadmap"', ADMIN))
    assert "Product roadmap" in refused
    assert "“Pricing” is now also found as" not in refused


async def test_the_same_role_twice_in_one_raci_set_is_refused(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, '/raci set "Product roadmap" PO=A PO=C', ADMIN))
    assert "Product Owner" in refused
    assert "twice" in refused
    spelled = shown(
        await ask(alignbot, '/raci set "Product roadmap" PO=A "Product Owner"=C', ADMIN)
    )
    assert "twice" in spelled
    card = shown(await ask(alignbot, '/raci show "Product roadmap"'))
    assert "Consulted: Product Owner" not in card


async def test_a_typo_never_silently_grants_product_owner(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, "/role assign <@U7|kim> Produt Ownr", ADMIN))
    assert "Did you mean" in refused
    assert "Product Owner" in refused
    assert await holders(alignbot) == []
    granted = shown(await ask(alignbot, "/role assign <@U7|kim> Product Owner", ADMIN))
    assert "holds the Product Owner role" in granted
    assert await holders(alignbot) == ["U7"]


async def test_a_typo_of_a_role_without_permissions_is_still_forgiven(alignbot: AlignBot) -> None:
    granted = shown(await ask(alignbot, "/role assign <@U7|kim> UX Reseacher", ADMIN))
    assert "holds the UX Researcher role" in granted


async def test_decision_names_keep_mentions_as_readable_text(alignbot: AlignBot) -> None:
    await ask(alignbot, '/raci add "Review with <@U2|ben> in <#C9|design>" PO=A', ADMIN)
    grid = shown(await ask(alignbot, "/raci show"))
    assert "Review with @ben in #design" in grid
    assert "<@" not in grid
    assert "<#" not in grid


async def test_role_raci_and_digest_have_help(alignbot: AlignBot) -> None:
    for line, example in (
        ("/raci help", "/raci show"),
        ("/role help", "/role list"),
        ("/digest help", "/digest schedule"),
        ("/who help", "/who owns"),
    ):
        answer = shown(await ask(alignbot, line))
        assert example in answer, line
        assert "know" not in answer, line


async def test_a_long_alias_is_refused_not_cut(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, f'/raci alias "Product roadmap" {"x" * 150}', ADMIN))
    assert "at most 100 characters" in refused


async def test_help_fits_on_one_screen_and_leads_to_the_details(alignbot: AlignBot) -> None:
    overview = shown(await ask(alignbot, "help"))
    assert len(overview.splitlines()) <= 20
    for name in ("who", "role", "raci", "standup", "vote", "insight", "digest"):
        assert f"/{name} — " in overview, name
    assert "/vote help" in overview
    assert "/alignbot help all" in overview
    details = shown(await ask(alignbot, "help vote"))
    assert "/vote export 7" in details
    assert "/raci" not in details
    everything = shown(await ask(alignbot, "help all"))
    assert "/vote export 7" in everything
    assert "/raci template" in everything


async def _press_the_only_button(bot: AlignBot, outcome: Outcome) -> str:
    buttons = [c for c in controls(outcome) if isinstance(c, Button)]
    assert len(buttons) == 1
    (button,) = buttons
    pressed = await bot.handle(Action(button.action_id, button.value, ADMIN, channel()))
    assert isinstance(pressed, Reply)
    assert pressed.replace_original
    return render(pressed)


async def test_removing_a_decision_asks_first(alignbot: AlignBot) -> None:
    await ask(alignbot, '/raci add "Pricing" PO=A', ADMIN)
    asked = await ask(alignbot, '/raci remove "Pricing"', ADMIN)
    assert "Remove “Pricing”" in shown(asked)
    assert "== Pricing ==" in shown(await ask(alignbot, '/raci show "Pricing"'))
    assert "Removed “Pricing”" in await _press_the_only_button(alignbot, asked)
    assert "== Pricing ==" not in shown(await ask(alignbot, '/raci show "Pricing"'))


async def test_removing_a_role_asks_first(alignbot: AlignBot) -> None:
    await ask(alignbot, '/role add "Content Designer"', ADMIN)
    asked = await ask(alignbot, '/role remove "Content Designer"', ADMIN)
    assert "Remove the Content Designer role" in shown(asked)
    assert "Content Designer" in shown(await ask(alignbot, "/role list"))
    assert "Removed the Content Designer role" in await _press_the_only_button(alignbot, asked)
    assert "Content Designer" not in shown(await ask(alignbot, "/role list"))


async def test_moving_the_accountable_role_says_how(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, '/raci set "Pricing & packaging" PO=A', ADMIN))
    assert "Stakeholder is already Accountable" in refused
    assert '`/raci set "Pricing & packaging" Stakeholder=C "Product Owner"=A`' in refused
    moved = shown(await ask(alignbot, '/raci set "Pricing & packaging" Stakeholder=C PO=A', ADMIN))
    assert "Accountable: Product Owner" in moved
