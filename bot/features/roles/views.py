"""How RACI answers look: one decision at a glance, the whole grid, pick lists."""

from __future__ import annotations

from collections.abc import Sequence

from bot.features.roles import template
from bot.features.roles.drift import Drift
from bot.features.roles.matrix import (
    DISPLAY_ORDER,
    LETTER_NAMES,
    DecisionView,
    Matrix,
    RoleView,
    format_letters,
)
from bot.replies import (
    Block,
    Button,
    Code,
    Heading,
    Italic,
    Mention,
    Preformatted,
    Reply,
    Span,
    buttons,
    fields,
    reply,
    small_print,
    text,
)

PICK_ACTION = "roles.pick"
DRIFT_FIX_ACTION = "raci.drift.fix"
DRIFT_CONFIRM_ACTION = "raci.drift.confirm"
NOBODY = "nobody assigned yet"


def people(role: RoleView | None) -> list[Span]:
    if role is None or not role.holders:
        return [Italic(NOBODY)]
    spans: list[Span] = []
    for index, holder in enumerate(role.holders):
        if index:
            spans.append(", ")
        spans.append(Mention(holder.user_id, holder.name))
    return spans


def _letter_line(decision: DecisionView, letter: str, matrix: Matrix) -> list[Span]:
    order = [role.name for role in matrix.roles]
    role_names = sorted(
        decision.roles_with(letter), key=lambda r: order.index(r) if r in order else len(order)
    )
    if not role_names:
        return ["—"]
    spans: list[Span] = []
    for index, role_name in enumerate(role_names):
        if index:
            spans.append("; ")
        spans.append(f"{role_name}: ")
        spans.extend(people(matrix.role(role_name)))
    return spans


def decision_card(decision: DecisionView, matrix: Matrix, asked: str = "") -> Reply:
    blocks: list[Block] = [
        Heading(decision.name),
        fields(
            *(
                (LETTER_NAMES[letter], _letter_line(decision, letter, matrix))
                for letter in DISPLAY_ORDER
            )
        ),
    ]
    notes: list[Span] = []
    if asked:
        notes.append(f"Best match for “{asked}”.")
    if matrix.is_default:
        notes += [" From the PO/UX default matrix; make it yours with ", Code("/raci set"), "."]
    if notes:
        blocks.append(small_print(*notes))
    return reply(*blocks)


def pick_list(asked: str, candidates: Sequence[DecisionView]) -> Reply:
    return reply(
        text(f"“{asked}” could mean several decisions. Which one?"),
        buttons(*(Button(d.name[:75], PICK_ACTION, d.name) for d in candidates)),
    )


def not_found(asked: str, nearest: Sequence[DecisionView]) -> Reply:
    blocks: list[Block] = [
        text(f"I couldn't find a decision matching “{asked}” in the RACI matrix."),
    ]
    if nearest:
        blocks.append(text("Closest: " + ", ".join(f"“{d.name}”" for d in nearest) + "."))
    blocks.append(
        small_print(
            "Add it: ",
            Code(f'/raci add "{asked[:60]}" "Product Owner"=A "UX Designer"=R'),
            " · see everything: ",
            Code("/raci show"),
        )
    )
    return reply(*blocks)


def abbreviation(role_name: str) -> str:
    if role_name in template.ROLE_ABBREVIATIONS:
        return template.ROLE_ABBREVIATIONS[role_name]
    words = role_name.split()
    if len(words) == 1:
        return role_name[:3].upper()
    return "".join(word[0] for word in words).upper()[:4]


def grid(matrix: Matrix) -> Reply:
    roles = [
        role.name
        for role in matrix.roles
        if any(d.letters.get(role.name) for d in matrix.decisions)
    ]
    heads = [abbreviation(name) for name in roles]
    width = min(max((len(d.name) for d in matrix.decisions), default=8), 34)
    lines = [("Decision".ljust(width) + " " + " ".join(h.ljust(4) for h in heads)).rstrip()]
    for decision in matrix.decisions:
        name = decision.name if len(decision.name) <= width else decision.name[: width - 1] + "…"
        cells = [format_letters(decision.letters.get(role, frozenset())) or "·" for role in roles]
        lines.append((name.ljust(width) + " " + " ".join(c.ljust(4) for c in cells)).rstrip())
    legend = " · ".join(f"{abbreviation(name)} = {name}" for name in roles)
    source = "PO/UX default (not customised yet)" if matrix.is_default else "this team's matrix"
    return reply(
        Heading("RACI matrix"),
        Preformatted("\n".join(lines)),
        small_print(
            f"{legend}. A = Accountable, R = Responsible, C = Consulted, I = Informed. ",
            f"Showing {source}.",
        ),
    )


def role_list(matrix: Matrix) -> Reply:
    rows = [(role.name, people(role)) for role in matrix.roles]
    return reply(
        Heading("Roles and people"),
        fields(*rows) if rows else text("No roles yet."),
        small_print(
            "Change with ",
            Code("/role assign @person Product Owner"),
            " or ",
            Code("/role unassign @person Product Owner"),
            ".",
        ),
    )


def drift_blocks(found: Sequence[Drift], days: int, *, may_fix: bool) -> list[Block]:
    """Where practice differs from the matrix, each with its one-step fix (for those who may)."""
    blocks: list[Block] = [text(f"In practice (last {days} days):")]
    for item in found:
        accountable = item.accountable_role or "nobody"
        blocks.append(
            text(
                f"• “{item.decision}”: {accountable} is Accountable, but {item.who_name} "
                f"{', '.join(item.did)}."
            )
        )
        if item.fix_role is None:
            blocks.append(
                small_print(
                    f"{item.who_name} holds no role to make Accountable: assign one with ",
                    Code(f"/role assign @{item.who_name} …"),
                    ".",
                )
            )
        elif may_fix:
            label = f"Make {item.fix_role} Accountable"
            blocks.append(buttons(Button(label[:75], DRIFT_FIX_ACTION, item.fix_value)))
    return blocks


def drift_confirmation(
    decision: DecisionView, updated: DecisionView, role: str, value: str
) -> Reply:
    """Asks before the fix, naming every role whose letters change (or the command to type)."""
    changed = [
        f"{name}={format_letters(updated.letters.get(name, frozenset())) or '-'}"
        for name in sorted(set(decision.letters) | set(updated.letters))
        if decision.letters.get(name, frozenset()) != updated.letters.get(name, frozenset())
    ]
    typed = " ".join(f'"{part.split("=")[0]}"={part.split("=")[1]}' for part in changed)
    return reply(
        text(f"Make {role} Accountable for “{decision.name}”? New letters: {', '.join(changed)}."),
        buttons(Button("Yes, change the matrix", DRIFT_CONFIRM_ACTION, value)),
        small_print("Or type ", Code(f'/raci set "{decision.name}" {typed}'), "."),
    )
