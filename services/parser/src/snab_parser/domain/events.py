"""From a parse result to the event the rest of the system reads.

- ``request`` -> ``order.parsed``. The contract wants every item with a positive quantity:
  an item whose quantity the email does not state is kept (its name is what a manager
  needs) with quantity 1, a note saying the quantity is not stated, and a review reason
  naming it, so the order goes to a manager instead of being quietly invented. A missing
  unit becomes "шт" with a note, without review (most lists omit "шт").
- ``quote`` -> ``quote.parsed`` with the gateway's threading when it found the supplier
  request, else what the parser read (the RFQ tag in the subject, our RFQ Message-ID in
  the references). A quote linked to nothing still goes out as ``quote.parsed`` with an
  empty thread: the orders service keeps it as unmatched mail for a manager to link.
- A reply in one of our RFQ threads read as a request is a supplier's answer without
  prices: ``quote.parsed`` with unpriced lines, marked for review (never a new order).
- ``other`` -> ``mail.classified`` with the reason; a message no extractor could read, or
  whose reading was stopped over its budget -> ``mail.classified`` with reason
  ``unparseable``, for review (the excerpt then starts with a note saying why). Auto-replies
  and bounces flagged by the MIME layer are classified from their flags and never become
  orders or quotes.

Values the contract would reject (an INN of 11 digits, a phone that is not a phone) are
dropped with a review reason rather than failing the event. Strings taken from the mail
(subject, sender's name, excerpt) pass ``clean_text`` like everything else the parser emits.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Final

import phonenumbers

from snab_contracts.mail import (
    ClassifiedReason,
    MailAddress,
    MailClassified,
    MailReceived,
    ThreadInfo,
)
from snab_contracts.parsing import OrderParsed, QuoteLine, QuoteParsed, RequestItem
from snab_contracts.values import Extractor, Unit
from snab_parser.domain.boundary import clean_text
from snab_parser.domain.validation import reason
from snab_parser.result import ParseResult, Quote, Request

ParsedEvent = OrderParsed | QuoteParsed | MailClassified

# Output event ids are derived from the input event id: a replay yields the same id, and
# JetStream's duplicate window drops a second copy even if one slipped past the inbox.
_OUTPUT_NAMESPACE: Final = uuid.UUID("5c0c9d1e-2f4b-4a8e-9a63-0d6f7b1e2a41")
_RFQ_NUMBER: Final = re.compile(r"^RFQ-\d{4}-\d{4,}-\d+$")
_RFQ_MESSAGE_ID: Final = re.compile(r"<?rfq\.(\d+)\.", re.IGNORECASE)
_INN: Final = re.compile(r"^(?:\d{10}|\d{12})$")
_KPP: Final = re.compile(r"^\d{9}$")
_E164: Final = re.compile(r"^\+\d{10,15}$")
EXCERPT_CHARS: Final = 2000

NOTE_NO_QUANTITY: Final = "количество не указано"
NOTE_NO_UNIT: Final = "единица измерения не указана"


def output_event_id(input_event_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_OUTPUT_NAMESPACE, f"parser:{input_event_id}")


def excerpt(text: str) -> str:
    return clean_text(text.strip()[:EXCERPT_CHARS])


def _sender(mail: MailReceived) -> MailAddress | None:
    sender = mail.from_
    if sender is None:
        return None
    return MailAddress(email=clean_text(sender.email) or sender.email, name=clean_text(sender.name))


def flag_reason(mail: MailReceived) -> ClassifiedReason | None:
    """The reason to classify a message by its MIME flags alone, if any."""
    if mail.flags.bounce:
        return "bounce"
    if mail.flags.auto_reply:
        return "auto_reply"
    if mail.flags.unparseable:
        return "unparseable"
    return None


def classified(
    mail: MailReceived,
    reason_: ClassifiedReason,
    *,
    confidence: float,
    extractor: Extractor,
    needs_review: bool,
    text: str,
    thread: ThreadInfo | None = None,
) -> MailClassified:
    """``thread``: the request a reply belongs to (a supplier's question), else the gateway's."""
    return MailClassified(
        id=output_event_id(mail.id),
        correlation_id=mail.correlation_id,
        mail_id=mail.mail_id,
        reason=reason_,
        confidence=confidence,
        extractor=extractor,
        from_=_sender(mail),
        mail_subject=clean_text(mail.mail_subject),
        received_at=mail.received_at,
        thread=thread or mail.thread,
        bounced_message_id=mail.flags.bounced_message_id,
        needs_review=needs_review,
        text_excerpt=excerpt(text),
    )


def stopped(mail: MailReceived, note: str) -> MailClassified:
    """A mail whose reading was stopped: unparseable, for a manager, with the note first."""
    text = f"{note}\n\n{mail.text.strip()}" if mail.text.strip() else note
    return classified(
        mail, "unparseable", confidence=0.0, extractor="rules", needs_review=True, text=text
    )


def to_event(
    mail: MailReceived,
    result: ParseResult,
    *,
    extractor: Extractor,
    text: str,
    parsed_flags: ClassifiedReason | None = None,
) -> ParsedEvent:
    """The one event a received mail turns into."""
    flagged = flag_reason(mail) or parsed_flags
    if flagged in ("auto_reply", "bounce"):
        return classified(
            mail, flagged, confidence=1.0, extractor="rules", needs_review=False, text=text
        )
    if result.kind == "other" and "extractor_error" in result.review_reasons:
        return classified(
            mail, "unparseable", confidence=0.0, extractor=extractor, needs_review=True, text=text
        )
    if result.kind == "request" and result.request is not None:
        if _in_rfq_thread(mail.thread):
            return _quote_from_request(mail, result, result.request, extractor, text)
        return _order(mail, result, result.request, extractor, text)
    if result.kind == "quote" and result.quote is not None:
        return _quote(mail, result, result.quote, extractor, text)
    return classified(
        mail,
        result.other_reason or "not_procurement",
        confidence=result.confidence,
        extractor=extractor,
        needs_review=result.needs_review,
        text=text,
        thread=thread_for(mail, result.quote),
    )


# -- orders -----------------------------------------------------------------------------


def _order(
    mail: MailReceived, result: ParseResult, request: Request, extractor: Extractor, text: str
) -> OrderParsed:
    reasons = list(result.review_reasons)
    items: list[RequestItem] = []
    for item in request.items:
        name = " ".join(item.name.split())[:500]
        if not name:
            continue
        notes: list[str] = []
        quantity = item.quantity
        if quantity is None or quantity <= 0:
            quantity = Decimal(1)
            notes.append(NOTE_NO_QUANTITY)
            reasons.append(reason("quantity_missing", name))
        unit = Unit(item.unit) if item.unit else Unit.PCS
        if item.unit is None:
            notes.append(NOTE_NO_UNIT)
        items.append(
            RequestItem(
                name=name,
                quantity=quantity,
                unit=unit,
                article=_cut(item.article, 100),
                note="; ".join(notes) or None,
                quantity_stated=NOTE_NO_QUANTITY not in notes,
                unit_stated=item.unit is not None,
            )
        )
    inn = request.inn if request.inn and _INN.match(request.inn) else None
    if request.inn and inn is None:
        reasons.append("inn_invalid")
    kpp = request.kpp if request.kpp and _KPP.match(request.kpp) else None
    phone = normalize_phone(request.contact_phone)
    email = request.email if request.email and "@" in request.email else None
    return OrderParsed(
        id=output_event_id(mail.id),
        correlation_id=mail.correlation_id,
        mail_id=mail.mail_id,
        from_=_sender(mail),
        mail_subject=clean_text(mail.mail_subject),
        received_at=mail.received_at,
        items=items,
        deadline=request.deadline,
        company=_cut(request.company, 500),
        inn=inn,
        kpp=kpp,
        contact_name=_cut(request.contact_name, 200),
        contact_phone=phone,
        contact_email=_cut(email, 320),
        confidence=result.confidence,
        extractor=extractor,
        needs_review=result.needs_review or len(reasons) > len(result.review_reasons),
        review_reasons=list(dict.fromkeys(reasons)),
        text_excerpt=excerpt(text),
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
    )


def normalize_phone(value: str | None) -> str | None:
    """E.164 (+79161234567) or None; Russian numbers may be written with 8 or without +."""
    if not value:
        return None
    if _E164.match(value):
        return value
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return formatted if _E164.match(formatted) else None


# -- quotes -----------------------------------------------------------------------------


def _in_rfq_thread(thread: ThreadInfo) -> bool:
    return thread.request_id is not None or thread.rfq_number is not None


def _line_name(name: str, analogue: str | None) -> str:
    """The line's name; an analogue offered instead is named after the item it replaces."""
    text = f"{name} (аналог: {analogue})" if analogue else name
    return " ".join(text.split())[:500]


def thread_for(mail: MailReceived, quote: Quote | None) -> ThreadInfo:
    """The gateway's threading when it has any; else what the parser read."""
    if _in_rfq_thread(mail.thread) or quote is None:
        return mail.thread
    if quote.rfq_message_id:
        m = _RFQ_MESSAGE_ID.search(quote.rfq_message_id)
        if m and int(m.group(1)) >= 1:
            tag = quote.rfq_tag if quote.rfq_tag and _RFQ_NUMBER.match(quote.rfq_tag) else None
            return ThreadInfo(request_id=int(m.group(1)), rfq_number=tag, matched_by="message_id")
    if quote.rfq_tag and _RFQ_NUMBER.match(quote.rfq_tag):
        return ThreadInfo(rfq_number=quote.rfq_tag, matched_by="subject_tag")
    return ThreadInfo()


def _quote(
    mail: MailReceived, result: ParseResult, quote: Quote, extractor: Extractor, text: str
) -> QuoteParsed:
    lines = [
        QuoteLine(
            name=_line_name(line.name, line.analogue),
            article=_cut(line.article, 100),
            quantity=line.quantity if line.quantity is not None and line.quantity > 0 else None,
            unit=Unit(line.unit) if line.unit else None,
            unit_price=_non_negative(line.unit_price),
            line_total=_non_negative(line.line_total),
            available=line.available,
            lead_time_days=_days(line.lead_time_days),
            analogue_name=_cut(line.analogue, 500),
        )
        for line in quote.lines
    ]
    return QuoteParsed(
        id=output_event_id(mail.id),
        correlation_id=mail.correlation_id,
        mail_id=mail.mail_id,
        from_=_sender(mail),
        mail_subject=clean_text(mail.mail_subject),
        received_at=mail.received_at,
        thread=thread_for(mail, quote),
        currency=quote.currency,
        vat_included=quote.vat_included,
        lines=lines,
        lead_time_days=_days(quote.lead_time_days),
        payment_terms=_cut(quote.payment_terms, 1000),
        valid_until=quote.valid_until,
        total=_non_negative(quote.total),
        confidence=result.confidence,
        extractor=extractor,
        needs_review=result.needs_review,
        review_reasons=list(result.review_reasons),
        text_excerpt=excerpt(text),
    )


def _quote_from_request(
    mail: MailReceived, result: ParseResult, request: Request, extractor: Extractor, text: str
) -> QuoteParsed:
    lines = [
        QuoteLine(
            name=" ".join(item.name.split())[:500],
            article=_cut(item.article, 100),
            quantity=item.quantity if item.quantity is not None and item.quantity > 0 else None,
            unit=Unit(item.unit) if item.unit else None,
        )
        for item in request.items
        if item.name.strip()
    ]
    return QuoteParsed(
        id=output_event_id(mail.id),
        correlation_id=mail.correlation_id,
        mail_id=mail.mail_id,
        from_=_sender(mail),
        mail_subject=clean_text(mail.mail_subject),
        received_at=mail.received_at,
        thread=mail.thread,
        lines=lines,
        confidence=result.confidence,
        extractor=extractor,
        needs_review=True,
        review_reasons=[*result.review_reasons, "thread_reply_read_as_request"],
        text_excerpt=excerpt(text),
    )


def _cut(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value[:limit] or None


def _non_negative(value: Decimal | None) -> Decimal | None:
    return value if value is not None and value >= 0 else None


def _days(value: int | None) -> int | None:
    return value if value is not None and value >= 0 else None
