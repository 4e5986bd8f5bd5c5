"""The matrix as CSV (one row per decision, one column per role) or YAML, both ways."""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml

from bot.errors import UserError
from bot.features.roles.matrix import (
    MAX_ALIASES,
    DecisionView,
    Matrix,
    accountable_problem,
    format_letters,
    normalise,
    parse_letters,
    validate_decision_name,
    validate_role_name,
)

MAX_DECISIONS = 500
MAX_REPORTED_PROBLEMS = 10
DECISION_COLUMN = "decision"
ALIASES_COLUMN = "aliases"


def to_csv(matrix: Matrix) -> str:
    roles = [role.name for role in matrix.roles]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([DECISION_COLUMN, ALIASES_COLUMN, *roles])
    for decision in matrix.decisions:
        cells = [format_letters(decision.letters.get(role, frozenset())) for role in roles]
        writer.writerow([decision.name, "; ".join(decision.aliases), *cells])
    return out.getvalue()


def to_yaml(matrix: Matrix) -> str:
    document = {
        "decisions": [
            {
                "name": d.name,
                "aliases": list(d.aliases),
                "raci": {role: format_letters(held) for role, held in d.letters.items() if held},
            }
            for d in matrix.decisions
        ]
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def parse(text: str) -> list[DecisionView]:
    """Decisions from pasted CSV or YAML; every problem is collected and reported at once."""
    body = text.strip().strip("`").strip()
    if not body:
        raise UserError("Paste the CSV (or YAML) after the command, e.g. from `/raci export`.")
    if body.startswith("decisions:"):
        return _checked(_from_yaml(body))
    return _checked(_from_csv(body))


def _from_csv(body: str) -> list[tuple[str, DecisionView | str]]:
    rows = list(csv.reader(io.StringIO(body)))
    header = [cell.strip() for cell in rows[0]]
    if not header or normalise(header[0]) != DECISION_COLUMN:
        raise UserError(
            "The first CSV row must be a header starting with `decision`, then an optional "
            "`aliases` column, then one column per role, e.g. "
            "`decision,aliases,Product Owner,UX Designer`."
        )
    has_aliases = len(header) > 1 and normalise(header[1]) == ALIASES_COLUMN
    first_role = 2 if has_aliases else 1
    roles = [validate_role_name(name) for name in header[first_role:]]
    if not roles:
        raise UserError("The CSV header names no roles: add one column per role.")
    parsed: list[tuple[str, DecisionView | str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {number}"
        parsed.append((where, _row(row, roles, first_role, has_aliases, where)))
    return parsed


def _row(
    row: list[str], roles: list[str], first_role: int, has_aliases: bool, where: str
) -> DecisionView | str:
    try:
        name = validate_decision_name(row[0])
        aliases = parse_aliases(row[1]) if has_aliases and len(row) > 1 else ()
        cells = row[first_role:]
        if len(cells) > len(roles):
            return f"{where}: more cells than role columns."
        letters = {
            role: parse_letters(cell, where=f"{where}, {role}")
            for role, cell in zip(roles, cells, strict=False)
        }
    except UserError as error:
        return error.message
    return DecisionView(name, aliases, {role: held for role, held in letters.items() if held})


def _from_yaml(body: str) -> list[tuple[str, DecisionView | str]]:
    try:
        document: Any = yaml.safe_load(body)
    except yaml.YAMLError as error:
        raise UserError(f"That YAML doesn't parse: {str(error).splitlines()[0]}") from None
    items = document.get("decisions") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise UserError("The YAML needs a `decisions:` list, as `/raci export yaml` writes it.")
    parsed: list[tuple[str, DecisionView | str]] = []
    for number, item in enumerate(items, start=1):
        where = f"decision {number}"
        parsed.append((where, _yaml_item(item, where)))
    return parsed


def _yaml_item(item: Any, where: str) -> DecisionView | str:
    if not isinstance(item, dict) or not isinstance(item.get("raci"), dict):
        return f"{where}: needs `name` and a `raci:` mapping of role: letters."
    raw_aliases = item.get("aliases") or []
    if isinstance(raw_aliases, str):
        raw_aliases = [raw_aliases]
    if not isinstance(raw_aliases, list):
        return f"{where}: `aliases` must be a list of phrases."
    try:
        name = validate_decision_name(str(item.get("name", "")))
        aliases = parse_aliases("; ".join(str(a) for a in raw_aliases))
        letters = {
            validate_role_name(str(role)): parse_letters(str(value), where=f"{where}, {role}")
            for role, value in item["raci"].items()
        }
    except UserError as error:
        return error.message
    return DecisionView(name, aliases, {role: held for role, held in letters.items() if held})


MAX_ALIAS_CHARS = 100


def parse_aliases(raw: str) -> tuple[str, ...]:
    aliases = tuple(dict.fromkeys(a.strip() for a in raw.replace(",", ";").split(";") if a.strip()))
    if len(aliases) > MAX_ALIASES:
        raise UserError(f"At most {MAX_ALIASES} aliases per decision.")
    too_long = next((alias for alias in aliases if len(alias) > MAX_ALIAS_CHARS), None)
    if too_long is not None:
        raise UserError(
            f"An alias can be at most {MAX_ALIAS_CHARS} characters; “{too_long[:40]}…” has "
            f"{len(too_long)}."
        )
    return aliases


def _checked(parsed: list[tuple[str, DecisionView | str]]) -> list[DecisionView]:
    problems = [item for _, item in parsed if isinstance(item, str)]
    decisions = [item for _, item in parsed if isinstance(item, DecisionView)]
    seen: dict[str, str] = {}
    for where, item in parsed:
        if isinstance(item, DecisionView):
            if item.key in seen:
                problems.append(f"{where}: “{item.name}” appears twice (also {seen[item.key]}).")
            seen.setdefault(item.key, where)
            if problem := accountable_problem(item):
                problems.append(f"{where}: {problem}")
    if not decisions and not problems:
        problems.append("No decisions found below the header.")
    if len(decisions) > MAX_DECISIONS:
        problems.append(f"At most {MAX_DECISIONS} decisions can be imported at once.")
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        suffix = f"\n…and {more} more." if more else ""
        raise UserError("Nothing was imported; please fix:\n• " + "\n• ".join(shown) + suffix)
    return decisions
