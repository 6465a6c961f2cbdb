"""``rpc.mail.ingest`` (a message put in by hand), ``rpc.mail.get`` (a stored message),
``rpc.mail.attachment`` (one of its attachments) and
``rpc.mail.list`` (received messages, newest first)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime

from snab_contracts.mail import MailAddress
from snab_contracts.rpc.mail import (
    AttachmentContent,
    MailAttachmentGet,
    MailGet,
    MailIngest,
    MailIngested,
    MailList,
    MailPage,
    MailView,
)
from snab_kit.errors import NotFoundError, RuleViolation
from snab_kit.service import Service
from snab_mail.services import listing
from snab_mail.services.intake import Intake, Origin
from snab_mail.services.views import MailReader, RawTooLarge
from snab_mail.smtp.compose import ComposeError, compose_pasted

UPLOAD_FOLDER = "upload"


def register(
    service: Service, intake: Intake, reader: MailReader, *, account: str, own: MailAddress
) -> None:
    @service.rpc(MailIngest)
    async def ingest(request: MailIngest) -> MailIngested:
        if request.raw_base64 is not None:
            try:
                raw = base64.b64decode(request.raw_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise RuleViolation("raw_base64: не base64") from exc
        else:
            assert request.text is not None and request.from_ is not None
            try:
                raw = compose_pasted(
                    request.text,
                    sender=request.from_,
                    to=own,
                    subject=request.mail_subject,
                    message_id=f"<upload.{uuid.uuid4().hex[:16]}@{own.email.rpartition('@')[2]}>",
                    date=datetime.now(UTC),
                )
            except ComposeError as exc:
                raise RuleViolation(str(exc)) from exc
        if not raw.strip():
            raise RuleViolation("письмо пустое")
        result = await intake.ingest(
            raw, Origin(source="upload", account=account, folder=UPLOAD_FOLDER)
        )
        return MailIngested(
            mail_id=result.mail_id, duplicate=result.duplicate, message_id=result.message_id
        )

    @service.rpc(MailGet)
    async def get(request: MailGet) -> MailView:
        try:
            view = await reader.view(request.mail_id, include_raw=request.include_raw)
        except RawTooLarge as exc:
            raise RuleViolation(str(exc)) from exc
        if view is None:
            raise NotFoundError("письмо не найдено", mail_id=str(request.mail_id))
        return view

    @service.rpc(MailAttachmentGet)
    async def get_attachment(request: MailAttachmentGet) -> AttachmentContent:
        try:
            found = await reader.attachment(request.mail_id, request.position)
        except RawTooLarge as exc:
            raise RuleViolation(str(exc)) from exc
        if found is None:
            raise NotFoundError(
                "вложение не найдено", mail_id=str(request.mail_id), position=request.position
            )
        return found

    @service.rpc(MailList)
    async def list_mail(request: MailList) -> MailPage:
        async with reader.transaction() as tx:
            return await listing.list_mail(session=tx.session, req=request)
