"""The web admin's routes: each loads through the desk layer, renders a template.

Every route needs a session (``SignedIn``) except the login page, its post and the
static files; /admin/users needs an admin. Forms post back here with a CSRF token and
answer with a redirect (post/redirect/get), so a reload never posts twice. A service
that does not answer turns into a polite page (``AdminRoute``), never a stack trace.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode
from uuid import UUID

from fastapi import APIRouter, Form, Header, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.responses import Response

from snab_contracts.mail import MailAddress
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.orders import OrderDetail, OrderItemInput
from snab_contracts.values import Currency, Unit
from snab_gateway.admin import mailhtml, present
from snab_gateway.admin.security import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    AdminRole,
    SignedIn,
    check_csrf,
    new_secret,
    safe_next,
    set_cookie,
)
from snab_gateway.api.deps import Runtime, RuntimeDep, client_address, get_rpc
from snab_gateway.api.errors import STATUS_OF, UNAVAILABLE_MESSAGE
from snab_gateway.api.respond import file_response
from snab_gateway.api.routes import events as api_events
from snab_gateway.auth import sessions
from snab_gateway.auth import users as user_cases
from snab_gateway.auth.errors import AuthError, LoginThrottled
from snab_gateway.auth.rules import LoginLimits, Role
from snab_gateway.desk import (
    analytics,
    clarifications,
    directory,
    inbox,
    orders,
    proposals,
    quotes,
    rates,
)
from snab_gateway.events import Change, ChangeFeed, Position, position_now, sse, sse_body
from snab_kit.errors import DomainError
from snab_kit.logging import get_logger
from snab_kit.rpc import RpcClient, RpcFailure, Unavailable

log = get_logger(__name__)
templates = present.environment()
T = TypeVar("T")

PAGE_SIZE = 50
LIVE_EVENTS = frozenset(
    {
        "quote.received",
        "order.updated",
        "request.failed",
        "request.timeout",
        "request.escalation",
        "document.generated",
        "document.failed",
    }
)
"""Changes after which the open order page reloads its live part."""


class AdminRoute(APIRoute):
    """A failure from a service becomes a page that says so in Russian, with its status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RpcFailure as failure:
                status = STATUS_OF.get(failure.code, 500)
                message = failure.message if status < 500 else UNAVAILABLE_MESSAGE
                if status >= 500:
                    log.warning("admin_page_failed", path=request.url.path, code=failure.code)
                return render(request, "error.html", {"message": message}, status=status)
            except DomainError as exc:
                return render(request, "error.html", {"message": exc.message}, status=422)

        return handle


router = APIRouter(prefix="/admin", route_class=AdminRoute, include_in_schema=False)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    admin = getattr(request.state, "admin", None)
    body = templates.get_template(name).render(
        request=request,
        admin=admin,
        user=admin.user if admin else None,
        csrf=admin.csrf if admin else "",
        path=request.url.path,
        **(context or {}),
    )
    return HTMLResponse(body, status_code=status)


def back(url: str, **message: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in message.items() if v})
    return RedirectResponse(f"{url}?{query}" if query else url, status_code=303)


async def rpc_of(rt: Runtime) -> RpcClient:
    return await get_rpc(rt)


async def optional(call: Awaitable[T]) -> T | RpcFailure:
    """A part of a page that may fail alone (the mail service down: the order still shows)."""
    try:
        return await call
    except RpcFailure as failure:
        return failure


# -- login ----------------------------------------------------------------------------------


@router.get("/login")
async def login_page(request: Request, next: str | None = None, error: str = "") -> Response:
    secret = new_secret()
    page = render(
        request,
        "login.html",
        {"login_csrf": secret, "next": safe_next(next), "error": error},
    )
    set_cookie(page, request, LOGIN_COOKIE, secret, max_age=3600)
    return page


@router.post("/login")
async def login(
    request: Request,
    rt: RuntimeDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    await check_csrf(request, request.cookies.get(LOGIN_COOKIE) or "\x00")
    settings = rt.settings
    async with rt.service.sessions() as session:
        try:
            user = await user_cases.authenticate(
                session=session,
                username=username,
                password=password,
                address=client_address(request),
                limits=LoginLimits(
                    per_account=settings.login_attempts_per_account,
                    per_address=settings.login_attempts_per_address,
                    window=timedelta(seconds=settings.login_window_seconds),
                ),
            )
        except AuthError as exc:
            status = 429 if isinstance(exc, LoginThrottled) else 401
            secret = new_secret()
            page = render(
                request,
                "login.html",
                {
                    "login_csrf": secret,
                    "next": safe_next(next),
                    "error": exc.message,
                    "username": username,
                },
                status=status,
            )
            set_cookie(page, request, LOGIN_COOKIE, secret, max_age=3600)
            return page
        lifetime = timedelta(hours=settings.admin_session_hours)
        secret = await sessions.open_session(
            session=session,
            user=user,
            lifetime=lifetime,
            user_agent=request.headers.get("user-agent"),
            address=client_address(request),
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, secret, max_age=int(lifetime.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/admin")
    log.info("admin_login", username=user.username)
    return response


@router.post("/logout")
async def logout(request: Request, admin: SignedIn, rt: RuntimeDep) -> Response:
    secret = request.cookies.get(SESSION_COOKIE, "")
    async with rt.service.sessions() as session:
        await sessions.close_session(session=session, secret=secret)
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    return response


@router.get("")
@router.get("/")
async def home(admin: SignedIn) -> Response:
    return RedirectResponse("/admin/orders", status_code=303)


# -- orders ---------------------------------------------------------------------------------

COUNTERS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("новые", "new", {"status": "new"}),
    ("на проверке", "needs_review", {"review": "1"}),
    ("есть ответы", "quoting", {"status": "quoting"}),
    ("без ответа", "timeout", {}),
)


@router.get("/orders")
async def orders_page(
    request: Request,
    admin: SignedIn,
    rt: RuntimeDep,
    status: Annotated[list[OrderStatus] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    review: bool = False,
    after: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    rpc = await rpc_of(rt)
    query = (q or "").strip() or None
    listing, counters = await asyncio.gather(
        orders.browse(
            rpc=rpc,
            user=admin.user,
            statuses=status or (),
            query=query,
            needs_review=True if review else None,
            after=after,
            limit=PAGE_SIZE,
            # Counting every match of a word costs more than the page itself on a big
            # desk (100,000 orders: seconds); the total is shown for filters only.
            with_total=after is None and query is None,
        ),
        optional(orders.counters(rpc=rpc, user=admin.user)),
    )
    base = {"q": query or "", "review": "1" if review else ""}
    filters = [("status", s.value) for s in status or ()] + [(k, v) for k, v in base.items() if v]
    next_url = (
        "/admin/orders?" + urlencode([*filters, ("after", listing.next_cursor)])
        if listing.next_cursor
        else None
    )
    context = {
        "listing": listing,
        "counters": None if isinstance(counters, RpcFailure) else counters,
        "statuses": list(OrderStatus),
        "chosen": {s.value for s in status or ()},
        "q": query or "",
        "review": review,
        "after": after,
        "next_url": next_url,
        "first_url": "/admin/orders?" + urlencode(filters) if after else None,
    }
    return render(request, "orders.html", context)


def _latest_quotes(detail: OrderDetail) -> list[Any]:
    """The quotes whose lines can be mapped: each request's latest version (an older
    one is history, and the orders service refuses to map it)."""
    latest: dict[object, Any] = {}
    for found in detail.quotes:
        if not found.lines:
            continue
        key = found.request_id if found.request_id is not None else found.quote_id
        if key not in latest or found.version > latest[key].version:
            latest[key] = found
    return list(latest.values())


def _comparison_matrix(detail: OrderDetail) -> dict[str, Any] | None:
    """Items × suppliers for the template: every supplier that quoted is a column; the
    lines a supplier sent that price no item (unmapped) are listed under the table."""
    if detail.comparison is None:
        return None
    columns: dict[UUID, str] = {}
    for row in detail.comparison.rows:
        for cell in row.cells:
            columns.setdefault(cell.supplier_id, cell.supplier_name)
    for answer in detail.quotes:
        if answer.supplier_id is not None:
            columns.setdefault(answer.supplier_id, answer.supplier_name or "—")
    rows = [
        {"row": row, "cells": {c.supplier_id: c for c in row.cells}}
        for row in detail.comparison.rows
    ]
    unmapped = [(q, line) for q in detail.quotes for line in q.lines if line.item_id is None]
    return {"columns": list(columns.items()), "rows": rows, "unmapped": unmapped}


def _request_timers(detail: OrderDetail, rt: Runtime) -> dict[int, dict[str, datetime | None]]:
    reminder = timedelta(hours=rt.settings.request_reminder_hours)
    timeout = timedelta(hours=rt.settings.request_timeout_hours)
    timers: dict[int, dict[str, datetime | None]] = {}
    for r in detail.requests:
        waiting = r.status.value in ("sent", "reminded") and r.sent_at is not None
        timers[r.request_id] = {
            "reminder": r.sent_at + reminder
            if waiting and r.sent_at and r.status.value == "sent"
            else None,
            "timeout": r.sent_at + timeout if waiting and r.sent_at else None,
        }
    return timers


CLOSED = frozenset({"won", "lost", "cancelled"})
"""Order statuses with nothing left to ask anyone."""


def _clarification_steps(detail: OrderDetail) -> list[dict[str, Any]]:
    """The order's clarifications as the audit tells them, oldest first: a sending one
    that was then sent (or failed) is one step, with the manager who sent it."""
    steps: list[dict[str, Any]] = []
    found = sorted(
        (a for a in detail.audit if a.action in present.CLARIFICATION_STEP), key=lambda a: a.at
    )
    for entry in found:
        step = {"at": entry.at, "actor": entry.actor, "action": entry.action}
        if (
            entry.action in ("clarification.sent", "clarification.failed")
            and steps
            and steps[-1]["action"] == "clarification.send"
        ):
            step["actor"] = steps.pop()["actor"]
        steps.append(step)
    return steps


def _escalation(detail: OrderDetail) -> dict[str, Any] | None:
    """The latest escalation of the order still waiting for a manager: too few answers,
    the suppliers proposed, and no request sent since (then it was acted on)."""
    if detail.order.status.value in CLOSED:
        return None
    found = next((a for a in detail.audit if a.action == "request.escalation"), None)
    if found is None or not found.after or found.after.get("auto_requested"):
        return None
    if any(r.created_at > found.at for r in detail.requests):
        return None
    return {
        "at": found.at,
        "answered": found.after.get("quotes_answered", 0),
        "needed": found.after.get("min_quotes", 0),
        "suppliers": [str(s) for s in found.after.get("suppliers", [])],
    }


async def _order_context(rt: Runtime, admin: Any, order_id: UUID) -> dict[str, Any]:
    rpc = await rpc_of(rt)
    detail, suggestions, suppliers, draft = await asyncio.gather(
        orders.get(rpc=rpc, user=admin.user, order_id=order_id, audit_limit=100),
        optional(orders.suggest_suppliers(rpc=rpc, user=admin.user, order_id=order_id)),
        optional(directory.suppliers(rpc=rpc, user=admin.user, active=True, page_size=200)),
        optional(clarifications.draft(rpc=rpc, user=admin.user, order_id=order_id)),
    )
    mail: Any = None
    outcome: Any = None
    if detail.order.source_mail_id is not None:
        found = await optional(
            inbox.mail(rpc=rpc, user=admin.user, mail_id=detail.order.source_mail_id)
        )
        mail, outcome = (found, None) if isinstance(found, RpcFailure) else (found, found.outcome)
    suggested = (
        {s.supplier_id: s for s in suggestions.suggestions}
        if not isinstance(suggestions, RpcFailure)
        else {}
    )
    current = [p for p in detail.proposals if p.status.value != "superseded"]
    return {
        "detail": detail,
        "order": detail.order,
        "mail": mail,
        "mail_html": mailhtml.sanitize(mail.mail.html)
        if mail is not None and not isinstance(mail, RpcFailure) and mail.mail.html
        else None,
        "outcome": outcome,
        "suggested": suggested,
        "suggestions_failed": isinstance(suggestions, RpcFailure),
        "suppliers": suppliers,
        "matrix": _comparison_matrix(detail),
        "mapping_quotes": _latest_quotes(detail),
        "timers": _request_timers(detail, rt),
        "proposal": current[-1] if current else None,
        "proposals": detail.proposals,
        "units": [u.value for u in Unit],
        "now": datetime.now(UTC),
        "clarification": None
        if isinstance(draft, RpcFailure) or detail.order.status.value in CLOSED
        else draft,
        "clarification_steps": _clarification_steps(detail),
        "escalation": _escalation(detail),
        "vat_rules": sorted(
            {
                c.vat_rule
                for r in detail.comparison.rows
                for c in r.cells
                if c.vat_rule and c.vat_included is None
            }
            if detail.comparison
            else set()
        ),
    }


@router.get("/orders/{order_id}")
async def order_page(
    request: Request, order_id: UUID, admin: SignedIn, rt: RuntimeDep, msg: str = "", err: str = ""
) -> Response:
    # Taken before the order is read: the page's event stream starts here, so a change
    # made while the page is drawn still reaches it (once the stream is open).
    since = await _position(rt)
    context = await _order_context(rt, admin, order_id)
    return render(request, "order.html", {**context, "msg": msg, "err": err, "since": since})


async def _position(rt: Runtime) -> str:
    try:
        return (await position_now(rt.service.js, rt.service.names)).encode()
    except Exception as exc:  # no bus now: the page still shows, its stream starts when opened
        log.warning("admin_position_unavailable", error=type(exc).__name__)
        return ""


@router.get("/orders/{order_id}/live")
async def order_live(request: Request, order_id: UUID, admin: SignedIn, rt: RuntimeDep) -> Response:
    """The parts of the order page that change when a supplier answers (for htmx)."""
    context = await _order_context(rt, admin, order_id)
    return render(request, "order_live.html", context)


@router.get("/orders/{order_id}/events")
async def order_events(
    order_id: UUID,
    admin: SignedIn,
    rt: RuntimeDep,
    since: Annotated[str, Query(max_length=100)] = "",
    last_event_id: Annotated[str, Header(alias="Last-Event-ID", max_length=100)] = "",
) -> Response:
    """The order's changes as server-sent events, for the open page (the session's
    cookie, where the API's stream wants a bearer token). The stream starts where the
    page was drawn (``since``), or after the last event the browser got when it
    reconnects (``Last-Event-ID``): nothing in between is missed."""
    if not api_events.room_for_stream():
        raise Unavailable("too many event streams")
    try:
        js = rt.service.js
    except Exception:
        raise Unavailable("the gateway is not connected to NATS") from None
    feed = ChangeFeed(
        js, rt.service.names, since=Position.parse(last_event_id or since), order_id=order_id
    )

    def frame(change: Change) -> bytes | None:
        """Only what the page shows, and only that it changed: the page reloads its part."""
        if change.type not in LIVE_EVENTS:
            return None
        data = json.dumps({"type": change.type}, separators=(",", ":"))
        return sse(event="change", id=change.id, data=data)

    body = sse_body(feed, heartbeat=rt.settings.events_heartbeat_seconds, frame=frame)
    return StreamingResponse(
        api_events.counted(body),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _items_from_form(form: Any) -> list[OrderItemInput]:
    items: list[OrderItemInput] = []
    ids = form.getlist("item_id")
    names = form.getlist("name")
    quantities = form.getlist("quantity")
    units = form.getlist("unit")
    articles = form.getlist("article")
    for i, name in enumerate(names):
        if not str(name).strip():
            continue
        try:
            quantity = Decimal(str(quantities[i]).replace(",", ".").replace(" ", ""))
        except (InvalidOperation, IndexError):
            raise DomainErrorText(f"позиция {i + 1}: количество должно быть числом") from None
        try:
            items.append(
                OrderItemInput(
                    item_id=UUID(str(ids[i])) if i < len(ids) and ids[i] else None,
                    name=str(name).strip(),
                    quantity=quantity,
                    unit=Unit(units[i]) if i < len(units) else Unit.PCS,
                    article=(str(articles[i]).strip() or None) if i < len(articles) else None,
                )
            )
        except (ValidationError, ValueError):
            raise DomainErrorText(f"позиция {i + 1}: проверьте количество и единицу") from None
    return items


class DomainErrorText(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message)


@router.post("/orders/{order_id}/items")
async def save_items(request: Request, order_id: UUID, admin: SignedIn, rt: RuntimeDep) -> Response:
    form = await request.form()
    url = f"/admin/orders/{order_id}"
    try:
        items = _items_from_form(form)
    except DomainError as exc:
        return back(url, err=exc.message)
    if not items:
        return back(url, err="в заявке должна остаться хотя бы одна позиция")
    rpc = await rpc_of(rt)
    call = orders.replace_items(rpc=rpc, user=admin.user, order_id=order_id, items=items)
    return await _act(url, call, "позиции сохранены")


async def _attempt(url: str, call: Awaitable[T]) -> T | RedirectResponse:
    """The answer of a page's action, or a way back to ``url`` with the refusal (a state,
    a field) as a message on the page. An unavailable service raises: AdminRoute shows
    the polite error page."""
    try:
        return await call
    except RpcFailure as failure:
        if STATUS_OF.get(failure.code, 500) >= 500:
            raise
        return back(url, err=failure.message)


async def _act(url: str, action: Awaitable[Any], done: str) -> Response:
    """Run an action and come back to ``url`` saying ``done``, or why it was refused."""
    answer = await _attempt(url, action)
    return answer if isinstance(answer, RedirectResponse) else back(url, msg=done)


@router.post("/orders/{order_id}/review")
async def resolve_review(order_id: UUID, admin: SignedIn, rt: RuntimeDep) -> Response:
    rpc = await rpc_of(rt)
    call = orders.edit(rpc=rpc, user=admin.user, order_id=order_id, resolve_review=True)
    return await _act(f"/admin/orders/{order_id}", call, "проверка снята")


@router.post("/orders/{order_id}/requests")
async def send_requests(
    request: Request, order_id: UUID, admin: SignedIn, rt: RuntimeDep
) -> Response:
    form = await request.form()
    url = f"/admin/orders/{order_id}"
    try:
        chosen = [UUID(str(v)) for v in form.getlist("supplier_id")]
    except ValueError:
        return back(url, err="неверный поставщик")
    if not chosen:
        return back(url, err="выберите хотя бы одного поставщика")
    message = str(form.get("message") or "").strip() or None
    rpc = await rpc_of(rt)
    call = orders.send_requests(
        rpc=rpc, user=admin.user, order_id=order_id, supplier_ids=chosen, message=message
    )
    n = len(chosen)
    return await _act(
        url, call, f"отправлено {n} {present.plural(n, 'запрос', 'запроса', 'запросов')}"
    )


@router.post("/orders/{order_id}/clarification")
async def send_clarification(
    order_id: UUID,
    admin: SignedIn,
    rt: RuntimeDep,
    text: Annotated[str, Form(max_length=20000)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    url = f"/admin/orders/{order_id}"
    if confirm != "yes":
        return back(url, err="подтвердите отправку уточнения клиенту")
    rpc = await rpc_of(rt)
    call = clarifications.send(
        rpc=rpc, user=admin.user, order_id=order_id, text=text.strip() or None
    )
    return await _act(url, call, "уточнение отправляется клиенту")


@router.post("/orders/{order_id}/escalate")
async def escalate(order_id: UUID, admin: SignedIn, rt: RuntimeDep) -> Response:
    rpc = await rpc_of(rt)
    call = orders.escalate(rpc=rpc, user=admin.user, order_id=order_id)
    return await _act(f"/admin/orders/{order_id}", call, "запросы отправлены ещё поставщикам")


@router.post("/orders/{order_id}/quote-lines/{quote_line_id}")
async def map_quote_line(
    order_id: UUID,
    quote_line_id: UUID,
    admin: SignedIn,
    rt: RuntimeDep,
    item_id: Annotated[str, Form(max_length=40)] = "",
    analogue: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    url = f"/admin/orders/{order_id}"
    try:
        item = UUID(item_id) if item_id else None
    except ValueError:
        return back(url, err="неверная позиция")
    rpc = await rpc_of(rt)
    call = quotes.map_line(
        rpc=rpc,
        user=admin.user,
        quote_line_id=quote_line_id,
        item_id=item,
        analogue=analogue == "yes" if item is not None else None,
    )
    return await _act(url, call, "строка ответа сопоставлена")


@router.post("/orders/{order_id}/proposals")
async def build_proposal(
    order_id: UUID,
    admin: SignedIn,
    rt: RuntimeDep,
    markup: Annotated[str, Form(max_length=20)] = "",
    valid_days: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    url = f"/admin/orders/{order_id}"
    try:
        percent = Decimal(markup.replace(",", ".").strip()) if markup.strip() else None
        days = int(valid_days) if valid_days.strip() else None
    except (InvalidOperation, ValueError):
        return back(url, err="наценка и срок действия должны быть числами")
    rpc = await rpc_of(rt)
    call = proposals.build(
        rpc=rpc, user=admin.user, order_id=order_id, markup_percent=percent, valid_days=days
    )
    return await _act(url, call, "КП сформировано")


@router.get("/orders/{order_id}/proposals/{proposal_id}/pdf")
async def proposal_pdf(
    order_id: UUID, proposal_id: UUID, admin: SignedIn, rt: RuntimeDep
) -> Response:
    rpc = await rpc_of(rt)
    found = await proposals.pdf(
        rpc=rpc, user=admin.user, order_id=order_id, proposal_id=proposal_id
    )
    if found.url:
        return RedirectResponse(found.url, status_code=303)
    filename = quote(found.filename)
    return Response(
        found.content or b"",
        media_type=found.content_type,
        headers={
            "Content-Disposition": f"inline; filename*=UTF-8''{filename}",
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/orders/{order_id}/proposals/{proposal_id}/send")
async def send_proposal(
    order_id: UUID,
    proposal_id: UUID,
    admin: SignedIn,
    rt: RuntimeDep,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    url = f"/admin/orders/{order_id}"
    if confirm != "yes":
        return back(url, err="подтвердите отправку КП клиенту")
    rpc = await rpc_of(rt)
    call = proposals.send(rpc=rpc, user=admin.user, order_id=order_id, proposal_id=proposal_id)
    return await _act(url, call, "КП отправляется клиенту")


@router.post("/orders/{order_id}/outcome")
async def mark_outcome(
    order_id: UUID,
    admin: SignedIn,
    rt: RuntimeDep,
    outcome: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    url = f"/admin/orders/{order_id}"
    if outcome not in ("won", "lost"):
        return back(url, err="выберите итог: выиграна или проиграна")
    rpc = await rpc_of(rt)
    call = orders.mark_outcome(
        rpc=rpc,
        user=admin.user,
        order_id=order_id,
        outcome="won" if outcome == "won" else "lost",
        reason=reason.strip() or None,
    )
    return await _act(url, call, "итог записан")


# -- inbox ----------------------------------------------------------------------------------


@router.get("/inbox")
async def inbox_page(
    request: Request,
    admin: SignedIn,
    rt: RuntimeDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    q: Annotated[str | None, Query(max_length=200)] = None,
    msg: str = "",
    err: str = "",
) -> Response:
    rpc = await rpc_of(rt)
    listing, unmatched, review = await asyncio.gather(
        optional(
            inbox.mail_list(
                rpc=rpc, user=admin.user, query=(q or "").strip() or None, page=page, page_size=30
            )
        ),
        optional(inbox.unmatched(rpc=rpc, user=admin.user, page_size=20)),
        optional(orders.browse(rpc=rpc, user=admin.user, needs_review=True, limit=20)),
    )
    return render(
        request,
        "inbox.html",
        {
            "listing": listing,
            "unmatched": unmatched,
            "review": review,
            "q": q or "",
            "page": page,
            "msg": msg,
            "err": err,
            "failed": RpcFailure,
        },
    )


@router.get("/inbox/{mail_id}")
async def mail_page(request: Request, mail_id: UUID, admin: SignedIn, rt: RuntimeDep) -> Response:
    rpc = await rpc_of(rt)
    found = await inbox.mail(rpc=rpc, user=admin.user, mail_id=mail_id)
    html = mailhtml.sanitize(found.mail.html) if found.mail.html else None
    return render(request, "mail.html", {"found": found, "mail_html": html})


@router.get("/inbox/{mail_id}/attachments/{position}")
async def mail_attachment(
    mail_id: UUID, position: Annotated[int, Path(ge=0, le=999)], admin: SignedIn, rt: RuntimeDep
) -> Response:
    rpc = await rpc_of(rt)
    found = await inbox.attachment(rpc=rpc, user=admin.user, mail_id=mail_id, position=position)
    return file_response(found)


@router.get("/inbox/{mail_id}/raw")
async def raw_mail(mail_id: UUID, admin: SignedIn, rt: RuntimeDep) -> Response:
    rpc = await rpc_of(rt)
    return file_response(await inbox.raw_mail(rpc=rpc, user=admin.user, mail_id=mail_id))


@router.post("/inbox/upload")
async def upload(admin: SignedIn, rt: RuntimeDep, file: UploadFile) -> Response:
    raw = await file.read(rt.settings.max_upload_bytes + 1)
    if len(raw) > rt.settings.max_upload_bytes:
        return back("/admin/inbox", err="файл слишком большой")
    rpc = await rpc_of(rt)
    done = await _attempt("/admin/inbox", inbox.ingest_eml(rpc=rpc, user=admin.user, raw=raw))
    return done if isinstance(done, RedirectResponse) else back(f"/admin/inbox/{done.mail_id}")


@router.post("/inbox/paste")
async def paste(
    admin: SignedIn,
    rt: RuntimeDep,
    text: Annotated[str, Form(max_length=200_000)] = "",
    sender: Annotated[str, Form(max_length=320)] = "",
    subject: Annotated[str, Form(max_length=998)] = "",
) -> Response:
    if not text.strip() or "@" not in sender:
        return back("/admin/inbox", err="вставьте текст письма и адрес отправителя")
    rpc = await rpc_of(rt)
    call = inbox.ingest_text(
        rpc=rpc,
        user=admin.user,
        text=text,
        sender=MailAddress(email=sender.strip()),
        subject=subject.strip(),
    )
    done = await _attempt("/admin/inbox", call)
    return done if isinstance(done, RedirectResponse) else back(f"/admin/inbox/{done.mail_id}")


@router.post("/inbox/{mail_id}/link")
async def link_mail(
    mail_id: UUID,
    admin: SignedIn,
    rt: RuntimeDep,
    request_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    digits = request_id.strip().lstrip("#")
    if not digits.isdigit():
        return back("/admin/inbox", err="укажите номер запроса поставщику (число)")
    rpc = await rpc_of(rt)
    call = inbox.link(rpc=rpc, user=admin.user, mail_id=mail_id, request_id=int(digits))
    return await _act("/admin/inbox", call, "письмо привязано к запросу")


# -- directory, analytics, users ------------------------------------------------------------


@router.get("/suppliers")
async def suppliers_page(
    request: Request,
    admin: SignedIn,
    rt: RuntimeDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    rpc = await rpc_of(rt)
    listing, stats = await asyncio.gather(
        directory.suppliers(
            rpc=rpc, user=admin.user, query=(q or "").strip() or None, page=page, page_size=50
        ),
        optional(analytics.suppliers(rpc=rpc, user=admin.user)),
    )
    medians = (
        {}
        if isinstance(stats, RpcFailure)
        else {s.supplier_id: s.median_response_seconds for s in stats.rows}
    )
    return render(
        request,
        "suppliers.html",
        {"listing": listing, "medians": medians, "q": q or "", "page": page},
    )


@router.get("/clients")
async def clients_page(
    request: Request,
    admin: SignedIn,
    rt: RuntimeDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    rpc = await rpc_of(rt)
    listing = await directory.clients(
        rpc=rpc, user=admin.user, query=(q or "").strip() or None, page=page, page_size=50
    )
    return render(request, "clients.html", {"listing": listing, "q": q or "", "page": page})


@router.get("/analytics")
async def analytics_page(
    request: Request,
    admin: SignedIn,
    rt: RuntimeDep,
    item: Annotated[str | None, Query(max_length=200)] = None,
    msg: str = "",
    err: str = "",
) -> Response:
    rpc = await rpc_of(rt)
    since = date.today() - timedelta(days=365)
    summary, stats = await asyncio.gather(
        analytics.summary(rpc=rpc, user=admin.user, period_from=since),
        analytics.suppliers(rpc=rpc, user=admin.user, period_from=since),
    )
    history = None
    if item and len(item.strip()) >= 2:
        history = await optional(
            analytics.price_history(rpc=rpc, user=admin.user, query=item.strip(), limit=100)
        )
    answered = [s for s in stats.rows if s.response_rate is not None][:12]
    timed = [s for s in stats.rows if s.median_response_seconds is not None][:12]
    charts = {
        "orders": present.column_chart(
            [(p.period_start.strftime("%m.%Y"), float(p.orders)) for p in summary.periods[-12:]],
            title="Заявки по месяцам",
        ),
        "rates": present.bar_chart(
            [(s.name, s.response_rate or 0, present.share(s.response_rate)) for s in answered],
            title="Доля ответов поставщиков",
        ),
        "medians": present.bar_chart(
            [
                (
                    s.name,
                    float(s.median_response_seconds or 0),
                    present.duration(s.median_response_seconds),
                )
                for s in timed
            ],
            title="Медиана времени ответа",
        ),
        "history": present.bar_chart(
            [
                (
                    f"{present.moscow(p.at, False)} {p.supplier_name or ''}",
                    float(p.unit_price.amount),
                    present.money(p.unit_price.amount, p.unit_price.currency),
                )
                for p in history.points[:20]
            ],
            title="История цен",
        )
        if history is not None and not isinstance(history, RpcFailure)
        else None,
    }
    return render(
        request,
        "analytics.html",
        {
            "summary": summary,
            "stats": stats,
            "charts": charts,
            "item": item or "",
            "history": history,
            "msg": msg,
            "err": err,
            "rate_currencies": RATE_CURRENCIES,
            "today": date.today(),
        },
    )


RATE_CURRENCIES: tuple[Currency, ...] = ("USD", "EUR", "CNY")


@router.post("/rates")
async def set_rate(
    admin: AdminRole,
    rt: RuntimeDep,
    currency: Annotated[str, Form(max_length=3)] = "",
    on_date: Annotated[str, Form(max_length=10)] = "",
    rate: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """A manual rate for a currency and a date (admins): it wins over the CBR's."""
    url = "/admin/analytics"
    chosen = next((c for c in RATE_CURRENCIES if c == currency), None)
    if chosen is None:
        return back(url, err="выберите валюту")
    try:
        day = date.fromisoformat(on_date)
        value = Decimal(rate.replace(",", ".").replace(" ", ""))
    except (ValueError, InvalidOperation):
        return back(url, err="курс — число рублей за единицу, дата — день")
    if not value.is_finite() or value <= 0:
        return back(url, err="курс должен быть больше нуля")
    rpc = await rpc_of(rt)
    call = rates.set_rate(rpc=rpc, user=admin.user, currency=chosen, on_date=day, rate=value)
    return await _act(url, call, f"курс {chosen} на {present.day(day)} сохранён")


@router.post("/rates/refresh")
async def refresh_rates(admin: AdminRole, rt: RuntimeDep) -> Response:
    """The CBR's daily rates fetched now (admins)."""
    rpc = await rpc_of(rt)
    result = await rates.refresh(rpc=rpc, user=admin.user)
    if not result.ok:
        return back("/admin/analytics", err=f"курсы ЦБ не получены: {result.error or 'нет ответа'}")
    n = result.currencies
    return back(
        "/admin/analytics",
        msg=f"курсы ЦБ на {present.day(result.on_date)}: "
        f"{n} {present.plural(n, 'валюта', 'валюты', 'валют')}",
    )


@router.get("/users")
async def users_page(
    request: Request, admin: AdminRole, rt: RuntimeDep, msg: str = "", err: str = ""
) -> Response:
    async with rt.service.sessions() as session:
        listed = await user_cases.list_users(session=session)
    return render(request, "users.html", {"users": listed, "msg": msg, "err": err})


@router.post("/users")
async def create_user(
    admin: AdminRole,
    rt: RuntimeDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "manager",
) -> Response:
    try:
        async with rt.service.sessions() as session:
            await user_cases.create_user(
                session=session,
                username=username,
                password=password,
                role=Role.ADMIN if role == "admin" else Role.MANAGER,
                full_name=full_name,
                created_by=admin.user.actor,
            )
    except DomainError as exc:
        return back("/admin/users", err=exc.message)
    return back("/admin/users", msg=f"пользователь {username} создан")
