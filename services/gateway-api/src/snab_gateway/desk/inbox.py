"""The inbox: received mail with what became of it, the queues that wait for a manager,
linking a message to a supplier request, and putting mail in by hand."""

from __future__ import annotations

import base64
from uuid import UUID

from snab_contracts.mail import ClassifiedReason, MailAddress
from snab_contracts.rpc.mail import MailAttachmentGet, MailGet, MailIngest, MailIngested, MailList
from snab_contracts.rpc.orders import (
    LinkedMail,
    MailOutcome,
    OrdersLinkMail,
    OrdersMailOutcomes,
    OrdersUnmatchedMail,
    UnmatchedMailPage,
)
from snab_gateway.auth.models import User
from snab_gateway.desk.checks import checked
from snab_gateway.desk.models import FileResult, InboxMail, InboxPage, MailDetail
from snab_kit.rpc import RpcClient, ValidationFailed


async def _outcomes(rpc: RpcClient, user: User, mail_ids: list[UUID]) -> dict[UUID, MailOutcome]:
    if not mail_ids:
        return {}
    found = await rpc.call(OrdersMailOutcomes(mail_ids=mail_ids, actor=user.actor))
    return {o.mail_id: o for o in found.items}


async def mail_list(
    *,
    rpc: RpcClient,
    user: User,
    query: str | None = None,
    source: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> InboxPage:
    with checked():
        request = MailList(
            query=query, source=source, page=page, page_size=page_size, actor=user.actor
        )
    listed = await rpc.call(request)
    outcomes = await _outcomes(rpc, user, [m.mail_id for m in listed.items])
    return InboxPage(
        items=[InboxMail(mail=m, outcome=outcomes.get(m.mail_id)) for m in listed.items],
        total=listed.total,
        page=listed.page,
        page_size=listed.page_size,
    )


async def mail(*, rpc: RpcClient, user: User, mail_id: UUID) -> MailDetail:
    view = await rpc.call(MailGet(mail_id=mail_id, actor=user.actor))
    outcomes = await _outcomes(rpc, user, [mail_id])
    return MailDetail(mail=view, outcome=outcomes.get(mail_id))


async def raw_mail(*, rpc: RpcClient, user: User, mail_id: UUID) -> FileResult:
    view = await rpc.call(MailGet(mail_id=mail_id, include_raw=True, actor=user.actor))
    raw = base64.b64decode(view.raw_base64 or "")
    return FileResult(filename=f"{mail_id}.eml", content_type="message/rfc822", content=raw)


# Shown by the browser itself when opened: anything else is only ever downloaded.
VIEWABLE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain"})


async def attachment(*, rpc: RpcClient, user: User, mail_id: UUID, position: int) -> FileResult:
    """An attachment as the sender sent it. Its type is kept only when a browser shows
    such a file harmlessly; HTML, SVG and the rest come as a plain download."""
    found = await rpc.call(MailAttachmentGet(mail_id=mail_id, position=position, actor=user.actor))
    content_type = found.content_type.lower()
    return FileResult(
        filename=found.filename or f"attachment-{position + 1}",
        content_type=content_type if content_type in VIEWABLE else "application/octet-stream",
        content=base64.b64decode(found.content_base64),
    )


async def unmatched(
    *,
    rpc: RpcClient,
    user: User,
    reasons: list[ClassifiedReason] | None = None,
    include_linked: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> UnmatchedMailPage:
    return await rpc.call(
        OrdersUnmatchedMail(
            reasons=reasons or [],
            include_linked=include_linked,
            page=page,
            page_size=page_size,
            actor=user.actor,
        )
    )


async def link(*, rpc: RpcClient, user: User, mail_id: UUID, request_id: int) -> LinkedMail:
    return await rpc.call(OrdersLinkMail(mail_id=mail_id, request_id=request_id, actor=user.actor))


async def ingest_eml(*, rpc: RpcClient, user: User, raw: bytes) -> MailIngested:
    """An uploaded .eml: it goes the way of mail read from the mailbox."""
    if not raw.strip():
        raise ValidationFailed("файл пустой", errors=[{"loc": "file", "type": "empty"}])
    request = MailIngest(raw_base64=base64.b64encode(raw).decode("ascii"), actor=user.actor)
    return await rpc.call(request)


async def ingest_text(
    *, rpc: RpcClient, user: User, text: str, sender: MailAddress, subject: str = ""
) -> MailIngested:
    """Pasted text, as a message from ``sender``."""
    with checked():
        request = MailIngest(text=text, from_=sender, mail_subject=subject, actor=user.actor)
    return await rpc.call(request)
