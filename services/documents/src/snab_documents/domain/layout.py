"""What a proposal template prints, already formatted: the renderer does no arithmetic.

Numbers in the Russian way (``126 000,00``, thousands apart by a no-break space), dates as
«1 декабря 2026 г.», VAT as «в т.ч. НДС 22 %» or «НДС не облагается». The template gets
a ``ProposalPage`` and only places its strings; operators writing their own template find
every field here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from snab_contracts.documents import ProposalDocument
from snab_documents.domain.words import amount_in_words, plural

NBSP = "\u00a0"

MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

# How a currency is named in a column header: «Цена, руб.».
CURRENCY_LABELS = {"RUB": "руб.", "USD": "долл. США", "EUR": "евро", "CNY": "юаней"}
DAYS = ("день", "дня", "дней")


def money(value: Decimal) -> str:
    """``Decimal("126000")`` → ``126 000,00`` (two decimals, half up already applied)."""
    text = f"{value:,.2f}"
    return text.replace(",", NBSP).replace(".", ",")


def quantity(value: Decimal) -> str:
    """``100.000`` → ``100``; ``2.50`` → ``2,5``; thousands apart: ``12 500``."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return f"{int(normal):,}".replace(",", NBSP)
    whole, _, fraction = format(normal, "f").partition(".")
    return f"{int(whole):,}".replace(",", NBSP) + "," + fraction


def percent(value: Decimal) -> str:
    """``22`` → ``22 %``; ``7.5`` → ``7,5 %``."""
    return quantity(value) + NBSP + "%"


def long_date(value: dt.date) -> str:
    return f"{value.day}{NBSP}{MONTHS[value.month - 1]} {value.year}{NBSP}г."


def short_date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


@dataclass(frozen=True, slots=True)
class Row:
    position: int
    name: str
    article: str
    quantity: str
    unit: str
    price: str
    amount: str


@dataclass(frozen=True, slots=True)
class Total:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Term:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class ProposalPage:
    """Everything the template prints, as text. ``document`` is the contract itself, for
    templates that want a field as it came (still text only: autoescaped on output)."""

    document: ProposalDocument
    title: str
    reference: str
    created: str
    company_lines: list[str]
    bank_lines: list[str]
    client_lines: list[str]
    price_header: str
    amount_header: str
    rows: list[Row]
    totals: list[Total]
    total_in_words: str
    vat_note: str
    terms: list[Term]
    manager_lines: list[str]
    notes: str | None


def _vat_totals(doc: ProposalDocument) -> tuple[list[Total], str]:
    rate = percent(doc.vat_rate)
    if doc.vat_rate == 0:
        return [Total("Итого", money(doc.total), strong=True)], "НДС не облагается"
    vat = f"{money(doc.vat_amount)}{NBSP}{CURRENCY_LABELS[doc.currency]}"
    return [
        Total("Итого без НДС", money(doc.subtotal)),
        Total(f"НДС {rate}", money(doc.vat_amount)),
        Total("Итого с НДС", money(doc.total), strong=True),
    ], NBSP.join(["в", "т.ч.", "НДС", rate, "—", vat])  # wraps as one piece


def _terms(doc: ProposalDocument) -> list[Term]:
    terms: list[Term] = []
    if doc.valid_until is not None:
        terms.append(Term("Предложение действительно", f"до {long_date(doc.valid_until)}"))
    if doc.lead_time_days is not None:
        days = doc.lead_time_days
        lead = "в день оплаты" if days == 0 else f"{days}{NBSP}{plural(days, DAYS)}"
        terms.append(Term("Срок поставки", lead))
    if doc.payment_terms:
        terms.append(Term("Условия оплаты", doc.payment_terms))
    return terms


def proposal_page(doc: ProposalDocument) -> ProposalPage:
    company = doc.company
    ids = [f"ИНН{NBSP}{company.inn}"]
    if company.kpp:
        ids.append(f"КПП{NBSP}{company.kpp}")
    if company.ogrn:
        label = "ОГРНИП" if len(company.ogrn) == 15 else "ОГРН"
        ids.append(f"{label}{NBSP}{company.ogrn}")
    company_lines = [" · ".join(ids)]
    if company.address:
        company_lines.append(company.address)
    contacts = [c for c in (company.phone, company.email) if c]
    if contacts:
        company_lines.append(" · ".join(contacts))
    bank_lines: list[str] = []
    if company.bank is not None:
        bank = company.bank
        bank_lines.append(f"Р/с {bank.account} в {bank.bank_name}")
        line = f"БИК{NBSP}{bank.bik}"
        if bank.correspondent_account:
            line += f" · К/с {bank.correspondent_account}"
        bank_lines.append(line)

    client = doc.client
    client_lines = [client.name]
    if client.inn:
        client_lines.append(f"ИНН{NBSP}{client.inn}")
    if client.contact:
        client_lines.append(f"Контактное лицо: {client.contact}")

    label = CURRENCY_LABELS[doc.currency]
    vat = "" if doc.vat_rate == 0 else (" с НДС" if doc.prices_include_vat else " без НДС")
    totals, vat_note = _vat_totals(doc)
    manager = doc.manager
    manager_lines = [manager.name, *(c for c in (manager.phone, manager.email) if c)]
    return ProposalPage(
        document=doc,
        title=f"Коммерческое предложение №{NBSP}{doc.number}",
        reference=f"КП №{NBSP}{doc.number} от {short_date(doc.date)}",
        created=long_date(doc.date),
        company_lines=company_lines,
        bank_lines=bank_lines,
        client_lines=client_lines,
        price_header=f"Цена{vat}, {label}",
        amount_header=f"Сумма{vat}, {label}",
        rows=[
            Row(
                position=line.position,
                name=line.name,
                article=line.article or "",
                quantity=quantity(line.quantity),
                unit=line.unit.value,
                price=money(line.unit_price),
                amount=money(line.amount),
            )
            for line in doc.lines
        ],
        totals=totals,
        total_in_words=doc.total_in_words or amount_in_words(doc.total, doc.currency),
        vat_note=vat_note,
        terms=_terms(doc),
        manager_lines=manager_lines,
        notes=doc.notes,
    )
