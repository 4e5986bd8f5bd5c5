"""Every roles test also checks that each change to the roster changed its stamp."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.roster_guard import unstamped_roster_writes


@pytest.fixture(autouse=True)
def roster_writes_are_stamped() -> Iterator[None]:
    with unstamped_roster_writes() as offences:
        yield
    assert not offences, f"transactions changed the roster without its stamp: {offences}"
