from __future__ import annotations

import inspect
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

import snab_contracts
from snab_contracts import ALL_EVENTS, ALL_RPC, Event, RpcRequest, event_class, reply_model
from snab_contracts.mail import MailAddress, MailReceived, MailSend, MailSent, ThreadInfo
from snab_contracts.orders import OrderCreated, OrderStatus
from snab_contracts.parsing import OrderParsed, QuoteLine, QuoteParsed, RequestItem
from snab_contracts.rpc.analytics import AnalyticsSummary
from snab_contracts.rpc.common import RpcReply
from snab_contracts.rpc.mail import MailIngest
from snab_contracts.rpc.orders import OrderDetail, OrdersGet, OrdersSetMarkup
from snab_contracts.testing import all_models, build
from snab_contracts.values import ItemLine, Money, Quantity, Unit

MODELS = all_models()
SHA = "a" * 64


def _roundtrip(model: BaseModel) -> BaseModel:
    return type(model).model_validate_json(model.model_dump_json())


@pytest.mark.parametrize("full", [True, False], ids=["all-fields", "required-only"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_roundtrips_through_json(model: type[BaseModel], full: bool) -> None:
    instance = build(model, full=full)
    back = _roundtrip(instance)
    assert back == instance
    assert back.model_dump_json() == instance.model_dump_json()


def test_the_model_list_covers_events_rpc_and_nested_values() -> None:
    names = {m.__name__ for m in MODELS}
    assert {"MailReceived", "OrdersList", "OrderPage", "ComparisonCell", "BankDetails"} <= names
    assert {"MailAddress", "ThreadInfo", "Money", "RequestItem", "AuditEntry"} <= names


def _order_parsed(**changes: Any) -> OrderParsed:
    data: dict[str, Any] = {
        "mail_id": uuid4(),
        "from_": MailAddress(email="snab@romashka.example", name="Ирина Соколова"),
        "mail_subject": "Заявка на крепёж",
        "received_at": datetime(2026, 12, 1, 7, 15, tzinfo=UTC),
        "items": [
            RequestItem(
                name="Болт М8х30 DIN 933 оцинкованный",
                quantity=Decimal("100"),
                unit=Unit.PCS,
                article="DIN 933",
            ),
            RequestItem(name="Кабель ВВГнг 3х2,5", quantity=Decimal("1.5"), unit=Unit.T),
        ],
        "deadline": date(2026, 12, 15),
        "company": 'ООО "Ромашка"',
        "inn": "7701234567",
        "contact_phone": "+79161234567",
        "confidence": 0.92,
        "extractor": "rules",
    }
    data.update(changes)
    return OrderParsed(**data)


def test_an_order_parsed_event_reads_as_it_was_written() -> None:
    event = _order_parsed()
    wire = json.loads(event.model_dump_json())
    assert wire["subject"] == "order.parsed"
    assert wire["version"] == 1
    assert wire["from"] == {"email": "snab@romashka.example", "name": "Ирина Соколова"}
    assert wire["items"][1] == {
        "name": "Кабель ВВГнг 3х2,5",
        "quantity": "1.5",
        "unit": "т",
        "article": None,
        "note": None,
        "source_line": None,
        "quantity_stated": True,
        "unit_stated": True,
    }
    assert _roundtrip(event) == event


def test_sender_is_read_by_alias_or_by_field_name() -> None:
    event = _order_parsed()
    wire = json.loads(event.model_dump_json())
    assert "from_" not in wire
    wire["from_"] = wire.pop("from")
    assert OrderParsed.model_validate(wire).from_ == event.from_


@pytest.mark.parametrize("text", ["0.10", "12.50", "1250.00", "0.000001", "123456789012345678.90"])
def test_decimals_keep_their_exact_digits(text: str) -> None:
    money = Money(amount=Decimal(text), currency="USD")
    assert json.loads(money.model_dump_json()) == {"amount": text, "currency": "USD"}
    back = Money.model_validate_json(money.model_dump_json())
    assert str(back.amount) == text


def test_a_decimal_sent_as_a_json_number_is_read_exactly() -> None:
    line = QuoteLine.model_validate_json('{"name": "Подшипник 6205-2RS", "unit_price": 0.1}')
    assert line.unit_price == Decimal("0.1")
    assert json.loads(line.model_dump_json())["unit_price"] == "0.1"


@pytest.mark.parametrize("quantity", ["-1", "0", "-0.5"])
def test_quantities_must_be_positive(quantity: str) -> None:
    with pytest.raises(ValidationError, match="greater than 0"):
        ItemLine(name="Болт М8", quantity=Decimal(quantity))
    with pytest.raises(ValidationError):
        Quantity(value=Decimal(quantity))


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_decimals_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": value})


def test_an_unknown_unit_is_rejected() -> None:
    with pytest.raises(ValidationError, match="unit"):
        ItemLine.model_validate({"name": "Краска", "quantity": "3", "unit": "бочка"})
    assert ItemLine.model_validate({"name": "Краска", "quantity": "3", "unit": "л"}).unit is Unit.L


def test_an_unknown_currency_is_rejected() -> None:
    with pytest.raises(ValidationError, match="currency"):
        Money.model_validate({"amount": "10", "currency": "GBP"})
    with pytest.raises(ValidationError):
        QuoteParsed.model_validate(
            {
                "mail_id": str(uuid4()),
                "received_at": "2026-12-02T10:00:00Z",
                "currency": "руб",
                "confidence": 0.5,
                "extractor": "llm",
            }
        )


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        MailSent(
            command_id=uuid4(),
            message_id="<rfq.42.x7@broker.example>",
            sent_at=datetime(2026, 12, 1, 10, 0),
            purpose="rfq",
        )
    with pytest.raises(ValidationError, match="timezone"):
        MailSent.model_validate(
            {
                "command_id": str(uuid4()),
                "message_id": "<rfq.42.x7@broker.example>",
                "sent_at": "2026-12-01T10:00:00",
                "purpose": "rfq",
            }
        )


def test_aware_datetimes_are_normalised_to_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    event = _order_parsed(received_at=datetime(2026, 12, 1, 12, 0, tzinfo=moscow))
    assert event.received_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert event.received_at.utcoffset() == timedelta(0)
    assert json.loads(event.model_dump_json())["received_at"] == "2026-12-01T09:00:00Z"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("inn", "77012345"),
        ("kpp", "77010100"),
        ("contact_phone", "8 (916) 123-45-67"),
        ("confidence", 1.5),
        ("extractor", "regex"),
    ],
)
def test_parser_output_is_checked(field: str, value: Any) -> None:
    with pytest.raises(ValidationError, match=field):
        _order_parsed(**{field: value})


def test_business_numbers_have_their_format() -> None:
    with pytest.raises(ValidationError, match="number"):
        build(OrderCreated, number="ORD-52")
    with pytest.raises(ValidationError, match="rfq_number"):
        ThreadInfo(request_id=42, rfq_number="RFQ-42")
    assert ThreadInfo(rfq_number="RFQ-2026-0042-3").rfq_number == "RFQ-2026-0042-3"


def test_an_event_knows_its_subject_and_version() -> None:
    assert OrderCreated.SUBJECT == "order.created"
    assert OrderCreated.VERSION == 1
    event = build(OrderCreated)
    assert (event.subject, event.version) == ("order.created", 1)
    wire = json.loads(event.model_dump_json())
    wire["subject"] = "order.updated"
    with pytest.raises(ValidationError, match="subject"):
        OrderCreated.model_validate(wire)
    wire["subject"], wire["version"] = "order.created", 2
    with pytest.raises(ValidationError, match="version"):
        OrderCreated.model_validate(wire)


def test_unknown_fields_from_a_newer_producer_are_ignored() -> None:
    wire = json.loads(build(OrderCreated).model_dump_json())
    wire["priority"] = "high"
    assert OrderCreated.model_validate(wire).number == wire["number"]


def test_contracts_are_immutable() -> None:
    event = build(OrderCreated)
    with pytest.raises(ValidationError, match="frozen"):
        event.number = "ORD-2026-0001"  # type: ignore[misc]


def test_every_event_class_is_registered_under_its_subject() -> None:
    defined = _defined_subclasses(Event)
    assert defined, "no event classes found"
    assert {cls.SUBJECT: cls for cls in defined} == ALL_EVENTS
    for subject, cls in ALL_EVENTS.items():
        assert event_class(subject) is cls
        assert subject.split(".")[0] in {"mail", "order", "quote", "request", "document"}


def test_an_unknown_subject_has_no_event_class() -> None:
    with pytest.raises(KeyError, match=r"order\.deleted"):
        event_class("order.deleted")


def test_every_rpc_request_is_registered_with_its_result() -> None:
    defined = _defined_subclasses(RpcRequest)
    assert {cls.SUBJECT for cls in defined} == set(ALL_RPC)
    for subject, spec in ALL_RPC.items():
        assert subject == spec.request.SUBJECT
        assert subject.startswith("rpc.")
        assert spec.result is spec.request.RESULT


def _defined_subclasses(base: type) -> list[Any]:
    found: list[Any] = []
    stack = list(base.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("snab_contracts") and "SUBJECT" in cls.__dict__:
            found.append(cls)
    return found


def test_a_reply_is_read_with_the_requests_reply_model() -> None:
    detail = build(OrderDetail)
    wire = RpcReply[OrderDetail].success(detail).model_dump_json()
    reply = reply_model(OrdersGet).model_validate_json(wire)
    assert reply.ok
    assert isinstance(reply.result, OrderDetail)
    assert reply.result == detail


def test_a_failed_reply_carries_an_error() -> None:
    failure = RpcReply[OrderDetail].failure("not_found", "Заказ не найден", {"number": "X"})
    reply = reply_model(OrdersGet).model_validate_json(failure.model_dump_json())
    assert not reply.ok
    assert reply.result is None
    assert reply.error is not None
    assert (reply.error.code, reply.error.message) == ("not_found", "Заказ не найден")
    with pytest.raises(ValidationError, match="error"):
        RpcReply[OrderDetail].model_validate({"ok": False})
    with pytest.raises(ValidationError, match="result"):
        RpcReply[OrderDetail].model_validate({"ok": True})
    with pytest.raises(ValidationError, match="code"):
        RpcReply[OrderDetail].model_validate(
            {"ok": False, "error": {"code": "teapot", "message": "?"}}
        )


def test_request_validators_reject_ambiguous_calls() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        OrdersGet()
    with pytest.raises(ValidationError, match="exactly one"):
        OrdersGet(order_id=uuid4(), number="ORD-2026-0052")
    assert OrdersGet(number="ORD-2026-0052").number == "ORD-2026-0052"
    with pytest.raises(ValidationError, match="scope"):
        OrdersSetMarkup(scope="category", percent=Decimal("15"))
    with pytest.raises(ValidationError, match="scope"):
        OrdersSetMarkup(scope="global", percent=Decimal("15"), client_id=uuid4())
    with pytest.raises(ValidationError, match="period_from"):
        AnalyticsSummary(period_from=date(2026, 12, 1), period_to=date(2026, 11, 1))
    with pytest.raises(ValidationError, match="sender"):
        MailIngest(text="Нужны перчатки, 200 пар")
    with pytest.raises(ValidationError, match="exactly one"):
        MailIngest(raw_base64="", text="Нужны перчатки, 200 пар")


def test_an_rfq_email_names_its_supplier_request() -> None:
    with pytest.raises(ValidationError, match="request_id"):
        MailSend(
            to=[MailAddress(email="sales@metiz.example")],
            mail_subject="Запрос цен [RFQ-2026-0042-3]",
            text="Просим сообщить цену и срок поставки.",
            purpose="rfq",
        )
    command = MailSend(
        to=[MailAddress(email="sales@metiz.example")],
        mail_subject="Запрос цен [RFQ-2026-0042-3]",
        text="Просим сообщить цену и срок поставки.",
        purpose="rfq",
        request_id=42,
        rfq_number="RFQ-2026-0042-3",
    )
    assert _roundtrip(command) == command
    with pytest.raises(ValidationError, match="to"):
        MailSend(to=[], mail_subject="КП", text="Добрый день", purpose="proposal")


def test_a_received_mail_survives_a_broken_message() -> None:
    event = MailReceived(
        mail_id=uuid4(),
        account="zakaz@broker.example",
        uid=1042,
        raw_key="mail/raw/2026/12/01/1042.eml",
        raw_sha256=SHA,
        size=0,
        received_at=datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
        flags={"unparseable": True, "defects": ["MissingHeaderBodySeparatorDefect"]},
    )
    back = _roundtrip(event)
    assert back == event
    assert back.from_ is None
    assert back.flags.unparseable
    assert back.thread == ThreadInfo()


def test_status_values_are_the_documented_ones() -> None:
    assert [s.value for s in OrderStatus] == [
        "new",
        "needs_review",
        "rfq_sent",
        "quoting",
        "proposal_ready",
        "proposal_sent",
        "won",
        "lost",
        "cancelled",
    ]


def test_the_package_exports_what_services_import() -> None:
    for name in snab_contracts.__all__:
        assert hasattr(snab_contracts, name), name
    assert inspect.isfunction(snab_contracts.event_class)


def _pattern(model: type[BaseModel], field: str) -> re.Pattern[str]:
    return re.compile(model.model_json_schema()["properties"][field]["pattern"])


def test_decimal_schemas_describe_what_is_written() -> None:
    any_sign = _pattern(Money, "amount")
    for text in ["0.10", "-3.5", "100", "0", "123456789012345678.90"]:
        written = json.loads(Money(amount=Decimal(text)).model_dump_json())["amount"]
        assert written == text
        assert any_sign.match(written)
    assert json.loads(Money(amount=Decimal("1E+2")).model_dump_json())["amount"] == "100"
    assert json.loads(Money(amount=Decimal("-0.00")).model_dump_json())["amount"] == "0.00"

    positive = _pattern(Quantity, "value")
    assert [t for t in ["0.5", "12", "0.001", "0", "0.00", "-1"] if positive.match(t)] == [
        "0.5",
        "12",
        "0.001",
    ]
    non_negative = re.compile(
        QuoteLine.model_json_schema()["properties"]["unit_price"]["anyOf"][0]["pattern"]
    )
    assert [t for t in ["0", "0.00", "12.50", "-1"] if non_negative.match(t)] == [
        "0",
        "0.00",
        "12.50",
    ]
