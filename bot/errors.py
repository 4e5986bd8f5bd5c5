"""Errors a person caused and can fix: shown to them as-is, with nothing changed."""


class UserError(Exception):
    """Bad input. The message is written for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(UserError):
    """The person may look but not change."""
