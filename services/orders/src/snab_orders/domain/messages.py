"""Russian texts of the emails the orders service asks mail-gateway to send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape

from snab_orders.domain.text import plain_number, ru_datetime, rub


@dataclass(frozen=True, slots=True)
class Signature:
    company: str
    manager: str
    phone: str | None = None
    email: str | None = None

    def lines(self) -> list[str]:
        contacts = ", ".join(x for x in (self.phone, self.email) if x)
        return [line for line in ("С уважением,", self.manager, self.company, contacts) if line]


@dataclass(frozen=True, slots=True)
class RfqLine:
    position: int
    name: str
    quantity: Decimal
    unit: str
    article: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Email:
    subject: str
    text: str
    html: str


def rfq_tag(rfq_number: str) -> str:
    return f"[{rfq_number}]"


def _table_text(lines: list[RfqLine]) -> list[str]:
    out = ["№ | Наименование | Артикул | Кол-во | Ед. изм."]
    for line in lines:
        name = line.name + (f" ({line.note})" if line.note else "")
        out.append(
            f"{line.position} | {name} | {line.article or '—'} | "
            f"{plain_number(line.quantity)} | {line.unit}"
        )
    return out


def _table_html(lines: list[RfqLine]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("№", "Наименование", "Артикул", "Кол-во", "Ед. изм."))
    body = "".join(
        "<tr>"
        f"<td>{line.position}</td><td>{escape(line.name)}"
        f"{escape(' (' + line.note + ')') if line.note else ''}</td>"
        f"<td>{escape(line.article or '—')}</td><td>{plain_number(line.quantity)}</td>"
        f"<td>{escape(line.unit)}</td></tr>"
        for line in lines
    )
    return (
        '<table border="1" cellpadding="4" cellspacing="0">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _html(paragraphs: list[str], table: str | None, after: list[str], sign: Signature) -> str:
    parts = [f"<p>{escape(p)}</p>" for p in paragraphs]
    if table:
        parts.append(table)
    parts += [f"<p>{escape(p)}</p>" for p in after]
    parts.append("<p>" + "<br>".join(escape(x) for x in sign.lines()) + "</p>")
    return "<html><body>" + "".join(parts) + "</body></html>"


def rfq_email(
    *,
    rfq_number: str,
    lines: list[RfqLine],
    reply_by: datetime,
    signature: Signature,
    message: str | None = None,
) -> Email:
    intro = [
        "Здравствуйте!",
        "Просим рассмотреть возможность поставки и прислать коммерческое предложение "
        "на следующие позиции:",
    ]
    after = [
        "Пожалуйста, укажите цену за единицу (с НДС или без НДС), наличие и срок поставки.",
        f"Ответ просим прислать до {ru_datetime(reply_by)} ответом на это письмо, "
        f"не меняя тему (номер запроса {rfq_number}).",
    ]
    if message:
        after.insert(0, message.strip())
    text = "\n\n".join(
        ["\n".join(intro), "\n".join(_table_text(lines)), *after, "\n".join(signature.lines())]
    )
    return Email(
        subject=f"Запрос цены {rfq_tag(rfq_number)}",
        text=text + "\n",
        html=_html(intro, _table_html(lines), after, signature),
    )


def reminder_email(
    *,
    rfq_number: str,
    lines: list[RfqLine],
    sent_at: datetime,
    reply_by: datetime,
    signature: Signature,
) -> Email:
    intro = [
        "Здравствуйте!",
        f"Напоминаем о нашем запросе цены {rfq_number} от {ru_datetime(sent_at)}. "
        "Будем признательны за ответ:",
    ]
    after = [
        f"Если возможно, ответьте, пожалуйста, до {ru_datetime(reply_by)}. "
        "Если поставить эти позиции вы не сможете, сообщите об этом, пожалуйста, "
        "одной строкой: так мы не будем вас беспокоить.",
    ]
    text = "\n\n".join(
        ["\n".join(intro), "\n".join(_table_text(lines)), *after, "\n".join(signature.lines())]
    )
    return Email(
        subject=f"Re: Запрос цены {rfq_tag(rfq_number)}",
        text=text + "\n",
        html=_html(intro, _table_html(lines), after, signature),
    )


def proposal_email(
    *,
    proposal_number: str,
    original_subject: str,
    total: Decimal,
    currency: str,
    signature: Signature,
    message: str | None = None,
) -> Email:
    base = original_subject.strip()
    subject = f"Re: {base}" if base and not base.lower().startswith("re:") else base
    subject = (
        f"{subject} — КП {proposal_number}"
        if subject
        else f"Коммерческое предложение {proposal_number}"
    )
    intro = [
        "Здравствуйте!",
        f"Благодарим за запрос. Направляем коммерческое предложение {proposal_number} "
        f"на сумму {rub(total)} {'руб.' if currency == 'RUB' else currency} (с НДС), "
        "файл во вложении.",
    ]
    if message:
        intro.append(message.strip())
    after = ["Будем рады ответить на вопросы."]
    text = "\n\n".join([*intro, *after, "\n".join(signature.lines())])
    return Email(subject=subject, text=text + "\n", html=_html(intro, None, after, signature))
