"""Turning a request the contract refuses into the rpc's own validation failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from snab_kit.rpc import ValidationFailed, field_errors


@contextmanager
def checked() -> Iterator[None]:
    """Around building an rpc request from user input: a rule of the contract that the
    input breaks (two fields that do not fit together) is the caller's mistake, reported
    like the one the service itself would report, never an internal error."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationFailed("запрос не прошёл проверку", errors=field_errors(exc)) from None
