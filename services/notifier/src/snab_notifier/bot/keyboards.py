"""Inline keyboards: every button the bot shows, labels from ``snab_notifier.messages``.

Plain values, not aiogram's types: notifications are rendered with them when no bot runs
(``snab_notifier.bot.ui.inline`` turns one into Telegram's markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from snab_contracts.orders import OrderStatus
from snab_contracts.rpc.directory import CategoryView, SupplierPage
from snab_contracts.rpc.orders import OrderDetail, OrderPage, ProposalStatus, SupplierSuggestion
from snab_notifier import messages as m
from snab_notifier.bot.callbacks import (
    ActCb,
    ActionOp,
    Callback,
    DocumentCb,
    EscalateCb,
    FormCb,
    FormOp,
    ListCb,
    MailCb,
    OrderAct,
    OrderCb,
    StatsCb,
    SupplierAct,
    SupplierCb,
)


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str
    """What a press sends back (a packed ``Callback``)."""


@dataclass(frozen=True, slots=True)
class Keyboard:
    rows: tuple[tuple[Button, ...], ...]

    @property
    def buttons(self) -> list[Button]:
        return [b for row in self.rows for b in row]


def keyboard(*rows: Sequence[Button]) -> Keyboard:
    return Keyboard(tuple(tuple(row) for row in rows if row))


def button(text: str, data: Callback) -> Button:
    return Button(text, data.pack())


def order(act: OrderAct, order_id: UUID, text: str) -> Button:
    return button(text, OrderCb(act=act, id=order_id))


def in_rows(buttons: Sequence[Button], width: int) -> list[list[Button]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


# -- notifications -----------------------------------------------------------------------------


def new_order(order_id: UUID, duplicate_of: UUID | None, duplicate_number: str | None) -> Keyboard:
    rows: list[list[Button]] = [
        [order(OrderAct.OPEN, order_id, m.B_OPEN), order(OrderAct.PICK, order_id, m.B_PICK)]
    ]
    if duplicate_of is not None:
        rows.append([order(OrderAct.OPEN, duplicate_of, m.b_dup(duplicate_number or "…"))])
    return keyboard(*rows)


def quotes(order_id: UUID, all_answered: bool) -> Keyboard:
    row = [order(OrderAct.COMPARE, order_id, m.B_COMPARE)]
    if all_answered:
        row.append(order(OrderAct.BUILD, order_id, m.B_BUILD))
    return keyboard(row)


def ask_others(order_id: UUID, compare: bool = False) -> Keyboard:
    row = [order(OrderAct.PICK, order_id, m.B_ASK_OTHERS)]
    if compare:
        row.append(order(OrderAct.COMPARE, order_id, m.B_COMPARE))
    return keyboard(row)


def escalation(order_id: UUID, request_id: int, *, propose: bool) -> Keyboard:
    """«Запросить» asks the proposed suppliers in one press; without a proposal, the pick."""
    if not propose:
        return keyboard([order(OrderAct.PICK, order_id, m.B_ASK_OTHERS)])
    return keyboard(
        [button(m.B_ESCALATE, EscalateCb(id=order_id, req=request_id))],
        [order(OrderAct.COMPARE, order_id, m.B_COMPARE), order(OrderAct.PICK, order_id, m.B_PICK)],
    )


def clarify(token: str) -> Keyboard:
    return keyboard(
        [act("clr", token, ActionOp.CONFIRM, m.B_SEND_CLIENT)],
        [
            act("clr", token, ActionOp.CUSTOM, m.B_EDIT_TEXT),
            act("clr", token, ActionOp.CANCEL, m.B_CANCEL),
        ],
    )


def proposal_ready(order_id: UUID, document_id: UUID | None = None) -> Keyboard:
    """``document_id`` given: the PDF could not be attached, offer to send it later."""
    rows = [
        [
            order(OrderAct.SEND, order_id, m.B_SEND_CLIENT),
            order(OrderAct.BUILD, order_id, m.B_CHANGE_MARKUP),
        ]
    ]
    if document_id is not None:
        rows.append([button(m.B_RESEND_PDF, DocumentCb(id=document_id))])
    return keyboard(*rows)


def rebuild(order_id: UUID) -> Keyboard:
    """A proposal whose PDF could not be made: build it again, or look at the order."""
    return keyboard(
        [
            order(OrderAct.BUILD, order_id, m.B_REBUILD),
            order(OrderAct.OPEN, order_id, m.B_OPEN_ORDER),
        ]
    )


def open_order(order_id: UUID) -> Keyboard:
    return keyboard([order(OrderAct.OPEN, order_id, m.B_OPEN_ORDER)])


def link_mail(mail_id: UUID) -> Keyboard:
    return keyboard([button(m.B_LINK, MailCb(id=mail_id))])


def digest() -> Keyboard:
    return keyboard(
        [
            button(m.B_NEW_ORDERS, ListCb(f="new", page=1)),
            button(m.B_ALL_ORDERS, ListCb(f="all", page=1)),
        ]
    )


# -- orders ------------------------------------------------------------------------------------


def orders_page(page: OrderPage, filter_key: str, token: str = "") -> Keyboard:
    numbered = [order(OrderAct.OPEN, o.order_id, str(i)) for i, o in enumerate(page.items, start=1)]
    rows = in_rows(numbered, 4)
    if not token:
        filters = [
            button(m.b_filter(label, key == filter_key), ListCb(f=key, page=1))
            for key, (label, _) in m.FILTERS.items()
            if key != "all"
        ]
        rows.append(filters)
        if filter_key != "all":
            rows.append([button(m.B_ALL_ORDERS, ListCb(f="all", page=1))])
    pages = []
    if page.page > 1:
        pages.append(button(m.B_BACK, ListCb(f=filter_key, page=page.page - 1, token=token)))
    if page.page * page.page_size < page.total:
        pages.append(button(m.B_NEXT, ListCb(f=filter_key, page=page.page + 1, token=token)))
    rows.append(pages)
    return keyboard(*rows)


def order_card(d: OrderDetail) -> Keyboard:
    o = d.order
    oid = o.order_id
    status = o.status
    rows: list[list[Button]] = []
    if status in (OrderStatus.NEW, OrderStatus.NEEDS_REVIEW):
        rows.append(
            [order(OrderAct.PICK, oid, m.B_PICK), order(OrderAct.CLARIFY, oid, m.B_CLARIFY)]
        )
    if status in (OrderStatus.RFQ_SENT, OrderStatus.QUOTING):
        rows.append(
            [order(OrderAct.COMPARE, oid, m.B_COMPARE), order(OrderAct.PICK, oid, m.B_ASK_OTHERS)]
        )
    if status in (OrderStatus.RFQ_SENT, OrderStatus.QUOTING):
        rows.append([order(OrderAct.CLARIFY, oid, m.B_CLARIFY)])
    if status == OrderStatus.QUOTING:
        rows.append([order(OrderAct.BUILD, oid, m.B_BUILD)])
    live = [p for p in d.proposals if p.status != ProposalStatus.SUPERSEDED]
    if status == OrderStatus.PROPOSAL_READY:
        row = [order(OrderAct.BUILD, oid, m.B_CHANGE_MARKUP)]
        if live:
            row.insert(0, order(OrderAct.SEND, oid, m.B_SEND_CLIENT))
        rows.append(row)
        rows.append([order(OrderAct.COMPARE, oid, m.B_COMPARE)])
    outcome = []
    if status == OrderStatus.PROPOSAL_SENT:
        outcome.append(order(OrderAct.WON, oid, m.B_WON))
    if status in (
        OrderStatus.RFQ_SENT,
        OrderStatus.QUOTING,
        OrderStatus.PROPOSAL_READY,
        OrderStatus.PROPOSAL_SENT,
    ):
        outcome.append(order(OrderAct.LOST, oid, m.B_LOST))
    rows.append(outcome)
    rows.append([order(OrderAct.OPEN, oid, m.B_REFRESH)])
    return keyboard(*rows)


def after_compare(order_id: UUID, can_build: bool) -> Keyboard:
    row = [order(OrderAct.OPEN, order_id, m.B_OPEN_ORDER)]
    if can_build:
        row.insert(0, order(OrderAct.BUILD, order_id, m.B_BUILD))
    return keyboard(row)


# -- actions -----------------------------------------------------------------------------------


def act(kind: str, token: str, op: ActionOp, text: str, value: str = "") -> Button:
    return button(text, ActCb(kind=kind, token=token, op=op, value=value))


def pick(token: str, options: Sequence[SupplierSuggestion], chosen: Sequence[int]) -> Keyboard:
    rows = [
        [
            act(
                "pick",
                token,
                ActionOp.TOGGLE,
                m.b_toggle(option.name, i in chosen, m.pick_note(option)),
                str(i),
            )
        ]
        for i, option in enumerate(options)
    ]
    rows.append(
        [
            act("pick", token, ActionOp.CONFIRM, m.b_send_requests(len(chosen))),
            act("pick", token, ActionOp.CANCEL, m.B_CANCEL),
        ]
    )
    return keyboard(*rows)


def markup(token: str) -> Keyboard:
    k = "kp"
    presets = [act(k, token, ActionOp.MARKUP, m.b_markup(v), str(v)) for v in m.MARKUP_PRESETS]
    return keyboard(
        presets,
        [
            act(k, token, ActionOp.MARKUP, m.B_RULES, "rules"),
            act(k, token, ActionOp.CUSTOM, m.B_CUSTOM),
        ],
        [act(k, token, ActionOp.CANCEL, m.B_CANCEL)],
    )


def confirm(kind: str, token: str, yes: str = m.B_CONFIRM) -> Keyboard:
    return keyboard(
        [
            act(kind, token, ActionOp.CONFIRM, yes),
            act(kind, token, ActionOp.CANCEL, m.B_CANCEL),
        ]
    )


def choices(kind: str, token: str, labels: Sequence[str]) -> Keyboard:
    rows = [[act(kind, token, ActionOp.CHOOSE, label, str(i))] for i, label in enumerate(labels)]
    rows.append([act(kind, token, ActionOp.CANCEL, m.B_CANCEL)])
    return keyboard(*rows)


def unmatched(mail_ids: Sequence[UUID]) -> Keyboard:
    buttons = [button(f"{i}. {m.B_LINK}", MailCb(id=mid)) for i, mid in enumerate(mail_ids, 1)]
    return keyboard(*in_rows(buttons, 1))


# -- suppliers ---------------------------------------------------------------------------------


def suppliers_page(page: SupplierPage) -> Keyboard:
    numbered = [
        button(str(i), SupplierCb(act=SupplierAct.OPEN, id=s.supplier_id, page=page.page))
        for i, s in enumerate(page.items, start=1)
    ]
    rows = in_rows(numbered, 4)
    pages = []
    if page.page > 1:
        pages.append(button(m.B_BACK, SupplierCb(act=SupplierAct.LIST, page=page.page - 1)))
    if page.page * page.page_size < page.total:
        pages.append(button(m.B_NEXT, SupplierCb(act=SupplierAct.LIST, page=page.page + 1)))
    rows.append(pages)
    rows.append([button(m.B_ADD_SUPPLIER, SupplierCb(act=SupplierAct.ADD))])
    return keyboard(*rows)


def add_supplier() -> Keyboard:
    return keyboard([button(m.B_ADD_SUPPLIER, SupplierCb(act=SupplierAct.ADD))])


def supplier_card(supplier_id: UUID, page: int) -> Keyboard:
    return keyboard(
        [
            button(m.B_EDIT, SupplierCb(act=SupplierAct.EDIT, id=supplier_id)),
            button(m.B_BACK, SupplierCb(act=SupplierAct.LIST, page=page)),
        ]
    )


def form(*, keep: bool = False) -> Keyboard:
    row = [button(m.B_CANCEL, FormCb(op=FormOp.CANCEL))]
    if keep:
        row.insert(0, button(m.B_KEEP, FormCb(op=FormOp.KEEP)))
    return keyboard(row)


def categories(options: Sequence[CategoryView], chosen: Sequence[str]) -> Keyboard:
    toggles = [
        button(
            m.category_option(c, str(c.category_id) in chosen),
            FormCb(op=FormOp.CATEGORY, value=str(i)),
        )
        for i, c in enumerate(options)
    ]
    rows = in_rows(toggles, 2)
    rows.append(
        [button(m.B_DONE, FormCb(op=FormOp.DONE)), button(m.B_CANCEL, FormCb(op=FormOp.CANCEL))]
    )
    return keyboard(*rows)


def review() -> Keyboard:
    return keyboard(
        [button(m.B_SAVE, FormCb(op=FormOp.SAVE)), button(m.B_CANCEL, FormCb(op=FormOp.CANCEL))]
    )


def stats() -> Keyboard:
    return keyboard(
        [
            button(m.B_PREVIOUS_MONTH, StatsCb(months_back=1)),
            button(m.B_THIS_MONTH, StatsCb(months_back=0)),
        ]
    )
