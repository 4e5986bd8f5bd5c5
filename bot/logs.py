"""Log lines that name what they were written for: JSON for log collectors, text for people.

Adapters bind the workspace (Slack team, Teams tenant) and the platform's event id (Slack's
`event_id`, or the `trigger_id` of a command or interaction; Teams' activity id) while they
handle a delivery; the pipeline binds the event and the router the feature. Every line then
carries them, and the replica's id, so a line joins with Slack's or Teams' own records. What
people typed, submitted or chose is never bound (see `bot.pipeline.describe`).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from bot.replica import REPLICA_ID

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(event)s]: %(message)s"
JSON_FIELDS = ("levelname", "name", "message")
JSON_NAMES = {"levelname": "level", "name": "logger"}
UNBOUND = "-"

_fields: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "alignbot_log_fields", default=MappingProxyType({})
)


def bind(**fields: str) -> contextvars.Token[Mapping[str, str]]:
    """Adds fields to every line written from here on in this task (and tasks it starts)."""
    return _fields.set({**_fields.get(), **fields})


@contextlib.contextmanager
def bound(**fields: str) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        _fields.reset(token)


def field(name: str) -> str:
    return _fields.get().get(name, UNBOUND)


class ContextFilter(logging.Filter):
    """Copies the bound fields (workspace, event_id, event, feature) and the replica id onto
    each record; JSON lines carry them as keys, text lines name the event."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _fields.get().items():
            setattr(record, name, value)
        record.replica = REPLICA_ID
        return True


def formatter(log_format: str, stream: TextIO) -> logging.Formatter:
    """`json`, `text`, or `auto`: text when `stream` is a terminal, JSON otherwise."""
    if log_format == "auto":
        log_format = "text" if stream.isatty() else "json"
    if log_format == "text":
        return logging.Formatter(TEXT_FORMAT, defaults={"event": UNBOUND})
    return JsonFormatter(
        list(JSON_FIELDS), rename_fields=JSON_NAMES, timestamp="time", json_ensure_ascii=False
    )


def handler(log_format: str, stream: TextIO) -> logging.Handler:
    """Writes to `stream` in `log_format`, each line with the bound fields."""
    written = logging.StreamHandler(stream)
    written.setFormatter(formatter(log_format, stream))
    written.addFilter(ContextFilter())
    return written


def configure(level: str, log_format: str, stream: TextIO = sys.stderr) -> None:
    logging.basicConfig(level=level.upper(), handlers=[handler(log_format, stream)])
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
