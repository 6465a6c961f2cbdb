"""Russian names of the contract's states and reasons, as every face (bot, web admin,
command line) shows them to a manager. One table, so that the faces never disagree."""

from __future__ import annotations

from decimal import Decimal

from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.rpc.orders import ProposalStatus

ORDER_STATUS: dict[OrderStatus, str] = {
    OrderStatus.NEW: "новая",
    OrderStatus.NEEDS_REVIEW: "нужна проверка",
    OrderStatus.RFQ_SENT: "запросы отправлены",
    OrderStatus.QUOTING: "есть ответы",
    OrderStatus.PROPOSAL_READY: "КП готово",
    OrderStatus.PROPOSAL_SENT: "КП отправлено",
    OrderStatus.WON: "выиграна",
    OrderStatus.LOST: "проиграна",
    OrderStatus.CANCELLED: "отменена",
}

REQUEST_STATUS: dict[RequestStatus, str] = {
    RequestStatus.QUEUED: "в очереди",
    RequestStatus.SENT: "отправлен",
    RequestStatus.REMINDED: "напомнили",
    RequestStatus.ANSWERED: "ответил",
    RequestStatus.TIMEOUT: "не ответил",
    RequestStatus.FAILED: "не доставлен",
    RequestStatus.DECLINED: "отказ",
}

PROPOSAL_STATUS: dict[ProposalStatus, str] = {
    ProposalStatus.GENERATING: "формируется",
    ProposalStatus.READY: "готово",
    ProposalStatus.SENDING: "отправляется",
    ProposalStatus.SENT: "отправлено",
    ProposalStatus.FAILED: "ошибка",
    ProposalStatus.SUPERSEDED: "заменено",
}

CLASSIFIED_REASON: dict[str, str] = {
    "auto_reply": "автоответ",
    "bounce": "недоставка",
    "spam": "спам",
    "not_procurement": "не заявка",
    "unparseable": "не удалось прочитать",
    "unmatched_quote": "ответ без запроса",
}


def money(amount: Decimal | None, currency: str = "RUB") -> str:
    """``Decimal("126000.5")`` → ``"126 000,50 ₽"``: spaces between thousands, a comma
    before kopecks, as Russian documents write amounts."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    symbol = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥"}.get(currency, currency)
    return f"{sign}{' '.join(groups)},{cents} {symbol}"


def number(value: Decimal) -> str:
    """A quantity as written in Russian: ``Decimal("2.50")`` → ``"2,5"``."""
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
