"""Documents: the commercial proposal (КП) to render, and the rendered file."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from pydantic import Field

from snab_contracts.base import Contract, Event
from snab_contracts.values import (
    Currency,
    Inn,
    Kpp,
    NonNegativeDecimal,
    Percent,
    PositiveDecimal,
    ProposalNumber,
    Sha256Hex,
    Unit,
)

DocumentKind = Literal["proposal"]

# Why a document could not be made, for programs; the reason text is for people.
DocumentFailure = Literal["template", "requisites", "content", "timeout", "internal"]


class BankDetails(Contract):
    bank_name: str
    bik: str = Field(pattern=r"^\d{9}$", examples=["044525225"])
    account: str = Field(
        pattern=r"^\d{20}$", examples=["40702810900000012345"], description="Расчётный счёт."
    )
    correspondent_account: str | None = Field(
        default=None, pattern=r"^\d{20}$", examples=["30101810400000000225"]
    )


class CompanyRequisites(Contract):
    """The broker's own requisites printed in the header of a proposal."""

    name: str = Field(min_length=1)
    inn: Inn
    kpp: Kpp | None = None
    ogrn: str | None = Field(default=None, pattern=r"^(\d{13}|\d{15})$", examples=["1027700132195"])
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    bank: BankDetails | None = None


class ProposalClient(Contract):
    name: str = Field(min_length=1)
    inn: Inn | None = None
    contact: str | None = Field(default=None, description="Contact person, as printed.")


class ProposalManager(Contract):
    name: str = Field(min_length=1)
    phone: str | None = None
    email: str | None = None


class ProposalLine(Contract):
    position: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=500)
    article: str | None = Field(default=None, max_length=100)
    quantity: PositiveDecimal
    unit: Unit
    unit_price: NonNegativeDecimal
    amount: NonNegativeDecimal


class ProposalDocument(Contract):
    """Everything printed on a КП; amounts are final, the renderer does no arithmetic."""

    number: ProposalNumber
    date: dt.date
    company: CompanyRequisites
    client: ProposalClient
    lines: list[ProposalLine] = Field(min_length=1)
    currency: Currency = "RUB"
    prices_include_vat: bool = True
    subtotal: NonNegativeDecimal
    vat_rate: Percent = Field(description="VAT rate in percent, e.g. 22.")
    vat_amount: NonNegativeDecimal
    total: NonNegativeDecimal
    total_in_words: str | None = Field(
        default=None, description="Filled by the renderer when empty (ru words)."
    )
    valid_until: dt.date | None = None
    lead_time_days: int | None = Field(default=None, ge=0)
    payment_terms: str | None = None
    manager: ProposalManager
    notes: str | None = None


class DocumentRequested(Event):
    """Command to render a document; the reply is ``document.generated``."""

    subject: Literal["document.requested"] = "document.requested"
    version: Literal[1] = 1

    document_kind: DocumentKind = "proposal"
    order_id: UUID
    proposal_id: UUID
    proposal: ProposalDocument


class DocumentGenerated(Event):
    subject: Literal["document.generated"] = "document.generated"
    version: Literal[1] = 1

    request_event_id: UUID = Field(description="Id of the document.requested event.")
    order_id: UUID
    proposal_id: UUID
    document_id: UUID
    kind: DocumentKind = "proposal"
    document_version: int = Field(ge=1, description="Grows per proposal; files are never replaced.")
    storage_key: str = Field(min_length=1)
    filename: str = Field(min_length=1)
    content_type: str = "application/pdf"
    sha256: Sha256Hex
    size: int = Field(ge=0)


class DocumentFailed(Event):
    """A requested document could not be made; ``reason`` tells a manager why (Russian).

    It answers ``document.requested`` instead of ``document.generated``; the same request
    never gets both."""

    subject: Literal["document.failed"] = "document.failed"
    version: Literal[1] = 1

    request_event_id: UUID = Field(description="Id of the document.requested event.")
    order_id: UUID
    proposal_id: UUID
    kind: DocumentKind = "proposal"
    failure: DocumentFailure = Field(
        description="template: the operator's template is broken; requisites: the company "
        "requisites the template needs are not configured; content: the document itself "
        "cannot be laid out; timeout: rendering took too long; internal: anything else."
    )
    reason: str = Field(min_length=1, max_length=2000, description="For a manager, Russian.")
