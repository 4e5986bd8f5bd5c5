"""Tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256) with the key from ALIGNBOT_ENCRYPTION_KEY.

Several comma-separated keys rotate the key: the first encrypts, every one decrypts, so an
operator adds a new key in front, restarts, and drops the old one once tokens were re-sealed
(a reinstall or a token rotation re-seals a workspace's tokens).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

GENERATE = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class EncryptionKeyError(ValueError):
    """The encryption key is missing or not a Fernet key; the message says how to make one."""


class TokenCipher:
    def __init__(self, keys: str | None) -> None:
        parts = [part.strip() for part in (keys or "").split(",") if part.strip()]
        if not parts:
            raise EncryptionKeyError(
                "Slack OAuth mode stores workspace tokens encrypted and needs "
                f"ALIGNBOT_ENCRYPTION_KEY; generate one with: {GENERATE}"
            )
        try:
            self._fernet = MultiFernet([Fernet(part.encode()) for part in parts])
        except (ValueError, TypeError):
            raise EncryptionKeyError(
                "ALIGNBOT_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes); "
                f"generate one with: {GENERATE}"
            ) from None

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def open(self, sealed: str) -> str:
        """The token; `InvalidToken` when no configured key sealed it (a lost key)."""
        return self._fernet.decrypt(sealed.encode()).decode()


__all__ = ["EncryptionKeyError", "InvalidToken", "TokenCipher"]
