"""Supplier requests (RFQs): sending, delivery reports, reminders and timeouts, suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from rapidfuzz import fuzz, process
from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import MailAddress, MailFailed, MailSend, MailSent
from snab_contracts.orders import (
    OrderStatus,
    RequestFailed,
    RequestReminder,
    RequestStatus,
    RequestTimeout,
)
from snab_contracts.rpc.orders import (
    OrdersSendRequests,
    OrdersSuggestSuppliers,
    SentRequests,
    SupplierSuggestion,
    SupplierSuggestions,
)
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import (
    categories,
    order_items,
    orders,
    quote_lines,
    quotes,
    supplier_categories,
    supplier_requests,
    suppliers,
)
from snab_orders.domain.errors import ConflictError, NotFoundError, RuleViolation
from snab_orders.domain.messages import RfqLine, Signature, reminder_email, rfq_email
from snab_orders.domain.numbering import rfq_number
from snab_orders.domain.states import (
    DELIVERED_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    after_request_failed,
    after_requests_sent,
    can_request,
    request_transition,
)
from snab_orders.domain.text import normalise_name
from snab_orders.domain.timing import Due, due_action
from snab_orders.services import views
from snab_orders.services.common import SYSTEM, audit, lock_order, move_order, utcnow
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


def signature(settings: OrdersSettings) -> Signature:
    return Signature(
        company=settings.company_name,
        manager=settings.manager_name,
        phone=settings.company_phone,
        email=settings.contact_email,
    )


def _reply_to(settings: OrdersSettings) -> MailAddress | None:
    return settings.email_from


def rfq_lines(items: Sequence[Row[Any]], item_ids: Sequence[UUID]) -> list[RfqLine]:
    """The table the supplier sees, numbered from 1 in the request's own order."""
    by_id = {i.id: i for i in items}
    chosen = [by_id[i] for i in item_ids if i in by_id]
    return [
        RfqLine(
            position=n,
            name=i.name,
            quantity=i.quantity,
            unit=i.unit,
            article=i.article,
            note=i.note,
        )
        for n, i in enumerate(chosen, start=1)
    ]


async def request_views(session: AsyncSession, ids: Sequence[int]) -> list[Any]:
    rows = (
        await session.execute(
            select(supplier_requests, suppliers.c.company.label("supplier_name"))
            .join(suppliers, suppliers.c.id == supplier_requests.c.supplier_id)
            .where(supplier_requests.c.id.in_(list(ids)))
            .order_by(supplier_requests.c.id)
        )
    ).all()
    return [views.request_view(r) for r in rows]


async def send_requests(
    *, tx: Tx, req: OrdersSendRequests, settings: OrdersSettings, now: datetime | None = None
) -> SentRequests:
    """One request per supplier, each with its RFQ email (``mail.send``) in the outbox."""
    session = tx.session
    actor = req.actor or "user:unknown"
    now = now or utcnow()
    order = await lock_order(session, req.order_id)
    target = after_requests_sent(order.status)  # raises for a closed order
    items = (
        await session.execute(
            select(order_items)
            .where(order_items.c.order_id == order.id)
            .order_by(order_items.c.position)
        )
    ).all()
    if not items:
        raise RuleViolation("в заявке нет позиций: запрашивать нечего", order_id=str(order.id))
    if req.item_ids is None:
        item_ids = [i.id for i in items]
    else:
        item_ids = list(dict.fromkeys(req.item_ids))
        known = {i.id for i in items}
        foreign = [str(i) for i in item_ids if i not in known]
        if foreign:
            raise RuleViolation("позиции не из этой заявки", item_ids=foreign)
        if not item_ids:
            raise RuleViolation("не выбрано ни одной позиции")
    supplier_ids = list(dict.fromkeys(req.supplier_ids))
    found = {
        r.id: r
        for r in (
            await session.execute(
                select(suppliers).where(
                    suppliers.c.id.in_(supplier_ids), suppliers.c.deleted_at.is_(None)
                )
            )
        ).all()
    }
    missing = [str(s) for s in supplier_ids if s not in found]
    if missing:
        raise NotFoundError("поставщик не найден", supplier_ids=missing)
    inactive = [found[s].company for s in supplier_ids if not found[s].active]
    if inactive:
        raise RuleViolation("поставщик отключён: " + ", ".join(inactive), suppliers=inactive)
    no_email = [found[s].company for s in supplier_ids if not found[s].emails]
    if no_email:
        raise RuleViolation("у поставщика нет адреса: " + ", ".join(no_email))
    open_rows = (
        await session.execute(
            select(supplier_requests.c.rfq_number, supplier_requests.c.supplier_id).where(
                supplier_requests.c.order_id == order.id,
                supplier_requests.c.supplier_id.in_(supplier_ids),
                supplier_requests.c.status.in_([s.value for s in OPEN_REQUEST_STATUSES]),
            )
        )
    ).all()
    if open_rows:
        raise ConflictError(
            "этим поставщикам запрос уже отправлен и ждёт ответа: "
            + ", ".join(f"{found[r.supplier_id].company} ({r.rfq_number})" for r in open_rows),
            rfq_numbers=[r.rfq_number for r in open_rows],
        )
    lines = rfq_lines(items, item_ids)
    reply_by = now + settings.timeout_age
    created: list[int] = []
    for supplier_id in supplier_ids:
        supplier = found[supplier_id]
        seq = await session.scalar(
            update(orders)
            .where(orders.c.id == order.id)
            .values(rfq_seq=orders.c.rfq_seq + 1)
            .returning(orders.c.rfq_seq)
        )
        assert seq is not None
        number = rfq_number(order.number, seq)
        email = rfq_email(
            rfq_number=number,
            lines=lines,
            reply_by=reply_by,
            signature=signature(settings),
            message=req.message,
        )
        request_id = await session.scalar(
            insert(supplier_requests)
            .values(
                rfq_number=number,
                order_id=order.id,
                supplier_id=supplier_id,
                seq=seq,
                status=RequestStatus.QUEUED.value,
                item_ids=item_ids,
                message=req.message,
                supplier_email=supplier.emails[0],
                mail_subject=email.subject,
                created_at=now,
                updated_at=now,
            )
            .returning(supplier_requests.c.id)
        )
        assert request_id is not None
        command = MailSend(
            to=[MailAddress(email=supplier.emails[0], name=supplier.contact_name or "")],
            cc=[MailAddress(email=e) for e in supplier.emails[1:]],
            mail_subject=email.subject,
            text=email.text,
            html=email.html,
            purpose="rfq",
            order_id=order.id,
            order_number=order.number,
            request_id=request_id,
            rfq_number=number,
            reply_to=_reply_to(settings),
            correlation_id=str(order.id),
        )
        await session.execute(
            update(supplier_requests)
            .where(supplier_requests.c.id == request_id)
            .values(command_id=command.id)
        )
        await tx.emit(command)
        await audit(
            session,
            order_id=order.id,
            actor=actor,
            action="request.created",
            entity="request",
            entity_id=request_id,
            after={
                "rfq_number": number,
                "supplier_id": supplier_id,
                "supplier": supplier.company,
                "status": RequestStatus.QUEUED.value,
                "items": len(item_ids),
            },
        )
        created.append(request_id)
    if order.first_rfq_at is None:
        await session.execute(
            update(orders).where(orders.c.id == order.id).values(first_rfq_at=now)
        )
    if target is not None:
        await move_order(tx, order, target, actor=actor, reason="запросы поставщикам отправлены")
    return SentRequests(order_id=order.id, requests=await request_views(session, created))


async def _lock_request(session: AsyncSession, request_id: int) -> Row[Any] | None:
    return (
        await session.execute(
            select(supplier_requests).where(supplier_requests.c.id == request_id).with_for_update()
        )
    ).first()


async def set_request_status(
    tx: Tx,
    request: Row[Any],
    target: RequestStatus,
    *,
    actor: str,
    values: dict[str, Any] | None = None,
    source_event_id: UUID | None = None,
    note: str | None = None,
) -> None:
    """Move a locked request (the state machine decides), with its audit row."""
    request_transition(request.status, target)
    now = utcnow()
    extra = dict(values or {})
    if target in (RequestStatus.TIMEOUT, RequestStatus.FAILED, RequestStatus.DECLINED):
        extra.setdefault("closed_at", now)
    await tx.session.execute(
        update(supplier_requests)
        .where(supplier_requests.c.id == request.id)
        .values(status=target.value, updated_at=now, **extra)
    )
    await audit(
        tx.session,
        order_id=request.order_id,
        actor=actor,
        action="request.status",
        entity="request",
        entity_id=request.id,
        before={"status": request.status},
        after={"status": target.value, **({"note": note} if note else {}), **extra},
        source_event_id=source_event_id,
    )


async def on_rfq_sent(*, tx: Tx, event: MailSent) -> None:
    """The RFQ email left: the request is ``sent`` and remembers its Message-ID."""
    assert event.request_id is not None
    request = await _lock_request(tx.session, event.request_id)
    if request is None:
        log.warning("mail_sent_for_unknown_request", request_id=event.request_id)
        return
    if event.purpose == "reminder":
        await audit(
            tx.session,
            order_id=request.order_id,
            actor=SYSTEM,
            action="request.reminder_sent",
            entity="request",
            entity_id=request.id,
            after={"message_id": event.message_id, "sent_at": event.sent_at},
            source_event_id=event.id,
        )
        return
    if request.status == RequestStatus.QUEUED.value:
        await set_request_status(
            tx,
            request,
            RequestStatus.SENT,
            actor=SYSTEM,
            values={"sent_at": event.sent_at, "message_id": event.message_id},
            source_event_id=event.id,
        )
    elif request.message_id is None:
        # Answered before the delivery report came: keep the thread's Message-ID anyway.
        await tx.session.execute(
            update(supplier_requests)
            .where(supplier_requests.c.id == request.id)
            .values(message_id=event.message_id, sent_at=event.sent_at)
        )


async def on_rfq_failed(*, tx: Tx, event: MailFailed) -> None:
    """The RFQ email could not be sent: the request is ``failed``, managers are told
    (``request.failed``), and an order none of whose requests got through goes back to
    ``new``."""
    assert event.request_id is not None
    request = await _lock_request(tx.session, event.request_id)
    if request is None:
        log.warning("mail_failed_for_unknown_request", request_id=event.request_id)
        return
    if event.purpose == "reminder" or not can_request(request.status, RequestStatus.FAILED):
        await tx.session.execute(
            update(supplier_requests)
            .where(supplier_requests.c.id == request.id)
            .values(last_error=event.error[:2000], updated_at=utcnow())
        )
        await audit(
            tx.session,
            order_id=request.order_id,
            actor=SYSTEM,
            action="request.mail_failed",
            entity="request",
            entity_id=request.id,
            after={"purpose": event.purpose, "error": event.error[:2000]},
            source_event_id=event.id,
        )
        return
    await fail_request(tx, request, reason=event.error, source_event_id=event.id)


async def on_bounce(*, tx: Tx, bounced_message_id: str, event_id: UUID) -> bool:
    """A delivery failure report for an RFQ we sent: the request failed."""
    request = (
        await tx.session.execute(
            select(supplier_requests)
            .where(supplier_requests.c.message_id == bounced_message_id)
            .with_for_update()
        )
    ).first()
    if request is None or not can_request(request.status, RequestStatus.FAILED):
        return False
    await fail_request(
        tx,
        request,
        reason="письмо вернулось: адрес не принимает почту",
        source_event_id=event_id,
    )
    return True


async def fail_request(
    tx: Tx, request: Row[Any], *, reason: str, source_event_id: UUID | None
) -> None:
    """Mark a locked request failed, tell the managers, and send the order back to
    ``new`` when nothing of it got through (load → decide in the domain → write)."""
    reason = reason[:2000]
    await set_request_status(
        tx,
        request,
        RequestStatus.FAILED,
        actor=SYSTEM,
        values={"last_error": reason},
        source_event_id=source_event_id,
    )
    order = await lock_order(tx.session, request.order_id)
    statuses = list(
        (
            await tx.session.execute(
                select(supplier_requests.c.status).where(supplier_requests.c.order_id == order.id)
            )
        ).scalars()
    )
    supplier_name = await tx.session.scalar(
        select(suppliers.c.company).where(suppliers.c.id == request.supplier_id)
    )
    target = after_request_failed(order.status, statuses)
    if target is not None:
        await move_order(
            tx,
            order,
            target,
            actor=SYSTEM,
            reason=f"ни один запрос поставщикам не отправлен: {reason}",
            source_event_id=source_event_id,
        )
    await tx.emit(
        RequestFailed(
            request_id=request.id,
            rfq_number=request.rfq_number,
            order_id=order.id,
            order_number=order.number,
            supplier_id=request.supplier_id,
            supplier_name=supplier_name or "",
            supplier_email=request.supplier_email,
            reason=reason,
            requests_delivered=sum(
                1 for s in statuses if RequestStatus(s) in DELIVERED_REQUEST_STATUSES
            ),
            order_status=target or OrderStatus(order.status),
            correlation_id=str(order.id),
        )
    )


@dataclass(frozen=True, slots=True)
class SweepResult:
    reminded: list[int]
    timed_out: list[int]


async def sweep_once(
    *, tx: Tx, settings: OrdersSettings, now: datetime | None = None
) -> SweepResult:
    """Remind and time out unanswered requests that are due.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED``: replicas running the sweeper at the
    same moment never take the same request, and a request moved by one is no longer
    waiting when another looks, so each reminder and timeout happens once.
    """
    session = tx.session
    now = now or utcnow()
    # Wall-clock ages bound the business-hours ones from above, so this finds every due
    # request (and, with business hours on, some that the check below leaves for later).
    sr = supplier_requests
    rows = (
        await session.execute(
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
            .order_by(supplier_requests.c.sent_at)
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
    if not due:
        return SweepResult([], [])
    by_request = {
        r.request_id: r
        for r in (
            await session.execute(
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
                .where(supplier_requests.c.id.in_([r.id for r, _ in due]))
            )
        ).all()
    }
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
            continue
        items = (
            await session.execute(
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
                reply_to=_reply_to(settings),
                correlation_id=str(row.order_id),
            )
        await set_request_status(
            tx,
            row,
            RequestStatus.REMINDED,
            actor=SYSTEM,
            values={
                "reminded_at": now,
                "reminder_command_id": command.id if command else None,
            },
        )
        await tx.emit(RequestReminder(**common))
        if command is not None:
            await tx.emit(command)
        reminded.append(row.id)
    if reminded or timed_out:
        log.info("requests_swept", reminded=len(reminded), timed_out=len(timed_out))
    return SweepResult(reminded, timed_out)


# -- suggestions ------------------------------------------------------------------------


async def suggest_suppliers(
    *, session: AsyncSession, req: OrdersSuggestSuppliers
) -> SupplierSuggestions:
    """Active suppliers ranked by: categories of the items, quotes they gave for similar
    items, how often and how fast they answer."""
    order = (await session.execute(select(orders.c.id).where(orders.c.id == req.order_id))).first()
    if order is None:
        raise NotFoundError("заявка не найдена", order_id=str(req.order_id))
    items = (
        await session.execute(
            select(order_items)
            .where(order_items.c.order_id == req.order_id)
            .order_by(order_items.c.position)
        )
    ).all()
    if req.item_ids is not None:
        wanted = set(req.item_ids)
        items = [i for i in items if i.id in wanted]
    supplier_rows = (
        await session.execute(
            select(suppliers).where(suppliers.c.active, suppliers.c.deleted_at.is_(None))
        )
    ).all()
    if not supplier_rows:
        return SupplierSuggestions(order_id=req.order_id)
    cats: dict[UUID, dict[UUID, str]] = {}
    for r in (
        await session.execute(
            select(supplier_categories.c.supplier_id, categories.c.id, categories.c.name).join(
                categories, categories.c.id == supplier_categories.c.category_id
            )
        )
    ).all():
        cats.setdefault(r.supplier_id, {})[r.id] = r.name
    # History: lines quoted by each supplier, matched by name to this order's items.
    history = (
        await session.execute(
            select(quote_lines.c.name, quotes.c.supplier_id)
            .join(quotes, quotes.c.id == quote_lines.c.quote_id)
            .where(quote_lines.c.unit_price.is_not(None), quotes.c.order_id != req.order_id)
            .order_by(quotes.c.received_at.desc())
            .limit(5000)
        )
    ).all()
    history_names = [normalise_name(h.name) for h in history]
    quoted_items: dict[UUID, set[UUID]] = {}
    for item in items:
        for _, score, index in process.extract(
            normalise_name(item.name),
            history_names,
            scorer=fuzz.token_set_ratio,
            score_cutoff=80,
            limit=50,
        ):
            del score
            quoted_items.setdefault(history[index].supplier_id, set()).add(item.id)
    stats = {
        r.supplier_id: r
        for r in (
            await session.execute(
                select(
                    supplier_requests.c.supplier_id,
                    func.count().filter(supplier_requests.c.sent_at.is_not(None)).label("sent"),
                    func.count()
                    .filter(
                        and_(
                            supplier_requests.c.sent_at.is_not(None),
                            supplier_requests.c.answered_at.is_not(None),
                        )
                    )
                    .label("answered"),
                    func.percentile_cont(0.5)
                    .within_group(
                        func.extract(
                            "epoch", supplier_requests.c.answered_at - supplier_requests.c.sent_at
                        )
                    )
                    .label("median"),
                ).group_by(supplier_requests.c.supplier_id)
            )
        ).all()
    }
    requested = set(
        (
            await session.execute(
                select(supplier_requests.c.supplier_id).where(
                    supplier_requests.c.order_id == req.order_id
                )
            )
        )
        .scalars()
        .all()
    )
    item_categories = {i.id: i.category_id for i in items if i.category_id}
    scored: list[tuple[float, SupplierSuggestion]] = []
    n_items = max(len(items), 1)
    for s in supplier_rows:
        reasons: list[str] = []
        own = cats.get(s.id, {})
        by_category = {i for i, c in item_categories.items() if c in own}
        by_history = quoted_items.get(s.id, set())
        st = stats.get(s.id)
        rate = (st.answered / st.sent) if st is not None and st.sent else None
        median = int(st.median) if st is not None and st.median is not None else None
        score = 3.0 * len(by_category) / n_items + 2.0 * len(by_history) / n_items
        if by_category:
            reasons.append(f"категория подходит к {len(by_category)} поз.")
        if by_history:
            reasons.append(f"уже предлагал похожее: {len(by_history)} поз.")
        if rate is not None:
            score += rate
            reasons.append(f"отвечает на {round(rate * 100)} % запросов")
        if median is not None:
            score += 1.0 / (1.0 + median / 86400)
            reasons.append(f"обычно отвечает за {_duration_ru(median)}")
        if not reasons:
            reasons.append("нет истории: новый поставщик")
        suggestion = SupplierSuggestion(
            supplier_id=s.id,
            name=s.company,
            rank=1,
            score=round(score, 4),
            reasons=reasons,
            emails=list(s.emails),
            category_names=sorted(own.values()),
            matched_item_ids=sorted(by_category | by_history, key=str),
            response_rate=rate,
            median_response_seconds=median,
            already_requested=s.id in requested,
        )
        scored.append((score, suggestion))
    scored.sort(key=lambda x: (-x[0], x[1].name))
    return SupplierSuggestions(
        order_id=req.order_id,
        suggestions=[
            s.model_copy(update={"rank": n})
            for n, (_, s) in enumerate(scored[: req.limit], start=1)
        ],
    )


def _duration_ru(seconds: int) -> str:
    hours = seconds / 3600
    if hours < 1:
        return f"{max(1, round(seconds / 60))} мин"
    if hours < 48:
        return f"{round(hours)} ч"
    return f"{round(hours / 24)} дн"
