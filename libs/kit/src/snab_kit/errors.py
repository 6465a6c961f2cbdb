"""Errors a use case raises when a business rule says no.

Use cases and domain code raise only these (never a transport error): the rpc layer maps
them once to reply codes (``snab_kit.rpc.failure_for``), and an event consumer treats
them as permanent (the same event would break the same rule again: straight to the DLQ
with its reason, no retries). ``message`` is Russian: it may be shown to a manager as it
is; ``details`` are for programs (ids, field names), never the caller's raw input.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule said no."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFoundError(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class RuleViolation(DomainError):
    """The input breaks a rule: nothing to propose, a foreign item, an empty message."""


class IllegalTransition(DomainError):
    """The entity is not in a state that allows this action."""


class ConflictError(DomainError):
    """The action collides with existing data (a duplicate, a concurrent change)."""


__all__ = ["ConflictError", "DomainError", "IllegalTransition", "NotFoundError", "RuleViolation"]
