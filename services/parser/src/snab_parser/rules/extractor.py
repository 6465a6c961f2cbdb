"""The rule-based extractor: classification, request reading and quote reading, offline."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from snab_mailparse import ParsedMail
from snab_parser.attachments import (
    DEFAULT_LIMITS,
    AttachmentLimits,
    AttachmentText,
    read_attachments,
)
from snab_parser.domain.validation import reason
from snab_parser.result import (
    ExtractorName,
    OtherReason,
    ParseResult,
    Quote,
    Request,
    RequestItem,
)
from snab_parser.rules import classify
from snab_parser.rules.contacts import (
    EMAIL_FIELD,
    NAME_FIELD,
    domain_of,
    find_company,
    find_emails,
    find_inn,
    find_phones,
    form_field,
    looks_like_person,
)
from snab_parser.rules.corrections import apply_corrections, is_correction
from snab_parser.rules.dates import DATE_PATTERN, date_from_match, end_of_period
from snab_parser.rules.items import Item, items_from_attachment, items_from_lines, merge_items
from snab_parser.rules.quote import QuoteDraft, read_quote
from snab_parser.rules.text import Body, Segment, split_message

_DEADLINE: Final = re.compile(
    r"(?:(?<![а-яё])до:?|не\s+позднее|не\s+позже|(?<![а-яё])к|крайний\s+срок"
    r"|(?:required\s+)?delivery\s+(?:date\s*+:?|by)|deliver\w{0,3}\s+(?:by|before)|no\s+later\s+than"
    r"|срок\w{0,30}(?:\s+поставки)?\s*+[:—–-]\s*+(?:до\s++)?"
    r"|дат[аы]\s+(?:поставки|отгрузки|доставки)\s*+[:—–-]?\s*+(?:до\s++)?"
    r"|deadline\s*+:?\s*+(?:до\s++)?|due\s+date\s*+:?)\s*+(?:\d{1,2}:\d{2}\s++)?" + DATE_PATTERN,
    re.IGNORECASE,
)
# "Цены нужны до 25.11, поставка до 10.12": a date for the answer is not the delivery deadline
_ANSWER_BY: Final = re.compile(
    r"(?:цен\w{0,30}|кп|предложени\w{0,30}|ответ\w{0,30}|сч[её]т\w{0,30})(?:\s++\w{1,30}){0,2}\s*+$",
    re.IGNORECASE,
)
_NOT_DEADLINE: Final = re.compile(
    r"действ|актуальн|оплат[^\W\d]{0,30}+\s+до|регистрац", re.IGNORECASE
)
_HEADER_ADDR: Final = re.compile(
    r"^(?:от|from)\s*+:\s*+(?P<name>[^<\[\n]*+)[<\[](?:mailto:)?(?P<email>[^>\]\s]+)[>\]]",
    re.IGNORECASE,
)


_UNTIL_END: Final = re.compile(r"до\s+конц", re.IGNORECASE)
_SUPPLIER_PHRASE: Final = re.compile(
    r"по\s+вашему\s+запросу|в\s+ответ\s+на\s+(?:ваш\s+)?запрос", re.IGNORECASE
)
_PERSON_WORD: Final = re.compile(r"[А-ЯЁA-Z][а-яёa-z]{2,}")
_SERVICE_SENDER: Final = re.compile(r"^(?:no-?reply|mailer-daemon|postmaster)@", re.IGNORECASE)

# -- confidences and thresholds ----------------------------------------------------------
# A result under REVIEW_BELOW goes to a manager whatever its reasons.
REVIEW_BELOW: Final = 0.6
CEILING: Final = 0.95  # rules never claim certainty
UNPARSEABLE: Final = 0.2
BOUNCE_FLAGGED: Final = 0.95  # the MIME layer saw a delivery report
BOUNCE_WORDED: Final = 0.8  # only the wording says so
# auto-reply strength (classify.auto_reply_strength, 0..1): what it takes to be one
AUTO_REPLY_IN_THREAD: Final = 0.4
AUTO_REPLY_ALONE: Final = 0.5
AUTO_REPLY_WITH_WORDING: Final = 0.4
AUTO_REPLY_WEAK: Final = 0.6  # the confidence of a weak auto-reply without items
# spam score (classify.spam_score, counted signals)
SPAM_SIGNALS: Final = 3
SPAM_SIGNALS_WEAK: Final = 2
SPAM_WEAK: Final = 0.6
# not-procurement
REPLY_WITHOUT_PRICES: Final = 0.4  # a reply in our thread that prices nothing
NOT_PROCUREMENT_WORDED: Final = 0.7  # its own vocabulary says so
NOT_PROCUREMENT_GUESS: Final = 0.45  # no items, nothing else
NOT_PROCUREMENT_SIGNALS: Final = 2  # classify.not_procurement_score that outweighs items
# requests: a base, a share for items read from lists and tables, and contacts
REQUEST_BASE: Final = 0.55
REQUEST_STRUCTURED: Final = 0.3
REQUEST_CONTACT: Final = 0.05
REQUEST_COMPANY: Final = 0.05
# quotes: a base, the link to our RFQ, settled lines, and the total's agreement
QUOTE_BASE: Final = 0.5
QUOTE_LINKED: Final = 0.2
QUOTE_SETTLED: Final = 0.2
QUOTE_NO_PRICES: Final = 0.2
QUOTE_TOTAL_AGREES: Final = 0.1


def _deadline(lines: list[str], subject: str, ref: date | None) -> date | None:
    """The delivery date asked for; a date for the answer ("КП до 25.11") when none is given."""
    answer_by: date | None = None
    for text in [*lines, subject]:
        if _NOT_DEADLINE.search(text):
            continue
        for m in _DEADLINE.finditer(text):
            value = date_from_match(m, ref)
            if value is None:
                continue
            if _ANSWER_BY.search(text[max(0, m.start() - 30) : m.start()]):
                answer_by = answer_by or value
                continue
            return value
        if _UNTIL_END.search(text):
            value = end_of_period(text, ref)
            if value is not None:
                return value
    return answer_by


def unread_parts(body: Body, attachments: list[AttachmentText]) -> list[str]:
    """Review reasons for what the limits left unread: a manager reads the rest."""
    notes = ["text_cut"] if body.cut else []
    for att in attachments:
        if att.skipped:
            notes.append(reason("attachment_not_read", att.filename))
        elif att.cut:
            notes.append(reason("attachment_cut", att.filename))
    return notes


class RuleExtractor:
    """Reads requests and quotes with rules only: no network, no model."""

    name: ExtractorName = "rules"

    def __init__(self, limits: AttachmentLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits

    def extract(
        self, mail: ParsedMail, attachments: list[AttachmentText] | None = None
    ) -> ParseResult:
        """The mail's reading; ``attachments`` when they were read already."""
        if mail.unparseable:
            return _other("not_procurement", UNPARSEABLE, ["unparseable"])
        body = split_message(mail)
        if attachments is None:
            attachments = read_attachments(mail.attachments, self.limits)
        result = self._read(mail, body, attachments)
        notes = unread_parts(body, attachments)
        if not notes:
            return result
        return result.model_copy(
            update={
                "review_reasons": list(dict.fromkeys([*result.review_reasons, *notes])),
                "needs_review": True,
            }
        )

    def _read(self, mail: ParsedMail, body: Body, attachments: list[AttachmentText]) -> ParseResult:
        ref = mail.date.date() if mail.date else None
        written = "\n".join(body.body_lines())
        everything = "\n".join(body.body_lines() + body.own.signature)

        if classify.is_bounce(mail, everything):
            return _other("bounce", BOUNCE_FLAGGED if mail.bounce else BOUNCE_WORDED, [])

        tag, msg_id = classify.rfq_link(mail)
        threaded = bool(tag or msg_id)
        auto = classify.auto_reply_strength(mail, written)

        if threaded:
            rfq_items = items_from_lines(body.history)
            draft = read_quote(body.body_lines(), attachments, rfq_items, ref)
            if _has_prices(draft) or any(d.available is False for d in draft.lines):
                return _quote(draft, tag, msg_id)
            if auto >= AUTO_REPLY_IN_THREAD:
                return _other("auto_reply", _auto_confidence(auto), [])
            if classify.declines(written):
                return _quote(draft, tag, msg_id, extra_reasons=["declined_without_lines"])
            # a supplier's question about our request: for a manager, in the request's thread
            why = "supplier_question" if classify.asks_question(written) else "reply_without_prices"
            return _other("not_procurement", REPLY_WITHOUT_PRICES, [why]).model_copy(
                update={"quote": Quote(rfq_tag=tag, rfq_message_id=msg_id)}
            )

        if auto >= AUTO_REPLY_ALONE or (
            auto >= AUTO_REPLY_WITH_WORDING and classify.ooo_wording(written)
        ):
            return _other("auto_reply", _auto_confidence(auto), [])

        spam = classify.spam_score(mail, everything)
        items = _request_items(body, attachments)
        buyer = bool(items) and classify.asks_for_goods(written)
        if spam >= SPAM_SIGNALS and (not buyer or classify.has_unsubscribe(mail, everything)):
            return _other("spam", min(CEILING, 0.55 + 0.05 * spam), [])

        supplier = classify.supplier_vocabulary(written)
        if supplier and not classify.asks_for_goods(_without_supplier(written)):
            draft = read_quote(body.body_lines(), attachments, [], ref)
            if _has_prices(draft):
                return _quote(draft, tag, msg_id)
        if items and not (
            (not classify.asks_for_goods(written) or classify.complains(written))
            and classify.not_procurement_score(mail, everything) >= NOT_PROCUREMENT_SIGNALS
        ):
            doubts = classify.not_procurement_score(mail, everything) + spam
            return _request(mail, body, items, ref, doubtful=doubts > 0, attachments=attachments)
        if auto >= AUTO_REPLY_WITH_WORDING:
            return _other("auto_reply", AUTO_REPLY_WEAK, [])
        if supplier:
            draft = read_quote(body.body_lines(), attachments, [], ref)
            if _has_prices(draft):
                return _quote(draft, tag, msg_id)
        if spam >= SPAM_SIGNALS_WEAK:
            return _other("spam", SPAM_WEAK, [])
        score = classify.not_procurement_score(mail, everything)
        reasons = [] if score else ["no_items"]
        if classify.request_vocabulary(mail, written) and not score:
            reasons = ["request_without_items"]
        return _other(
            "not_procurement", NOT_PROCUREMENT_WORDED if score else NOT_PROCUREMENT_GUESS, reasons
        )


def _auto_confidence(strength: float) -> float:
    return min(CEILING, 0.5 + strength / 2)


def _without_supplier(text: str) -> str:
    return _SUPPLIER_PHRASE.sub(" ", text)


def _has_prices(draft: QuoteDraft) -> bool:
    return draft.total is not None or any(d.price is not None for d in draft.lines)


def _other(reason: OtherReason, confidence: float, reasons: list[str]) -> ParseResult:
    return ParseResult(
        kind="other",
        other_reason=reason,
        confidence=round(confidence, 2),
        needs_review=bool(reasons) or confidence < REVIEW_BELOW,
        review_reasons=reasons,
    )


def _request_items(body: Body, attachments: list[AttachmentText]) -> list[Item]:
    """Items of every segment and attachment, then the corrections written after the list."""
    items: list[Item] = []
    corrections: list[str] = []
    for segment in body.segments:
        lines = []
        for line in segment.body:
            if is_correction(line):
                corrections.append(line)
                line = ""  # keeps the line numbers
            lines.append(line)
        items = merge_items(items, items_from_lines(lines))
    for att in attachments:
        items = merge_items(items, items_from_attachment(att))
    apply_corrections(items, corrections)
    return items


def _attachment_lines(attachments: list[AttachmentText]) -> list[str]:
    """The text of attached files: sheet rows as lines, then document lines."""
    lines: list[str] = []
    for att in attachments:
        lines.extend(" ".join(c for c in row if c.strip()) for grid in att.grids for row in grid)
        lines.extend(att.lines)
    return [line for line in lines if line.strip()]


def _contact_segments(mail: ParsedMail, body: Body) -> list[Segment]:
    """Where the client's details are: a forwarded letter first, unless we forwarded it."""
    own_domains = {domain_of(a.email) for a in [*mail.to, *mail.cc]} - {""}
    sender_domain = domain_of(mail.from_addr.email if mail.from_addr else None)
    internal = bool(sender_domain) and sender_domain in own_domains
    forwarded = [s for s in body.segments[1:] if s.forwarded]
    if forwarded:
        ordered = list(reversed(forwarded))
        return ordered if internal else [*ordered, body.own]
    return [body.own]


def _signed_by(signature: str, name: str | None) -> bool:
    """Whether a signature block carries the given person's name (any word order)."""
    words = [w.lower() for w in _PERSON_WORD.findall(name or "")]
    if not words or not signature:
        return False
    lowered = signature.lower()
    return all(w in lowered for w in words)


def _request(
    mail: ParsedMail,
    body: Body,
    items: list[Item],
    ref: date | None,
    *,
    doubtful: bool = False,
    attachments: list[AttachmentText] | None = None,
) -> ParseResult:
    """A client's request; ``doubtful`` when the mail also reads like accounting or marketing
    mail: it then goes to a manager rather than silently becoming a new order."""
    segments = _contact_segments(mail, body)
    own_domains = {domain_of(a.email) for a in [*mail.to, *mail.cc]} - {""}
    sender = mail.from_addr
    sender_internal = sender is not None and domain_of(sender.email) in own_domains

    company = inn = kpp = phone = None
    for seg in segments:
        signature = "\n".join(seg.signature)
        if sender_internal and _signed_by(signature, sender.name if sender else None):
            signature = ""  # our colleague's own signature under a forwarded request
        texts = [signature, "\n".join(seg.body), "\n".join(seg.header)]
        joined = "\n".join(texts)
        company = company or find_company(joined)
        if inn is None:
            inn, kpp_found = find_inn(joined)
            kpp = kpp or kpp_found
        if phone is None:
            phones = [p for t in texts for p in find_phones(t)]
            phone = phones[0] if phones else None
    # a request sent as a file ("заявка во вложении") carries its requisites there too
    attached = _attachment_lines(attachments or [])
    if attached and not (company and inn and phone):
        joined = "\n".join(attached)
        company = company or find_company(joined)
        if inn is None:
            inn, kpp_found = find_inn(joined)
            kpp = kpp or kpp_found
        if phone is None:
            phones = find_phones(joined)
            phone = phones[0] if phones else None

    email: str | None = None
    contact_name: str | None = None
    if sender is not None and not sender_internal and not _SERVICE_SENDER.match(sender.email):
        email = sender.email
        contact_name = sender.name if sender.name and looks_like_person(sender.name) else None
    for seg in segments:
        text = "\n".join(seg.lines + seg.header)
        if email is None:
            for h in seg.header:
                hm = _HEADER_ADDR.match(h)
                if hm and domain_of(hm.group("email")) not in own_domains:
                    email = hm.group("email")
                    contact_name = contact_name or (hm.group("name").rstrip().strip(" \"'") or None)
                    break
        if email is None:
            field = form_field(text, EMAIL_FIELD)
            found = find_emails(field or text)
            external = [e for e in found if domain_of(e) not in own_domains]
            email = external[0] if external else None
        if contact_name is None:
            contact_name = form_field(text, NAME_FIELD)
    lines = [line for seg in body.segments for line in seg.body]
    deadline = _deadline(lines, mail.subject, ref) or _deadline(attached, "", ref)

    request = Request(
        items=[
            RequestItem(name=i.name, quantity=i.quantity, unit=i.unit, article=i.article)
            for i in items
        ],
        deadline=deadline,
        company=company,
        inn=inn,
        contact_phone=phone,
        contact_name=contact_name,
        kpp=kpp,
        email=email,
    )
    strong = sum(1 for i in items if i.source in ("table", "list"))
    confidence = REQUEST_BASE + REQUEST_STRUCTURED * strong / len(items)
    if phone or email:
        confidence += REQUEST_CONTACT
    if company or inn:
        confidence += REQUEST_COMPANY
    reasons: list[str] = []
    if strong == 0:
        reasons.append("items_from_free_text")
    if any(i.quantity is None or i.unit is None for i in items):
        reasons.append("item_without_quantity")
    if not (phone or email):
        reasons.append("no_contact")
    if doubtful:
        reasons.append("maybe_not_a_request")
    confidence = min(confidence, CEILING)
    return ParseResult(
        kind="request",
        request=request,
        confidence=round(confidence, 2),
        needs_review=bool(reasons) or confidence < REVIEW_BELOW,
        review_reasons=reasons,
    )


def _quote(
    draft: QuoteDraft,
    tag: str | None,
    msg_id: str | None,
    extra_reasons: list[str] | None = None,
) -> ParseResult:
    quote = Quote(
        currency=draft.currency,
        vat_included=draft.vat_included,
        lines=draft.quote_lines(),
        lead_time_days=draft.lead_time_days,
        payment_terms=draft.payment_terms,
        valid_until=draft.valid_until,
        total=draft.total,
        rfq_tag=tag,
        rfq_message_id=msg_id,
    )
    reasons = list(extra_reasons or [])
    confidence = QUOTE_BASE
    if tag or msg_id:
        confidence += QUOTE_LINKED
    else:
        reasons.append("unlinked_quote")
    lines = draft.lines
    if lines:
        settled = sum(1 for d in lines if d.price is not None or d.available is False)
        confidence += QUOTE_SETTLED * settled / len(lines)
        if any(d.price is not None and not d.quantity for d in lines):
            reasons.append("line_without_quantity")
    elif draft.total is None:
        reasons.append("no_prices")
        confidence = QUOTE_NO_PRICES
    if draft.total_consistent is True:
        confidence += QUOTE_TOTAL_AGREES
    elif draft.total_consistent is False and not any(d.available is False for d in lines):
        reasons.append("total_mismatch")
        confidence -= QUOTE_TOTAL_AGREES
    if not draft.currency_found:
        reasons.append("currency_assumed")
    confidence = max(0.0, min(confidence, CEILING))
    return ParseResult(
        kind="quote",
        quote=quote,
        confidence=round(confidence, 2),
        needs_review=bool([r for r in reasons if r != "currency_assumed"])
        or confidence < REVIEW_BELOW,
        review_reasons=reasons,
    )
