"""The server key: one secret that keys anonymous ballots and signs data sent to clients.

It never lives in the database, so a copy of the database alone can neither re-link an open
anonymous ballot to its voter nor forge a signed form. Where it comes from, first match wins:

1. `ALIGNBOT_SECRET_KEY` (or the older `ALIGNBOT_VOTE_SECRET`): for several replicas, give each
   the same value.
2. The file `ALIGNBOT_SECRET_FILE`, or with SQLite `alignbot-secret.key` beside the database
   file: created on first start with a random key, mode 0600, atomically (if two processes race,
   both end up reading the one that was linked in first).
3. Nothing usable (PostgreSQL without 1. or 2.): a random key for this process only. Signed
   forms still work within this process, but anonymous votes are refused, because replicas
   would each key ballots differently.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings
from storage.urls import sqlite_file

log = logging.getLogger(__name__)

FILE_NAME = "alignbot-secret.key"
MIN_LENGTH = 32  # characters of an operator-provided key


class ServerKeyError(ValueError):
    """The configured server key cannot be used; the message says how to make one."""


@dataclass(frozen=True)
class ServerKey:
    secret: bytes
    persistent: bool  # False: made up for this process only
    source: str

    def digest(self, purpose: str, message: str) -> str:
        """HMAC-SHA256 of `message`, separated by `purpose` so one use cannot stand for another."""
        keyed = hmac.new(self.secret, f"{purpose}\x00{message}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(keyed.digest()).decode().rstrip("=")

    def verify(self, purpose: str, message: str, signature: str) -> bool:
        return hmac.compare_digest(self.digest(purpose, message), signature)

    def seal(self, purpose: str, message: str) -> str:
        """`signature.message`: data a client carries and gives back unchanged."""
        return f"{self.digest(purpose, message)}.{message}"

    def open(self, purpose: str, sealed: str) -> str | None:
        """The message of `seal`, or None when it was altered or sealed for another purpose."""
        signature, dot, message = sealed.partition(".")
        if not dot or not self.verify(purpose, message, signature):
            return None
        return message

    @classmethod
    def ephemeral(cls) -> ServerKey:
        return cls(secrets.token_bytes(32), False, "this process only")


_loaded: dict[tuple[str | None, str | None], ServerKey] = {}


def server_key(settings: Settings) -> ServerKey:
    """The key for these settings, loaded (or created) once per process."""
    path = key_file(settings)
    cache_key = (settings.secret_key, str(path) if path else None)
    if cache_key not in _loaded:
        _loaded[cache_key] = _load(settings.secret_key, path)
    return _loaded[cache_key]


def key_file(settings: Settings) -> Path | None:
    if settings.secret_file:
        return Path(settings.secret_file)
    database = sqlite_file(settings.database_url)
    return database.parent / FILE_NAME if database else None


def _load(configured: str | None, path: Path | None) -> ServerKey:
    if configured:
        if len(configured) < MIN_LENGTH:
            raise ServerKeyError(
                f"ALIGNBOT_SECRET_KEY must be at least {MIN_LENGTH} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return ServerKey(configured.encode(), True, "ALIGNBOT_SECRET_KEY")
    if path is not None:
        try:
            return ServerKey(_read_or_create(path), True, str(path))
        except OSError as error:  # a directory, no permission, a read-only disk
            reason = error.strerror or type(error).__name__
            message = f"cannot read or create the server key file {path}: {reason}"
            raise ServerKeyError(message) from error
    log.warning(
        "No server key: set ALIGNBOT_SECRET_KEY (the same on every replica) or "
        "ALIGNBOT_SECRET_FILE. Until then anonymous votes are refused and forms must be sent "
        "back to the replica that opened them."
    )
    return ServerKey.ephemeral()


def _read_or_create(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".alignbot-key-")
        try:
            with os.fdopen(descriptor, "w") as handle:  # mkstemp creates it 0600
                handle.write(secrets.token_urlsafe(48) + "\n")
            os.link(temporary, path)  # atomic, and fails if another process got there first
            log.warning("Created the server key %s (keep it, back it up apart)", path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    if path.stat().st_mode & 0o077:
        log.warning("The server key %s is readable by other users: chmod 600 it", path)
    secret = path.read_text().strip()
    if len(secret) < MIN_LENGTH:
        raise ServerKeyError(f"the server key file {path} holds no usable key")
    return secret.encode()
