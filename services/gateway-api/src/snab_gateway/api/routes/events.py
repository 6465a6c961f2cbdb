"""GET /api/v1/events: what changed, as server-sent events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse

from snab_gateway.api.deps import RuntimeDep, current_user
from snab_gateway.api.errors import responses
from snab_gateway.events import CHANGE_TYPES, ChangeFeed, Position, sse_body
from snab_kit.rpc import Unavailable, ValidationFailed

router = APIRouter(tags=["events"], dependencies=[Depends(current_user)])

MAX_STREAMS = 200
"""Open event streams one gateway process serves (each holds four consumers)."""

_open = 0

DESCRIPTION = f"""Server-sent events (``text/event-stream``), one per change:
``event:`` is the change ({", ".join(f"``{t}``" for t in CHANGE_TYPES)}), ``data:`` the
event as published (JSON; its schema is in libs/contracts/schemas), ``id:`` the position
of the stream. The first event, ``ready``, carries the starting position. A client that
reconnects with ``Last-Event-ID`` (browsers do it by themselves) gets every change after
that position, nothing twice; without it the stream starts now. An idle stream sends a
comment line now and then."""


@router.get(
    "/events",
    response_class=StreamingResponse,
    summary="What changed: orders, quotes, requests, documents (SSE)",
    description=DESCRIPTION,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "The event stream (never ends by itself).",
        },
        **responses(401, 422, 503),
    },
)
async def events(
    request: Request,
    rt: RuntimeDep,
    order_id: Annotated[UUID | None, Query(description="Only changes of this order.")] = None,
    last_event_id: Annotated[
        str | None,
        Query(max_length=100, description="Resume after this id (when a header cannot be set)."),
    ] = None,
    last_event_id_header: Annotated[
        str | None,
        Header(alias="Last-Event-ID", max_length=100, description="Resume after this id."),
    ] = None,
) -> StreamingResponse:
    given = last_event_id_header or last_event_id
    since = Position.parse(given) if given else None
    if given and since is None:
        raise ValidationFailed(
            "Last-Event-ID не из этого потока",
            errors=[{"loc": "header.Last-Event-ID", "type": "event_id", "msg": "not an id"}],
        )
    if not room_for_stream():
        raise Unavailable("too many event streams")
    service = rt.service
    try:
        js = service.js
    except Exception:
        raise Unavailable("the gateway is not connected to NATS") from None
    feed = ChangeFeed(js, service.names, since=since, order_id=order_id)
    return StreamingResponse(
        counted(sse_body(feed, heartbeat=rt.settings.events_heartbeat_seconds)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def room_for_stream() -> bool:
    """Whether one more event stream may open (the API's and the web admin's together)."""
    return _open < MAX_STREAMS


async def counted(body: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    global _open
    _open += 1
    try:
        async for chunk in body:
            yield chunk
    finally:
        _open -= 1
