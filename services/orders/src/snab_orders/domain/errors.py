"""Errors the orders domain raises; the kit maps them once to rpc codes (and the event
path sends them to the DLQ at once). Messages are Russian: a manager may read them."""

from __future__ import annotations

from snab_kit.errors import ConflictError, DomainError, NotFoundError, RuleViolation
from snab_kit.errors import IllegalTransition as _IllegalTransition


class IllegalTransition(_IllegalTransition):
    """A state machine refused a move (see ``domain/states.py``)."""

    def __init__(self, entity: str, current: str, target: str) -> None:
        super().__init__(
            f"{_ENTITY_RU.get(entity, entity)}: переход {current} → {target} недопустим",
            entity=entity,
            current=current,
            target=target,
        )
        self.entity = entity
        self.current = current
        self.target = target


class NotAllowedNow(_IllegalTransition):
    """An action the entity's current state does not allow (with a message of its own)."""


_ENTITY_RU = {"order": "Заявка", "request": "Запрос поставщику", "proposal": "КП"}

__all__ = [
    "ConflictError",
    "DomainError",
    "IllegalTransition",
    "NotAllowedNow",
    "NotFoundError",
    "RuleViolation",
]
