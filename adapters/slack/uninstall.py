"""Purging a workspace that removed the app, once the grace period has passed.

`app_uninstalled` / `tokens_revoked` mark the installation revoked (adapters/slack/
distribution.py): from that moment nothing is posted there. After
`ALIGNBOT_UNINSTALL_GRACE_DAYS` (default 7) this job deletes everything stored for its
workspaces (every table with a `workspace_id`, see storage/repositories/workspaces.py) and
the installation itself. Each purge is claimed once across replicas; a workspace that
reinstalled in the meantime is no longer revoked and keeps its data.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.claims import run_once
from bot.context import Context
from bot.feature import Tick
from storage.models.slack_installations import SlackInstallation
from storage.repositories import slack_installations as installations
from storage.repositories import workspaces

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600


def purge_tick() -> Tick:
    return Tick("slack.purge_uninstalled", PURGE_EVERY_SECONDS, purge_uninstalled)


async def purge_uninstalled(ctx: Context) -> None:
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.uninstall_grace_days)
    async with ctx.db.transaction() as session:
        due = await installations.revoked_before(session, cutoff)
    for installation in due:
        assert installation.revoked_at is not None
        key = (
            f"slack.purge:{installation.enterprise_id}:{installation.team_id}:"
            f"{installation.revoked_at.isoformat()}"
        )

        async def work(installation: SlackInstallation = installation) -> None:
            await _purge(ctx, installation, cutoff)

        await run_once(ctx, key, work)


async def _purge(ctx: Context, installation: SlackInstallation, cutoff: datetime) -> None:
    async with ctx.db.transaction() as session:
        current = await installations.find(
            session, installation.enterprise_id, installation.team_id
        )
        if current is None or current.revoked_at is None or current.revoked_at > cutoff:
            return  # reinstalled (or already purged) meanwhile
        teams = await installations.workspaces_of(session, current)
        deleted = await workspaces.purge(session, teams)
        await installations.forget(session, current)
    log.warning(
        "purged slack workspace(s) %s after uninstall: %s",
        ", ".join(teams) or "(none seen)",
        ", ".join(f"{table} {count}" for table, count in sorted(deleted.items())) or "no rows",
    )
