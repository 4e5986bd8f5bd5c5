"""The `alignbot` command: the composition root that wires core, storage and adapters."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Coroutine
from typing import Any

import typer

from adapters.slack.tokens import EncryptionKeyError
from bot import logs
from bot.app import AlignBot
from bot.feature import DependencyError
from bot.scheduler import Scheduler
from bot.server_key import ServerKeyError
from bot.settings import Settings
from storage.db import DatabaseUnreachable

app = typer.Typer(help="alignbot: stand-ups, votes, insights and RACI lookups for product teams.")
db_app = typer.Typer(help="Database maintenance.")
app.add_typer(db_app, name="db")


def _settings() -> Settings:
    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)
    return settings


def _run(main: Coroutine[Any, Any, None]) -> None:
    """Runs `main`; an unreachable database, a missing encryption key or an unusable server
    key ends it with one line, not a traceback."""
    try:
        asyncio.run(main)
    except (DatabaseUnreachable, DependencyError, EncryptionKeyError, ServerKeyError) as error:
        typer.echo(f"alignbot: {error}", err=True)
        raise typer.Exit(1) from None


@app.command()
def serve() -> None:
    """Serve Slack and Teams over HTTP (plus /healthz and /metrics) and run scheduled jobs."""
    from adapters.server import serve as serve_forever

    _run(serve_forever(_settings()))


@app.command("chat")
def chat_command(
    user: str = typer.Option(getpass.getuser(), help="Who you are in the chat (e.g. ana)."),
) -> None:
    """Chat with alignbot in this terminal: no Slack or Teams needed."""
    _run(_chat(_settings(), user))


async def _chat(settings: Settings, user: str) -> None:
    from adapters.local.console import chat
    from adapters.local.demo import ADMINS

    bot = await AlignBot.start(settings)
    scheduler = Scheduler(bot.ctx, bot.features)
    scheduler.start()
    try:
        # Whoever starts the chat runs this workspace; people met with `:as` are not admins
        # unless they are the demo's or ALIGNBOT_ADMINS (`:admin` toggles it).
        admins = {user, *ADMINS, *settings.admin_ids}
        await chat(bot, user, sys.stdin, sys.stdout, admins)
    finally:
        await scheduler.stop()
        await bot.close()


@app.command()
def start() -> None:
    """What `make run` does: serve Slack and Teams when their credentials are set, else the
    local web playground (`alignbot chat` is the terminal version)."""
    settings = _settings()
    if settings.slack_configured or settings.teams_configured:
        serve()
    else:
        from adapters.local.web.server import serve_playground

        typer.echo("No Slack or Teams credentials set: starting the local playground.")
        asyncio.run(serve_playground(settings))


@app.command()
def demo() -> None:
    """Loads a demo team (people, roles, the PO/UX matrix) into the local workspace."""
    from adapters.local.demo import load_demo

    _run(load_demo(_settings()))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Applies pending migrations (serve and chat also do this on start)."""

    async def upgrade() -> None:
        bot = await AlignBot.start(_settings())
        await bot.close()

    _run(upgrade())
    typer.echo("Database is up to date.")


def main() -> None:
    app()
