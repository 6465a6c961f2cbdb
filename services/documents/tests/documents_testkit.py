"""Helpers of the documents tests: sample proposals, the text of a PDF."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

from pypdf import PdfReader

from snab_contracts.documents import (
    BankDetails,
    CompanyRequisites,
    ProposalClient,
    ProposalDocument,
    ProposalLine,
    ProposalManager,
)
from snab_contracts.values import Currency, Unit

CENT = Decimal("0.01")

COMPANY = CompanyRequisites(
    name="ООО «Снаб»",
    inn="7701234567",
    kpp="770101001",
    ogrn="1027700132195",
    address="123456, г. Москва, ул. Складская, д. 1, офис 12",
    phone="+7 (495) 123-45-67",
    email="zakupki@snab.example",
    bank=BankDetails(
        bank_name="ПАО «Сбербанк»",
        bik="044525225",
        account="40702810900000012345",
        correspondent_account="30101810400000000225",
    ),
)

LONG_NAME = (
    "Комплект крепежа для монтажа вентилируемого фасада из керамогранита: кронштейн несущий "
    "КН-180 оцинкованный, анкер фасадный 10х100 с потайной головкой, заклёпка вытяжная "
    "нержавеющая А2 4,8х12, салазки, уголок L-образный — поставка партиями по графику"
)
LONG_ARTICLE = "FAS-KRN180-ZN-ANK10x100-ZKL48x12-A2-SLZ-UGL-L-2026-REV-B-EXTENDED-CODE"


def line_name(n: int, *, long: bool = False) -> str:
    return f"{LONG_NAME} (позиция {n})" if long else f"Болт М8х30 DIN 933 оцинкованный, поз. {n}"


def proposal(
    lines: int = 3,
    *,
    currency: Currency = "RUB",
    long: bool = False,
    names: list[str] | None = None,
    vat_rate: Decimal = Decimal(22),
    number: str = "KP-2026-0042-1",
    company: CompanyRequisites = COMPANY,
    **extra: object,
) -> ProposalDocument:
    """A proposal of ``lines`` lines with consistent amounts (prices include VAT)."""
    rows: list[ProposalLine] = []
    total = Decimal(0)
    for n in range(1, lines + 1):
        price = (Decimal("12.35") * n + Decimal("0.40")).quantize(CENT)
        quantity = Decimal(10 * n) if n % 3 else Decimal("2.5")
        amount = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        total += amount
        rows.append(
            ProposalLine(
                position=n,
                name=names[n - 1] if names else line_name(n, long=long),
                article=f"{LONG_ARTICLE}-{n}" if long else f"ART-{1000 + n}",
                quantity=quantity,
                unit=Unit.PCS if n % 3 else Unit.KG,
                unit_price=price,
                amount=amount,
            )
        )
    vat = (total * vat_rate / (100 + vat_rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    values: dict[str, object] = {
        "number": number,
        "date": dt.date(2026, 12, 1),
        "company": company,
        "client": ProposalClient(name="ООО «Ромашка»", inn="7701234560", contact="Иван Петров"),
        "lines": rows,
        "currency": currency,
        "subtotal": total - vat,
        "vat_rate": vat_rate,
        "vat_amount": vat,
        "total": total,
        "valid_until": dt.date(2026, 12, 11),
        "lead_time_days": 5,
        "payment_terms": "100% предоплата",
        "manager": ProposalManager(
            name="Анна Смирнова", phone="+7 (495) 123-45-68", email="anna@snab.example"
        ),
        **extra,
    }
    return ProposalDocument.model_validate(values)


def pages(pdf: bytes) -> list[str]:
    """The text of each page, no-break spaces as spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [(p.extract_text() or "").replace("\u00a0", " ") for p in reader.pages]


def flat(text: str) -> str:
    """Text with all whitespace removed: wrapped cells compare equal to their value."""
    return re.sub(r"\s+", "", text)


def fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts embedded in the PDF, without the subset prefix."""
    reader = PdfReader(io.BytesIO(pdf))
    found: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            name = str(font.get_object().get("/BaseFont", ""))
            found.add(name.split("+", 1)[-1].lstrip("/"))
    return found


def money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")
