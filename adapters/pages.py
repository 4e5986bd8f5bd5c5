"""`/privacy` and `/terms`: the pages Slack's and Microsoft's app stores link to.

They name the operator from settings (`ALIGNBOT_OPERATOR_NAME`, `ALIGNBOT_OPERATOR_CONTACT`)
and say what this code stores (see `storage/models`), for how long, and how to have it deleted
(`bot/features/privacy`). Rendered once at start: nothing in them changes while running.
"""

from __future__ import annotations

from html import escape

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.settings import Settings

PRIVACY_PATH = "/privacy"
TERMS_PATH = "/terms"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1c1d; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.2rem; margin-top: 2rem; }}
code {{ background: #f4f4f4; padding: 0 .2em; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""

PRIVACY = """
<p>alignbot is run here by <strong>{operator}</strong>. {contact}</p>

<h2>What alignbot sees</h2>
<p>Only what is addressed to it: its slash commands, messages that mention it, direct messages
to it, its buttons and its forms. It does not keep other messages in channels: it looks
through a channel's recent history only to find its own posts after a restart. It asks Slack or
Microsoft Teams for people's names, time zones and channel membership when it needs them.</p>

<h2>What alignbot stores</h2>
<ul>
<li><strong>People who used it:</strong> platform user id, display name, time zone, when last
seen.</li>
<li><strong>Roles:</strong> who holds which role, the team's RACI matrix, and a change log of
its edits with who made them.</li>
<li><strong>Stand-ups:</strong> each team's set-up and members, your answers, days you are away,
team holidays, your stand-up time zone, and which prompts and summaries were posted where.</li>
<li><strong>Votes:</strong> the question and items; for named votes each ballot with its voter;
for anonymous votes ballots with a random id, the choice, at most one role name and an owner
hash keyed with a server key kept outside the database, plus a record that you voted (not what).
</li>
<li><strong>Research insights:</strong> what their authors wrote, tags, who they were shared
with, tag subscriptions and follows, and each Seen / Will act / Disagree answer (with its
reason).</li>
<li><strong>Decisions:</strong> each decision record (what a vote on a RACI decision said, who
was asked to settle it, who ratified, overrode or reopened it and an override's reason, the
Consulted people who did not vote), votes closed by hand and by whom, recurring votes and who
set them up, and blockers escalated to a decision's Accountable person (the raiser, the
blocker's text, who it went to and who answered).</li>
<li><strong>Digests:</strong> each channel's schedule and which digests were posted.</li>
<li><strong>Slack installations</strong> (when added with "Add to Slack"): the workspace's and
organisation's ids and names, who installed it, the bot's ids and permissions, and its tokens,
encrypted.</li>
<li><strong>To work reliably:</strong> each request from Slack (which includes what was typed
or chosen) for one day, so it is handled exactly once even across a restart; forms waiting
behind an "Open form" button for 15 minutes; Teams forms opened as dialogs for 7 days; Teams
conversation references (ids and the service address) so it can post there; for each
broadcast, who it went to and the message id.</li>
</ul>
<p>Log lines name events by kind and id, never what anyone typed, submitted or chose.</p>

<h2>How long</h2>
<p>{retention} When a Slack workspace removes alignbot (uninstalls it or revokes its
tokens) nothing more is posted there, and everything stored for that workspace is deleted
{grace} days later, unless it adds alignbot again meanwhile. Everything else is kept until it
is deleted as described below, or until the operator deletes the database.</p>

<h2>Your data, and deleting it</h2>
<ul>
<li><code>/alignbot my data</code> shows you, privately, everything alignbot keeps about you in
that workspace, as JSON. Anonymous ballots are not in it: nothing stored links them to you.</li>
<li>A workspace admin can erase a person with <code>/alignbot forget @person</code>: their
answers, roles, memberships, follows, places on share lists, directory entry and Teams chat
references go. What the team still needs stays without them: tallies and turnout (ballots keep
counting under a random stand-in id), their insights ("a former member"), answers to insights
as counts, change-log lines with the name replaced, decision records and escalated blockers
(what was decided and how long it took, settled by "a former member", without their override
reasons or blocker texts).</li>
<li>Messages alignbot already posted in Slack or Teams are not changed by this; delete those
in Slack or Teams.</li>
<li>For anything else, or to have all of a workspace's data deleted, contact the operator.
</li>
</ul>

<h2>Who can read it</h2>
<p>People in your workspace see what alignbot shows them (vote results to a vote's channel and
voters, a stand-up's history to its members, private insights to the people they were shared
with). The operator, who runs the server and its database, can read everything stored, but
cannot tell who cast an anonymous ballot without the server key. Slack and Microsoft handle
messages under their own terms. alignbot sells nothing and shares nothing with anyone else.</p>
"""

TERMS = """
<p>alignbot is provided here by <strong>{operator}</strong>. {contact}</p>

<h2>The service</h2>
<p>alignbot answers role lookups and runs stand-ups, backlog votes, research insights and
weekly digests in Slack and Microsoft Teams. The operator may change, pause or end it, and
will try to say so in advance. It is provided as is, without warranty of any kind; the operator
is not liable for decisions made with it or for data lost from it, to the extent the law
allows.</p>

<h2>Your content</h2>
<p>What you and your team put into alignbot stays yours (or your organisation's). You allow the
operator to store and show it only to run alignbot for your workspace, as the
<a href="{privacy}">privacy page</a> describes.</p>

<h2>Using it fairly</h2>
<p>Use alignbot within your workspace's own rules and Slack's or Microsoft's terms: no
unlawful content, no attempts to read what you are not shown, to break the service, or to
unmask anonymous votes.</p>

<h2>The software</h2>
<p>alignbot is open-source software under the MIT License (the <code>LICENSE</code> file in
its source). The licence covers the software; these terms cover this running service.</p>
"""


def mount(app: web.Application, settings: Settings, retention_days: int | None) -> None:
    """Serves both pages (GET and HEAD), rendered from `settings` now; `retention_days` is the
    privacy feature's (`PrivacySettings`, as the running bot read it)."""
    grace = f"{settings.uninstall_grace_days:g}"
    kept = _kept(retention_days)
    privacy = _page(
        "Privacy policy", PRIVACY.format(**_common(settings), retention=kept, grace=grace)
    )
    terms = _page("Terms of use", TERMS.format(**_common(settings), privacy=PRIVACY_PATH))
    app.router.add_get(PRIVACY_PATH, _serve(privacy))
    app.router.add_get(TERMS_PATH, _serve(terms))


def _common(settings: Settings) -> dict[str, str]:
    operator = escape(settings.operator_name.strip() or "the operator of this alignbot")
    contact = settings.operator_contact.strip()
    return {
        "operator": operator,
        "contact": f"Contact: {escape(contact)}."
        if contact
        else "They have not published a contact; ask your workspace administrator.",
    }


def _kept(days: int | None) -> str:
    if days is None:
        return "This deployment sets no retention limit (<code>ALIGNBOT_RETENTION_DAYS</code>)."
    return (
        f"Stand-up answers are deleted once their day is more than {days} days ago, and "
        f"insight answers {days} days after their last change. Decision records settled and "
        f"escalated blockers resolved more than {days} days ago stop naming anyone (who, "
        "override reasons, blocker texts); what was decided and when stays."
    )


def _page(title: str, body: str) -> str:
    return PAGE.format(title=title, body=body)


def _serve(html: str) -> Handler:
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    return page
