"""Settings of the orders service (environment variables, as in the project's table)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import NoDecode

from snab_kit.settings import Mailbox, ServiceSettings
from snab_orders.domain.rates import CBR_PUBLIC_URL

DEFAULT_CATEGORY_KEYWORDS = (
    "Крепёж=болт|гайк|шайб|винт|шуруп|саморез|шпильк|анкер|дюбел;"
    "Кабель и провод=кабел|провод;"
    "Трубы и фитинги=труб|фитинг|отвод|муфт|тройник;"
    "Электротехника=автомат|выключател|розетк|лампа|светильник"
)


def parse_keywords(value: str) -> dict[str, list[str]]:
    """``"Крепёж=болт|гайк;Кабель=кабел"`` → ``{"Крепёж": ["болт", "гайк"], ...}``; the
    same as JSON (``{"Крепёж": ["болт", "гайк"]}``) is read too."""
    found: dict[str, list[str]] = {}
    if value.lstrip().startswith("{"):
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"category keywords are not valid JSON: {exc}") from None
        if not isinstance(loaded, dict) or not all(
            isinstance(stems, list) and all(isinstance(w, str) for w in stems)
            for stems in loaded.values()
        ):
            raise ValueError('category keywords as JSON are {"NAME": ["stem", ...]}')
        value = ";".join(f"{name}={'|'.join(stems)}" for name, stems in loaded.items())
    for part in value.split(";"):
        if not part.strip():
            continue
        name, sep, stems = part.partition("=")
        words = [w.strip().lower().replace("ё", "е") for w in stems.split("|") if w.strip()]
        if not sep or not name.strip() or not words:
            raise ValueError(f"category keywords {part!r} are not NAME=stem|stem")
        found[name.strip()] = words
    return found


def parse_rates(value: str) -> dict[str, Decimal]:
    """``"USD=95.5,EUR=103.2"`` → ``{"USD": Decimal("95.5"), ...}`` (roubles per unit)."""
    rates: dict[str, Decimal] = {}
    for part in value.replace(";", ",").split(","):
        if not part.strip():
            continue
        code, sep, number = part.partition("=")
        if not sep:
            raise ValueError(f"currency rate {part!r} is not CODE=RATE")
        try:
            rate = Decimal(number.strip())
        except InvalidOperation as exc:
            raise ValueError(f"currency rate {part!r} is not a number") from exc
        if not rate.is_finite() or rate <= 0:
            raise ValueError(f"currency rate {part!r} must be positive")
        rates[code.strip().upper()] = rate
    return rates


class OrdersSettings(ServiceSettings):
    http_port: int = Field(default=8103, validation_alias=AliasChoices("ORDERS_HTTP_PORT"))

    vat_rate: Decimal = Field(default=Decimal(22), ge=0, le=100, description="Percent.")
    # Ages of an unanswered supplier request; fractional hours allowed (tests use seconds).
    request_reminder_hours: float = Field(default=24.0, gt=0)
    request_timeout_hours: float = Field(default=48.0, gt=0)
    request_business_hours: bool = Field(
        default=False, description="Count only working hours (Mon-Fri, Moscow) in those ages."
    )
    business_day_start_hour: int = Field(default=9, ge=0, le=23)
    business_day_end_hour: int = Field(default=18, ge=1, le=24)
    sweeper_interval_seconds: float = Field(default=60.0, gt=0)
    sweeper_batch_size: int = Field(default=200, ge=1)

    currency_rates: Annotated[dict[str, Decimal], NoDecode] = Field(
        default_factory=lambda: parse_rates("USD=95.5,EUR=103.2,CNY=13.1"),
        description="Roubles for one unit of each currency: CURRENCY_RATES=USD=95.5,EUR=103.2",
    )
    category_keywords: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=lambda: parse_keywords(DEFAULT_CATEGORY_KEYWORDS),
        description="Categories of items by the start of a word of their name, written "
        "'Крепёж=болт|гайк;Кабель=кабел|провод' or as JSON (the default below)",
    )
    min_quotes: int = Field(
        default=2, ge=1, description="Fewer answered quotes at a timeout: escalate."
    )
    auto_escalate: bool = Field(
        default=False, description="Send requests to the escalation's suppliers at once."
    )
    escalate_suppliers: int = Field(
        default=2, ge=1, le=20, description="How many next suppliers an escalation names."
    )
    cbr_rates_url: str = Field(
        default=CBR_PUBLIC_URL,
        description="The CBR daily rates (XML_daily); 'off': no fetching, CURRENCY_RATES only.",
    )
    cbr_refresh_hours: float = Field(default=24.0, gt=0, description="How often to fetch.")
    cbr_timeout_seconds: float = Field(default=10.0, gt=0)
    duplicate_window_hours: float = Field(default=72.0, ge=0)
    default_markup_percent: Decimal = Field(default=Decimal(20), ge=0, le=1000)
    min_margin_percent: Decimal = Field(default=Decimal(5), ge=0, lt=100)
    proposal_valid_days: int = Field(default=10, ge=1, le=365)
    proposal_payment_terms: str | None = None

    proposal_document_timeout_seconds: float = Field(
        default=300.0,
        gt=0,
        description="A proposal whose PDF has not arrived by then fails (the manager rebuilds).",
    )

    # The company's requisites, printed on proposals: the one place they are configured
    # (the documents service prints what it is sent).
    company_name: str = "ООО «Снаб»"
    company_inn: str = Field(default="7700000000", pattern=r"^(\d{10}|\d{12})$")
    company_kpp: str | None = Field(default=None, pattern=r"^\d{9}$")
    company_ogrn: str | None = Field(
        default=None, pattern=r"^(\d{13}|\d{15})$", description="ОГРН, or ОГРНИП (15 digits)."
    )
    company_address: str | None = None
    company_phone: str | None = None
    company_email: str | None = None
    company_bank_name: str | None = Field(default=None, description="Bank of the account.")
    company_bank_bik: str | None = Field(default=None, pattern=r"^\d{9}$")
    company_bank_account: str | None = Field(
        default=None, pattern=r"^\d{20}$", description="Расчётный счёт."
    )
    company_bank_corr_account: str | None = Field(
        default=None, pattern=r"^\d{20}$", description="Корреспондентский счёт банка."
    )
    manager_name: str = "Отдел снабжения"
    manager_phone: str | None = Field(default=None, description="Default: COMPANY_PHONE.")
    manager_email: str | None = Field(
        default=None, description="Default: COMPANY_EMAIL, else EMAIL_FROM."
    )
    email_from: Mailbox | None = Field(
        default=None,
        description="Our mailbox as people see it, e.g. 'Снабжение <zakupki@broker.example>': "
        "the Reply-To of RFQs, reminders and proposals.",
    )

    order_batch_size: int = Field(default=100, ge=0, description="order.parsed per transaction.")

    @field_validator("category_keywords", mode="before")
    @classmethod
    def _keywords(cls, value: object) -> object:
        if isinstance(value, str) and value.lstrip().startswith("{"):
            return json.loads(value)
        if isinstance(value, str):
            return parse_keywords(value)
        return value

    @field_validator("currency_rates", mode="before")
    @classmethod
    def _rates(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_rates(value)
        return value

    @model_validator(mode="after")
    def _bank_together(self) -> OrdersSettings:
        parts = (self.company_bank_name, self.company_bank_bik, self.company_bank_account)
        if any(parts) and not all(parts):
            raise ValueError(
                "COMPANY_BANK_NAME, COMPANY_BANK_BIK and COMPANY_BANK_ACCOUNT go together"
            )
        return self

    @property
    def cbr_enabled(self) -> bool:
        return self.cbr_rates_url.strip().lower() not in ("", "off")

    @property
    def document_timeout(self) -> timedelta:
        return timedelta(seconds=self.proposal_document_timeout_seconds)

    @property
    def reminder_age(self) -> timedelta:
        return timedelta(hours=self.request_reminder_hours)

    @property
    def timeout_age(self) -> timedelta:
        return timedelta(hours=self.request_timeout_hours)

    @property
    def contact_email(self) -> str | None:
        """The address printed in signatures and on proposals."""
        return self.company_email or (self.email_from.email if self.email_from else None)

    def rates(self) -> dict[str, Decimal]:
        """Exchange rates to roubles, RUB itself included."""
        return {**self.currency_rates, "RUB": Decimal(1)}
