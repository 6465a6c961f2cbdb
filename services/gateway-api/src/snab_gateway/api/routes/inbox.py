"""The inbox: received mail and its parse result, the queues, linking, mail put in by hand."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from fastapi.responses import Response

from snab_contracts.mail import MailAddress
from snab_contracts.rpc.mail import MailIngested
from snab_contracts.rpc.orders import LinkedMail, OrderSlice, UnmatchedMailPage
from snab_gateway.api.deps import CurrentUser, RpcDep, SettingsDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.api.respond import file_response, ok
from snab_gateway.api.schemas import (
    LinkMailBody,
    MailQuery,
    PastedMail,
    SliceQuery,
    UnmatchedQuery,
)
from snab_gateway.desk import inbox, orders
from snab_gateway.desk.models import InboxPage, MailDetail
from snab_kit.rpc import ValidationFailed

router = APIRouter(
    prefix="/inbox",
    tags=["inbox"],
    dependencies=[Depends(current_user)],
    responses=responses(401, 422, 503),
)


@router.get("/mail", response_model=InboxPage, summary="Received mail, newest first")
async def list_mail(
    query: Annotated[MailQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    """Each message with what became of it (``outcome``): an order, a quote, or a place
    among unmatched mail; none while it is still being read (or when it was ignored)."""
    page = await inbox.mail_list(
        rpc=rpc,
        user=user,
        query=query.q,
        source=query.source,
        page=query.page,
        page_size=query.page_size,
    )
    return ok(page)


@router.get(
    "/mail/{mail_id}",
    response_model=MailDetail,
    summary="A received message and its parse result",
    responses=responses(404),
)
async def get_mail(mail_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    """``mail.html`` is the sender's HTML as received: never show it unsanitised."""
    return ok(await inbox.mail(rpc=rpc, user=user, mail_id=mail_id))


@router.get(
    "/mail/{mail_id}/raw",
    response_class=Response,
    summary="The message as received (.eml)",
    responses={
        200: {
            "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The raw message, as an attachment.",
        },
        **responses(404),
    },
)
async def raw_mail(mail_id: UUID, user: CurrentUser, rpc: RpcDep) -> Response:
    return file_response(await inbox.raw_mail(rpc=rpc, user=user, mail_id=mail_id))


@router.get(
    "/mail/{mail_id}/attachments/{position}",
    response_class=Response,
    summary="One attachment of a received message",
    responses={
        200: {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
            "description": "The file, as a download (``position`` counts from 0, in the "
            "order of ``mail.attachments``).",
        },
        **responses(404, 422),
    },
)
async def mail_attachment(
    mail_id: UUID, position: Annotated[int, Path(ge=0, le=999)], user: CurrentUser, rpc: RpcDep
) -> Response:
    return file_response(
        await inbox.attachment(rpc=rpc, user=user, mail_id=mail_id, position=position)
    )


@router.post(
    "/mail/{mail_id}/link",
    response_model=LinkedMail,
    summary="Link an unmatched message to a supplier request",
    responses=responses(404, 409),
)
async def link_mail(mail_id: UUID, body: LinkMailBody, user: CurrentUser, rpc: RpcDep) -> Response:
    """The message's quote (when one was read from it) is stored as the request's answer."""
    linked = await inbox.link(rpc=rpc, user=user, mail_id=mail_id, request_id=body.request_id)
    return ok(linked)


@router.get(
    "/unmatched",
    response_model=UnmatchedMailPage,
    summary="Mail that matched no request and needs a manager",
)
async def unmatched(
    query: Annotated[UnmatchedQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    page = await inbox.unmatched(
        rpc=rpc,
        user=user,
        reasons=query.reason,
        include_linked=query.include_linked,
        page=query.page,
        page_size=query.page_size,
    )
    return ok(page)


@router.get(
    "/needs-review",
    response_model=OrderSlice,
    summary="Orders that need a manager's review",
)
async def needs_review(
    query: Annotated[SliceQuery, Query()], user: CurrentUser, rpc: RpcDep
) -> Response:
    found = await orders.browse(
        rpc=rpc,
        user=user,
        needs_review=True,
        after=query.cursor,
        limit=query.limit,
        with_total=query.with_total,
    )
    return ok(found)


@router.post(
    "/upload",
    response_model=MailIngested,
    status_code=202,
    summary="Upload an .eml: it is read like mail from the mailbox",
    responses=responses(413),
)
async def upload(
    file: Annotated[UploadFile, File(description="The message, as an .eml file.")],
    user: CurrentUser,
    rpc: RpcDep,
    settings: SettingsDep,
) -> Response:
    """Accepted for reading: an order (or a quote) appears once the parser is done — watch
    /api/v1/events or the inbox. The same message uploaded twice is stored once
    (``duplicate``)."""
    raw = await file.read(settings.max_upload_bytes + 1)
    if len(raw) > settings.max_upload_bytes:
        raise ValidationFailed(
            f"файл больше {settings.max_upload_bytes // (1024 * 1024)} МиБ",
            errors=[{"loc": "body.file", "type": "too_large", "msg": "file too large"}],
        )
    return ok(await inbox.ingest_eml(rpc=rpc, user=user, raw=raw), status_code=202)


@router.post(
    "/text",
    response_model=MailIngested,
    status_code=202,
    summary="Paste a request as text: it becomes a message from the given sender",
)
async def paste(body: PastedMail, user: CurrentUser, rpc: RpcDep) -> Response:
    ingested = await inbox.ingest_text(
        rpc=rpc,
        user=user,
        text=body.text,
        sender=MailAddress(email=str(body.from_email), name=body.from_name),
        subject=body.subject,
    )
    return ok(ingested, status_code=202)
