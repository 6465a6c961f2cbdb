"""Everything the bot says, in Russian: notifications, cards, lists, dialogs, errors.

Texts are Telegram HTML. Anything that comes from outside (a client's or a supplier's
email, a company name, an error from a mail server) goes through ``q`` (HTML-escaped) and
is cut to a length that reads on a phone; nothing in it is ever followed as an
instruction. Button labels are short (a phone shows about 20 characters of a button in
a row of two).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from snab_contracts.labels import ORDER_STATUS, PROPOSAL_STATUS, REQUEST_STATUS, money, number
from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.rpc.analytics import SummaryReport, SupplierStatsReport
from snab_contracts.rpc.clarifications import ClarificationView
from snab_contracts.rpc.directory import CategoryView, SupplierPage, SupplierView
from snab_contracts.rpc.orders import (
    ComparisonView,
    LinkedMail,
    OrderDetail,
    OrderPage,
    OrderSummary,
    ProposalStatus,
    ProposalView,
    SentRequests,
    SupplierRequestView,
    SupplierSuggestion,
    UnmatchedMail,
)
from snab_notifier.domain.notices import (
    DigestNotice,
    EscalationNotice,
    Kind,
    MailFailedNotice,
    OrderNotice,
    ProposalFailedNotice,
    ProposalNotice,
    QuoteLine,
    QuotesNotice,
    RequestNotice,
    UnmatchedNotice,
)

MOSCOW = ZoneInfo("Europe/Moscow")
TEXT_LIMIT = 4000  # Telegram's limit is 4096 characters after entities are parsed
CAPTION_LIMIT = 1000  # 1024 for a document's caption
ITEMS_IN_NOTICE = 3
ITEMS_IN_CARD = 15
ROWS_IN_COMPARISON = 12
NAME_CHARS = 48


# -- helpers -----------------------------------------------------------------------------------


def q(value: object) -> str:
    """Untrusted text, escaped for Telegram HTML, control characters dropped."""
    text = "".join(ch for ch in str(value) if ch >= " " or ch in "\n\t")
    return html.escape(text, quote=False)


def cut(value: str | None, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut; one line."""
    text = " ".join((value or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def when(moment: datetime | None) -> str:
    return moment.astimezone(MOSCOW).strftime("%d.%m %H:%M") if moment else "—"


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def plural(n: int, one: str, few: str, many: str) -> str:
    """``plural(3, "позиция", "позиции", "позиций")`` → ``"3 позиции"``."""
    tail = n % 100
    if 11 <= tail <= 14:
        word = many
    elif n % 10 == 1:
        word = one
    elif 2 <= n % 10 <= 4:
        word = few
    else:
        word = many
    return f"{n} {word}"


def percent(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    return f"{number(Decimal(str(value)).quantize(Decimal('0.1')))} %"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes = seconds // 60
    if minutes < 60:
        return f"{max(minutes, 1)} мин"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} ч {minutes} мин" if minutes else f"{hours} ч"
    days, hours = divmod(hours, 24)
    return f"{days} д {hours} ч" if hours else f"{days} д"


def fit(lines: Iterable[str], limit: int = TEXT_LIMIT, more: str = "…") -> str:
    """Lines joined up to ``limit`` characters; what does not fit is replaced by ``more``."""
    out: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit - len(more) - 1:
            out.append(more)
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def status(value: OrderStatus | str) -> str:
    return ORDER_STATUS[OrderStatus(value)]


def quantity(value: Decimal, unit: str) -> str:
    return f"{number(value)} {unit}"


_STATUS_WORD = re.compile(r"\b(" + "|".join(s.value for s in OrderStatus) + r")\b")


def failure(code: str, message: str) -> str:
    """What a manager reads when an action failed (the orders service writes its rules'
    messages in Russian already; status names are shown as the desk calls them)."""
    text = _STATUS_WORD.sub(lambda match: f"«{status(match[1])}»", message.strip())
    if code == "unavailable":
        return "Система заявок сейчас не отвечает. Попробуйте через минуту."
    if code == "internal" or not text:
        return "На сервере ошибка, действие не выполнено. Попробуйте ещё раз."
    if code == "not_found":
        return f"Не найдено: {text}"
    return f"Не получилось: {text}"


# -- common ------------------------------------------------------------------------------------

REFUSAL = (
    "Этот бот — рабочее место отдела снабжения, доступ только у сотрудников.\n"
    "Ваш Telegram ID: <code>{user_id}</code>. Если вы из отдела, передайте его "
    "администратору."
)
REFUSAL_SHORT = "Нет доступа: бот только для сотрудников отдела снабжения."
WORKING = "Выполняю…"
DONE_ALREADY = "Уже сделано."
RUNNING_ALREADY = "Уже выполняется, подождите."
EXPIRED = "Эта кнопка устарела. Откройте заявку заново: /orders"
CANCELLED = "Отменено."
NOTHING_TO_CANCEL = "Отменять нечего."
UNKNOWN_TEXT = (
    "Не понял. Пришлите номер заявки (ORD-2026-0042) или текст для поиска, или откройте /help."
)

HELP = """<b>Снабжение — что умеет бот</b>

Уведомления приходят сами: новые заявки, ответы поставщиков, просрочки, готовые КП, ошибки почты.

<b>Заявки</b>
/orders — список, с фильтрами
/order ORD-2026-0042 — карточка заявки
/find болт М8 — поиск по номеру, клиенту, позициям
/pick ORD-… — выбрать поставщиков и разослать запросы
/compare ORD-… — сравнить ответы
/clarify ORD-… — уточнить у клиента, чего не хватает в заявке
/kp ORD-… — собрать КП (наценка на выбор)
/send ORD-… — отправить КП клиенту
/won ORD-… и /lost ORD-… — итог сделки

<b>Почта и поставщики</b>
/unmatched — письма без запроса (привязать)
/suppliers — поставщики, добавить и изменить
/stats — статистика за месяц
/cancel — прервать диалог

Номер заявки можно прислать и просто так: <code>ORD-2026-0042</code> или <code>42</code>."""

START = "Здравствуйте, {name}! Сюда будут приходить события отдела снабжения.\n\n" + HELP

COMMANDS: tuple[tuple[str, str], ...] = (
    ("orders", "Заявки"),
    ("find", "Поиск заявки"),
    ("order", "Карточка заявки: /order ORD-…"),
    ("unmatched", "Письма без запроса"),
    ("suppliers", "Поставщики"),
    ("stats", "Статистика"),
    ("help", "Что умеет бот"),
    ("cancel", "Прервать диалог"),
)

NEED_ORDER = "Укажите заявку: <code>/{command} ORD-2026-0042</code> (или просто номер, 42)."
BAD_ORDER = "Не понимаю номер заявки «{text}». Пример: ORD-2026-0042 или 42."
FIND_WHAT = "Что найти? Например: <code>/find болт М8</code> или <code>/find Ромашка</code>."


# -- buttons -----------------------------------------------------------------------------------

B_OPEN = "Открыть"
B_OPEN_ORDER = "Открыть заявку"
B_PICK = "Выбрать поставщиков"
B_ASK_OTHERS = "Спросить других"
B_COMPARE = "Сравнить"
B_BUILD = "Собрать КП"
B_REBUILD = "Собрать заново"
B_SEND_CLIENT = "Отправить клиенту"
B_CHANGE_MARKUP = "Изменить наценку"
B_LINK = "Привязать к запросу"
B_WON = "Выиграна"
B_LOST = "Проиграна"
B_REFRESH = "Обновить"
B_CANCEL = "Отмена"
B_ESCALATE = "Запросить"
B_CLARIFY = "Уточнить"
B_EDIT_TEXT = "Изменить текст"
B_CONFIRM_SEND = "Да, отправить"
B_CONFIRM = "Да"
B_BACK = "‹ Назад"
B_NEXT = "Вперёд ›"
B_RULES = "По правилам"
B_CUSTOM = "Другая…"
B_NEW_ORDERS = "Новые заявки"
B_ALL_ORDERS = "Все заявки"
B_ADD_SUPPLIER = "Добавить поставщика"
B_EDIT = "Изменить"
B_SKIP = "Пропустить"
B_KEEP = "Оставить как есть"
B_DONE = "Готово"
B_SAVE = "Сохранить"
B_RESEND_PDF = "Прислать PDF"
B_PREVIOUS_MONTH = "Прошлый месяц"
B_THIS_MONTH = "Этот месяц"


def b_send_requests(count: int) -> str:
    return f"Отправить ({count})" if count else "Отправить"


def b_markup(value: int) -> str:
    return f"{value} %"


def b_dup(number_: str) -> str:
    return f"Похожая: {number_}"


def b_filter(label: str, active: bool) -> str:
    return f"• {label}" if active else label


def b_toggle(name: str, chosen: bool, note: str = "") -> str:
    mark = "✅" if chosen else "▫️"
    return f"{mark} {cut(name, 26)}{note}"


# -- notifications -----------------------------------------------------------------------------


def order_notice(n: OrderNotice, detail: OrderDetail | None) -> str:
    duplicate = n.duplicate_number is not None or n.duplicate_of is not None
    lines = [f"🆕 <b>Новая заявка {q(n.number)}</b>"]
    client = n.client_name
    deadline = n.deadline
    if detail is not None:
        client = client or detail.order.client_name or detail.company
        client = client or detail.order.contact_email
        deadline = deadline or detail.order.deadline
    head = q(cut(client, 60)) if client else "Клиент не определён"
    if deadline:
        head += f" · срок {deadline:%d.%m}"
    lines.append(head)
    if detail is not None and detail.items:
        lines.append(plural(len(detail.items), "позиция", "позиции", "позиций") + ":")
        for item in detail.items[:ITEMS_IN_NOTICE]:
            lines.append(
                f"• {q(cut(item.name, NAME_CHARS))} — {quantity(item.quantity, item.unit.value)}"
            )
        if len(detail.items) > ITEMS_IN_NOTICE:
            lines.append(f"  и ещё {len(detail.items) - ITEMS_IN_NOTICE}")
    else:
        lines.append(plural(n.items_count, "позиция", "позиции", "позиций"))
    if n.needs_review:
        reasons = "; ".join(cut(r, 80) for r in n.review_reasons[:3]) or "причина не указана"
        lines.append(f"⚠️ Нужна проверка: {q(reasons)}")
    if duplicate:
        earlier = q(n.duplicate_number) if n.duplicate_number else "одну из прежних"
        lines.append(f"Похожа на {earlier} — может быть, повтор.")
    return fit(lines)


def quote_counts(n: QuotesNotice, detail: OrderDetail | None) -> tuple[int | None, int | None]:
    """(answered, asked) requests of the order: from the order itself when known."""
    if detail is not None and detail.requests:
        answered = sum(1 for r in detail.requests if r.status == RequestStatus.ANSWERED)
        return answered, len(detail.requests)
    return n.answered, n.requests


def all_answered(n: QuotesNotice, detail: OrderDetail | None) -> bool:
    answered, total = quote_counts(n, detail)
    return answered is not None and bool(total) and answered >= (total or 0)


def quotes_notice(n: QuotesNotice, detail: OrderDetail | None) -> str:
    lead: dict[str, int | None] = {}
    if detail is not None:
        lead = {str(qv.quote_id): qv.lead_time_days for qv in detail.quotes}
    answered, total = quote_counts(n, detail)
    count = f" · {answered} из {total}" if answered is not None and total else ""
    lines = [f"💬 <b>Ответы по {q(n.number)}</b>{count}"]
    totals: dict[str, tuple[Decimal, str]] = {
        str(x.quote_id): (x.total, x.currency) for x in n.quotes if x.total is not None
    }
    if detail is not None and detail.comparison is not None:
        for x in n.quotes:  # no total in the mail: the sum of its priced lines
            amounts = [
                c.amount
                for row in detail.comparison.rows
                for c in row.cells
                if c.quote_id == x.quote_id and c.amount is not None
            ]
            if str(x.quote_id) not in totals and amounts:
                totals[str(x.quote_id)] = (sum(amounts, Decimal(0)), detail.comparison.currency)

    def cheapest_first(x: QuoteLine) -> tuple[bool, Decimal]:
        amount = totals.get(str(x.quote_id))
        return amount is None, amount[0] if amount else Decimal(0)

    for quote in sorted(n.quotes, key=cheapest_first):
        parts = [q(cut(quote.supplier, 32))]
        amount = totals.get(str(quote.quote_id))
        parts.append(
            money(*amount) if amount else plural(quote.lines, "позиция", "позиции", "позиций")
        )
        days = lead.get(str(quote.quote_id))
        if days is not None:
            parts.append(f"{days} дн.")
        line = "• " + " · ".join(parts)
        if quote.needs_review:
            line += " ⚠️"
        lines.append(line)
    if all_answered(n, detail):
        lines.append("Ответили все — можно собирать КП.")
    return fit(lines)


def request_notice(kind: Kind, n: RequestNotice) -> str:
    supplier = q(cut(n.supplier, 40))
    ref = f"{q(n.rfq)} · {q(n.number)}"
    if kind is Kind.REQUEST_REMINDER:
        return fit(
            [
                f"⏰ <b>Напомнили: {supplier}</b>",
                f"Запрос {ref} без ответа с {when(n.sent_at)}. Отправили напоминание.",
            ]
        )
    if kind is Kind.REQUEST_TIMEOUT:
        return fit(
            [
                f"⌛ <b>Не ответил: {supplier}</b>",
                f"Запрос {ref}, отправлен {when(n.sent_at)}. Срок ответа вышел.",
            ]
        )
    lines = [
        f"❌ <b>Запрос не доставлен: {supplier}</b>",
        f"{ref}" + (f" · {q(n.supplier_email)}" if n.supplier_email else ""),
        f"Ответ почтового сервера: {q(mail_error(n.reason))}",
    ]
    if n.order_status == OrderStatus.NEW:
        lines.append("Ни один запрос не дошёл — заявка снова в статусе «новая».")
    return fit(lines)


def escalation_notice(n: EscalationNotice) -> str:
    ref = q(n.number)
    head = f"📉 <b>Мало ответов по заказу {ref}</b>\nОтветили {n.answered} из {n.needed} нужных."
    names = ", ".join(q(cut(x, 40)) for x in n.suppliers)
    if n.auto:
        return fit([head, f"Запросы уже отправлены: {names}."])
    if not n.suppliers:
        return fit(
            [head, "Подходящих поставщиков, которых ещё не спрашивали, нет. Выберите вручную."]
        )
    return fit([head, f"Предлагаю запросить: {names}."])


def escalated(number_: str, sent: SentRequests) -> str:
    return fit(
        [
            "📨 <b>Запросы отправлены ещё поставщикам</b>",
            f"Заявка {q(number_)}:",
            *(f"{q(cut(r.supplier_name, 40))} · {q(r.rfq_number)}" for r in sent.requests),
        ]
    )


GAP_LABEL = {
    "quantity": "нет количества",
    "unit": "нет единицы",
    "spec": "нужна характеристика",
    "confirm": "проверить прочтение",
}
NOTHING_TO_CLARIFY = "В заявке {number} все позиции полные — уточнять у клиента нечего."
CLARIFY_CLOSED = "Заявка {number} закрыта — уточнять нечего."
ASK_CLARIFICATION_TEXT = (
    "Пришлите текст письма клиенту одним сообщением — он уйдёт вместо черновика.\n"
    "/cancel — отменить."
)
CLARIFICATION_PREVIEW = 1500


def excerpt(value: str, limit: int) -> str:
    """At most ``limit`` characters of a letter, its paragraphs kept (blank runs shortened)."""
    text = re.sub(
        r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in value.strip().splitlines())
    )
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clarification_draft(view: ClarificationView, *, edited: bool = False) -> str:
    lines = [f"✉️ <b>Уточнение по {q(view.order_number)}</b>"]
    if view.lines:
        lines.append("Не хватает:")
        for line in view.lines:
            gaps = ", ".join(GAP_LABEL.get(g, g) for g in line.gaps)
            lines.append(f"{line.position}. {q(cut(line.name, 50))} — {gaps}")
    to = ", ".join(view.to) if view.to else "адрес из заявки"
    thread = " ответом на письмо клиента" if view.in_reply_to else ""
    lines.append("")
    lines.append(f"Кому: {q(to)}{thread}")
    lines.append("Ваш текст:" if edited else "Черновик письма:")
    lines.append(f"<blockquote>{q(excerpt(view.text, CLARIFICATION_PREVIEW))}</blockquote>")
    return fit(lines)


def clarification_sent(view: ClarificationView) -> str:
    to = ", ".join(view.to) if view.to else "клиенту"
    return fit(
        [
            "✉️ <b>Уточнение отправляется клиенту</b>",
            f"Заявка {q(view.order_number)}, кому: {q(to)}.",
            "Когда клиент ответит на письмо, недостающее заполнится в заявке само.",
        ]
    )


def proposal_caption(
    n: ProposalNotice, proposal: ProposalView | None, detail: OrderDetail | None
) -> str:
    number_ = q(detail.order.number) if detail else ""
    if proposal is None:
        return fit(
            [f"📄 <b>КП готово</b> {number_}".rstrip(), q(cut(n.filename, 80))], CAPTION_LIMIT
        )
    lines = [f"📄 <b>КП {q(proposal.number)} готово</b>"]
    if detail is not None:
        client = detail.order.client_name or detail.company or detail.order.contact_email
        lines.append(f"{number_} · {q(cut(client, 50))}" if client else number_)
    lines.append(
        f"{plural(len(proposal.lines), 'позиция', 'позиции', 'позиций')} · "
        f"итого <b>{money(proposal.total, proposal.currency)}</b>"
    )
    margin = money(proposal.margin_amount, proposal.currency)
    lines.append(f"Маржа {margin} ({percent(proposal.margin_percent)})")
    for warning in proposal.warnings[:2]:
        lines.append(f"⚠️ {q(cut(warning, 120))}")
    if detail is not None and detail.order.contact_email:
        lines.append(f"Клиенту: {q(detail.order.contact_email)}")
    return fit(lines, CAPTION_LIMIT)


PDF_MISSING = "PDF не удалось получить — нажмите «Прислать PDF» позже."


_GAVE_UP = re.compile(r"^gave up after (\d+) attempts: ", re.IGNORECASE)


def mail_error(error: str | None) -> str:
    """A mail server's answer as the gateway reported it, its own words in Russian."""
    text = cut(error, 300)
    return _GAVE_UP.sub(lambda match: f"после {match[1]} попыток: ", text)


PURPOSE = {
    "proposal": "КП клиенту",
    "reminder": "Напоминание поставщику",
    "clarification": "Уточнение клиенту",
    "rfq": "Запрос поставщику",
}


def mail_failed_notice(n: MailFailedNotice, detail: OrderDetail | None) -> str:
    what = PURPOSE.get(n.purpose, "Письмо")
    lines = [f"✉️ <b>Не отправлено: {what.lower()}</b>"]
    if detail is not None:
        lines.append(f"Заявка {q(detail.order.number)}")
    if n.recipients:
        lines.append("Кому: " + q(cut(", ".join(n.recipients), 120)))
    lines.append(f"Ответ почтового сервера: {q(mail_error(n.error))}")
    if n.purpose == "proposal":
        lines.append("Заявка вернулась в «КП готово» — можно отправить ещё раз.")
    return fit(lines)


FAILURE_HINT = {
    "requisites": "Заполните реквизиты компании в настройках (COMPANY_…) и соберите КП заново.",
    "template": "Шаблон КП повреждён: сообщите администратору.",
    "timeout": "Документ формировался слишком долго — попробуйте собрать ещё раз.",
}


def proposal_failed_notice(n: ProposalFailedNotice, detail: OrderDetail | None) -> str:
    lines = ["⚠️ <b>КП не сформировано</b>"]
    if detail is not None:
        client = detail.order.client_name or detail.company
        number_ = q(detail.order.number)
        lines.append(f"{number_} · {q(cut(client, 50))}" if client else number_)
    lines.append(f"Причина: {q(cut(n.reason, 300))}")
    hint = FAILURE_HINT.get(n.failure)
    if hint:
        lines.append(hint)
    return fit(lines)


def unmatched_notice(n: UnmatchedNotice) -> str:
    sender = n.from_email or "неизвестно"
    if n.from_name:
        sender = f"{n.from_name} <{sender}>"
    lines = [
        "📨 <b>Письмо не подошло ни к одному запросу</b>",
        f"От: {q(cut(sender, 80))}",
    ]
    if n.subject:
        lines.append(f"Тема: {q(cut(n.subject, 100))}")
    excerpt = cut(n.excerpt, 280)
    if excerpt:
        lines.append(f"<blockquote>{q(excerpt)}</blockquote>")
    lines.append("Похоже на ответ поставщика. Привяжите его к запросу — цены прочитаются.")
    return fit(lines)


DIGEST_KINDS: tuple[tuple[Kind, str], ...] = (
    (Kind.ORDER_CREATED, "Новые заявки"),
    (Kind.QUOTES, "Ответы поставщиков"),
    (Kind.REQUEST_REMINDER, "Напоминания поставщикам"),
    (Kind.REQUEST_TIMEOUT, "Поставщики не ответили"),
    (Kind.REQUEST_FAILED, "Запросы не доставлены"),
    (Kind.ESCALATION, "Мало ответов"),
    (Kind.MAIL_FAILED, "Письма не отправлены"),
    (Kind.UNMATCHED_MAIL, "Письма без запроса"),
)


def digest_notice(n: DigestNotice) -> str:
    total = sum(n.counts.values())
    lines = [f"📥 <b>Сводка: {plural(total, 'событие', 'события', 'событий')}</b>"]
    for kind, label in DIGEST_KINDS:
        count = n.counts.get(kind.value, 0)
        if count:
            lines.append(f"{label}: {count}")
    if n.numbers:
        lines.append("Последние заявки: " + ", ".join(q(x) for x in n.numbers))
    lines.append("Пока события идут потоком, обновляю это сообщение, а не шлю новые.")
    return fit(lines)


# -- orders ------------------------------------------------------------------------------------

FILTERS: dict[str, tuple[str, tuple[OrderStatus, ...]]] = {
    "new": ("Новые", (OrderStatus.NEW, OrderStatus.NEEDS_REVIEW)),
    "work": ("В работе", (OrderStatus.RFQ_SENT, OrderStatus.QUOTING)),
    "kp": ("КП", (OrderStatus.PROPOSAL_READY, OrderStatus.PROPOSAL_SENT)),
    "done": ("Закрытые", (OrderStatus.WON, OrderStatus.LOST, OrderStatus.CANCELLED)),
    "all": ("Все", ()),
}


def order_line(index: int, o: OrderSummary) -> str:
    client = o.client_name or o.contact_email or "—"
    review = " ⚠️" if o.needs_review else ""
    return (
        f"<b>{index}.</b> {q(o.number)} · {status(o.status)}{review}\n"
        f"    {q(cut(client, 34))} · {o.items_count} поз. · {when(o.created_at)}"
    )


def orders_page(page: OrderPage, *, title: str) -> str:
    if not page.items:
        return f"<b>{q(title)}</b>\nЗаявок нет."
    first = (page.page - 1) * page.page_size + 1
    last = first + len(page.items) - 1
    lines = [f"<b>{q(title)}</b> · {first}–{last} из {page.total}"]
    lines.extend(order_line(i, o) for i, o in enumerate(page.items, start=1))
    return fit(lines)


LIST_TITLES = {
    "new": "Новые заявки",
    "work": "Заявки в работе",
    "kp": "Заявки с КП",
    "done": "Закрытые заявки",
    "all": "Заявки",
}


def orders_title(filter_key: str, query: str | None = None) -> str:
    if query:
        return f"Поиск «{cut(query, 40)}»"
    return LIST_TITLES.get(filter_key, LIST_TITLES["all"])


def request_line(r: SupplierRequestView) -> str:
    state = REQUEST_STATUS[r.status]
    return f"• {q(cut(r.supplier_name, 30))} — {state}" + (
        f" ({q(cut(r.last_error, 60))})"
        if r.last_error and r.status == RequestStatus.FAILED
        else ""
    )


def order_card(d: OrderDetail) -> str:
    o = d.order
    lines = [f"<b>{q(o.number)}</b> · {status(o.status)}"]
    client = o.client_name or d.company
    if client:
        lines.append(q(cut(client, 70)) + (f", ИНН {q(d.inn)}" if d.inn else ""))
    contact = ", ".join(x for x in (d.contact_name, o.contact_email, d.contact_phone) if x)
    if contact:
        lines.append(q(cut(contact, 100)))
    dates = [f"создана {when(o.created_at)}"]
    if o.deadline:
        dates.append(f"срок {day(o.deadline)}")
    lines.append(" · ".join(dates))
    if o.needs_review:
        reasons = "; ".join(cut(r, 80) for r in o.review_reasons[:3]) or "причина не указана"
        lines.append(f"⚠️ Нужна проверка: {q(reasons)}")
    lines.append("")
    lines.append(f"<b>{plural(len(d.items), 'позиция', 'позиции', 'позиций')}</b>")
    for item in d.items[:ITEMS_IN_CARD]:
        lines.append(
            f"{item.position}. {q(cut(item.name, 60))} — {quantity(item.quantity, item.unit.value)}"
        )
    if len(d.items) > ITEMS_IN_CARD:
        lines.append(f"и ещё {len(d.items) - ITEMS_IN_CARD}")
    if d.requests:
        answered = sum(1 for r in d.requests if r.status == RequestStatus.ANSWERED)
        lines.append("")
        lines.append(f"<b>Запросы</b> · ответили {answered} из {len(d.requests)}")
        lines.extend(request_line(r) for r in d.requests[:10])
    live = [p for p in d.proposals if p.status != ProposalStatus.SUPERSEDED]
    if live:
        p = max(live, key=lambda x: x.created_at)
        lines.append("")
        lines.append(
            f"<b>КП {q(p.number)}</b> · {PROPOSAL_STATUS[p.status]} · {money(p.total, p.currency)}"
        )
    return fit(lines)


# -- suppliers for an order --------------------------------------------------------------------


def pick_text(number_: str, options: Sequence[SupplierSuggestion], chosen: int) -> str:
    if not options:
        return (
            f"<b>{q(number_)}</b>: поставщиков в справочнике нет.\n"
            "Добавьте их: /suppliers → «Добавить поставщика»."
        )
    lines = [
        f"<b>Запросы цен по {q(number_)}</b>",
        "Отметьте, кому отправить запрос цен.",
    ]
    for option in options[:3]:
        if option.reasons and option.score > 0:
            lines.append(f"• {q(cut(option.name, 30))}: {q(cut(option.reasons[0], 60))}")
    lines.append(f"Выбрано: {chosen}")
    return fit(lines)


def pick_note(option: SupplierSuggestion) -> str:
    if option.already_requested:
        return " · уже"
    if option.response_rate is not None:
        return f" · {ratio(option.response_rate)}"
    return ""


PICK_NONE = "Отметьте хотя бы одного поставщика."
PICK_ALREADY = "Этому поставщику запрос уже отправлен."


def requests_sent(number_: str, sent: SentRequests) -> str:
    lines = [f"✉️ <b>Запросы по {q(number_)} отправлены</b>"]
    for r in sent.requests:
        lines.append(f"• {q(cut(r.supplier_name, 30))} — {q(r.rfq_number)}")
    lines.append("Ответы пришлю, как только поставщики ответят.")
    return fit(lines)


# -- comparison --------------------------------------------------------------------------------

TABLE_WIDTH = 32
PRICE_WIDTH = 9
SUPPLIER_WIDTH = 14
TOTAL_NAME = 12
TOTAL_WIDTH = 12
_LEGAL_FORM = re.compile(r"^(ООО|ОАО|ЗАО|ПАО|АО|ИП|ТОО|ООО ТД|ТД)\s+", re.IGNORECASE)


def short_name(name: str) -> str:
    """A company as a table has room for it: no legal form, no quotes."""
    return _LEGAL_FORM.sub("", name.strip()).strip("«»\"' ") or name


def _price(value: Decimal | None) -> str:
    if value is None:
        return "—"
    whole, _, cents = f"{value:.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return "\u00a0".join(groups) + "," + cents


SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥"}


def comparison(number_: str, view: ComparisonView | None, detail: OrderDetail) -> str:
    """A table for a phone (32 monospace characters): per item, one line per supplier,
    cheapest first, marks at the end of the line where their width cannot shift columns:

        1. Болт М8х30 DIN 933 оц… ×100 шт
          Болтов и парт…  11,90  5д ★⚡
          КрепТорг        12,20 10д
    """
    if view is None or not view.rows or not any(row.cells for row in view.rows):
        return f"<b>{q(number_)}</b>: ответов поставщиков пока нет — сравнивать нечего."
    sign = SIGNS.get(view.currency, view.currency)
    lines = [
        f"<b>Сравнение · {q(number_)}</b>",
        f"Цена за единицу с НДС, {q(sign)}. ★ дешевле всех, ⚡ быстрее всех",
    ]
    table: list[str] = []
    for row in view.rows[:ROWS_IN_COMPARISON]:
        head = f"{row.position}. "
        tail = f" ×{quantity(row.quantity, row.unit.value)}"
        table.append(head + cut(row.name, TABLE_WIDTH - len(head) - len(tail)) + tail)
        if not row.cells:
            table.append("  нет предложений")
        for cell in sorted(row.cells, key=lambda c: (c.unit_price is None, c.unit_price or 0)):
            name = cut(short_name(cell.supplier_name), SUPPLIER_WIDTH).ljust(SUPPLIER_WIDTH)
            price = _price(cell.unit_price).rjust(PRICE_WIDTH)
            days = f"{cell.lead_time_days}д" if cell.lead_time_days is not None else "—"
            marks = ("★" if cell.best_price else "") + ("⚡" if cell.fastest else "")
            table.append(f"  {name}{price} {days.rjust(3)} {marks}".rstrip())
        table.append("")
    if len(view.rows) > ROWS_IN_COMPARISON:
        table.append(f"и ещё {len(view.rows) - ROWS_IN_COMPARISON} поз.")
        table.append("")
    totals: dict[str, tuple[Decimal, int]] = {}
    for row in view.rows:
        for cell in row.cells:
            if cell.amount is not None:
                amount, covered = totals.get(cell.supplier_name, (Decimal(0), 0))
                totals[cell.supplier_name] = (amount + cell.amount, covered + 1)
    if totals:
        table.append(f"Сумма, {sign}".ljust(2 + TOTAL_NAME + TOTAL_WIDTH) + " поз.")
        for name, (amount, covered) in sorted(totals.items(), key=lambda kv: kv[1][0]):
            table.append(
                f"  {cut(short_name(name), TOTAL_NAME).ljust(TOTAL_NAME)}"
                f"{_price(amount).rjust(TOTAL_WIDTH)} {covered}/{len(view.rows)}"
            )
    body = fit(table, TEXT_LIMIT - 400).rstrip()
    lines.append(f"<pre>{q(body)}</pre>")
    answered = sum(1 for r in detail.requests if r.status == RequestStatus.ANSWERED)
    if detail.requests:
        lines.append(f"Ответили {answered} из {len(detail.requests)}.")
    return "\n".join(lines)


# -- proposals ---------------------------------------------------------------------------------

MARKUP_PRESETS = (10, 15, 20, 25)


def markup_question(number_: str) -> str:
    return (
        f"<b>КП по {q(number_)}</b>\n"
        "Какую наценку взять? Цены — лучшие предложения по каждой позиции."
    )


ASK_MARKUP = "Напишите наценку в процентах, например <code>12,5</code>. /cancel — отмена."
BAD_MARKUP = "Нужно число от 0 до 300, например <code>12,5</code>."


def proposal_built(p: ProposalView, number_: str) -> str:
    lines = [
        f"📄 <b>{q(p.number)} собирается</b>",
        f"{plural(len(p.lines), 'позиция', 'позиции', 'позиций')} · итого "
        f"<b>{money(p.total, p.currency)}</b> (НДС {money(p.vat_amount, p.currency)})",
        f"Маржа {money(p.margin_amount, p.currency)} ({percent(p.margin_percent)})",
    ]
    lines.extend(f"⚠️ {q(cut(w, 120))}" for w in p.warnings[:3])
    lines.append("PDF пришлю сюда, как только он будет готов.")
    return fit(lines)


NO_PROPOSAL = "У заявки {number} нет КП. Соберите: /kp {number}"
PROPOSAL_NOT_READY = "{number} ещё формируется — PDF придёт сообщением, тогда и отправите."


def send_question(p: ProposalView, detail: OrderDetail) -> str:
    to = detail.order.contact_email
    client = detail.order.client_name or detail.company or ""
    lines = [f"Отправить <b>{q(p.number)}</b> клиенту?"]
    if client:
        lines.append(q(cut(client, 60)))
    lines.append(f"Кому: {q(to)}" if to else "Адрес клиента не известен.")
    lines.append(f"Итого {money(p.total, p.currency)}")
    return "\n".join(lines)


def proposal_sent(p: ProposalView, to: str | None) -> str:
    lines = [f"✉️ <b>{q(p.number)} отправлено</b>"]
    if to:
        lines.append(f"Клиенту: {q(to)}")
    lines.append(f"Итого {money(p.total, p.currency)}. Ответ придёт на почту отдела.")
    return "\n".join(lines)


# -- outcome -----------------------------------------------------------------------------------


def outcome_question(number_: str, outcome: str) -> str:
    verb = "выиграна" if outcome == "won" else "проиграна"
    return f"Отметить заявку <b>{q(number_)}</b> как «{verb}»?"


def outcome_done(o: OrderSummary) -> str:
    mark = "✅ " if o.status == OrderStatus.WON else ""
    tail = f"\nСумма КП: {money(o.total.amount, o.total.currency)}" if o.total else ""
    return f"{mark}<b>{q(o.number)}: {status(o.status)}</b>{tail}"


# -- unmatched mail ----------------------------------------------------------------------------


def link_question(sender: str | None, matching: int) -> str:
    who = q(cut(sender, 60)) if sender else "отправителя"
    if matching:
        return f"К какому запросу относится письмо от {who}? Сверху — запросы этому адресу."
    return f"Запросов на адрес {who} не нашлось. Вот открытые запросы — выберите нужный."


NO_OPEN_REQUESTS = "Открытых запросов нет — привязывать не к чему."


def link_option(r: SupplierRequestView) -> str:
    """``Болтов и партнёры · 0042-3`` (the request's order and number; ✓ answered)."""
    answered = " ✓" if r.status == RequestStatus.ANSWERED else ""
    tail = r.rfq_number.split("-", 2)[-1]
    return f"{cut(r.supplier_name, 18)} · {tail}{answered}"


def linked(result: LinkedMail, rfq: str, supplier: str) -> str:
    tail = "цены прочитаны и учтены." if result.quote_id else "цен в нём не нашлось."
    return (
        f"📎 <b>Письмо привязано</b>\n"
        f"Поставщик: {q(cut(supplier, 40))}\n"
        f"Запрос {q(rfq)} · {q(result.order_number)}: {tail}"
    )


def unmatched_list(items: Sequence[UnmatchedMail], total: int) -> str:
    if not items:
        return "Писем без запроса нет."
    lines = [f"<b>Письма без запроса</b> · {total}"]
    for i, m in enumerate(items, start=1):
        sender = m.from_.email if m.from_ else "—"
        lines.append(
            f"<b>{i}.</b> {q(cut(sender, 40))} · {when(m.received_at)}\n"
            f"    {q(cut(m.mail_subject, 50)) or '(без темы)'}"
        )
    return fit(lines)


# -- suppliers ---------------------------------------------------------------------------------


def suppliers_page(page: SupplierPage) -> str:
    if not page.items:
        return "<b>Поставщики</b>\nПока никого. Добавьте первого — кнопка ниже."
    first = (page.page - 1) * page.page_size + 1
    last = first + len(page.items) - 1
    lines = [f"<b>Поставщики</b> · {first}–{last} из {page.total}"]
    for i, s in enumerate(page.items, start=1):
        off = " (отключён)" if not s.active else ""
        cats = ", ".join(c.name for c in s.categories[:2])
        lines.append(
            f"<b>{i}.</b> {q(cut(s.company, 40))}{off}\n"
            f"    {q(cut(s.emails[0] if s.emails else '—', 36))}"
            + (f" · {q(cut(cats, 30))}" if cats else "")
        )
    return fit(lines)


def supplier_card(s: SupplierView) -> str:
    lines = [f"<b>{q(s.company)}</b>" + ("" if s.active else " · отключён")]
    lines.append("Почта: " + q(", ".join(s.emails) or "—"))
    cats = ", ".join(c.name for c in s.categories)
    lines.append("Категории: " + (q(cats) if cats else "—"))
    if s.contact_name or s.phone:
        lines.append(q(", ".join(x for x in (s.contact_name, s.phone) if x)))
    if s.inn:
        lines.append(f"ИНН {q(s.inn)}")
    if s.requests_sent:
        lines.append(f"Запросов: {s.requests_sent} · отвечает на {ratio(s.response_rate)}")
    else:
        lines.append("Запросов ему ещё не отправляли.")
    return "\n".join(lines)


ASK_NAME = "<b>Новый поставщик</b>\nКак называется компания? Например: ООО «Метиз»."
ASK_NAME_EDIT = "<b>{company}</b>\nНовое название? Или оставьте как есть."
BAD_NAME = "Название — от 1 до 200 символов. Попробуйте ещё раз."
ASK_EMAILS = (
    "Почта для запросов цен? Можно несколько через запятую.\nНапример: <code>sales@metiz.ru</code>"
)
ASK_EMAILS_EDIT = "Почта сейчас: {emails}\nНовая? Или оставьте как есть."
BAD_EMAIL = "Это не похоже на адрес почты: {value}\nПример: <code>sales@metiz.ru</code>"


def ask_categories(names: Sequence[str], new: Sequence[str]) -> str:
    chosen = [*names, *new]
    lines = [
        "Категории товаров этого поставщика: отметьте кнопками.",
        "Новую категорию можно написать сообщением.",
        "Выбрано: " + (q(", ".join(chosen)) if chosen else "ничего"),
    ]
    return "\n".join(lines)


def supplier_review(company: str, emails: Sequence[str], categories: Sequence[str]) -> str:
    return "\n".join(
        [
            "<b>Проверьте и сохраните</b>",
            f"Компания: {q(company)}",
            f"Почта: {q(', '.join(emails))}",
            "Категории: " + (q(", ".join(categories)) if categories else "—"),
        ]
    )


def supplier_saved(s: SupplierView, created: bool) -> str:
    verb = "добавлен" if created else "сохранён"
    return f"✅ Поставщик <b>{q(s.company)}</b> {verb}."


DIALOG_GONE = "Этот диалог уже закончен."
CATEGORIES_NONE = "Категорий пока нет — напишите название новой сообщением или нажмите «Готово»."


def category_option(c: CategoryView, chosen: bool) -> str:
    return b_toggle(c.name, chosen)


# -- stats -------------------------------------------------------------------------------------

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def stats(report: SummaryReport, suppliers: SupplierStatsReport, month: date) -> str:
    lines = [f"<b>Статистика · {MONTHS[month.month - 1]} {month.year}</b>"]
    lines.append(f"Заявок: {report.orders_total} · выиграно {report.won} · проиграно {report.lost}")
    lines.append(f"Конверсия в выигрыш: {ratio(report.conversion_to_won)}")
    lines.append(
        f"Выручка {money(report.revenue, report.currency)} · "
        f"маржа {money(report.margin, report.currency)}"
    )
    lines.append(f"От письма до запросов: {duration(report.median_seconds_to_first_rfq)}")
    lines.append(f"От письма до КП: {duration(report.median_seconds_to_proposal)}")
    by_status = [f"{status(s.status)} {s.count}" for s in report.by_status if s.count]
    if by_status:
        lines.append("Сейчас: " + ", ".join(by_status))
    rows = sorted((r for r in suppliers.rows if r.requests_sent), key=lambda r: -r.requests_sent)[
        :5
    ]
    if rows:
        lines.append("")
        lines.append("<b>Поставщики</b> · отвечают · за сколько")
        for r in rows:
            lines.append(
                f"{q(cut(r.name, 24))} · {ratio(r.response_rate)} · "
                f"{duration(r.median_response_seconds)}"
            )
    return fit(lines)


# -- plain text for the log --------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """The HTML text as a reader of the log sees it."""
    return html.unescape(_TAG.sub("", text))
