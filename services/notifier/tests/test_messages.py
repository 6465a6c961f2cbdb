"""What the bot writes: escaped untrusted text, Russian plurals and figures, buttons that
fit in Telegram's 64 bytes, and texts that stay under Telegram's limits."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import create_model

from snab_contracts.rpc.orders import ComparisonCell, ComparisonRow, ComparisonView, OrderDetail
from snab_notifier import messages as m
from snab_notifier.bot import keyboards as kb
from snab_notifier.bot.callbacks import (
    ActCb,
    ActionOp,
    Callback,
    DocumentCb,
    EscalateCb,
    FormCb,
    FormOp,
    ListCb,
    MailCb,
    OrderAct,
    OrderCb,
    StatsCb,
    SupplierAct,
    SupplierCb,
)
from snab_notifier.bot.desk import order_request
from snab_notifier.domain.notices import Kind, RequestNotice, UnmatchedNotice
from snab_notifier.settings import NotifierSettings


def test_untrusted_text_is_escaped_and_cut() -> None:
    notice = UnmatchedNotice(
        mail_id=uuid4(),
        from_email="x@evil.example",
        from_name="<b>Boss</b>",
        subject="Re: <a href='http://evil'>счёт</a> & оплата",
        excerpt="Ignore previous instructions\x00 and <pre>" + "я" * 1000,
    )
    text = m.unmatched_notice(notice)
    assert "&lt;b&gt;Boss&lt;/b&gt;" in text
    assert "&lt;a href='http://evil'&gt;счёт&lt;/a&gt; &amp; оплата" in text
    assert "\x00" not in text
    assert "<pre>" not in text
    assert len(text) < 600


def test_plurals_money_and_durations() -> None:
    assert [m.plural(n, "позиция", "позиции", "позиций") for n in (1, 2, 5, 11, 21, 112)] == [
        "1 позиция",
        "2 позиции",
        "5 позиций",
        "11 позиций",
        "21 позиция",
        "112 позиций",
    ]
    assert m.duration(59) == "1 мин"
    assert m.duration(3 * 3600 + 600) == "3 ч 10 мин"
    assert m.duration(26 * 3600) == "1 д 2 ч"
    assert m.percent(Decimal("13.04")) == "13 %"
    assert m.percent(Decimal("12.55")) == "12,6 %"


def test_failures_read_as_the_desk_speaks() -> None:
    assert m.failure("invalid_transition", "Заявка: переход proposal_ready → won недопустим") == (
        "Не получилось: Заявка: переход «КП готово» → «выиграна» недопустим"
    )
    assert m.failure("unavailable", "rpc.orders.get: no answer").startswith("Система заявок")
    assert m.failure("internal", "internal error: KeyError").startswith("На сервере ошибка")
    assert m.mail_error("gave up after 3 attempts: 421 busy") == "после 3 попыток: 421 busy"


def test_request_notices_name_the_supplier_and_the_request() -> None:
    n = RequestNotice(
        order_id=uuid4(),
        number="ORD-2026-0042",
        request_id=3,
        rfq="RFQ-2026-0042-3",
        supplier="Болтов & сыновья",
        sent_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )
    reminder = m.request_notice(Kind.REQUEST_REMINDER, n)
    assert reminder.startswith("⏰ <b>Напомнили: Болтов &amp; сыновья</b>")
    assert "с 01.12 12:00" in reminder  # Moscow time
    assert m.request_notice(Kind.REQUEST_TIMEOUT, n).startswith("⌛")


def test_the_comparison_table_fits_a_phone() -> None:
    rows = [
        ComparisonRow(
            item_id=uuid4(),
            position=i,
            name="Болт с шестигранной головкой М8х30 DIN 933 оцинкованный класс 8.8",
            quantity=Decimal(1000),
            unit="шт",
            cells=[
                ComparisonCell(
                    supplier_id=uuid4(),
                    supplier_name=name,
                    quote_id=uuid4(),
                    unit_price=Decimal(price),
                    amount=Decimal(price) * 1000,
                    lead_time_days=days,
                    best_price=best,
                    fastest=fast,
                )
                for name, price, days, best, fast in (
                    ("ООО «Очень длинное название поставщика»", "12345.67", 120, False, False),
                    ("ИП Иванов", "9.90", 3, True, True),
                )
            ],
        )
        for i in range(1, 16)
    ]
    view = ComparisonView(vat_rate=Decimal(22), rows=rows)
    detail = OrderDetail.model_validate(
        {
            "order": {
                "order_id": str(uuid4()),
                "number": "ORD-2026-0042",
                "status": "quoting",
                "items_count": 15,
                "created_at": "2026-12-01T09:00:00Z",
                "updated_at": "2026-12-01T09:00:00Z",
            }
        }
    )
    text = m.comparison("ORD-2026-0042", view, detail)
    table = text.split("<pre>")[1].split("</pre>")[0]
    lines = m.plain(table).splitlines()
    too_wide = [line for line in lines if len(line) > m.TABLE_WIDTH]
    assert too_wide == ["  Очень длинн…185\xa0185\xa0050,00 15/15"], "only a sum of millions"
    assert "  " + "Иванов".ljust(14) + "9,90".rjust(9) + "  3д ★⚡" in lines
    assert "и ещё 3 поз." in lines
    assert len(text) <= 4096


EVERY_KIND = [
    OrderCb(act=OrderAct.OPEN, id=uuid4()),
    EscalateCb(id=uuid4(), req=2**31),
    DocumentCb(id=uuid4()),
    ListCb(f="done", page=999, token="B" * 8),
    ListCb(f="new", page=1),
    ActCb(kind="outcome", token="A" * 8, op=ActionOp.TOGGLE, value="49"),
    ActCb(kind="kp", token="A" * 8, op=ActionOp.CANCEL),
    MailCb(id=uuid4()),
    SupplierCb(act=SupplierAct.OPEN, id=uuid4(), page=99),
    SupplierCb(act=SupplierAct.ADD),
    FormCb(op=FormOp.CATEGORY, value="12"),
    StatsCb(months_back=1),
]


@pytest.mark.parametrize("data", EVERY_KIND, ids=lambda d: type(d).__name__)
def test_callback_data_fits_64_bytes(data: Callback) -> None:
    packed = data.pack()
    assert len(packed.encode()) <= 64
    assert type(data).unpack(packed) == data


@pytest.mark.parametrize("data", EVERY_KIND, ids=lambda d: type(d).__name__)
def test_buttons_speak_aiograms_callback_format(data: Callback) -> None:
    """Buttons already in the managers' chats keep working: each kind packs and unpacks
    exactly as aiogram's CallbackData with the same prefix and fields would."""
    from aiogram.filters.callback_data import CallbackData

    fields: dict[str, Any] = {
        name: (f.annotation, f) for name, f in type(data).model_fields.items()
    }
    twin = create_model(  # type: ignore[call-overload]
        type(data).__name__,
        __base__=CallbackData,
        __cls_kwargs__={"prefix": type(data).prefix},
        **fields,
    )
    theirs = twin(**data.model_dump())
    assert data.pack() == theirs.pack()
    assert type(data).unpack(theirs.pack()).model_dump() == twin.unpack(data.pack()).model_dump()


def test_a_press_of_another_kind_or_shape_does_not_unpack() -> None:
    order = OrderCb(act=OrderAct.OPEN, id=uuid4())
    with pytest.raises(ValueError):
        ListCb.unpack(order.pack())
    with pytest.raises(ValueError):
        OrderCb.unpack(order.pack() + ":extra")
    with pytest.raises(ValueError):
        OrderCb.unpack("o:nonsense:" + uuid4().hex)
    with pytest.raises(ValueError, match="over 64 bytes"):
        ActCb(kind="k" * 60, token="t", op=ActionOp.CONFIRM).pack()
    with pytest.raises(ValueError, match="':'"):
        FormCb(op=FormOp.CATEGORY, value="a:b").pack()


def test_every_button_of_an_order_card_names_its_order() -> None:
    order_id = uuid4()
    markup = kb.new_order(order_id, uuid4(), "ORD-2026-0001")
    datas = [b.data for b in markup.buttons]
    assert datas[0] == f"o:open:{order_id.hex}"
    assert all(d is not None and len(d.encode()) <= 64 for d in datas)


def test_order_references_as_managers_type_them() -> None:
    today = datetime(2026, 12, 1, tzinfo=UTC)
    assert order_request("ORD-2026-0042", today=today).number == "ORD-2026-0042"  # type: ignore[union-attr]
    assert order_request("42", today=today).number == "ORD-2026-0042"  # type: ignore[union-attr]
    assert order_request("ord 2025-7", today=today).number == "ORD-2025-0007"  # type: ignore[union-attr]
    assert order_request("болт", today=today) is None


def test_settings_read_ids_and_delays_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_ADMIN_IDS", "111, 222;333")
    monkeypatch.setenv("TELEGRAM_RETRY_BACKOFF_SECONDS", "1,5")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    settings = NotifierSettings()
    assert settings.telegram_admin_ids == [111, 222, 333]
    assert settings.telegram_retry_backoff_seconds == [1.0, 5.0]
    assert settings.bot_enabled and not settings.webhook
    assert "123:abc" not in repr(settings)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example/hook")
    assert NotifierSettings().webhook
