"""``snab``: the procurement desk from a terminal.

Every command is an rpc call to the running system (the same calls the bot and the web
admin make); under ``make run`` the command finds the embedded servers by itself.

    snab ingest FILE.eml …                     put emails into intake (no IMAP needed)
    snab orders list [--status S] [--find T]   orders, newest first
    snab orders show ORD-2026-0001             items, requests, quotes, comparison, КП
    snab suppliers list [--find T]
    snab suppliers add "ООО Метиз" sales@metiz.example [--inn …] [--phone …]
    snab send-requests ORD-2026-0001 SUPPLIER…  RFQs by email (supplier: id, email or name)
    snab proposal build ORD-2026-0001 [--markup 15]
    snab proposal send ORD-2026-0001|KP-2026-0001-1 [--to client@example]

``--json`` prints the rpc result as JSON instead of a table.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from nats.aio.client import Client

from snab_cli import render
from snab_contracts.base import Contract
from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate, SuppliersList, SupplierView
from snab_contracts.rpc.orders import (
    OrderDetail,
    OrdersBuildProposal,
    OrdersGet,
    OrdersList,
    OrdersSendProposal,
    OrdersSendRequests,
    ProposalStatus,
)
from snab_kit.access import inbox_prefix
from snab_kit.bus import BusNames, connect_once
from snab_kit.rpc import RpcClient, RpcFailure
from snab_kit.settings import ServiceSettings, use_local_run

Command = Callable[[RpcClient, argparse.Namespace], Awaitable[Contract | str]]


class UsageError(Exception):
    """The command line names something that does not exist or is ambiguous."""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "ingest":
        from snab_mail.cli import main as mail_main  # writes to the mail schema itself

        mail_main(args)
        return
    parsed = _parser().parse_args(args)
    sys.exit(asyncio.run(_run(parsed)))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snab",
        description="Стол снабжения из терминала: заявки, поставщики, запросы и КП.",
    )
    parser.add_argument("--json", action="store_true", help="вывести результат как JSON")
    parser.add_argument("--timeout", type=float, default=15.0, help="секунд ждать ответа")
    top = parser.add_subparsers(dest="area", required=True, metavar="КОМАНДА")
    top.add_parser("ingest", help="положить письма .eml во входящие: snab ingest FILE.eml …")

    orders = top.add_parser("orders", help="заявки").add_subparsers(dest="action", required=True)
    listing = orders.add_parser("list", help="список заявок, новые сверху")
    listing.add_argument("--status", action="append", choices=[s.value for s in OrderStatus])
    listing.add_argument("--find", help="номер, клиент, тема или позиция")
    listing.add_argument("--page", type=int, default=1)
    listing.set_defaults(run=_orders_list)
    show = orders.add_parser("show", help="одна заявка целиком")
    show.add_argument("order", help="ORD-2026-0001, 2026-0001, 1 (этого года) или id")
    show.set_defaults(run=_orders_show)

    suppliers = top.add_parser("suppliers", help="поставщики").add_subparsers(
        dest="action", required=True
    )
    s_list = suppliers.add_parser("list", help="список поставщиков")
    s_list.add_argument("--find", help="название, почта или ИНН")
    s_list.add_argument("--page", type=int, default=1)
    s_list.set_defaults(run=_suppliers_list)
    s_add = suppliers.add_parser("add", help="новый поставщик")
    s_add.add_argument("company", help="название, например «ООО Метиз»")
    s_add.add_argument("emails", nargs="+", metavar="EMAIL")
    s_add.add_argument("--inn")
    s_add.add_argument("--phone")
    s_add.add_argument("--contact", help="контактное лицо")
    s_add.set_defaults(run=_suppliers_add)

    send = top.add_parser("send-requests", help="разослать запросы цен поставщикам")
    send.add_argument("order")
    send.add_argument("suppliers", nargs="+", metavar="SUPPLIER", help="id, почта или название")
    send.add_argument("--message", help="добавить к письму")
    send.set_defaults(run=_send_requests)

    proposal = top.add_parser("proposal", help="коммерческое предложение").add_subparsers(
        dest="action", required=True
    )
    build = proposal.add_parser("build", help="собрать КП из лучших цен")
    build.add_argument("order")
    build.add_argument("--markup", type=_percent, help="наценка, %% (иначе по правилам)")
    build.add_argument("--valid-days", type=int)
    build.add_argument("--payment-terms")
    build.set_defaults(run=_proposal_build)
    p_send = proposal.add_parser("send", help="отправить КП клиенту")
    p_send.add_argument("target", help="заявка (последнее КП) или номер КП")
    p_send.add_argument("--to", action="append", help="адрес (иначе контакт заявки)")
    p_send.set_defaults(run=_proposal_send)
    return parser


async def _run(args: argparse.Namespace) -> int:
    use_local_run()  # under `make run`: its embedded NATS
    settings = ServiceSettings()
    try:
        nc = await connect_once(settings.nats_servers, inbox=inbox_prefix("desk"))
    except Exception:
        print(
            f"snab: нет связи с NATS ({settings.nats_url}). Запущена ли система (make run)?",
            file=sys.stderr,
        )
        return 2
    rpc = RpcClient(nc, BusNames(settings.bus_namespace), timeout=args.timeout)
    try:
        result = await args.run(rpc, args)
    except RpcFailure as failure:
        print(f"snab: {failure.message}", file=sys.stderr)
        return 1
    except UsageError as error:
        print(f"snab: {error}", file=sys.stderr)
        return 2
    finally:
        await _close(nc)
    if isinstance(result, str):
        print(result)
    elif args.json:
        print(result.model_dump_json(indent=2))
    else:
        print(_as_text(result))
    return 0


async def _close(nc: Client) -> None:
    try:
        await nc.drain()
    except Exception:  # already closed: nothing to flush
        await nc.close()


def _as_text(result: Contract) -> str:
    from snab_contracts.rpc.directory import SupplierPage
    from snab_contracts.rpc.orders import OrderPage, ProposalView, SentRequests

    if isinstance(result, OrderPage):
        return render.orders_page(result)
    if isinstance(result, OrderDetail):
        return render.order_detail(result)
    if isinstance(result, SupplierPage):
        return render.suppliers_page(result)
    if isinstance(result, SupplierView):
        return f"Добавлен: {result.company} <{', '.join(result.emails)}> (id {result.supplier_id})"
    if isinstance(result, SentRequests):
        return render.sent_requests(result)
    if isinstance(result, ProposalView):
        return render.proposal_summary(result)
    return result.model_dump_json(indent=2)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:100]
    except Exception:
        return "cli:unknown"


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ".").rstrip("%"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"не число: {text}") from None
    return value


# -- references: what a person types → what the rpc wants ---------------------------------

_ORDER_NUMBER = re.compile(r"(?:ORD-)?(?:(\d{4})-)?(\d{1,6})", re.IGNORECASE)


def order_reference(text: str, *, today: datetime | None = None) -> OrdersGet:
    """``ORD-2026-0042``, ``2026-42``, ``42`` (this year) or an order id."""
    text = text.strip()
    try:
        return OrdersGet(order_id=UUID(text))
    except ValueError:
        pass
    match = _ORDER_NUMBER.fullmatch(text)
    if match is None:
        raise UsageError(f"не понимаю номер заявки {text!r}: напишите ORD-2026-0001")
    year = int(match[1]) if match[1] else (today or datetime.now(UTC)).year
    return OrdersGet(number=f"ORD-{year}-{int(match[2]):04d}", audit_limit=0)


async def _order(rpc: RpcClient, text: str) -> OrderDetail:
    return await rpc.call(order_reference(text))


async def _supplier(rpc: RpcClient, text: str) -> SupplierView:
    """A supplier by id, by one of its emails, or by a name that only one supplier has."""
    try:
        wanted_id: UUID | None = UUID(text)
    except ValueError:
        wanted_id = None
    page = await rpc.call(SuppliersList(query=None if wanted_id else text, page_size=50))
    if wanted_id is not None:
        from snab_contracts.rpc.directory import SuppliersGet

        return await rpc.call(SuppliersGet(supplier_id=wanted_id))
    lowered = text.strip().lower()
    exact = [
        s
        for s in page.items
        if lowered in (e.lower() for e in s.emails) or s.company.lower() == lowered
    ]
    found = exact or page.items
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(f"поставщик {text!r} не найден (snab suppliers list)")
    names = "; ".join(f"{s.company} <{', '.join(s.emails)}>" for s in found[:5])
    raise UsageError(f"под {text!r} подходят несколько поставщиков: {names}. Уточните почтой.")


# -- commands --------------------------------------------------------------------------------


async def _orders_list(rpc: RpcClient, args: argparse.Namespace) -> Contract:
    return await rpc.call(
        OrdersList(
            statuses=[OrderStatus(s) for s in args.status or []],
            query=args.find,
            page=args.page,
            page_size=20,
            actor=_actor(),
        )
    )


async def _orders_show(rpc: RpcClient, args: argparse.Namespace) -> Contract:
    return await _order(rpc, args.order)


async def _suppliers_list(rpc: RpcClient, args: argparse.Namespace) -> Contract:
    return await rpc.call(SuppliersList(query=args.find, page=args.page, page_size=50))


async def _suppliers_add(rpc: RpcClient, args: argparse.Namespace) -> Contract:
    try:
        supplier = SupplierInput(
            company=args.company,
            emails=args.emails,
            inn=args.inn,
            phone=args.phone,
            contact_name=args.contact,
        )
    except ValueError as exc:
        raise UsageError(_first_error(exc)) from None
    return await rpc.call(SuppliersCreate(supplier=supplier, actor=_actor()))


async def _send_requests(rpc: RpcClient, args: argparse.Namespace) -> Contract:
    order = await _order(rpc, args.order)
    chosen = [await _supplier(rpc, text) for text in args.suppliers]
    return await rpc.call(
        OrdersSendRequests(
            order_id=order.order.order_id,
            supplier_ids=list(dict.fromkeys(s.supplier_id for s in chosen)),
            message=args.message,
            actor=_actor(),
        )
    )


async def _proposal_build(rpc: RpcClient, args: argparse.Namespace) -> Contract:
    order = await _order(rpc, args.order)
    return await rpc.call(
        OrdersBuildProposal(
            order_id=order.order.order_id,
            markup_percent=args.markup,
            valid_days=args.valid_days,
            payment_terms=args.payment_terms,
            actor=_actor(),
        )
    )


async def _proposal_send(rpc: RpcClient, args: argparse.Namespace) -> Contract | str:
    target: str = args.target.strip()
    kp = re.fullmatch(r"KP-(\d{4})-(\d{4,})-\d+", target, re.IGNORECASE)
    order = await _order(rpc, f"ORD-{kp[1]}-{kp[2]}" if kp else target)
    live = [p for p in order.proposals if p.status != ProposalStatus.SUPERSEDED]
    if kp:
        live = [p for p in order.proposals if p.number.upper() == target.upper()]
    if not live:
        raise UsageError(f"у заявки {order.order.number} нет КП: snab proposal build")
    proposal = max(live, key=lambda p: p.created_at)
    sent = await rpc.call(
        OrdersSendProposal(proposal_id=proposal.proposal_id, to=args.to, actor=_actor())
    )
    return render.proposal_summary(sent) + "\nПисьмо с КП поставлено в отправку."


def _first_error(exc: Exception) -> str:
    errors: list[dict[str, Any]] = getattr(exc, "errors", lambda: [])()
    if errors:
        where = ".".join(str(part) for part in errors[0].get("loc", ()))
        return f"{where}: {errors[0].get('msg', exc)}"
    return str(exc)


if __name__ == "__main__":
    main()
