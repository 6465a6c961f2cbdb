"""What each button sends back, each under Telegram's 64 bytes.

Ids travel as 32 hex digits; anything longer (a selection, a search text) stays in an
action row (``snab_notifier.bot.actions``) and the button carries its 10-character token.

The wire format is aiogram's ``CallbackData`` (``prefix:value:value``), written here
without aiogram so that the notifier without a bot token (notifications written to its
log) never loads aiogram's Telegram types: about 3 s of CPU and 110 MB. ``filter()``
gives the bot's routers aiogram's filter for a type, loaded only by the bot.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from aiogram.utils.magic_filter import MagicFilter

    from snab_notifier.bot.filters import Pressed

MAX_BYTES = 64
SEPARATOR = ":"


def _encode(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, UUID):
        return value.hex
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


class Callback(BaseModel):
    """A button's data: ``prefix`` (the class) and the fields in order."""

    model_config = ConfigDict(frozen=True)
    prefix: ClassVar[str]

    def pack(self) -> str:
        parts = [_encode(value) for value in self.model_dump().values()]
        if any(SEPARATOR in part for part in parts):
            raise ValueError(f"{SEPARATOR!r} inside a value of {self!r}")
        packed = SEPARATOR.join([self.prefix, *parts])
        if len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {packed!r}")
        return packed

    @classmethod
    def unpack(cls, data: str) -> Self:
        """Raises ValueError for data of another type (or a pydantic ValidationError,
        itself a ValueError, for values that do not fit)."""
        prefix, *parts = data.split(SEPARATOR)
        names = list(cls.model_fields)
        if prefix != cls.prefix or len(parts) != len(names):
            raise ValueError(f"not {cls.__name__}: {data!r}")
        values: dict[str, Any] = {}
        for name, part in zip(names, parts, strict=True):
            field = cls.model_fields[name]
            if part == "" and not field.is_required() and field.default != "":
                continue  # an optional value left empty: its default
            values[name] = part
        return cls.model_validate(values)

    @classmethod
    def filter(cls, rule: MagicFilter | None = None) -> Pressed:
        """The bot's filter for presses of this type (and ``rule``), as aiogram's
        ``CallbackData.filter``: the handler gets the data as ``callback_data``."""
        from snab_notifier.bot.filters import Pressed  # the bot alone loads aiogram

        return Pressed(cls, rule)


class OrderAct(StrEnum):
    OPEN = "open"
    PICK = "pick"
    COMPARE = "cmp"
    BUILD = "kp"
    SEND = "send"
    WON = "won"
    LOST = "lost"
    CLARIFY = "clr"


class OrderCb(Callback):
    """A button about one order: ``o:pick:<order id>``. ``send`` sends the order's latest
    proposal (after a confirmation naming it)."""

    prefix = "o"
    act: OrderAct
    id: UUID


class EscalateCb(Callback):
    """Ask the suppliers an escalation proposed: ``e:<order id>:<timed-out request>``. The
    pair names the escalation, so the press acts once however often it is made."""

    prefix = "e"
    id: UUID
    req: int


class DocumentCb(Callback):
    """Send the PDF of a document again (``id``: the document)."""

    prefix = "d"
    id: UUID


class ListCb(Callback):
    """A page of the orders list: a filter key, or a search (its text behind ``token``)."""

    prefix = "l"
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


class ActCb(Callback):
    """A step of an action that acts once: ``a:pick:<token>:t:3`` toggles option 3 of a
    supplier pick."""

    prefix = "a"
    kind: str
    token: str
    op: ActionOp
    value: str = ""


class MailCb(Callback):
    """Link an unmatched mail to a request."""

    prefix = "m"
    id: UUID


class SupplierAct(StrEnum):
    LIST = "list"
    OPEN = "open"
    ADD = "add"
    EDIT = "edit"


class SupplierCb(Callback):
    prefix = "s"
    act: SupplierAct
    id: UUID | None = None
    page: int = 1


class FormOp(StrEnum):
    KEEP = "keep"
    CATEGORY = "cat"
    DONE = "done"
    SAVE = "save"
    CANCEL = "x"


class FormCb(Callback):
    """A button of the supplier dialog (acts on the dialog state of the one who presses)."""

    prefix = "f"
    op: FormOp
    value: str = ""


class StatsCb(Callback):
    prefix = "st"
    months_back: int = 0
