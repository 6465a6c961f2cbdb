"""Clarifying an incomplete request: what is missing per line, the email asking for it,
and filling the missing values from the client's answer.

A line is incomplete when the email gave no quantity or no unit (the parser then puts a
placeholder and says so), when its name is too vague to quote (a cable without its
cross-section, a bolt without its size: ``VAGUE_NAMES``), or when the whole request was
read with low confidence. The answer is matched to the lines by the stem of the first
word of the name ("болты" answers "Болты М8х40"), and only what was missing is filled:
a second identical answer finds nothing missing and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from html import escape
from uuid import UUID

from snab_orders.domain.messages import Email, Signature
from snab_orders.domain.text import normalise_name, plain_number

LOW_CONFIDENCE = 0.6
"""A request read with less confidence than this asks the client to confirm each line."""
STEM_LETTERS = 4
"""Letters of the first word that must agree between a line and an answer line."""


class Gap(StrEnum):
    QUANTITY = "quantity"
    UNIT = "unit"
    SPEC = "spec"
    CONFIRM = "confirm"


@dataclass(frozen=True, slots=True)
class VagueName:
    stems: tuple[str, ...]
    """Name stems (normalised, lower case) that need a specification."""
    specified: re.Pattern[str]
    """A name matching this carries the specification."""
    question: str


_SIZE = r"\d+(?:[.,]\d+)?\s*[xх×*]\s*\d+(?:[.,]\d+)?"
VAGUE_NAMES: tuple[VagueName, ...] = (
    VagueName(
        ("кабел", "провод"),
        re.compile(_SIZE, re.IGNORECASE),
        "укажите марку и сечение (например, 3х2,5)",
    ),
    VagueName(
        ("болт", "винт", "шпильк", "саморез", "шуруп"),
        re.compile(rf"\b[мm]\s?\d+|{_SIZE}", re.IGNORECASE),
        "укажите размер (например, М8х40)",
    ),
    VagueName(
        ("труб",),
        re.compile(rf"{_SIZE}|\bду\s?\d+|\bdn\s?\d+|\d+\s*мм", re.IGNORECASE),
        "укажите диаметр и толщину стенки",
    ),
)

_QUESTIONS = {
    Gap.QUANTITY: "укажите количество",
    Gap.UNIT: "укажите единицу измерения",
    Gap.CONFIRM: "подтвердите наименование и количество",
}


@dataclass(frozen=True, slots=True)
class ItemState:
    item_id: UUID
    position: int
    name: str
    quantity: Decimal
    unit: str
    quantity_stated: bool = True
    unit_stated: bool = True


@dataclass(frozen=True, slots=True)
class LineGaps:
    item_id: UUID
    position: int
    name: str
    gaps: tuple[Gap, ...]
    questions: tuple[str, ...]


def _stem(name: str) -> str:
    words = normalise_name(name).split()
    return words[0][:STEM_LETTERS] if words else ""


def vague_name(name: str) -> VagueName | None:
    """The rule a name breaks by being too vague to quote, if any."""
    normal = normalise_name(name)
    first = normal.split()[0] if normal else ""
    for rule in VAGUE_NAMES:
        if first.startswith(rule.stems) and not rule.specified.search(name):
            return rule
    return None


def gaps_of(item: ItemState, *, confidence: float | None) -> LineGaps | None:
    gaps: list[Gap] = []
    questions: list[str] = []
    vague = vague_name(item.name)
    if vague is not None:
        gaps.append(Gap.SPEC)
        questions.append(vague.question)
    if not item.quantity_stated:
        gaps.append(Gap.QUANTITY)
    if not item.unit_stated:
        gaps.append(Gap.UNIT)
    if not gaps and confidence is not None and confidence < LOW_CONFIDENCE:
        gaps.append(Gap.CONFIRM)
    questions += [_QUESTIONS[g] for g in gaps if g in _QUESTIONS]
    if not gaps:
        return None
    return LineGaps(item.item_id, item.position, item.name, tuple(gaps), tuple(questions))


def missing(items: Sequence[ItemState], *, confidence: float | None) -> list[LineGaps]:
    """What is missing, line by line, in the order of the request."""
    found = [gaps_of(i, confidence=confidence) for i in sorted(items, key=lambda i: i.position)]
    return [g for g in found if g is not None]


def _quantity_text(item: ItemState) -> str:
    if not item.quantity_stated:
        return "количество не указано"
    unit = item.unit if item.unit_stated else "ед. не указана"
    return f"{plain_number(item.quantity)} {unit}"


MAX_SUBJECT = 998
"""The longest header line an email may carry (RFC 5322): a client's subject that long
still gets its «Re: »."""


def clarification_email(
    *,
    order_number: str,
    original_subject: str,
    contact_name: str | None,
    lines: Sequence[LineGaps],
    items: Sequence[ItemState],
    signature: Signature,
) -> Email:
    """A short, polite request for what is missing, one paragraph per line."""
    by_id = {i.item_id: i for i in items}
    greeting = f"Добрый день, {contact_name}!" if contact_name else "Добрый день!"
    ask = [
        f"{g.position}. {g.name} ({_quantity_text(by_id[g.item_id])}): " + "; ".join(g.questions)
        for g in lines
    ]
    paragraphs = [
        greeting,
        f"Спасибо за заявку. Чтобы подготовить предложение по заявке {order_number}, "
        "уточните, пожалуйста, несколько позиций:",
        "\n".join(ask),
        "Достаточно ответить на это письмо, например: «кабель 3х2,5 — 200 м; болты — 500 шт».",
    ]
    subject = " ".join(original_subject.split()) or f"Заявка {order_number}"
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    subject = subject[:MAX_SUBJECT]
    return email_from_text(subject, [*paragraphs, "\n".join(signature.lines())])


def email_from_text(subject: str, paragraphs: Sequence[str]) -> Email:
    """The email of these paragraphs (a manager's edited text is one paragraph)."""
    text = "\n\n".join(p.strip() for p in paragraphs if p.strip()) + "\n"
    html_body = "".join(
        "<p>" + escape(p.strip()).replace("\n", "<br>") + "</p>"
        for p in text.split("\n\n")
        if p.strip()
    )
    return Email(subject=subject, text=text, html=f"<html><body>{html_body}</body></html>")


@dataclass(frozen=True, slots=True)
class AnswerLine:
    name: str
    quantity: Decimal
    unit: str
    quantity_stated: bool = True
    unit_stated: bool = True


@dataclass(frozen=True, slots=True)
class ItemChange:
    item_id: UUID
    position: int
    before: dict[str, str]
    after: dict[str, str]
    values: dict[str, object]
    """Column values to write (name, quantity, unit, quantity_stated, unit_stated)."""


def _answer_for(line: LineGaps, answers: Sequence[AnswerLine], used: set[int]) -> int | None:
    stem = _stem(line.name)
    for n, answer in enumerate(answers):
        if n not in used and stem and _stem(answer.name) == stem:
            return n
    return None


def _change(item: ItemState, gaps: LineGaps, answer: AnswerLine) -> ItemChange | None:
    values: dict[str, object] = {}
    wants_quantity = Gap.QUANTITY in gaps.gaps or Gap.CONFIRM in gaps.gaps
    wants_unit = Gap.UNIT in gaps.gaps or wants_quantity
    if wants_quantity and answer.quantity_stated:
        if answer.quantity != item.quantity:
            values["quantity"] = answer.quantity
        if not item.quantity_stated:
            values["quantity_stated"] = True
    if wants_unit and answer.unit_stated:
        if answer.unit != item.unit:
            values["unit"] = answer.unit
        if not item.unit_stated:
            values["unit_stated"] = True
    if Gap.SPEC in gaps.gaps and vague_name(answer.name) is None:
        name = answer.name.strip()
        values["name"] = name[:1].upper() + name[1:]
    if not values:
        return None
    shown = [k for k in ("name", "quantity", "unit") if k in values]
    return ItemChange(
        item.item_id,
        item.position,
        before={k: str(getattr(item, k)) for k in shown},
        after={k: str(values[k]) for k in shown},
        values=values,
    )


def apply_answer(
    items: Sequence[ItemState], answers: Sequence[AnswerLine], *, confidence: float | None
) -> list[ItemChange]:
    """The changes the client's answer makes: each incomplete line takes the first
    unused answer line with the same stem, and only its missing values."""
    used: set[int] = set()
    changes: list[ItemChange] = []
    by_id = {i.item_id: i for i in items}
    for line in missing(items, confidence=confidence):
        found = _answer_for(line, answers, used)
        if found is None:
            continue
        used.add(found)
        change = _change(by_id[line.item_id], line, answers[found])
        if change is not None:
            changes.append(change)
    return changes
