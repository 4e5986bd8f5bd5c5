"""Backlog items from elsewhere: pasted CSV, GitHub Issues, Jira search.

Network failures never surface as tracebacks: every way a remote call can fail becomes an
`ImportFailed` (a `UserError`) that says what to check.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx

from bot.errors import UserError
from bot.features.votes.settings import VoteSettings

MAX_IMPORTED = 50
TITLE_COLUMNS = ("title", "item", "name", "summary", "story", "feature", "backlog item")
KEY_COLUMNS = ("key", "id", "issue", "number", "#")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class ImportFailed(UserError):
    """The remote tracker could not give us the items; the message says what to check."""


def from_csv(text: str) -> list[str]:
    """Item titles from CSV: the title-like column when there is a header, else column one."""
    rows = [row for row in csv.reader(io.StringIO(text.strip())) if any(c.strip() for c in row)]
    if not rows:
        raise UserError("Paste the CSV after `/vote new from csv`: one backlog item per row.")
    header = [cell.strip().lower() for cell in rows[0]]
    title = next((header.index(name) for name in TITLE_COLUMNS if name in header), None)
    if title is None:
        return [row[0].strip() for row in rows if row[0].strip()]
    key = next((header.index(name) for name in KEY_COLUMNS if name in header), None)
    items: list[str] = []
    for row in rows[1:]:
        label = row[title].strip() if title < len(row) else ""
        prefix = row[key].strip() if key is not None and key < len(row) else ""
        if label:
            items.append(f"{prefix} {label}".strip())
    return items


async def from_github(
    settings: VoteSettings, repo: str, labels: str = "", client: httpx.AsyncClient | None = None
) -> list[str]:
    """Open issues (not pull requests) of `owner/repo`, optionally only those with `labels`."""
    if not _REPO.match(repo):
        raise UserError(
            "Name the repository as `owner/repo`, e.g. `/vote new from github acme/app`."
        )
    headers = {"Accept": "application/vnd.github+json"}
    if settings.github_token:
        headers["Authorization"] = f"Bearer {settings.github_token}"
    params = {"state": "open", "per_page": "100"}
    if labels:
        params["labels"] = labels
    url = f"{settings.github_api_url.rstrip('/')}/repos/{repo}/issues"
    data = await _get_json("GitHub", url, params, headers, settings.timeout_seconds, client)
    if not isinstance(data, list):
        raise ImportFailed("GitHub answered with something that isn't a list of issues.")
    return [
        f"#{issue['number']} {issue['title']}".strip()
        for issue in data
        if isinstance(issue, dict) and "pull_request" not in issue and issue.get("title")
    ]


async def from_jira(
    settings: VoteSettings, jql: str, client: httpx.AsyncClient | None = None
) -> list[str]:
    """Issues a JQL search finds, as `KEY-1 Summary`."""
    if not settings.jira_url:
        raise ImportFailed("Jira import isn't set up: ask your admin to set ALIGNBOT_JIRA_URL.")
    if not jql.strip():
        raise UserError(
            "Add a JQL search, e.g. `/vote new from jira project = APP AND status = Open`."
        )
    headers = {"Accept": "application/json"}
    if settings.jira_token:
        headers["Authorization"] = f"Bearer {settings.jira_token}"
    params = {"jql": jql.strip(), "fields": "summary", "maxResults": str(MAX_IMPORTED + 1)}
    url = f"{settings.jira_url.rstrip('/')}/rest/api/2/search"
    data = await _get_json("Jira", url, params, headers, settings.timeout_seconds, client)
    issues = data.get("issues") if isinstance(data, dict) else None
    if not isinstance(issues, list):
        raise ImportFailed("Jira answered, but not with search results.")
    return [
        f"{issue.get('key', '')} {issue.get('fields', {}).get('summary', '')}".strip()
        for issue in issues
        if isinstance(issue, dict) and isinstance(issue.get("fields"), dict)
    ]


async def _get_json(
    source: str,
    url: str,
    params: dict[str, str],
    headers: dict[str, str],
    seconds: float,
    client: httpx.AsyncClient | None,
) -> Any:
    try:
        if client is not None:
            response = await client.get(url, params=params, headers=headers, timeout=seconds)
        else:
            async with httpx.AsyncClient(timeout=seconds) as own:
                response = await own.get(url, params=params, headers=headers)
    except httpx.TimeoutException:
        raise ImportFailed(
            f"{source} didn't answer within {seconds:g} s; try again later."
        ) from None
    except httpx.HTTPError:
        raise ImportFailed(
            f"I couldn't reach {source}; check its address with your admin."
        ) from None
    _raise_for_status(source, response)
    try:
        return response.json()
    except ValueError:
        raise ImportFailed(f"{source} answered with something that isn't JSON.") from None


def _raise_for_status(source: str, response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    if status in (401, 403):
        raise ImportFailed(
            f"{source} refused access ({status}): the token is missing, wrong or lacks rights."
        )
    if status == 404:
        raise ImportFailed(f"{source} says that doesn't exist (404): check the name and access.")
    if status == 400:
        raise ImportFailed(f"{source} couldn't use that search (400): check the query.")
    raise ImportFailed(f"{source} had a problem ({status}); try again later.")


async def from_source(settings: VoteSettings, source: str, argument: str) -> list[str]:
    """Items from a remote tracker as `/vote new from <source> <argument>` names it; a
    recurring vote re-runs the same import for every round."""
    if source == "github":
        repo, _, labels = argument.strip().partition(" ")
        return await from_github(settings, repo, _labels(labels))
    if source == "jira":
        return await from_jira(settings, argument)
    raise UserError("I can import from `csv`, `github` or `jira`, e.g. `/vote new from csv`.")


def _labels(text: str) -> str:
    """`bug ux` or `good first issue, ux`: commas separate when present, else spaces."""
    parts = text.split(",") if "," in text else text.split()
    return ",".join(part.strip() for part in parts if part.strip())
