"""`/who`, `/role` and `/raci` (declared in `SPECS`): look up owners, staff roles, edit the
matrix. The matrix names decisions and roles, never people: in `/raci`, mentions are read as
the words they show."""

from __future__ import annotations

import shlex
from dataclasses import replace

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import homes
from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Command, Submission
from bot.feature import Arg, ArgKind, Args, CommandSpec, Example, Subcommand, SubcommandHandler
from bot.features.roles import drift, exchange, service, views
from bot.features.roles.lookup import Ambiguous, Found, find_decision
from bot.features.roles.matrix import (
    DecisionView,
    Matrix,
    check,
    normalise,
    parse_letters,
    require_one_accountable,
    validate_decision_name,
    validate_role_name,
)
from bot.mentions import as_names, mentions, readable, split_quoted, without_mentions
from bot.replies import (
    MAX_TEXT_INPUT,
    Block,
    Code,
    Form,
    Input,
    InputKind,
    Outcome,
    Preformatted,
    Reply,
    confirmation,
    done_in_place,
    reply,
    say,
    small_print,
    text,
)
from storage.repositories import people as directory
from storage.repositories import product_teams
from storage.repositories import roles as repo

IMPORT_FORM = "roles.import"
REMOVE_DECISION_ACTION = "raci.remove"
REMOVE_ROLE_ACTION = "role.remove"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def split_args(raw: str) -> list[str]:
    """Words, with "double quotes" (straight or curly) grouping; apostrophes stay literal."""
    lexer = shlex.shlex(raw.replace("“", '"').replace("”", '"'), posix=True)
    lexer.quotes = '"'
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        raise UserError('A quote is left open: close every " you start.') from None


async def _team_matrix(
    session: AsyncSession, ctx: Context, command: Command | Action
) -> service.TeamMatrix:
    team = await product_teams.team_for(session, command.conversation, ctx.clock.now())
    return await service.load(session, team)


# /who ------------------------------------------------------------------------------------


async def who(command: Command, ctx: Context) -> Outcome:
    asked = readable(command.text).strip()
    if not asked or asked.casefold() in {"owns", "owns?"}:
        raise UserError(
            "Ask about a decision, e.g. `/who owns backlog priority` or `who owns the roadmap?`."
        )
    matrix = await service.cached_matrix(ctx, command.conversation)
    result = find_decision(asked, matrix.decisions, matrix.phrases)
    if isinstance(result, Found):
        return views.decision_card(result.decision, matrix, asked=_shown(result.query))
    if isinstance(result, Ambiguous):
        return views.pick_list(_shown(result.query), result.candidates)
    return views.not_found(_shown(result.query), result.nearest)


async def _who(command: Command, args: Args, ctx: Context) -> Outcome:
    return await who(command, ctx)  # the whole question, as typed: `owns the roadmap?`


def _shown(asked: str) -> str:
    return asked if len(asked) <= 80 else asked[:79] + "…"


async def pick(action: Action, ctx: Context) -> Outcome:
    matrix = await service.cached_matrix(ctx, action.conversation)
    decision = matrix.decision(action.value)
    if decision is None:
        raise UserError("That decision is no longer in the matrix; ask again with `/who owns ...`.")
    card = views.decision_card(decision, matrix)
    return Reply(card.blocks, card.visibility, replace_original=True)


# /role -----------------------------------------------------------------------------------


async def _role_list(command: Command, args: Args, ctx: Context) -> Outcome:
    return views.role_list(await service.cached_matrix(ctx, command.conversation))


def _people_and_role(raw: str, verb: str) -> tuple[list[tuple[str, str]], str]:
    """People are the mentions outside the quoted role name; one inside it is only a word."""
    outside, quoted = split_quoted(raw)
    people = [(m.user_id, m.name) for m in mentions(outside)]
    role_text = as_names(" ".join(quoted)) if quoted else without_mentions(outside)
    if not people or not role_text:
        raise UserError(f"Name the person and the role: `/role {verb} @person UX Researcher`.")
    return people, role_text


async def _role_assign(command: Command, args: Args, ctx: Context) -> Outcome:
    people, role_text = _people_and_role(args.rest, "assign")
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, command)
        role_name = service.resolve_role_name(role_text, tm.matrix)
        service.ensure_can_edit(command.actor, tm.matrix)
        role_row = await repo.ensure_role(session, tm.team, role_name, normalise(role_name), now)
        names = await _names(session, command.actor.workspace_id, people)
        added = [
            name
            for user_id, name in names
            if await repo.assign(session, role_row, user_id, name, command.actor.user_id, now)
        ]
        if added:
            await repo.log_change(
                session, tm.team, command.actor.user_id, f"{', '.join(added)} now {role_name}", now
            )
            actor, held = command.actor, [user_id for user_id, _ in names]
            await homes.mark_stale(session, ctx, actor.platform, actor.workspace_id, held)
    if not added:
        return say(f"Nothing changed: they already hold {role_name}.")
    return say(
        f"{', '.join(added)} now {'hold' if len(added) > 1 else 'holds'} the {role_name} role."
    )


async def _names(
    session: AsyncSession, workspace_id: str, people: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    known = await directory.names(session, workspace_id, {user_id for user_id, _ in people})
    return [(user_id, name or known.get(user_id, user_id)) for user_id, name in people]


async def _role_unassign(command: Command, args: Args, ctx: Context) -> Outcome:
    people, role_text = _people_and_role(args.rest, "unassign")
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, command)
        role_name = service.resolve_role_name(role_text, tm.matrix)
        service.ensure_can_edit(command.actor, tm.matrix)
        role_row = tm.role_row(role_name)
        removed = [
            uid for uid, _ in people if role_row and await repo.unassign(session, role_row, uid)
        ]
        if removed:
            await repo.log_change(
                session, tm.team, command.actor.user_id, f"{len(removed)} left {role_name}", now
            )
            actor = command.actor
            await homes.mark_stale(session, ctx, actor.platform, actor.workspace_id, removed)
    if not removed:
        return say(f"Nothing changed: they don't hold {role_name}.")
    return say(f"Done: {_count(len(removed), 'person', 'people')} no longer in {role_name}.")


async def _role_add(command: Command, args: Args, ctx: Context) -> Outcome:
    name = validate_role_name(" ".join(split_args(readable(args.rest))))
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, command)
        service.ensure_can_edit(command.actor, tm.matrix)
        if tm.role_row(name):
            return say(f"The team already has a {name} role.")
        await repo.ensure_role(session, tm.team, name, normalise(name), now)
        await repo.log_change(session, tm.team, command.actor.user_id, f"added role {name}", now)
    return reply(
        text(f"Added the {name} role. "),
        small_print("Staff it with ", Code(f'/role assign @person "{name}"'), "."),
    )


async def _role_remove(command: Command, args: Args, ctx: Context) -> Outcome:
    words, confirmed = _confirmed(split_args(readable(args.rest)))
    return await _remove_role(command, ctx, " ".join(words), confirmed=confirmed)


async def remove_role_pressed(action: Action, ctx: Context) -> Outcome:
    outcome = await _remove_role(action, ctx, action.value, confirmed=True)
    return done_in_place(outcome) if isinstance(outcome, Reply) else outcome


async def _remove_role(
    event: Command | Action, ctx: Context, wanted: str, *, confirmed: bool
) -> Outcome:
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, event)
        service.ensure_can_edit(event.actor, tm.matrix)
        role_name = service.resolve_role_name(wanted, tm.matrix)
        row = tm.role_row(role_name)
        if row is None:
            raise UserError(
                f"{role_name} is part of the default matrix, not a role you added; "
                "nothing to remove."
            )
        accountable = [d.name for d in tm.matrix.decisions if role_name in d.roles_with("A")]
        if accountable:
            raise UserError(
                f"{role_name} is Accountable for {', '.join(accountable[:5])}. "
                "Make another role Accountable there first (`/raci set`), then remove it."
            )
        if not confirmed:
            held = tm.matrix.role(role_name)
            people = len(held.holders) if held else 0
            return confirmation(
                f"Remove the {role_name} role"
                + (f", which {_count(people, 'person holds', 'people hold')}," if people else "")
                + " and its place in the matrix?",
                "Remove it",
                REMOVE_ROLE_ACTION,
                role_name,
                f'/role remove "{role_name}" confirm',
            )
        await repo.delete_role(session, row)
        await repo.log_change(
            session, tm.team, event.actor.user_id, f"removed role {role_name}", now
        )
    return say(f"Removed the {role_name} role and its place in the matrix.")


# /raci -----------------------------------------------------------------------------------


async def _raci_show(command: Command, args: Args, ctx: Context) -> Outcome:
    matrix = await service.cached_matrix(ctx, command.conversation)
    wanted = readable(args.rest).strip().strip('"“”')
    if not wanted:
        return views.grid(matrix)
    decision = matrix.decision(wanted)
    if decision is None:
        return await who(replace(command, text=wanted), ctx)
    return views.decision_card(decision, matrix)


def _decision_and_letters(raw: str, verb: str) -> tuple[str, list[tuple[str, str]]]:
    """`"Release go/no-go" "Tech Lead"=A PO=R` -> decision name, {role text: letters}."""
    words = split_args(raw)
    name_words = [word for word in words if "=" not in word]
    pairs = [word for word in words if "=" in word]
    if not name_words or not pairs:
        raise UserError(
            "Say which decision and which roles: "
            f'`/raci {verb} "Release go/no-go" "Tech Lead"=R PO=A`. '
            "Quote names with spaces; letters are R, A, C, I (e.g. `A/R`), or `-` to clear."
        )
    if words.index(pairs[0]) < len(name_words):
        raise UserError(
            'Put the decision name first, then the role assignments: `"Decision" Role=A`.'
        )
    assignments: list[tuple[str, str]] = []
    for pair in pairs:
        role_text, _, letters = pair.rpartition("=")
        if not role_text.strip():
            raise UserError(f"`{pair[:40]}` names no role before the `=`.")
        assignments.append((role_text.strip(), letters))
    return validate_decision_name(" ".join(name_words)), assignments


def _letters_by_role(
    assignments: list[tuple[str, str]], matrix: Matrix
) -> dict[str, frozenset[str]]:
    """{role: letters}; a role given twice (`PO=A PO=C`) is refused, never last-wins."""
    changes: dict[str, frozenset[str]] = {}
    spelled: dict[str, str] = {}
    for role_text, letters in assignments:
        role_name = service.resolve_role_name(role_text, matrix)
        if role_name in changes:
            raise UserError(
                f"{role_name} is given twice (`{spelled[role_name]}` and `{role_text}`): name "
                f"each role once, with all its letters, e.g. `{role_text}=A/R`."
            )
        changes[role_name] = parse_letters(letters, where=role_text)
        spelled[role_name] = role_text
    return changes


async def _edit(command: Command, ctx: Context, raw: str, *, creating: bool) -> Outcome:
    verb = "add" if creating else "set"
    name, raw_assignments = _decision_and_letters(raw, verb)
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, command)
        service.ensure_can_edit(command.actor, tm.matrix)
        changes = _letters_by_role(raw_assignments, tm.matrix)
        existing = tm.matrix.decision(name)
        if creating and existing:
            raise UserError(f"“{existing.name}” already exists; change it with `/raci set`.")
        if not creating and existing is None:
            raise UserError(_missing_decision(name, tm.matrix.decisions))
        base = existing or DecisionView(name)
        updated = service.with_letters(base, changes)
        _explain_second_accountable(updated, changes)
        require_one_accountable(updated)
        forked = tm.matrix.is_default
        tm = await service.fork_default(session, tm, now)
        await service.write_decision(session, tm, updated, now)
        summary = ", ".join(
            f"{role}={''.join(sorted(held)) or '-'}" for role, held in changes.items()
        )
        await repo.log_change(
            session, tm.team, command.actor.user_id, f"{verb} “{updated.name}”: {summary}", now
        )
        tm = await service.load(session, tm.team)
    card = views.decision_card(tm.matrix.decision(updated.name) or updated, tm.matrix)
    note = "This team now has its own copy of the PO/UX default matrix. " if forked else ""
    return reply(text(f"{note}Saved."), *card.blocks)


def _explain_second_accountable(decision: DecisionView, changes: dict[str, frozenset[str]]) -> None:
    """Making a role A where another already is: say how to move the A in one command."""
    accountable = decision.roles_with("A")
    newly = [role for role in accountable if "A" in changes.get(role, frozenset())]
    kept = [role for role in accountable if role not in changes]
    if len(accountable) == 2 and len(newly) == 1 and len(kept) == 1:
        raise UserError(
            f"{kept[0]} is already Accountable for “{decision.name}”, and a decision has one "
            f"Accountable. To hand it over, give {kept[0]} another letter in the same command: "
            f"`/raci set {_quoted(decision.name)} {_quoted(kept[0])}=C {_quoted(newly[0])}=A`."
        )


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


def _missing_decision(name: str, decisions: tuple[DecisionView, ...]) -> str:
    result = find_decision(name, decisions)
    near = (
        [result.decision]
        if isinstance(result, Found)
        else list(getattr(result, "candidates", ()) or getattr(result, "nearest", ()))
    )
    hint = f" Did you mean “{near[0].name}”?" if near else ""
    return (
        f"There is no decision called “{name}”.{hint} "
        "Use the exact name, or create it with `/raci add`."
    )


async def _raci_set(command: Command, args: Args, ctx: Context) -> Outcome:
    return await _edit(command, ctx, readable(args.rest), creating=False)


async def _raci_add(command: Command, args: Args, ctx: Context) -> Outcome:
    return await _edit(command, ctx, readable(args.rest), creating=True)


async def _raci_alias(command: Command, args: Args, ctx: Context) -> Outcome:
    words = split_args(readable(args.rest))
    if len(words) < 2:
        raise UserError(
            "Name the decision, then the aliases: "
            '`/raci alias "Product roadmap" plan, quarterly plan`.'
        )
    name, aliases_text = words[0], " ".join(words[1:])
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, command)
        service.ensure_can_edit(command.actor, tm.matrix)
        decision = tm.matrix.decision(name)
        if decision is None:
            raise UserError(_missing_decision(name, tm.matrix.decisions))
        new = exchange.parse_aliases(aliases_text)
        _refuse_taken_aliases(decision, new, tm.matrix)
        merged = tuple(dict.fromkeys((*decision.aliases, *new)))
        tm = await service.fork_default(session, tm, now)
        await service.write_decision(
            session, tm, DecisionView(decision.name, merged, decision.letters), now
        )
        await repo.log_change(
            session, tm.team, command.actor.user_id, f"aliases for “{decision.name}”", now
        )
    return say(f"“{decision.name}” is now also found as: {', '.join(merged)}.")


def _refuse_taken_aliases(decision: DecisionView, aliases: tuple[str, ...], matrix: Matrix) -> None:
    """An alias answers for one decision only; otherwise `/who` would have to ask which."""
    for alias in aliases:
        key = normalise(alias)
        for other in matrix.decisions:
            if other.key == decision.key:
                continue
            if other.key == key or key in {normalise(a) for a in other.aliases}:
                raise UserError(
                    f"“{alias}” already finds “{other.name}”, so it can't also mean "
                    f"“{decision.name}”. Pick another alias, or change “{other.name}” first."
                )


def _confirmed(words: list[str]) -> tuple[list[str], bool]:
    """`… "Pricing" confirm`: the words without a trailing `confirm`, and whether it was there."""
    if len(words) > 1 and words[-1].casefold() == "confirm":
        return words[:-1], True
    return words, False


async def _raci_remove(command: Command, args: Args, ctx: Context) -> Outcome:
    words, confirmed = _confirmed(split_args(readable(args.rest)))
    return await _remove_decision(command, ctx, " ".join(words), confirmed=confirmed)


async def remove_decision_pressed(action: Action, ctx: Context) -> Outcome:
    outcome = await _remove_decision(action, ctx, action.value, confirmed=True)
    return done_in_place(outcome) if isinstance(outcome, Reply) else outcome


async def _remove_decision(
    event: Command | Action, ctx: Context, name: str, *, confirmed: bool
) -> Outcome:
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, event)
        service.ensure_can_edit(event.actor, tm.matrix)
        decision = tm.matrix.decision(name) if name else None
        if decision is None:
            raise UserError(
                _missing_decision(name, tm.matrix.decisions)
                if name
                else 'Name the decision: `/raci remove "Pricing & packaging"`.'
            )
        if not confirmed:
            return confirmation(
                f"Remove “{decision.name}” and its RACI letters from the matrix?",
                "Remove it",
                REMOVE_DECISION_ACTION,
                decision.name,
                f'/raci remove "{decision.name}" confirm',
            )
        tm = await service.fork_default(session, tm, now)
        row = tm.decision_row(decision.name)
        assert row is not None
        await repo.delete_decision(session, row)
        await repo.log_change(
            session, tm.team, event.actor.user_id, f"removed “{decision.name}”", now
        )
    return say(f"Removed “{decision.name}” from the matrix.")


async def _raci_check(command: Command, args: Args, ctx: Context) -> Outcome:
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, command)
        practice = await drift.drifts(session, tm, ctx.clock.now())
    problems = check(tm.matrix)
    may_fix = service.may_edit(command.actor, tm.matrix)
    if not problems and not practice:
        return say(
            "The RACI matrix is healthy: every decision has one Accountable and a "
            "Responsible, and every one of those roles is staffed; in the last "
            f"{drift.DRIFT_DAYS} days, practice matched it."
        )
    blocks: list[Block] = []
    if problems:
        shown = problems[:15]
        more = f"\n…and {len(problems) - len(shown)} more." if len(problems) > len(shown) else ""
        blocks += [
            text(f"{len(problems)} thing{'s' if len(problems) != 1 else ''} to look at:"),
            text("• " + "\n• ".join(shown) + more),
        ]
    if practice:
        blocks += views.drift_blocks(practice[:10], drift.DRIFT_DAYS, may_fix=may_fix)
    return reply(*blocks)


async def drift_fix_pressed(action: Action, ctx: Context) -> Outcome:
    """A drift's fix button: asks first, saying exactly what will change."""
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, action)
        service.ensure_can_edit(action.actor, tm.matrix)
        decision, role = _drift_target(action.value, tm.matrix)
    updated = drift.handed_over(decision, role)
    return views.drift_confirmation(decision, updated, role, action.value)


async def drift_confirmed(action: Action, ctx: Context) -> Outcome:
    """Applies the fix, re-checking permission and the matrix as they are now."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, action)
        service.ensure_can_edit(action.actor, tm.matrix)
        decision, role = _drift_target(action.value, tm.matrix)
        updated = drift.handed_over(decision, role)
        tm = await service.fork_default(session, tm, now)
        await service.write_decision(session, tm, updated, now)
        await repo.log_change(
            session,
            tm.team,
            action.actor.user_id,
            f"made {role} Accountable for “{updated.name}” (RACI drift fix)",
            now,
        )
    return done_in_place(say(f"Done: {role} is now Accountable for “{updated.name}”."))


def _drift_target(value: str, matrix: Matrix) -> tuple[DecisionView, str]:
    """The decision and role a fix button names (client data: both must exist now)."""
    name, _, role_name = value.partition("\n")
    decision = matrix.decision(name)
    role = matrix.role(role_name) if role_name else None
    if decision is None or role is None:
        raise UserError("That fix no longer applies; run `/raci check` again.")
    if role.name in decision.roles_with("A"):
        raise UserError(f"{role.name} already is Accountable for “{decision.name}”.")
    return decision, role.name


async def _raci_template(command: Command, args: Args, ctx: Context) -> Outcome:
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        tm = await _team_matrix(session, ctx, command)
        service.ensure_can_edit(command.actor, tm.matrix)
        if tm.matrix.is_default:
            tm = await service.fork_default(session, tm, now)
            added = len(tm.matrix.decisions)
        else:
            default = service.build_matrix(repo.MatrixRows([], [], [], []))
            missing = [d for d in default.decisions if tm.matrix.decision(d.name) is None]
            for decision in missing:
                await service.write_decision(session, tm, decision, now)
            added = len(missing)
        await repo.log_change(
            session,
            tm.team,
            command.actor.user_id,
            f"loaded the PO/UX template ({added} decisions)",
            now,
        )
    return say(
        f"Loaded the PO/UX default: {_count(added, 'decision', 'decisions')} added; "
        "existing ones kept as they were."
    )


async def _raci_export(command: Command, args: Args, ctx: Context) -> Outcome:
    kind = readable(args.text("format")).strip().casefold() or "csv"
    if kind not in {"csv", "yaml"}:
        raise UserError("Export as `csv` or `yaml`: `/raci export csv`.")
    matrix = await service.cached_matrix(ctx, command.conversation)
    body = exchange.to_csv(matrix) if kind == "csv" else exchange.to_yaml(matrix)
    return reply(
        Preformatted(body),
        small_print("Edit it and paste it back with ", Code("/raci import"), "."),
    )


async def _raci_import(command: Command, args: Args, ctx: Context) -> Outcome:
    rest = readable(args.rest)
    if not rest.strip():
        return Form(
            IMPORT_FORM,
            "Import RACI matrix",
            (
                Input(
                    "matrix",
                    "CSV or YAML",
                    InputKind.MULTILINE,
                    placeholder="decision,aliases,Product Owner,UX Designer\nRoadmap,,A/R,C",
                    max_length=MAX_TEXT_INPUT,
                    hint=(
                        f"Up to {MAX_TEXT_INPUT:,} characters here; paste a longer matrix "
                        "after the command instead: /raci import <CSV or YAML>."
                    ),
                ),
            ),
            submit_label="Import",
        )
    return await _import(command, ctx, rest)


async def import_submitted(submission: Submission, ctx: Context) -> Outcome:
    return await _import(submission, ctx, submission.text("matrix"))


def _with_team_roles(decision: DecisionView, matrix: Matrix) -> DecisionView:
    """The decision with column names read as the team's roles (`PO` is Product Owner)."""
    letters: dict[str, frozenset[str]] = {}
    for column, held in decision.letters.items():
        role = service.resolve_or_new_role(column, matrix)
        if role in letters:
            raise UserError(
                f"Two columns mean the same role, {role} (one is “{column}”): keep one of them."
            )
        letters[role] = held
    return DecisionView(decision.name, decision.aliases, letters)


async def _import(event: Command | Submission, ctx: Context, body: str) -> Outcome:
    decisions = exchange.parse(body)
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        team = await product_teams.team_for(session, event.conversation, now)
        tm = await service.load(session, team)
        service.ensure_can_edit(event.actor, tm.matrix)
        decisions = [_with_team_roles(d, tm.matrix) for d in decisions]
        tm = await service.fork_default(session, tm, now)
        created = sum(1 for d in decisions if tm.matrix.decision(d.name) is None)
        for decision in decisions:
            await service.write_decision(session, tm, decision, now)
        await repo.log_change(
            session, team, event.actor.user_id, f"imported {len(decisions)} decisions", now
        )
    return say(
        f"Imported {_count(len(decisions), 'decision', 'decisions')} ({created} new, "
        f"{len(decisions) - created} updated). Other decisions were kept."
    )


def _sub(
    name: str, handler: SubcommandHandler, *examples: Example, args: tuple[Arg, ...] = ()
) -> Subcommand:
    """A subcommand whose summary is its first example's meaning."""
    return Subcommand(name, examples[0].meaning, handler, args, examples)


def _text(name: str, label: str, *, required: bool = True) -> Arg:
    return Arg(name, ArgKind.TEXT, required=required, label=label)


_ROLE_LIST = _sub("list", _role_list, Example("/role list", "every role and the people in it"))
_RACI_GRID = _sub("show", _raci_show, Example("/raci show", "the whole matrix at a glance"))

SPECS = (
    CommandSpec(
        name="who",
        summary="who owns a decision: Accountable, Responsible, Consulted, Informed",
        default=_sub(
            "",
            _who,
            Example("/who owns backlog priority", "the RACI for backlog ordering"),
            Example("who owns the roadmap?", "the same, written as a message"),
            args=(_text("question", "a decision to look up"),),
        ),
    ),
    CommandSpec(
        name="role",
        summary="who holds which role in the team",
        default=_ROLE_LIST,
        subcommands=(
            _ROLE_LIST,
            _sub(
                "assign",
                _role_assign,
                Example("/role assign @ana UX Researcher", "give Ana a role (PO or admin)"),
                args=(_text("people and role", "a person and a role"),),
            ),
            _sub(
                "unassign",
                _role_unassign,
                Example("/role unassign @ana UX Researcher", "take it back"),
                args=(_text("people and role", "a person and a role"),),
            ),
            _sub(
                "add",
                _role_add,
                Example('/role add "Content Designer"', "a role the default lacks"),
                args=(_text("role", "a role name"),),
            ),
            _sub(
                "remove",
                _role_remove,
                Example('/role remove "Content Designer"', "remove a role you added (asks first)"),
                args=(_text("role", "a role name"),),
            ),
        ),
    ),
    CommandSpec(
        name="raci",
        summary="see and edit the team's RACI matrix",
        default=_RACI_GRID,
        subcommands=(
            _sub(
                "show",
                _raci_show,
                Example('/raci show "Release go/no-go"', "one decision: its letters and people"),
                args=(_text("decision", "a decision", required=False),),
            ),
            _sub(
                "set",
                _raci_set,
                Example('/raci set "Release go/no-go" "Tech Lead"=A PO=C', "change a decision"),
                args=(_text("decision role=letters", "a decision and its roles' letters"),),
            ),
            _sub(
                "add",
                _raci_add,
                Example('/raci add "Pricing" Stakeholder=A PO=R', "add a decision"),
                args=(_text("decision role=letters", "a decision and its roles' letters"),),
            ),
            _sub(
                "alias",
                _raci_alias,
                Example('/raci alias "Product roadmap" plan, quarterly plan', "more ways to ask"),
                args=(_text("decision aliases", "a decision and its aliases"),),
            ),
            _sub(
                "remove",
                _raci_remove,
                Example('/raci remove "Pricing"', "remove a decision (asks first)"),
                args=(_text("decision", "a decision"),),
            ),
            _sub(
                "check",
                _raci_check,
                Example(
                    "/raci check",
                    "no Accountable, unstaffed roles, and where practice differs (90 days)",
                ),
            ),
            _sub(
                "export",
                _raci_export,
                Example("/raci export csv", "CSV (or yaml) to edit in a spreadsheet"),
                args=(Arg("format", required=False),),
            ),
            _sub(
                "import",
                _raci_import,
                Example("/raci import", "paste CSV or YAML back (or type it after the command)"),
                args=(_text("matrix", "CSV or YAML", required=False),),
            ),
            _sub(
                "template",
                _raci_template,
                Example("/raci template", "load the PO/UX default decisions"),
            ),
        ),
    ),
)
