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

REVIEW_REASON: dict[str, str] = {
    "items_from_free_text": "позиции найдены в свободном тексте",
    "item_without_quantity": "у позиции нет количества",
    "quantity_missing": "нет количества",
    "no_contact": "нет контактов клиента",
    "inn_invalid": "неверный ИНН",
    "low_confidence": "письмо прочитано неуверенно",
    "unparseable": "письмо не удалось прочитать",
    "extractor_error": "ошибка при чтении письма",
    "too_expensive_to_parse": "письмо слишком тяжёлое для разбора",
    "thread_reply_read_as_request": "ответ в переписке прочитан как заявка",
    "unlinked_quote": "ответ не связан с запросом",
    "line_without_quantity": "строка без количества",
    "no_prices": "в ответе нет цен",
    "total_mismatch": "итог не сходится с суммой строк",
    "currency_assumed": "валюта не указана: взяты рубли",
    "bidi_controls_removed": "в тексте были управляющие символы направления",
    "control_characters_removed": "в тексте были управляющие символы",
    "quantity_out_of_range": "невероятное количество",
    "unit_price_out_of_range": "невероятная цена",
    "line_total_out_of_range": "невероятная сумма строки",
    "total_out_of_range": "невероятный итог",
}
"""The parser's review reasons (``code`` or ``code: subject``), for a manager."""

EXTRACTOR: dict[str, str] = {"rules": "по правилам", "llm": "языковой моделью"}


def review_reason(text: str) -> str:
    """``"quantity_missing: Болт М8"`` → ``"нет количества: Болт М8"``; a reason written in
    Russian already (by orders) or unknown is shown as it is."""
    code, sep, subject = text.partition(": ")
    label = REVIEW_REASON.get(code.strip())
    if label is None:
        return text
    return f"{label}{sep}{subject}"


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
