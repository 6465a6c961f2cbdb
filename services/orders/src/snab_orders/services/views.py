"""Rows to contract views (what rpc callers see)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row

from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.rpc.orders import (
    AuditEntry,
    OrderItemView,
    OrderSummary,
    ProposalLineView,
    ProposalStatus,
    ProposalView,
    QuoteLineView,
    QuoteView,
    SupplierRequestView,
)
from snab_contracts.values import Money, Unit
from snab_orders.domain.money import vat_label


def order_summary(row: Row[Any]) -> OrderSummary:
    """``row``: an orders row with client_name, items_count, requests_count, quotes_count
    and proposal_total (from ``orders_service.summary_columns``)."""
    total = getattr(row, "proposal_total", None)
    return OrderSummary(
        order_id=row.id,
        number=row.number,
        status=OrderStatus(row.status),
        client_id=row.client_id,
        client_name=row.client_name,
        contact_email=row.contact_email or row.from_email,
        mail_subject=row.mail_subject,
        items_count=row.items_count,
        requests_count=row.requests_count,
        quotes_count=row.quotes_count,
        needs_review=row.needs_review,
        review_reasons=list(row.review_reasons),
        deadline=row.deadline,
        total=Money(amount=total, currency="RUB") if total is not None else None,
        possible_duplicate_of=row.possible_duplicate_of,
        source_mail_id=row.source_mail_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def item_view(row: Row[Any]) -> OrderItemView:
    return OrderItemView(
        item_id=row.id,
        position=row.position,
        name=row.name,
        quantity=row.quantity,
        unit=Unit(row.unit),
        article=row.article,
        note=row.note,
        category_id=row.category_id,
    )


def request_view(row: Row[Any]) -> SupplierRequestView:
    """``row``: a supplier_requests row with supplier_name."""
    return SupplierRequestView(
        request_id=row.id,
        rfq_number=row.rfq_number,
        supplier_id=row.supplier_id,
        supplier_name=row.supplier_name,
        supplier_email=row.supplier_email,
        status=RequestStatus(row.status),
        item_ids=list(row.item_ids),
        created_at=row.created_at,
        sent_at=row.sent_at,
        reminded_at=row.reminded_at,
        answered_at=row.answered_at,
        message_id=row.message_id,
        last_error=row.last_error,
    )


def quote_line_view(row: Row[Any]) -> QuoteLineView:
    unit = None
    if row.unit:
        try:
            unit = Unit(row.unit)
        except ValueError:
            unit = None
    return QuoteLineView(
        quote_line_id=row.id,
        item_id=row.item_id,
        position=row.position,
        name=row.name,
        article=row.article,
        quantity=row.quantity,
        unit=unit,
        unit_price=row.unit_price,
        line_total=row.line_total,
        available=row.available,
        lead_time_days=row.lead_time_days,
        analogue=row.analogue,
    )


def quote_view(row: Row[Any], lines: Sequence[Row[Any]]) -> QuoteView:
    """``row``: a quotes row with supplier_name and rfq_number."""
    return QuoteView(
        quote_id=row.id,
        request_id=row.request_id,
        rfq_number=row.rfq_number,
        supplier_id=row.supplier_id,
        supplier_name=row.supplier_name,
        mail_id=row.mail_id,
        version=row.version,
        received_at=row.received_at,
        currency=row.currency,
        vat_included=row.vat_included,
        vat_label=vat_label(row.vat_included),
        lead_time_days=row.lead_time_days,
        payment_terms=row.payment_terms,
        valid_until=row.valid_until,
        total=row.total,
        needs_review=row.needs_review,
        lines=[quote_line_view(line) for line in lines],
    )


def proposal_view(row: Row[Any], lines: Sequence[Row[Any]]) -> ProposalView:
    return ProposalView(
        proposal_id=row.id,
        order_id=row.order_id,
        number=row.number,
        status=ProposalStatus(row.status),
        currency=row.currency,
        lines=[
            ProposalLineView(
                position=line.position,
                item_id=line.item_id,
                quote_line_id=line.quote_line_id,
                supplier_id=line.supplier_id,
                name=line.name,
                article=line.article,
                quantity=line.quantity,
                unit=Unit(line.unit),
                cost_price=line.cost_price,
                markup_percent=line.markup_percent,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in lines
        ],
        subtotal=row.subtotal,
        vat_rate=row.vat_rate,
        vat_amount=row.vat_amount,
        total=row.total,
        cost_total=row.cost_total,
        margin_amount=row.margin_amount,
        margin_percent=row.margin_percent,
        warnings=list(row.warnings),
        valid_until=row.valid_until,
        lead_time_days=row.lead_time_days,
        payment_terms=row.payment_terms,
        document_id=row.document_id,
        document_version=row.document_version,
        document_filename=row.document_filename,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def audit_entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        before=row.before,
        after=row.after,
        source_event_id=row.source_event_id,
    )


def as_decimal(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def group_by(rows: Sequence[Row[Any]], key: str) -> dict[UUID, list[Row[Any]]]:
    out: dict[UUID, list[Row[Any]]] = {}
    for row in rows:
        out.setdefault(getattr(row, key), []).append(row)
    return out
