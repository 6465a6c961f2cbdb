"""What each button sends back: CallbackData factories, each under Telegram's 64 bytes.

Ids travel as 32 hex digits; anything longer (a selection, a search text) stays in an
action row (``snab_notifier.bot.actions``) and the button carries its 10-character token.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from aiogram.filters.callback_data import CallbackData


class OrderAct(StrEnum):
    OPEN = "open"
    PICK = "pick"
    COMPARE = "cmp"
    BUILD = "kp"
    SEND = "send"
    WON = "won"
    LOST = "lost"
    CLARIFY = "clr"


class OrderCb(CallbackData, prefix="o"):
    """A button about one order: ``o:pick:<order id>``. ``send`` sends the order's latest
    proposal (after a confirmation naming it)."""

    act: OrderAct
    id: UUID


class EscalateCb(CallbackData, prefix="e"):
    """Ask the suppliers an escalation proposed: ``e:<order id>:<timed-out request>``. The
    pair names the escalation, so the press acts once however often it is made."""

    id: UUID
    req: int


class DocumentCb(CallbackData, prefix="d"):
    """Send the PDF of a document again (``id``: the document)."""

    id: UUID


class ListCb(CallbackData, prefix="l"):
    """A page of the orders list: a filter key, or a search (its text behind ``token``)."""

    f: str
    page: int
    token: str = ""


class ActionOp(StrEnum):
    TOGGLE = "t"
    CONFIRM = "ok"
    CANCEL = "x"
    MARKUP = "m"
    CUSTOM = "c"
    CHOOSE = "ch"


class ActCb(CallbackData, prefix="a"):
    """A step of an action that acts once: ``a:pick:<token>:t:3`` toggles option 3 of a
    supplier pick."""

    kind: str
    token: str
    op: ActionOp
    value: str = ""


class MailCb(CallbackData, prefix="m"):
    """Link an unmatched mail to a request."""

    id: UUID


class SupplierAct(StrEnum):
    LIST = "list"
    OPEN = "open"
    ADD = "add"
    EDIT = "edit"


class SupplierCb(CallbackData, prefix="s"):
    act: SupplierAct
    id: UUID | None = None
    page: int = 1


class FormOp(StrEnum):
    KEEP = "keep"
    CATEGORY = "cat"
    DONE = "done"
    SAVE = "save"
    CANCEL = "x"


class FormCb(CallbackData, prefix="f"):
    """A button of the supplier dialog (acts on the dialog state of the one who presses)."""

    op: FormOp
    value: str = ""


class StatsCb(CallbackData, prefix="st"):
    months_back: int = 0
