"""Pure rules: state machines, numbers, money, matching, comparison, proposal, timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from snab_contracts.orders import OrderStatus, RequestStatus
from snab_orders.domain import proposal as calc
from snab_orders.domain.clients import company_domain, normalise_email, request_fingerprint
from snab_orders.domain.comparison import ItemInfo, Offer, compare
from snab_orders.domain.errors import IllegalTransition, RuleViolation
from snab_orders.domain.matching import ItemRef, LineRef, match_lines
from snab_orders.domain.messages import RfqLine, Signature, rfq_email
from snab_orders.domain.money import kopecks, min_price_for_margin, normalise_price, vat_inside
from snab_orders.domain.numbering import (
    order_number,
    parse_order_number,
    proposal_number,
    rfq_number,
)
from snab_orders.domain.states import (
    ORDER_TRANSITIONS,
    after_quote,
    after_request_failed,
    after_requests_sent,
    order_transition,
    request_transition,
)
from snab_orders.domain.timing import Due, business_time, due_action
from snab_orders.settings import OrdersSettings, parse_rates

RATES = {"RUB": Decimal(1), "USD": Decimal("95.5")}
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# -- state machines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (OrderStatus.NEW, OrderStatus.RFQ_SENT),
        (OrderStatus.NEEDS_REVIEW, OrderStatus.NEW),
        (OrderStatus.RFQ_SENT, OrderStatus.QUOTING),
        (OrderStatus.QUOTING, OrderStatus.PROPOSAL_READY),
        (OrderStatus.PROPOSAL_READY, OrderStatus.PROPOSAL_SENT),
        (OrderStatus.PROPOSAL_SENT, OrderStatus.WON),
        (OrderStatus.PROPOSAL_SENT, OrderStatus.LOST),
        (OrderStatus.QUOTING, OrderStatus.CANCELLED),
    ],
)
def test_order_transitions_allowed(current: OrderStatus, target: OrderStatus) -> None:
    assert order_transition(current, target) == target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (OrderStatus.NEW, OrderStatus.WON),
        (OrderStatus.NEW, OrderStatus.PROPOSAL_READY),
        (OrderStatus.RFQ_SENT, OrderStatus.PROPOSAL_SENT),
        (OrderStatus.WON, OrderStatus.LOST),
        (OrderStatus.CANCELLED, OrderStatus.NEW),
        (OrderStatus.LOST, OrderStatus.RFQ_SENT),
    ],
)
def test_order_transitions_refused(current: OrderStatus, target: OrderStatus) -> None:
    with pytest.raises(IllegalTransition) as info:
        order_transition(current, target)
    assert info.value.details == {"entity": "order", "current": current, "target": target}
    assert "недопустим" in info.value.message


def test_final_statuses_are_final_and_every_status_is_covered() -> None:
    assert set(ORDER_TRANSITIONS) == set(OrderStatus)
    for final in (OrderStatus.WON, OrderStatus.LOST, OrderStatus.CANCELLED):
        assert ORDER_TRANSITIONS[final] == frozenset()


def test_request_transitions() -> None:
    assert request_transition(RequestStatus.SENT, RequestStatus.REMINDED) == RequestStatus.REMINDED
    assert request_transition(RequestStatus.TIMEOUT, RequestStatus.ANSWERED)  # a late answer
    for current, target in [
        (RequestStatus.ANSWERED, RequestStatus.TIMEOUT),
        (RequestStatus.REMINDED, RequestStatus.REMINDED),
        (RequestStatus.FAILED, RequestStatus.SENT),
        (RequestStatus.QUEUED, RequestStatus.REMINDED),
    ]:
        with pytest.raises(IllegalTransition):
            request_transition(current, target)


def test_what_events_do_to_an_order() -> None:
    assert after_requests_sent(OrderStatus.NEW) == OrderStatus.RFQ_SENT
    assert after_requests_sent(OrderStatus.NEEDS_REVIEW) == OrderStatus.RFQ_SENT
    assert after_requests_sent(OrderStatus.QUOTING) is None
    with pytest.raises(IllegalTransition):
        after_requests_sent(OrderStatus.CANCELLED)
    assert after_quote(OrderStatus.RFQ_SENT) == OrderStatus.QUOTING
    assert after_quote(OrderStatus.PROPOSAL_SENT) is None


# -- numbers -----------------------------------------------------------------------------


def test_numbers() -> None:
    assert order_number(2026, 52) == "ORD-2026-0052"
    assert order_number(2026, 12345) == "ORD-2026-12345"
    assert parse_order_number("ORD-2026-0052") == (2026, 52)
    assert rfq_number("ORD-2026-0052", 3) == "RFQ-2026-0052-3"
    assert proposal_number("ORD-2026-0052", 1) == "KP-2026-0052-1"
    with pytest.raises(ValueError):
        parse_order_number("RFQ-2026-0052-1")


# -- money -------------------------------------------------------------------------------


def test_money_rounding_and_vat() -> None:
    assert kopecks(Decimal("14.375")) == Decimal("14.38")
    assert kopecks(Decimal("1.3225")) == Decimal("1.32")
    assert kopecks(Decimal("-0.005")) == Decimal("-0.01")
    assert vat_inside(Decimal("122.00"), Decimal(22)) == Decimal("22.00")
    assert vat_inside(Decimal("2552.31"), Decimal(22)) == Decimal("460.25")
    assert normalise_price(
        Decimal("0.11"), currency="USD", vat_included=False, vat_rate=Decimal(22), rates=RATES
    ) == Decimal("12.82")
    assert normalise_price(
        Decimal("100"), currency="RUB", vat_included=None, vat_rate=Decimal(22), rates=RATES
    ) == Decimal("100.00")
    with pytest.raises(RuleViolation, match="CNY"):
        normalise_price(
            Decimal("1"), currency="CNY", vat_included=True, vat_rate=Decimal(22), rates=RATES
        )
    # The lowest price with a 10 % margin on 90.00 is 100.00.
    assert min_price_for_margin(Decimal("90.00"), Decimal(10)) == Decimal("100.00")


def test_rates_from_the_environment_format() -> None:
    assert parse_rates("USD=95.5, eur=103.2") == {"USD": Decimal("95.5"), "EUR": Decimal("103.2")}
    with pytest.raises(ValueError):
        parse_rates("USD:95")
    with pytest.raises(ValueError):
        parse_rates("USD=-1")
    settings = OrdersSettings(currency_rates="CNY=13.1", request_reminder_hours=0.001)
    assert settings.rates()["CNY"] == Decimal("13.1") and settings.rates()["RUB"] == 1
    assert settings.reminder_age == timedelta(seconds=3.6)


# -- matching ----------------------------------------------------------------------------


def test_lines_are_matched_by_name_article_and_position() -> None:
    bolt, nut, washer = uuid4(), uuid4(), uuid4()
    items = [
        ItemRef(bolt, 1, "Болт М8х30 DIN 933"),
        ItemRef(nut, 2, "Гайка М8 DIN 934", article="GM8-934"),
        ItemRef(washer, 3, "Шайба 8 DIN 125"),
    ]
    lines = [
        LineRef(None, "Гайка шестигранная", article="gm8-934"),  # by article
        LineRef(1, "Болт M8x30 DIN933"),  # Latin look-alikes
        LineRef(3, "Шайба плоская 8"),  # weak name, same position
        LineRef(None, "Доставка до склада"),  # nothing like it: unmapped
    ]
    matches = match_lines(items, lines)
    assert [m.item_id for m in matches] == [nut, bolt, washer, None]
    assert matches[0].score == 100.0


def test_two_lines_never_take_one_item() -> None:
    bolt = uuid4()
    matches = match_lines(
        [ItemRef(bolt, 1, "Болт М8х30")], [LineRef(1, "Болт М8х30"), LineRef(2, "Болт М8х30 оцинк")]
    )
    assert [m.item_id for m in matches] == [bolt, None]


# -- comparison and proposal -------------------------------------------------------------


def _offer(item, supplier, price, *, currency="RUB", vat=True, available=None, lead=None):  # type: ignore[no-untyped-def]
    return Offer(
        item_id=item,
        quote_id=uuid4(),
        quote_line_id=uuid4(),
        supplier_id=supplier[0],
        supplier_name=supplier[1],
        unit_price=None if price is None else Decimal(price),
        currency=currency,
        vat_included=vat,
        available=available,
        lead_time_days=lead,
        received_at=T0,
    )


def test_comparison_marks_best_price_and_fastest() -> None:
    item = ItemInfo(uuid4(), 1, "Кабель ВВГнг 3х2.5", Decimal("100"), "м")
    a, b, c, d = ((uuid4(), n) for n in ("А", "Б", "В", "Г"))
    view = compare(
        [item],
        [
            _offer(item.item_id, a, "50.00", lead=5),
            _offer(item.item_id, b, "0.40", currency="USD", vat=False, lead=2),  # 46.60
            _offer(item.item_id, c, "10.00", available=False, lead=1),  # not available
            _offer(item.item_id, d, "1.00", currency="CNY"),  # no rate
        ],
        vat_rate=Decimal(22),
        rates=RATES,
    )
    cells = {cell.supplier_name: cell for cell in view.rows[0].cells}
    assert cells["Б"].unit_price == Decimal("46.60") and cells["Б"].amount == Decimal("4660.00")
    assert cells["Б"].best_price and cells["Б"].fastest
    assert not cells["А"].best_price and not cells["А"].fastest
    assert not cells["В"].best_price and not cells["В"].fastest
    assert cells["Г"].unit_price is None and cells["Г"].original_unit_price is not None


def _rows(*prices: tuple[str, str]):  # type: ignore[no-untyped-def]
    supplier = (uuid4(), "Поставщик")
    items = [
        ItemInfo(uuid4(), n, f"Позиция {n}", Decimal(qty), "шт")
        for n, (qty, _) in enumerate(prices, start=1)
    ]
    offers = [_offer(i.item_id, supplier, p) for i, (_, p) in zip(items, prices, strict=True)]
    return compare(items, offers, vat_rate=Decimal(22), rates=RATES).rows


def test_proposal_with_fifteen_percent_markup_to_the_kopeck() -> None:
    rows = _rows(("150", "12.50"), ("75", "4.08"), ("33", "1.15"))
    chosen, warnings = calc.choose(rows, None)
    rules = calc.MarkupRules(
        default_percent=Decimal(20), default_min_margin=Decimal(5), override_percent=Decimal(15)
    )
    result = calc.price(chosen, rules=rules, extras={}, vat_rate=Decimal(22), warnings=warnings)
    assert [line.unit_price for line in result.lines] == [
        Decimal("14.38"),
        Decimal("4.69"),
        Decimal("1.32"),
    ]
    assert [line.amount for line in result.lines] == [
        Decimal("2157.00"),
        Decimal("351.75"),
        Decimal("43.56"),
    ]
    assert result.total == Decimal("2552.31")
    assert result.vat_amount == Decimal("460.25")
    assert result.subtotal == Decimal("2092.06")
    assert result.cost_total == Decimal("2218.95")
    assert result.margin_amount == Decimal("333.36")
    assert result.margin_percent == Decimal("13.06")
    assert result.warnings == []


def test_minimum_margin_guard_raises_the_price() -> None:
    rows = _rows(("10", "90.00"))
    chosen, _ = calc.choose(rows, None)
    rules = calc.MarkupRules(
        default_percent=Decimal(20),
        default_min_margin=Decimal(5),
        global_rule=(Decimal(3), Decimal(10)),
    )
    result = calc.price(chosen, rules=rules, extras={}, vat_rate=Decimal(22))
    assert result.lines[0].unit_price == Decimal("100.00")  # 3 % would give 92.70
    assert "ниже минимальной" in result.warnings[0]


def test_markup_rule_precedence() -> None:
    category = uuid4()
    rules = calc.MarkupRules(
        default_percent=Decimal(20),
        default_min_margin=Decimal(5),
        global_rule=(Decimal(12), None),
        category_rules={category: (Decimal(18), Decimal(8))},
    )
    assert rules.for_item(None) == calc.Markup(Decimal(12), Decimal(5), "global")
    assert rules.for_item(category) == calc.Markup(Decimal(18), Decimal(8), "category")
    with_client = calc.MarkupRules(
        default_percent=Decimal(20),
        default_min_margin=Decimal(5),
        client_rule=(Decimal(7), None),
        category_rules={category: (Decimal(18), None)},
    )
    assert with_client.for_item(category).source == "client"
    assert calc.MarkupRules(Decimal(20), Decimal(5)).for_item(None).source == "default"


def test_items_without_offers_are_left_out_with_a_warning() -> None:
    item = ItemInfo(uuid4(), 1, "Редкая позиция", Decimal(1), "шт")
    view = compare([item], [], vat_rate=Decimal(22), rates=RATES)
    with pytest.raises(RuleViolation, match="нет ни одного"):
        calc.choose(view.rows, None)


# -- timing ------------------------------------------------------------------------------


def test_due_actions() -> None:
    day = timedelta(hours=24)
    kwargs = {"reminder_age": day, "timeout_age": 2 * day}
    assert due_action(status="sent", sent_at=T0, now=T0 + timedelta(hours=23), **kwargs) is None
    assert due_action(status="sent", sent_at=T0, now=T0 + day, **kwargs) == Due.REMIND
    assert due_action(status="reminded", sent_at=T0, now=T0 + day, **kwargs) is None
    assert due_action(status="reminded", sent_at=T0, now=T0 + 2 * day, **kwargs) == Due.TIMEOUT
    assert due_action(status="sent", sent_at=T0, now=T0 + 3 * day, **kwargs) == Due.TIMEOUT
    assert due_action(status="answered", sent_at=T0, now=T0 + 3 * day, **kwargs) is None


def test_business_hours_skip_nights_and_weekends() -> None:
    friday_5pm = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)  # 17:00 in Moscow
    monday_10am = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    assert business_time(friday_5pm, monday_10am) == timedelta(hours=2)
    assert (
        due_action(
            status="sent",
            sent_at=friday_5pm,
            now=monday_10am,
            reminder_age=timedelta(hours=3),
            timeout_age=timedelta(hours=9),
            business_hours=True,
        )
        is None
    )


# -- clients and texts -------------------------------------------------------------------


def test_client_recognition_helpers() -> None:
    assert normalise_email(" <Zakupki@Romashka.RU> ") == "zakupki@romashka.ru"
    assert normalise_email("not an address") is None
    assert company_domain("ivan@romashka.ru") == "romashka.ru"
    assert company_domain("ivan@mail.ru") is None
    one = request_fingerprint([("Болт М8", Decimal("10"), "шт"), ("Гайка", Decimal("5.0"), "шт")])
    two = request_fingerprint([("гайка", Decimal("5"), "шт"), ("болт м8", Decimal("10.00"), "шт")])
    assert one == two
    assert one != request_fingerprint([("Болт М8", Decimal("11"), "шт")])


def test_rfq_email_has_the_table_the_tag_and_the_deadline() -> None:
    email = rfq_email(
        rfq_number="RFQ-2026-0052-3",
        lines=[RfqLine(1, "Болт М8х30 <DIN 933>", Decimal("150.000"), "шт")],
        reply_by=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        signature=Signature(company="ООО «Снаб»", manager="Отдел снабжения"),
    )
    assert email.subject == "Запрос цены [RFQ-2026-0052-3]"
    assert "1 | Болт М8х30 <DIN 933> | — | 150 | шт" in email.text
    assert "до 03.12.2026 12:00 (МСК)" in email.text
    assert "&lt;DIN 933&gt;" in email.html


def test_an_order_whose_requests_all_failed_goes_back_to_new() -> None:
    failed = RequestStatus.FAILED
    assert after_request_failed(OrderStatus.RFQ_SENT, [failed]) == OrderStatus.NEW
    assert after_request_failed(OrderStatus.RFQ_SENT, [failed, failed]) == OrderStatus.NEW
    # One request still queued, sent or answered: the order keeps waiting.
    for other in (RequestStatus.QUEUED, RequestStatus.SENT, RequestStatus.ANSWERED):
        assert after_request_failed(OrderStatus.RFQ_SENT, [failed, other]) is None
    # Later stages keep theirs: quotes already arrived.
    assert after_request_failed(OrderStatus.QUOTING, [failed]) is None
