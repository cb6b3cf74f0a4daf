"""Domain errors carrying a machine-readable code and a Chinese message."""

from __future__ import annotations


class DomainError(ValueError):
    """A request the domain refuses; `status` hints the HTTP status to the web layer."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""

    status = 404


class Forbidden(DomainError):
    """The asker may not do this."""

    status = 403


class Conflict(DomainError):
    """The request clashes with the current state."""

    status = 409
