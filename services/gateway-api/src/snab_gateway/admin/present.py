"""How values look on the admin's pages: Russian labels, money, Moscow time, durations,
and the templates' environment (autoescaped: every value from a service or an email is
text unless it went through ``mailhtml.sanitize``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from importlib import resources
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from snab_contracts import labels

MOSCOW = ZoneInfo("Europe/Moscow")
NBSP = "\u00a0"

ORDER_STATUS = {k.value: v for k, v in labels.ORDER_STATUS.items()}
REQUEST_STATUS = {k.value: v for k, v in labels.REQUEST_STATUS.items()}
PROPOSAL_STATUS = {k.value: v for k, v in labels.PROPOSAL_STATUS.items()}
UNMATCHED_REASON = labels.CLASSIFIED_REASON
MAIL_OUTCOME = {"order": "заявка", "quote": "ответ поставщика", "unmatched": "не разобрано"}
CURRENCY_SIGN = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥"}
GAP_LABEL = {
    "quantity": "нет количества",
    "unit": "нет единицы",
    "spec": "нужна характеристика",
    "confirm": "проверить прочтение",
}
RATE_SOURCE = {"cbr": "ЦБ", "manual": "вручную", "setting": "из настроек"}
CLARIFICATION_STEP = {
    "clarification.send": "уточнение отправляется клиенту",
    "clarification.sent": "уточнение отправлено клиенту",
    "clarification.failed": "уточнение не отправилось",
    "order.clarified": "клиент ответил: позиции дополнены",
}


def actor(value: str | None) -> str:
    """Who did it, as a manager reads it: ``user:anna`` → anna, the system → «система»."""
    if not value:
        return ""
    kind, _, name = value.partition(":")
    if kind in ("user", "bot") and name:
        return name if kind == "user" else f"{name} (бот)"
    return "система"


def money(value: Decimal | str | None, currency: str = "RUB") -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, cents = f"{abs(amount):,.2f}".partition(".")
    sign = "−" if amount < 0 else ""
    grouped = whole.replace(",", NBSP)
    return f"{sign}{grouped},{cents}{NBSP}{CURRENCY_SIGN.get(currency, currency)}"


def number(value: Decimal | str | int | None) -> str:
    if value is None:
        return "—"
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def moscow(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    local = value.astimezone(MOSCOW)
    return local.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def duration(seconds: float | int | None) -> str:
    if seconds is None:
        return "—"
    minutes = max(int(seconds) // 60, 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}\u00a0д {hours}\u00a0ч"
    if hours:
        return f"{hours}\u00a0ч {mins}\u00a0мин"
    return f"{mins}\u00a0мин" if mins else "меньше минуты"


def until(moment: datetime | None, now: datetime | None = None) -> str:
    """«через 3 ч 10 мин», or «просрочено на …» for a moment passed."""
    if moment is None:
        return "—"
    left = (moment - (now or datetime.now(UTC))).total_seconds()
    return f"через {duration(left)}" if left >= 0 else f"просрочено на {duration(-left)}"


def percent(value: float | Decimal | str | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    figure = float(value) * (100 if isinstance(value, float) and float(value) <= 1 else 1)
    return f"{figure:.{digits}f}".replace(".", ",") + "\u00a0%"


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}\u00a0%"


def plural(n: int, one: str, few: str, many: str) -> str:
    tail = n % 100
    if 11 <= tail <= 14:
        return many
    last = n % 10
    return one if last == 1 else few if 2 <= last <= 4 else many


def bar_chart(rows: Sequence[tuple[str, float, str]], *, title: str = "") -> Markup:
    """Horizontal bars, one row per (label, value, value as shown): the text is HTML
    (readable at any width), each bar a small SVG stretched to its share (no inline
    styles: the pages' Content-Security-Policy allows none). Every text is escaped."""
    if not rows:
        return Markup()
    top = max((v for _, v, _ in rows), default=0) or 1
    parts = [f'<div class="bars" role="img" aria-label="{escape(title)}">']
    for label, value, figure in rows:
        share = max(100 * value / top, 0.5)
        parts.append(
            f'<div class="bar-row"><span class="bar-label" title="{escape(label)}">'
            f"{escape(label)}</span>"
            f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect width="{share:.1f}" height="10" rx="1"/></svg>'
            f'<span class="bar-value">{escape(figure)}</span></div>'
        )
    parts.append("</div>")
    return Markup("".join(parts))  # noqa: S704 - every value in it went through escape()


def column_chart(points: Sequence[tuple[str, float]], *, title: str = "") -> Markup:
    """Vertical columns, one per (label, value), e.g. orders per month; built like
    ``bar_chart``."""
    if not points:
        return Markup()
    top = max((v for _, v in points), default=0) or 1
    parts = [f'<div class="columns" role="img" aria-label="{escape(title)}">']
    for label, value in points:
        height = max(100 * value / top, 0.5)
        parts.append(
            f'<div class="column"><span class="column-value">{value:.0f}</span>'
            f'<svg viewBox="0 0 10 100" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect y="{100 - height:.1f}" width="10" height="{height:.1f}" rx="1"/></svg>'
            f'<span class="column-label">{escape(label)}</span></div>'
        )
    parts.append("</div>")
    return Markup("".join(parts))  # noqa: S704 - every value in it went through escape()


def environment() -> Environment:
    folder = resources.files("snab_gateway") / "admin" / "templates"
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
    )
    env.filters.update(
        money=money,
        number=number,
        moscow=moscow,
        day=day,
        duration=duration,
        until=until,
        percent=percent,
        share=share,
        reason=labels.review_reason,
        currency=lambda code: CURRENCY_SIGN.get(code, code),
        actor=actor,
        extractor=lambda name: labels.EXTRACTOR.get(name or "", name or ""),
    )
    env.globals.update(
        ORDER_STATUS=ORDER_STATUS,
        REQUEST_STATUS=REQUEST_STATUS,
        PROPOSAL_STATUS=PROPOSAL_STATUS,
        MAIL_OUTCOME=MAIL_OUTCOME,
        UNMATCHED_REASON=UNMATCHED_REASON,
        GAP_LABEL=GAP_LABEL,
        RATE_SOURCE=RATE_SOURCE,
        CLARIFICATION_STEP=CLARIFICATION_STEP,
        plural=plural,
        timedelta=timedelta,
    )
    return env
