"""Reminders and timeouts of unanswered supplier requests (run by the sweeper)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, or_, select

from snab_contracts.mail import MailAddress, MailSend
from snab_contracts.orders import RequestReminder, RequestStatus, RequestTimeout
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import order_items, orders, supplier_requests, suppliers
from snab_orders.domain.messages import reminder_email
from snab_orders.domain.timing import Due, due_action
from snab_orders.services.common import SYSTEM, utcnow
from snab_orders.services.escalation import after_timeouts
from snab_orders.services.requests import reply_address, rfq_lines, set_request_status, signature
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SweepResult:
    reminded: list[int]
    timed_out: list[int]


async def _claim_due(tx: Tx, settings: OrdersSettings, now: datetime) -> list[tuple[Row[Any], Due]]:
    """Requests due for a reminder or a timeout, locked (``SKIP LOCKED``)."""
    # Wall-clock ages bound the business-hours ones from above, so this finds every due
    # request (and, with business hours on, some that the check below leaves for later).
    sr = supplier_requests
    rows = (
        await tx.session.execute(
            select(sr)
            .where(
                or_(
                    and_(
                        sr.c.status == RequestStatus.SENT.value,
                        sr.c.sent_at <= now - settings.reminder_age,
                    ),
                    and_(
                        sr.c.status.in_([RequestStatus.SENT.value, RequestStatus.REMINDED.value]),
                        sr.c.sent_at <= now - settings.timeout_age,
                    ),
                )
            )
            .order_by(sr.c.sent_at)
            .limit(settings.sweeper_batch_size)
            .with_for_update(skip_locked=True)
        )
    ).all()
    due: list[tuple[Row[Any], Due]] = []
    for row in rows:
        action = due_action(
            status=row.status,
            sent_at=row.sent_at,
            now=now,
            reminder_age=settings.reminder_age,
            timeout_age=settings.timeout_age,
            business_hours=settings.request_business_hours,
            day_start=settings.business_day_start_hour,
            day_end=settings.business_day_end_hour,
        )
        if action is not None:
            due.append((row, action))
    return due


async def _contexts(tx: Tx, request_ids: list[int]) -> dict[int, Row[Any]]:
    rows: Sequence[Any] = (
        await tx.session.execute(
            select(
                orders.c.id,
                orders.c.number,
                suppliers.c.id.label("supplier_id"),
                suppliers.c.company,
                suppliers.c.emails,
                suppliers.c.contact_name,
                supplier_requests.c.id.label("request_id"),
            )
            .select_from(supplier_requests)
            .join(orders, orders.c.id == supplier_requests.c.order_id)
            .join(suppliers, suppliers.c.id == supplier_requests.c.supplier_id)
            .where(supplier_requests.c.id.in_(request_ids))
        )
    ).all()
    return {int(r.request_id): r for r in rows}


async def _remind(
    tx: Tx,
    row: Row[Any],
    ctx: Row[Any],
    common: dict[str, Any],
    settings: OrdersSettings,
    now: datetime,
) -> None:
    """A polite reminder in the RFQ's thread; the request becomes ``reminded``."""
    items = (
        await tx.session.execute(
            select(order_items).where(order_items.c.id.in_(list(row.item_ids)))
        )
    ).all()
    email = reminder_email(
        rfq_number=row.rfq_number,
        lines=rfq_lines(items, row.item_ids),
        sent_at=row.sent_at,
        reply_by=row.sent_at + settings.timeout_age,
        signature=signature(settings),
    )
    to = row.supplier_email or (ctx.emails[0] if ctx.emails else None)
    command: MailSend | None = None
    if to:
        command = MailSend(
            to=[MailAddress(email=to, name=ctx.contact_name or "")],
            mail_subject=email.subject,
            text=email.text,
            html=email.html,
            purpose="reminder",
            order_id=row.order_id,
            order_number=ctx.number,
            request_id=row.id,
            rfq_number=row.rfq_number,
            in_reply_to=row.message_id,
            references=[row.message_id] if row.message_id else [],
            reply_to=reply_address(settings),
            correlation_id=str(row.order_id),
        )
    await set_request_status(
        tx,
        row,
        RequestStatus.REMINDED,
        actor=SYSTEM,
        values={"reminded_at": now, "reminder_command_id": command.id if command else None},
    )
    await tx.emit(RequestReminder(**common))
    if command is not None:
        await tx.emit(command)


async def sweep_once(
    *, tx: Tx, settings: OrdersSettings, now: datetime | None = None
) -> SweepResult:
    """Remind and time out unanswered requests that are due.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED``: replicas running the sweeper at the
    same moment never take the same request, and a request moved by one is no longer
    waiting when another looks, so each reminder and timeout happens once.
    """
    now = now or utcnow()
    due = await _claim_due(tx, settings, now)
    if not due:
        return SweepResult([], [])
    by_request = await _contexts(tx, [r.id for r, _ in due])
    reminded: list[int] = []
    timed_out: list[int] = []
    for row, action in due:
        ctx = by_request[row.id]
        common = {
            "request_id": row.id,
            "rfq_number": row.rfq_number,
            "order_id": row.order_id,
            "order_number": ctx.number,
            "supplier_id": row.supplier_id,
            "supplier_name": ctx.company,
            "supplier_email": row.supplier_email,
            "sent_at": row.sent_at,
            "rfq_message_id": row.message_id,
            "correlation_id": str(row.order_id),
        }
        if action == Due.TIMEOUT:
            await set_request_status(tx, row, RequestStatus.TIMEOUT, actor=SYSTEM)
            await tx.emit(RequestTimeout(**common))
            timed_out.append(row.id)
        else:
            await _remind(tx, row, ctx, common, settings, now)
            reminded.append(row.id)
    if timed_out:
        await after_timeouts(tx, settings, [row for row, action in due if action == Due.TIMEOUT])
    if reminded or timed_out:
        log.info("requests_swept", reminded=len(reminded), timed_out=len(timed_out))
    return SweepResult(reminded, timed_out)
