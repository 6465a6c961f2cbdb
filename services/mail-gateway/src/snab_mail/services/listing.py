"""``rpc.mail.list``: received messages, newest first, as a list shows them."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.mail import MailAddress, MailFlags, ThreadInfo
from snab_contracts.rpc.mail import MailList, MailPage, MailSummary
from snab_mail.db.tables import inbound_attachments, inbound_messages

LIKE_ESCAPE = "\\"


def _contains(query: str) -> str:
    """An ILIKE pattern for "contains": ``%`` and ``_`` stand for themselves."""
    escaped = (
        query.strip()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


async def list_mail(*, session: AsyncSession, req: MailList) -> MailPage:
    m = inbound_messages
    conditions = []
    if req.source:
        conditions.append(m.c.source == req.source)
    if req.query and req.query.strip():
        like = _contains(req.query)
        conditions.append(
            or_(
                m.c.subject.ilike(like, escape=LIKE_ESCAPE),
                m.c.from_addr["email"].astext.ilike(like, escape=LIKE_ESCAPE),
                m.c.from_addr["name"].astext.ilike(like, escape=LIKE_ESCAPE),
            )
        )
    total = await session.scalar(select(func.count()).select_from(m).where(*conditions))
    attachments = (
        select(func.count())
        .select_from(inbound_attachments)
        .where(inbound_attachments.c.mail_id == m.c.id)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(m, attachments.label("attachments_count"))
            .where(*conditions)
            .order_by(m.c.received_at.desc(), m.c.id.desc())
            .limit(req.page_size)
            .offset((req.page - 1) * req.page_size)
        )
    ).all()
    return MailPage(
        items=[
            MailSummary(
                mail_id=r.id,
                received_at=r.received_at,
                source="upload" if r.source == "upload" else "imap",
                status="unparseable" if r.status == "unparseable" else "received",
                from_=MailAddress.model_validate(r.from_addr) if r.from_addr else None,
                mail_subject=r.subject,
                date=r.sent_date,
                size=r.size,
                attachments_count=r.attachments_count,
                thread=ThreadInfo.model_validate(r.thread),
                flags=MailFlags.model_validate(r.flags),
            )
            for r in rows
        ],
        total=total or 0,
        page=req.page,
        page_size=req.page_size,
    )
