"""Reading a stored inbound message back (``rpc.mail.get``) and its attachments
(``rpc.mail.attachment``)."""

from __future__ import annotations

import asyncio
import base64
import uuid

from sqlalchemy import select

from snab_contracts.mail import AttachmentRef, MailAddress, MailFlags, ThreadInfo
from snab_contracts.rpc.mail import AttachmentContent, MailView
from snab_kit.storage import ObjectStorage
from snab_mail.db.tables import inbound_attachments, inbound_messages
from snab_mail.services.intake import Transaction, parse_timed
from snab_mailparse import Limits

# A reply on NATS must stay well under the server's max_payload (base64 adds a third).
MAX_RAW_BYTES = 4 * 1024 * 1024
MAX_HTML_CHARS = 512 * 1024


class RawTooLarge(Exception):
    pass


class MailReader:
    def __init__(
        self, *, transaction: Transaction, storage: ObjectStorage, limits: Limits, text_chars: int
    ) -> None:
        self.transaction = transaction
        self.storage = storage
        self.limits = limits
        self.text_chars = text_chars

    async def view(self, mail_id: uuid.UUID, *, include_raw: bool = False) -> MailView | None:
        async with self.transaction() as tx:
            row = (
                await tx.session.execute(
                    select(inbound_messages).where(inbound_messages.c.id == mail_id)
                )
            ).first()
            if row is None:
                return None
            attachments = (
                await tx.session.execute(
                    select(inbound_attachments)
                    .where(inbound_attachments.c.mail_id == mail_id)
                    .order_by(inbound_attachments.c.position)
                )
            ).all()
        if include_raw and row.size > MAX_RAW_BYTES:
            raise RawTooLarge(f"the raw message has {row.size} bytes; read {row.raw_key} instead")
        raw = await self.storage.get(row.raw_key)
        parsed, _ = await asyncio.to_thread(parse_timed, raw, self.limits)
        return MailView(
            mail_id=row.id,
            received_at=row.received_at,
            message_id=row.message_id,
            from_=MailAddress.model_validate(row.from_addr) if row.from_addr else None,
            to=[MailAddress.model_validate(a) for a in row.to_addrs],
            cc=[MailAddress.model_validate(a) for a in row.cc_addrs],
            mail_subject=row.subject,
            date=row.sent_date,
            text=parsed.text[: self.text_chars],
            html=parsed.html[:MAX_HTML_CHARS] if parsed.html is not None else None,
            attachments=[
                AttachmentRef(
                    filename=a.filename,
                    content_type=a.content_type,
                    size=a.size,
                    sha256=a.sha256,
                    storage_key=a.storage_key,
                )
                for a in attachments
            ],
            thread=ThreadInfo.model_validate(row.thread),
            flags=MailFlags.model_validate(row.flags),
            raw_base64=base64.b64encode(raw).decode("ascii") if include_raw else None,
        )

    async def attachment(self, mail_id: uuid.UUID, position: int) -> AttachmentContent | None:
        """The ``position``-th attachment of a message; None when there is no such one."""
        async with self.transaction() as tx:
            row = (
                await tx.session.execute(
                    select(inbound_attachments).where(
                        inbound_attachments.c.mail_id == mail_id,
                        inbound_attachments.c.position == position,
                    )
                )
            ).first()
        if row is None:
            return None
        if row.size > MAX_RAW_BYTES:
            raise RawTooLarge(
                f"the attachment has {row.size} bytes, more than {MAX_RAW_BYTES} can be sent "
                "here: download the whole message (.eml) instead"
            )
        content = await self.storage.get(row.storage_key)
        return AttachmentContent(
            filename=row.filename,
            content_type=row.content_type,
            size=len(content),
            content_base64=base64.b64encode(content).decode("ascii"),
        )
