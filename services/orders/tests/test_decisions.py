"""The decisions of the use cases, without a database: client matching, supplier
scoring, RFQ targets, order intake, quote review, the proposal's client."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from snab_contracts.mail import MailAddress
from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.parsing import OrderParsed, QuoteLine, QuoteParsed, RequestItem
from snab_contracts.values import Unit
from snab_orders.domain import proposal as calc
from snab_orders.domain.clients import (
    ClientIndex,
    ClientMatch,
    KnownClient,
    match_client,
    request_emails,
)
from snab_orders.domain.errors import ConflictError, NotFoundError, RuleViolation
from snab_orders.domain.intake import NO_ITEMS_REASON, first_look, fresh_events, plan_order
from snab_orders.domain.matching import LineMatch
from snab_orders.domain.quotes import review_quote
from snab_orders.domain.rfq import OpenRequest, SupplierRef, choose_items, choose_suppliers
from snab_orders.domain.suppliers import AnswerStats, score_supplier

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# -- client matching -------------------------------------------------------------------


def test_client_rule_inn_then_address_then_single_company_domain() -> None:
    alpha, beta, gamma = (KnownClient(uuid4(), n) for n in ("Альфа", "Бета", "Гамма"))
    index = ClientIndex()
    index.remember(alpha, ["buy@alpha.ru"], "7701234567")
    index.remember(beta, ["a@beta.ru"], None)
    index.remember(gamma, ["b@shared.ru"], None)
    index.remember(beta, ["c@shared.ru"], None)

    found = match_client(index, emails=["a@beta.ru"], inn="7701234567")
    assert found is not None and (found.client, found.matched_by) == (alpha, "inn")
    found = match_client(index, emails=request_emails([" A@Beta.ru ", None]), inn=None)
    assert found is not None and (found.client, found.matched_by) == (beta, "email")
    found = match_client(index, emails=["new@alpha.ru"], inn=None)
    assert found is not None and (found.client, found.matched_by) == (alpha, "domain")
    # two clients on one domain, and a public mail service: no guess
    assert match_client(index, emails=["x@shared.ru"], inn=None) is None
    index.remember(alpha, ["someone@mail.ru"], None)
    assert match_client(index, emails=["other@mail.ru"], inn=None) is None


# -- supplier scoring ------------------------------------------------------------------


def test_supplier_score_weighs_categories_history_and_answers() -> None:
    a, b = uuid4(), uuid4()
    new = score_supplier(items_count=2, by_category=[], by_history=[], stats=None)
    assert new.score == 0 and new.reasons == ["нет истории: новый поставщик"]
    fit = score_supplier(
        items_count=2, by_category=[a, b], by_history=[a], stats=AnswerStats(4, 3, 3600 * 5)
    )
    assert fit.score == pytest.approx(3.0 + 1.0 + 0.75 + 1 / (1 + 5 / 24), abs=1e-4)
    assert fit.reasons == [
        "категория подходит к 2 поз.",
        "уже предлагал похожее: 1 поз.",
        "отвечает на 75 % запросов",
        "обычно отвечает за 5 ч",
    ]
    assert set(fit.matched_item_ids) == {a, b}


# -- RFQ targets -----------------------------------------------------------------------


def test_rfq_items_and_suppliers_are_checked_before_anything_is_written() -> None:
    i1, i2 = uuid4(), uuid4()
    assert choose_items([i1, i2], None) == [i1, i2]
    assert choose_items([i1, i2], [i2, i2]) == [i2]
    with pytest.raises(RuleViolation, match="нет позиций"):
        choose_items([], None)
    with pytest.raises(RuleViolation, match="не из этой заявки"):
        choose_items([i1], [uuid4()])
    ok = SupplierRef(uuid4(), "Ок", ("a@ok.ru",))
    off = SupplierRef(uuid4(), "Выкл", ("a@off.ru",), active=False)
    mute = SupplierRef(uuid4(), "Немой", ())
    found = {s.supplier_id: s for s in (ok, off, mute)}
    assert choose_suppliers([ok.supplier_id, ok.supplier_id], found, []) == [ok]
    with pytest.raises(NotFoundError):
        choose_suppliers([uuid4()], found, [])
    with pytest.raises(RuleViolation, match="отключён: Выкл"):
        choose_suppliers([off.supplier_id], found, [])
    with pytest.raises(RuleViolation, match="нет адреса: Немой"):
        choose_suppliers([mute.supplier_id], found, [])
    with pytest.raises(ConflictError, match=r"Ок \(RFQ-2026-0001-1\)"):
        choose_suppliers([ok.supplier_id], found, [OpenRequest("RFQ-2026-0001-1", ok.supplier_id)])


# -- intake ----------------------------------------------------------------------------


def _parsed(*items: RequestItem, **extra: object) -> OrderParsed:
    return OrderParsed.model_validate(
        {
            "mail_id": uuid4(),
            "from": MailAddress(email="buy@alpha.ru", name="Иван"),
            "received_at": T0,
            "items": list(items),
            "confidence": 0.9,
            "extractor": "rules",
            **extra,
        }
    )


def test_intake_plans_status_reasons_duplicate_and_event() -> None:
    bolt = RequestItem(name="Болт М8", quantity=Decimal(100), unit=Unit.PCS)
    client = ClientMatch(uuid4(), "Альфа", False, "email")
    event = _parsed(bolt)
    assert fresh_events([event, event], set()) == [event]
    assert fresh_events([event], {event.mail_id}) == []

    plain = plan_order(first_look(event, client), year=2026, seq=7, now=T0)
    assert plain.row["number"] == "ORD-2026-0007"
    assert plain.row["status"] == OrderStatus.NEW.value and not plain.row["needs_review"]
    assert [i["name"] for i in plain.items] == ["Болт М8"]
    assert plain.created.client_id == client.client_id and plain.created.items_count == 1

    intake = first_look(event, client)
    intake.duplicate = (uuid4(), "ORD-2026-0003")
    flagged = plan_order(intake, year=2026, seq=8, now=T0)
    assert flagged.row["status"] == OrderStatus.NEEDS_REVIEW.value
    assert flagged.created.review_reasons == ["возможный дубль заявки ORD-2026-0003"]

    empty = plan_order(first_look(_parsed(), None), year=2026, seq=9, now=T0)
    assert empty.row["review_reasons"] == [NO_ITEMS_REASON] and empty.row["client_id"] is None


# -- quote review ----------------------------------------------------------------------


def _quote(*lines: QuoteLine, currency: str = "RUB") -> QuoteParsed:
    return QuoteParsed.model_validate(
        {
            "mail_id": uuid4(),
            "received_at": T0,
            "currency": currency,
            "lines": list(lines),
            "confidence": 0.9,
            "extractor": "rules",
        }
    )


def test_quote_review_names_every_reason_and_spots_a_refusal() -> None:
    line = QuoteLine(name="Болт", unit_price=Decimal(10))
    gone = QuoteLine(name="Болт", available=False)
    review = review_quote(
        _quote(line, line, currency="CNY"),
        [LineMatch(uuid4(), 90.0), LineMatch(None, 0.0)],
        version=2,
        known_currencies={"RUB", "USD"},
    )
    assert review.reasons == [
        "строк без сопоставления с позициями: 1",
        "нет курса валюты CNY: цены не сравниваются",
        "новая версия предложения (v2)",
    ]
    assert review.needs_review and review.request_status == RequestStatus.ANSWERED
    refusal = review_quote(
        _quote(gone), [LineMatch(uuid4(), 90.0)], version=1, known_currencies={"RUB"}
    )
    assert refusal.request_status == RequestStatus.DECLINED and not refusal.needs_review


def test_proposal_client_prefers_the_card_then_the_request() -> None:
    card = calc.proposal_client(
        client_name="ООО Альфа",
        client_inn=None,
        company="Альфа",
        inn="7701234567",
        from_name="Иван",
        from_email="i@alpha.ru",
        contact_name=None,
    )
    assert card == calc.ClientOnProposal("ООО Альфа", "7701234567", "Иван")
    bare = calc.proposal_client(
        client_name=None,
        client_inn=None,
        company=None,
        inn=None,
        from_name=None,
        from_email=None,
        contact_name=None,
    )
    assert bare.name == "Клиент"
