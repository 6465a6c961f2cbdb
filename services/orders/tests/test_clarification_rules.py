"""What a clarification asks and how the answer fills an order, without a database."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from snab_orders.domain.clarification import (
    AnswerLine,
    Gap,
    ItemState,
    apply_answer,
    clarification_email,
    missing,
    vague_name,
)
from snab_orders.domain.messages import Signature

CABLE = ItemState(uuid4(), 1, "Кабель", Decimal(200), "м")
BOLTS = ItemState(uuid4(), 2, "Болты М8х40", Decimal(1), "шт", False, False)
NUTS = ItemState(uuid4(), 3, "Гайка М8", Decimal(500), "шт")
ITEMS = [CABLE, BOLTS, NUTS]


def test_vague_names_need_their_specification() -> None:
    assert vague_name("Кабель ВВГнг") is not None
    assert vague_name("кабель ВВГнг 3х2,5") is None
    assert vague_name("Провод ПВС 2x0.75") is None
    assert vague_name("Болты") is not None and vague_name("Болт М8х30 DIN 933") is None
    assert vague_name("Труба ВГП Ду20") is None and vague_name("Труба") is not None
    assert vague_name("Гайка") is None


def test_missing_lists_each_incomplete_line_with_its_questions() -> None:
    gaps = missing(ITEMS, confidence=0.9)
    assert [(g.position, g.gaps) for g in gaps] == [
        (1, (Gap.SPEC,)),
        (2, (Gap.QUANTITY, Gap.UNIT)),
    ]
    assert gaps[1].questions == ("укажите количество", "укажите единицу измерения")
    # read with low confidence: every complete line is to be confirmed as well
    low = missing(ITEMS, confidence=0.4)
    assert [(g.position, g.gaps) for g in low][2] == (3, (Gap.CONFIRM,))


def test_the_email_is_polite_russian_listing_the_lines() -> None:
    mail = clarification_email(
        order_number="ORD-2026-0001",
        original_subject="Заявка",
        contact_name="Иван",
        lines=missing(ITEMS, confidence=0.9),
        items=ITEMS,
        signature=Signature(company="ООО «Снаб»", manager="Ольга"),
    )
    assert mail.subject == "Re: Заявка"
    assert mail.text.startswith("Добрый день, Иван!")
    assert "1. Кабель (200 м): укажите марку и сечение" in mail.text
    assert "2. Болты М8х40 (количество не указано): укажите количество; укажите единицу" in (
        mail.text
    )
    assert "Гайка" not in mail.text and "<p>Добрый день, Иван!</p>" in mail.html


def test_the_longest_subject_still_fits_a_header_with_its_re() -> None:
    mail = clarification_email(
        order_number="ORD-2026-0001",
        original_subject="З" * 998,
        contact_name=None,
        lines=missing(ITEMS, confidence=0.9),
        items=ITEMS,
        signature=Signature(company="ООО «Снаб»", manager="Ольга"),
    )
    assert mail.subject.startswith("Re: ЗЗЗ") and len(mail.subject) == 998


def test_an_answer_fills_only_what_was_missing_and_only_once() -> None:
    answer = [
        AnswerLine("кабель 3х2,5", Decimal(200), "м"),
        AnswerLine("болты", Decimal(500), "шт"),
        AnswerLine("гайки", Decimal(900), "шт"),
    ]
    changes = apply_answer(ITEMS, answer, confidence=0.9)
    assert [(c.position, c.after) for c in changes] == [
        (1, {"name": "Кабель 3х2,5"}),
        (2, {"quantity": "500"}),
    ]
    assert changes[1].values == {
        "quantity": Decimal(500),
        "quantity_stated": True,
        "unit_stated": True,
    }
    done = [
        ItemState(CABLE.item_id, 1, "Кабель 3х2,5", Decimal(200), "м"),
        ItemState(BOLTS.item_id, 2, "Болты М8х40", Decimal(500), "шт"),
        NUTS,
    ]
    assert missing(done, confidence=None) == []
    assert apply_answer(done, answer, confidence=None) == []


def test_an_answer_that_leaves_a_gap_keeps_it_flagged() -> None:
    answer = [
        AnswerLine("кабель ВВГ", Decimal(200), "м"),
        AnswerLine("болты", Decimal(5), "шт", unit_stated=False),
    ]
    changes = apply_answer(ITEMS, answer, confidence=0.9)
    assert [(c.position, c.values) for c in changes] == [
        (2, {"quantity": Decimal(5), "quantity_stated": True})
    ]
