"""Microsoft's JSON schema for the Teams app manifest, fetched at test time (it is third-party,
so never committed): the pinned npm package `@microsoft/app-manifest`, checked against its
registry integrity and kept in a cache outside git (`~/.cache/alignbot`, or XDG_CACHE_HOME).

Without npm the schema tests skip, except under CI=true, where they must run: a missing npm or
a failed download fails them there.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import running_in_ci

PACKAGE = "@microsoft/app-manifest"
VERSION = "1.1.2"
# `npm view @microsoft/app-manifest@1.1.2 dist.integrity`
INTEGRITY = (
    "sha512-uXdmYzhIcchi3Tc9Sh3pTDMe55zy7ge19bnYCGB1"
    "gzuyha85Ii7wfdTruwEhqseaX9pwsWDRB5Ot/ltv0rCONw=="
)
DOWNLOAD_SECONDS = 180


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alignbot"


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _unavailable(reason: str) -> None:
    if running_in_ci():
        pytest.fail(f"the Teams manifest schema is required in CI: {reason}")
    pytest.skip(f"{reason}; CI runs this test")


def _tarball() -> bytes:
    """The pinned package, from the cache or downloaded once through npm."""
    cached = _cache_dir() / f"microsoft-app-manifest-{VERSION}.tgz"
    if cached.is_file() and _integrity(cached.read_bytes()) == INTEGRITY:
        return cached.read_bytes()
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed, so Microsoft's manifest schema cannot be fetched")
        raise AssertionError("unreachable")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            subprocess.run(
                [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", scratch],
                check=True,
                capture_output=True,
                timeout=DOWNLOAD_SECONDS,
            )
        except (subprocess.SubprocessError, OSError) as error:
            _unavailable(f"`npm pack {PACKAGE}@{VERSION}` failed: {error}")
        [downloaded] = Path(scratch).glob("*.tgz")
        data = downloaded.read_bytes()
    assert _integrity(data) == INTEGRITY, f"{PACKAGE}@{VERSION} does not match its pinned hash"
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def teams_schema(manifest_version: str) -> dict[str, Any]:
    """The manifest schema Microsoft publishes for `manifest_version` (e.g. "1.16")."""
    member = f"package/build/json-schemas/teams/v{manifest_version}/MicrosoftTeams.schema.json"
    with tarfile.open(fileobj=io.BytesIO(_tarball())) as archive:
        try:
            extracted = archive.extractfile(member)
        except KeyError:
            extracted = None
        assert extracted is not None, f"{PACKAGE}@{VERSION} has no schema for v{manifest_version}"
        schema: dict[str, Any] = json.load(extracted)
    return schema
