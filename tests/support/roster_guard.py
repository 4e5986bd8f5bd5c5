"""Catches a writer that forgets the roster stamp: every committed transaction that changed a
team, a role, a role holder or the RACI matrix must also have changed `roster_stamp`, or other
replicas would keep answering from their caches."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

ROSTER_TABLES = frozenset({"product_team", "role", "role_assignment", "decision", "raci_entry"})
STAMP_TABLE = "roster_stamp"
WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(\w+)"?',
    re.IGNORECASE,
)
_WRITES = "roster_guard_writes"


@contextmanager
def unstamped_roster_writes() -> Iterator[list[str]]:
    """Yields a list that collects, per offending commit, the roster tables it wrote."""
    offences: list[str] = []

    def written(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        match = WRITE.match(statement)
        if match:
            conn.info.setdefault(_WRITES, set()).add(match.group(1).lower())

    def committed(conn: Connection) -> None:
        tables = conn.info.pop(_WRITES, set())
        if tables & ROSTER_TABLES and STAMP_TABLE not in tables:
            offences.append(", ".join(sorted(tables & ROSTER_TABLES)))

    def rolled_back(conn: Connection) -> None:
        conn.info.pop(_WRITES, None)

    hooks = (
        ("before_cursor_execute", written),
        ("commit", committed),
        ("rollback", rolled_back),
    )
    for name, hook in hooks:
        event.listen(Engine, name, hook)
    try:
        yield offences
    finally:
        for name, hook in hooks:
            event.remove(Engine, name, hook)
