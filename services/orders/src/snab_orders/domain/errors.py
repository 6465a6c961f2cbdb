"""Errors the domain raises; the rpc layer turns them into typed failures."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule said no. ``message`` is Russian: it may be shown to a manager."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class IllegalTransition(DomainError):
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


class RuleViolation(DomainError):
    """Input that breaks a rule (no offers to propose, a currency without a rate, ...)."""


_ENTITY_RU = {"order": "Заявка", "request": "Запрос поставщику", "proposal": "КП"}
