"""Example answers shown in the OpenAPI document (checked against their models at import,
so an example cannot drift from the contract)."""

from __future__ import annotations

from typing import Any

from snab_contracts.rpc.orders import OrderSlice

_SUMMARY = {
    "order_id": "5a3f6c1e-2b4d-4e8a-9c7b-1d2e3f4a5b6c",
    "number": "ORD-2026-0052",
    "status": "quoting",
    "client_id": "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    "client_name": "ООО «Ромашка»",
    "contact_email": "petrov@romashka.example",
    "mail_subject": "Заявка на крепёж",
    "items_count": 3,
    "requests_count": 3,
    "quotes_count": 2,
    "needs_review": False,
    "review_reasons": [],
    "deadline": "2026-12-25",
    "total": None,
    "possible_duplicate_of": None,
    "source_mail_id": "7c8d9e0f-1a2b-4c3d-9e4f-5a6b7c8d9e0f",
    "created_at": "2026-12-01T09:00:00Z",
    "updated_at": "2026-12-01T12:30:00Z",
}

ORDER_SLICE: dict[str, Any] = OrderSlice.model_validate(
    {
        "items": [_SUMMARY],
        "next_cursor": "WyJjcmVhdGVkX2F0IiwiMjAyNi0xMi0wMVQwOTowMDowMCJd",
        "total": None,
    }
).model_dump(mode="json", by_alias=True)


def example(value: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": value}}}}
