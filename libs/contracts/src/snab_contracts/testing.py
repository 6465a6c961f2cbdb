"""Valid sample instances of any contract, for tests (of this package and of services).

``build(Model)`` fills every field (optional ones too); ``build(Model, full=False)`` fills
only the required ones; keyword arguments set fields, e.g.
``build(OrderCreated, number="ORD-2026-0007")``. Pattern-constrained strings take their
first ``examples`` value, numbers respect their bounds, and ``OVERRIDES`` holds what a
model validator needs.
"""

from __future__ import annotations

import types
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin
from uuid import UUID, uuid4

import annotated_types
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo
from pydantic.networks import EmailStr

from snab_contracts import ALL_EVENTS, ALL_RPC
from snab_contracts.rpc.common import RpcReply

M = TypeVar("M", bound=BaseModel)

OVERRIDES: dict[str, dict[str, Any]] = {
    "OrdersGet": {"order_id": None, "number": "ORD-2026-0052"},
    "MailIngest": {
        "raw_base64": None,
        "text": "Прошу счёт на 10 шт болтов М8",
        "from_": {"email": "snab@romashka.example", "name": "Иван Петров"},
    },
    "OrdersSetMarkup": {"scope": "global", "category_id": None, "client_id": None},
    "MailSend": {"purpose": "rfq", "request_id": 42},
    "RpcReply": {"ok": True, "error": None, "result": {"answer": "да"}},
}


def _constraints(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        for name in ("gt", "ge", "lt", "le", "min_length", "max_length", "pattern"):
            value = getattr(item, name, None)
            if value is not None:
                found[name] = value
        if isinstance(item, FieldInfo):
            found.update(_constraints(item.metadata))
            if item.examples:
                found["examples"] = item.examples
        if isinstance(item, annotated_types.Interval):
            found.update({k: v for k, v in vars(item).items() if v is not None})
    return found


def value_for(tp: Any, *, full: bool, metadata: list[Any] | None = None) -> Any:
    metadata = list(metadata or [])
    origin = get_origin(tp)
    if origin is Annotated:
        inner, *extra = get_args(tp)
        return value_for(inner, full=full, metadata=metadata + extra)
    rules = _constraints(metadata)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        if not full and len(options) < len(get_args(tp)):
            return None
        return value_for(options[0], full=full, metadata=metadata)
    if origin is Literal:
        return get_args(tp)[0]
    if origin is list:
        (item,) = get_args(tp)
        return [value_for(item, full=full)]
    if origin is dict:
        key, value = get_args(tp)
        if key is str and value is Any:
            return {"status": "new", "count": 2}
        return {value_for(key, full=full): value_for(value, full=full)}
    if "examples" in rules:
        return rules["examples"][0]
    if tp is EmailStr:
        return "zakupki@romashka.example"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return build(tp, full=full)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return next(iter(tp))
    if tp is bool:
        return True
    if tp is int:
        low = max(rules.get("ge", 1), rules.get("gt", 0) + 1)
        return min(low + 2, rules.get("le", low + 2))
    if tp is float:
        return 0.75
    if tp is Decimal:
        return Decimal("12.50")
    if tp is str:
        text = "Болт М8х30 DIN 933"
        return text[: rules.get("max_length", len(text))]
    if tp is UUID:
        return uuid4()
    if tp in (datetime, AwareDatetime):
        return datetime(2026, 12, 1, 9, 30, 15, 250000, tzinfo=UTC)
    if tp is date:
        return date(2026, 12, 15)
    if tp is Any:
        return "значение"
    raise TypeError(f"no factory rule for {tp!r}")


def build(model: type[M], *, full: bool = True, **overrides: Any) -> M:
    """A valid instance of ``model``; ``overrides`` set fields by name."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not full and not info.is_required():
            continue
        if name in ("subject", "version") and not info.is_required():
            continue
        values[name] = value_for(info.annotation, full=full, metadata=[*info.metadata, info])
    for cls in reversed(model.__mro__):
        values.update(OVERRIDES.get(cls.__name__.split("[")[0], {}))
    values.update(overrides)
    return model.model_validate(values)


def _nested_models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _nested_models(tp, seen)
            stack.extend(get_args(tp))


def all_models() -> list[type[BaseModel]]:
    """Every registered event, rpc request and result, and every model nested in them."""
    seen: set[type[BaseModel]] = set()
    for event in ALL_EVENTS.values():
        _nested_models(event, seen)
    for spec in ALL_RPC.values():
        _nested_models(spec.request, seen)
        _nested_models(spec.result, seen)
    _nested_models(RpcReply[Any], seen)
    return sorted(seen, key=lambda m: (m.__module__, m.__name__))
