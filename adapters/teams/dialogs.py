"""Forms as Teams dialogs (task modules): modal like Slack's, kept on the server.

A card button with `msteams: {type: "task/fetch"}` makes Teams send a `task/fetch` invoke; we
answer with a `TaskModuleResponse` of type `continue` holding the form as an Adaptive Card.
Its submit button sends `task/submit` with the inputs; we answer with the next page, the form
again with the feature's errors beside their inputs (everything typed kept), the private
answer as the dialog's result, or a short message that closes it when the answer was posted
in the conversation.

The form itself stays on the server (`storage.repositories.teams_dialogs`): card data carries
only its token (`formrefs`), so no copy of the form travels and none can be forged. A form
too big for one dialog card (Teams' size limit) is shown in pages; what was typed on earlier
pages is kept with the form until the last page submits everything to the feature at once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from botbuilder.schema import Attachment
from botbuilder.schema.teams import (
    TaskModuleContinueResponse,
    TaskModuleMessageResponse,
    TaskModuleResponse,
    TaskModuleTaskInfo,
)

from adapters.teams import cards, formrefs, kept_forms
from adapters.teams.inbound import form_values
from adapters.teams.limits import weight
from bot.events import Actor, Conversation, FormValue, Submission
from bot.ports import Clock
from bot.replies import Form, Input, InputKind
from storage.db import Database
from storage.models.teams_dialogs import TeamsDialog
from storage.repositories import teams_dialogs

STEP_KEY = "alignbot_step"
NEXT = "next"
DIALOG_BUDGET = cards.CARD_BUDGET
ERROR_ROOM = 300  # kept free per input for the error line a refusal may add beside it
MAX_MESSAGE = 1_000
OTHER_PAGES = "alignbot_other_pages"  # not an input: shown at the top of the page
NOT_YOURS = "This form was opened by someone else. Ask me for your own."
GONE = "This form has expired or was already sent. Ask me for it again."

Names = Callable[[str, Iterable[str]], Awaitable[Mapping[str, str]]]


def continue_with(title: str, card: dict[str, Any]) -> TaskModuleResponse:
    """The dialog shows `card` (opens, or stays open with new content)."""
    info = TaskModuleTaskInfo(
        title=title[:100] or "alignbot",
        height="large",
        width="large",
        card=Attachment(content_type=cards.CONTENT_TYPE, content=card),
    )
    return TaskModuleResponse(task=TaskModuleContinueResponse(value=info))


def message(text: str) -> TaskModuleResponse:
    """The dialog shows one line and closes."""
    return TaskModuleResponse(task=TaskModuleMessageResponse(value=text))


def pages(form: Form) -> list[tuple[Input, ...]]:
    """The form's inputs split into pages whose cards each fit `DIALOG_BUDGET` (with room for
    an error beside every input); a form that fits is one page. Only the first page shows the
    intro."""
    split: list[tuple[Input, ...]] = []
    current: list[Input] = []
    for item in form.inputs:
        if current and not _fits(form, len(split), (*current, item)):
            split.append(tuple(current))
            current = []
        current.append(item)
    split.append(tuple(current))
    return _balanced(form, split)


def _fits(form: Form, index: int, inputs: Sequence[Input]) -> bool:
    trial = _page_form(form, index, 2, inputs)
    return weight(dialog_card(trial, {})) + ERROR_ROOM * len(inputs) <= DIALOG_BUDGET


def _balanced(form: Form, split: list[tuple[Input, ...]]) -> list[tuple[Input, ...]]:
    """The same number of pages with about as many inputs on each, when that fits too."""
    if len(split) < 2:
        return split
    size = -(-len(form.inputs) // len(split))
    even = [form.inputs[start : start + size] for start in range(0, len(form.inputs), size)]
    if len(even) == len(split) and all(_fits(form, i, page) for i, page in enumerate(even)):
        return even
    return split


def _page_form(form: Form, index: int, total: int, inputs: Sequence[Input]) -> Form:
    title = form.title if total == 1 else f"{form.title} ({index + 1}/{total})"
    return replace(form, title=title, inputs=tuple(inputs), intro=form.intro if index == 0 else ())


def dialog_card(
    page: Form,
    actions_data: Mapping[str, Any],
    last: bool = True,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, FormValue] | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One page of a form as the dialog's card: its submit button says "Next" but on the last."""
    label = page.submit_label if last else "Next"
    data = dict(actions_data) if last else {**actions_data, STEP_KEY: NEXT}
    return cards.form_card(
        page,
        [cards.dialog_action(label, data)],
        errors=errors,
        values=_card_values(values),
        names=names,
    )


def _card_values(values: Mapping[str, FormValue] | None) -> cards.FormValues | None:
    if values is None:
        return None
    return {name: list(v) if isinstance(v, list) else v for name, v in values.items()}


@dataclass
class Dialogs:
    """Offers, pages and submits forms for the Teams handler."""

    db: Database
    clock: Clock
    names: Names

    async def offer(self, form: Form, actor: Actor) -> str:
        """Keeps `form` for `actor`; the token names it in card data."""
        token = formrefs.new_token()
        stored = json.dumps(kept_forms.form_to_data(form), ensure_ascii=False)
        async with self.db.transaction() as session:
            await teams_dialogs.keep(
                session, token, actor.workspace_id, actor.user_id, stored, self.clock.now()
            )
        return token

    async def open(self, form: Form, actor: Actor) -> TaskModuleResponse:
        """A new form, straight into a dialog (a button that opens a form was pressed)."""
        token = await self.offer(form, actor)
        return await self._show(token, form, 0, {}, {}, actor)

    async def fetch(self, data: Mapping[str, Any], actor: Actor) -> TaskModuleResponse:
        """`task/fetch` for a form offered earlier (the launcher card's button)."""
        found = await self._owned(data, actor)
        if isinstance(found, str):
            return message(found)
        form, values = _stored(found)
        return await self._show(found.token, form, found.page, values, {}, actor)

    async def submit(
        self, data: Mapping[str, Any], actor: Actor, conversation: Conversation
    ) -> TaskModuleResponse | Filled:
        """`task/submit`: the next page, or (last page) the whole form, filled, for the feature."""
        found = await self._owned(data, actor)
        if isinstance(found, str):
            return message(found)
        form, values = _stored(found)
        split = pages(form)
        page = min(found.page, len(split) - 1)
        # This page's inputs are what the dialog sent now: an input it left out is empty.
        on_page = {item.name for item in split[page]}
        values = {n: v for n, v in values.items() if n not in on_page}
        values |= form_values(split[page], data)
        if data.get(STEP_KEY) == NEXT and page + 1 < len(split):
            await self._progress(found.token, values, page + 1)
            return await self._show(found.token, form, page + 1, values, {}, actor)
        async with self.db.transaction() as session:
            if not await teams_dialogs.take(session, found.token):
                return message(GONE)  # the same submission, delivered again
        submission = Submission(form.form_id, values, actor, conversation, form.metadata)
        return Filled(found, form, values, submission)

    async def refused(
        self, filled: Filled, errors: Mapping[str, str], actor: Actor
    ) -> TaskModuleResponse:
        """The page with the first refused input, errors beside inputs, values kept."""
        split = pages(filled.form)
        page = next(
            (i for i, inputs in enumerate(split) if any(x.name in errors for x in inputs)), 0
        )
        async with self.db.transaction() as session:
            await teams_dialogs.put_back(session, filled.dialog, json.dumps(filled.values), page)
        return await self._show(
            filled.dialog.token, filled.form, page, filled.values, errors, actor
        )

    async def _show(
        self,
        token: str,
        form: Form,
        page: int,
        values: Mapping[str, FormValue],
        errors: Mapping[str, str],
        actor: Actor,
    ) -> TaskModuleResponse:
        split = pages(form)
        page = min(page, len(split) - 1)
        shown = _page_form(form, page, len(split), split[page])
        page_errors = _page_errors(split, page, errors)
        names = await self.names(actor.workspace_id, _people(form, values))
        card = dialog_card(
            shown,
            formrefs.encode(token),
            last=page + 1 == len(split),
            errors=page_errors,
            values=values,
            names=names,
        )
        if weight(card) > DIALOG_BUDGET:  # unusually long error messages: say them briefly
            listed = "; ".join(list(page_errors.values())[:5])
            return message(f"Please check your answers: {listed}"[:MAX_MESSAGE])
        return continue_with(shown.title, card)

    async def _owned(self, data: Mapping[str, Any], actor: Actor) -> TeamsDialog | str:
        token = formrefs.decode(data)
        if token is None:
            return GONE
        async with self.db.transaction() as session:
            found = await teams_dialogs.find(session, token, self.clock.now())
        if found is None:
            return GONE
        if (found.workspace_id, found.user_id) != (actor.workspace_id, actor.user_id):
            return NOT_YOURS
        return found

    async def _progress(self, token: str, values: Mapping[str, FormValue], page: int) -> None:
        async with self.db.transaction() as session:
            await teams_dialogs.progress(session, token, json.dumps(values), page)


@dataclass(frozen=True)
class Filled:
    """A form filled in to its last page: the submission for the feature, and what to show
    again if the feature refuses it."""

    dialog: TeamsDialog
    form: Form
    values: dict[str, FormValue]
    submission: Submission


def _page_errors(
    split: Sequence[Sequence[Input]], page: int, errors: Mapping[str, str]
) -> dict[str, str]:
    """The errors to show on `page`: its own beside their inputs, errors about no input as
    they are, and one line counting those waiting on other pages (shown when reached)."""
    where = {item.name: number for number, inputs in enumerate(split) for item in inputs}
    shown = {name: problem for name, problem in errors.items() if where.get(name, page) == page}
    later = sorted({where[name] + 1 for name in errors if where.get(name, page) != page})
    if later:
        count = sum(1 for name in errors if where.get(name, page) != page)
        pages_named = ", ".join(map(str, later))
        shown[OTHER_PAGES] = f"{count} more answers to fix on page {pages_named}."
    return shown


def _stored(found: TeamsDialog) -> tuple[Form, dict[str, FormValue]]:
    form = kept_forms.form_from_data(json.loads(found.form))
    raw = json.loads(found.values or "{}")
    values: dict[str, FormValue] = {
        str(name): value
        for name, value in raw.items()
        if value is None or isinstance(value, str | list)
    }
    return form, values


def _people(form: Form, values: Mapping[str, FormValue]) -> set[str]:
    chosen: set[str] = set()
    for item in form.inputs:
        if item.kind is InputKind.USERS:
            source = values.get(item.name, item.initial)
            chosen.update([source] if isinstance(source, str) else list(source or ()))
    return chosen
