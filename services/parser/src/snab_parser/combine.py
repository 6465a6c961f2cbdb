"""Two readings of one email, the rule extractor's and the LLM's, made into one.

- Only the rules ran (no LLM, or its answer was unusable): their result as it is.
- Both ran and agree (same kind, same numbers): the LLM's reading (it names things
  better) with a confidence above either one's: 1 - (1 - c_rules) * (1 - c_llm).
- They disagree on a number (quantity, price, line total, total, currency, VAT, INN,
  deadline): the number read literally by the rules is kept, the LLM's is named in the
  review reason, and the result is marked ``needs_review``. Text in an email can steer a
  model but not a regular expression, so an injected "price 0" never replaces a price.
- They disagree on the kind: the LLM's kind, marked for review; the rules' kind when they
  found an auto-reply or a bounce (those must never become orders) or when the email
  holds instruction-like text (``distrust_llm``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeVar

from rapidfuzz import fuzz

from snab_parser.domain.validation import close_enough
from snab_parser.result import ParseResult, Quote, QuoteLine, Request, RequestItem

ExtractorUsed = Literal["rules", "llm", "combined"]
MATCH_SCORE = 70.0
KIND_DISAGREEMENT_FACTOR = 0.7
NUMBER_DISAGREEMENT_FACTOR = 0.8
MAX_CONFIDENCE = 0.99

T = TypeVar("T")


@dataclass(frozen=True)
class Combined:
    result: ParseResult
    extractor: ExtractorUsed
    agreed: bool | None = None
    """None when only one extractor's result was there to compare."""


def combine(
    rules: ParseResult,
    llm: ParseResult | None,
    *,
    review_confidence: float,
    distrust_llm: bool = False,
) -> Combined:
    if llm is None:
        return Combined(
            _finish(
                rules,
                confidence=rules.confidence,
                reasons=rules.review_reasons,
                review=rules.needs_review,
                threshold=review_confidence,
            ),
            "rules",
        )

    if rules.kind != llm.kind:
        header_verdict = rules.kind == "other" and rules.other_reason in ("auto_reply", "bounce")
        base, used = (rules, "rules") if distrust_llm or header_verdict else (llm, "llm")
        note = f"extractors_disagree: kind rules={rules.kind}, llm={llm.kind}"
        return Combined(
            _finish(
                base,
                confidence=base.confidence * KIND_DISAGREEMENT_FACTOR,
                reasons=[*base.review_reasons, note],
                review=True,
                threshold=review_confidence,
            ),
            "rules" if used == "rules" else "llm",
            agreed=False,
        )

    disagreements: list[str] = []
    merged = llm
    if llm.kind == "request" and llm.request is not None and rules.request is not None:
        request, disagreements = _merge_requests(rules.request, llm.request)
        merged = llm.model_copy(update={"request": request})
    elif llm.kind == "quote" and llm.quote is not None and rules.quote is not None:
        quote, disagreements = _merge_quotes(rules, rules.quote, llm.quote)
        merged = llm.model_copy(update={"quote": quote})
    elif llm.kind == "other" and rules.other_reason in ("auto_reply", "bounce"):
        merged = llm.model_copy(update={"other_reason": rules.other_reason})

    if disagreements:
        return Combined(
            _finish(
                merged,
                confidence=min(rules.confidence, llm.confidence) * NUMBER_DISAGREEMENT_FACTOR,
                reasons=[*llm.review_reasons, *rules.review_reasons, *disagreements],
                review=True,
                threshold=review_confidence,
            ),
            "combined",
            agreed=False,
        )
    confidence = 1 - (1 - rules.confidence) * (1 - llm.confidence)
    return Combined(
        _finish(
            merged,
            confidence=min(confidence, MAX_CONFIDENCE),
            reasons=llm.review_reasons,
            review=llm.needs_review,
            threshold=review_confidence,
        ),
        "combined",
        agreed=True,
    )


def _finish(
    result: ParseResult,
    *,
    confidence: float,
    reasons: list[str],
    review: bool,
    threshold: float,
) -> ParseResult:
    confidence = round(min(max(confidence, 0.0), 1.0), 3)
    reasons = list(dict.fromkeys(reasons))
    if confidence < threshold and "low_confidence" not in reasons:
        reasons.append("low_confidence")
    return result.model_copy(
        update={
            "confidence": confidence,
            "review_reasons": reasons,
            "needs_review": review or confidence < threshold,
        }
    )


# -- matching ---------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().replace("ё", "е").split())


def _score(a_name: str, a_article: str | None, b_name: str, b_article: str | None) -> float:
    if a_article and b_article and _norm(a_article) == _norm(b_article):
        return 100.0
    return float(fuzz.token_set_ratio(_norm(a_name), _norm(b_name)))


def pair_up(
    ours: list[tuple[str, str | None]], theirs: list[tuple[str, str | None]]
) -> dict[int, int]:
    """Index in ``ours`` -> index in ``theirs`` of the same item, by name and article.

    Best pairs first; when both lists are as long, what is left is paired by position.
    """
    scored = sorted(
        (
            (_score(a_name, a_art, b_name, b_art), i, j)
            for i, (a_name, a_art) in enumerate(ours)
            for j, (b_name, b_art) in enumerate(theirs)
        ),
        reverse=True,
    )
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for score, i, j in scored:
        if score < MATCH_SCORE:
            break
        if i in pairs or j in taken:
            continue
        pairs[i] = j
        taken.add(j)
    if len(ours) == len(theirs):
        for i in range(len(ours)):
            if i not in pairs and i not in taken:
                pairs[i] = i
                taken.add(i)
    return pairs


def _differs(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and not close_enough(a, b)


def _first(value: T | None, fallback: T | None) -> T | None:
    return value if value is not None else fallback


def _show(value: object) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _note(code: str, name: str, rules_value: object, llm_value: object) -> str:
    short = " ".join(name.split())[:60]
    subject = f"{short} " if short else ""
    return f"{code}: {subject}(rules {_show(rules_value)}, llm {_show(llm_value)})"


# -- requests ---------------------------------------------------------------------------


def _merge_requests(rules: Request, llm: Request) -> tuple[Request, list[str]]:
    notes: list[str] = []
    if len(rules.items) != len(llm.items):
        notes.append(_note("item_count_disagree", "", len(rules.items), len(llm.items)))
    pairs = pair_up(
        [(i.name, i.article) for i in llm.items], [(i.name, i.article) for i in rules.items]
    )
    items: list[RequestItem] = []
    for index, item in enumerate(llm.items):
        other = rules.items[pairs[index]] if index in pairs else None
        if other is None:
            items.append(item)
            continue
        quantity, unit = item.quantity, item.unit
        if _differs(other.quantity, item.quantity):
            notes.append(_note("quantity_disagree", item.name, other.quantity, item.quantity))
            quantity = other.quantity
        if other.unit and item.unit and other.unit != item.unit:
            notes.append(_note("unit_disagree", item.name, other.unit, item.unit))
            unit = other.unit
        items.append(
            item.model_copy(
                update={
                    "quantity": _first(quantity, other.quantity),
                    "unit": _first(unit, other.unit),
                    "article": _first(item.article, other.article),
                }
            )
        )
    update: dict[str, object] = {"items": items}
    if rules.deadline and llm.deadline and rules.deadline != llm.deadline:
        notes.append(_note("deadline_disagree", "", rules.deadline, llm.deadline))
        update["deadline"] = rules.deadline
    if rules.inn and llm.inn and rules.inn != llm.inn:
        notes.append(_note("inn_disagree", "", rules.inn, llm.inn))
        update["inn"] = rules.inn
    for name in ("deadline", "company", "inn", "kpp", "contact_phone", "contact_name", "email"):
        if getattr(llm, name) is None and name not in update:
            update[name] = getattr(rules, name)
    return llm.model_copy(update=update), notes


# -- quotes -----------------------------------------------------------------------------


def _merge_quotes(rules_result: ParseResult, rules: Quote, llm: Quote) -> tuple[Quote, list[str]]:
    notes: list[str] = []
    update: dict[str, object] = {
        # Threading is read from headers and the subject tag: the rules' business.
        "rfq_tag": rules.rfq_tag,
        "rfq_message_id": rules.rfq_message_id,
    }
    currency_stated = "currency_assumed" not in rules_result.review_reasons
    if currency_stated and rules.currency != llm.currency:
        notes.append(_note("currency_disagree", "", rules.currency, llm.currency))
        update["currency"] = rules.currency
    if rules.vat_included is not None and llm.vat_included is not None:
        if rules.vat_included != llm.vat_included:
            notes.append(_note("vat_disagree", "", rules.vat_included, llm.vat_included))
            update["vat_included"] = rules.vat_included
    elif llm.vat_included is None:
        update["vat_included"] = rules.vat_included
    if _differs(rules.total, llm.total):
        notes.append(_note("total_disagree", "", rules.total, llm.total))
        update["total"] = rules.total
    elif llm.total is None:
        update["total"] = rules.total
    if len(rules.lines) != len(llm.lines):
        notes.append(_note("line_count_disagree", "", len(rules.lines), len(llm.lines)))
    pairs = pair_up(
        [(line.name, line.article) for line in llm.lines],
        [(line.name, line.article) for line in rules.lines],
    )
    lines: list[QuoteLine] = []
    for index, line in enumerate(llm.lines):
        other = rules.lines[pairs[index]] if index in pairs else None
        if other is None:
            lines.append(line)
            continue
        fields: dict[str, object] = {}
        for name in ("unit_price", "quantity", "line_total"):
            mine, theirs = getattr(line, name), getattr(other, name)
            if _differs(theirs, mine):
                notes.append(_note(f"{name}_disagree", line.name, theirs, mine))
                fields[name] = theirs
            elif mine is None:
                fields[name] = theirs
        if other.available is not None and line.available is not None:
            if other.available != line.available:
                notes.append(
                    _note("available_disagree", line.name, other.available, line.available)
                )
                fields["available"] = other.available
        elif line.available is None:
            fields["available"] = other.available
        for name in ("unit", "lead_time_days", "article"):
            if getattr(line, name) is None:
                fields[name] = getattr(other, name)
        lines.append(line.model_copy(update=fields))
    update["lines"] = lines
    return llm.model_copy(update=update), notes
