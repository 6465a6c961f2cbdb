"""The order page's corrections in the web admin over HTTP, against the real orders and
mail services: what each line lacks and the clarification sent after a confirmation, an
escalation proposed and acted on, manual rates for admins only."""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from gateway_testkit import ADMIN, ORDER, Stack, seed_incomplete
from test_admin_pages import session

from snab_contracts.mail import MailAddress
from snab_contracts.parsing import OrderParsed, RequestItem
from snab_kit.testing import wait_for


def flash(location: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(location).query)
    return (query.get("msg") or query.get("err") or [""])[0]


async def test_clarification_from_the_order_page(stack: Stack, tmp_path: Path) -> None:
    await seed_incomplete(stack)
    await stack.manager()
    async with session(stack, "anna", "anna-anna-pw") as (http, csrf):
        page = (await http.get(f"/admin/orders/{ORDER}")).text
        assert "Уточнение у клиента" in page
        gaps = re.search(r'<li data-position="2">(.*?)</li>', page, re.S)
        assert gaps is not None and "Кабель ВВГнг 3х2,5" in gaps[1] and "нет количества" in gaps[1]
        assert 'data-position="1"' not in page  # the bolts are complete
        draft = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', page, re.S)
        assert draft is not None and "Кабель ВВГнг 3х2,5" in html.unescape(draft[1])
        assert "на buyer@client.example ответом на письмо клиента" in page

        url = f"/admin/orders/{ORDER}/clarification"
        unconfirmed = await http.post(url, data={"csrf": csrf, "text": "x"})
        assert unconfirmed.status_code == 303
        assert flash(unconfirmed.headers["location"]) == "подтвердите отправку уточнения клиенту"

        text = "Добрый день! Сколько метров кабеля нужно?"
        sent = await http.post(url, data={"csrf": csrf, "text": text, "confirm": "yes"})
        assert flash(sent.headers["location"]) == "уточнение отправляется клиенту"
        outbox = tmp_path / "outbox"

        def mails() -> list[Path]:
            return sorted(outbox.rglob("*.eml")) if outbox.exists() else []

        [eml] = await wait_for(mails, timeout=20)
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert message.get_body(("plain",)).get_content().startswith(text)  # type: ignore[union-attr]

        async def told_sent() -> str | None:
            body = (await http.get(f"/admin/orders/{ORDER}")).text
            return body if "уточнение отправлено клиенту" in body else None

        after = await wait_for(told_sent, timeout=20)
        assert "уточнение отправлено клиенту (anna)" in after

        # The client answers in the thread (as the parser reads it): the order is filled.
        await stack.publish(
            OrderParsed.model_validate(
                {
                    "mail_id": uuid.uuid4(),
                    "from": MailAddress(email="buyer@client.example", name="Ирина"),
                    "mail_subject": "Re: Заявка на кабель",
                    "received_at": datetime.now(UTC),
                    "in_reply_to": message["Message-ID"],
                    "items": [
                        RequestItem(
                            name="Кабель ВВГнг 3х2,5",
                            quantity=Decimal(150),
                            unit="м",
                            source_line="кабель ВВГнг 3х2,5 — 150 м",
                        )
                    ],
                    "confidence": 0.9,
                    "extractor": "rules",
                    "text_excerpt": "Кабель ВВГнг 3х2,5 — 150 м.",
                }
            )
        )

        async def answered() -> str | None:
            # The page asks for the order and for what it lacks side by side: one of the
            # two answers may still be from before the client's answer was applied.
            body = (await http.get(f"/admin/orders/{ORDER}")).text
            filled = "клиент ответил: позиции дополнены" in body
            return body if filled and 'data-position="2"' not in body else None

        filled = await wait_for(answered, timeout=20)
        assert "Уточнить ещё раз" not in filled
        [row] = await stack.sql(
            "SELECT quantity, quantity_stated FROM orders.order_items WHERE position = 2"
        )
        assert (row.quantity, row.quantity_stated) == (150, True)


async def test_escalation_banner_asks_the_proposed_suppliers(stack: Stack) -> None:
    await seed_incomplete(stack)
    asked = await stack.send(
        "POST",
        "/api/v1/suppliers",
        {"company": "ООО «Метиз»", "emails": ["sales@metiz.example"]},
        status=201,
    )
    await stack.send(
        "POST",
        "/api/v1/suppliers",
        {"company": "ООО «Крепёж»", "emails": ["sales@krepezh.example"]},
        status=201,
    )
    await stack.send(
        "POST",
        f"/api/v1/orders/{ORDER}/requests",
        {"supplier_ids": [asked["supplier_id"]]},
        status=201,
    )
    # What the orders sweeper records when that request times out with no answer.
    await stack.sql(
        """
        INSERT INTO orders.audit_log (at, order_id, actor, action, entity, entity_id, after)
        VALUES (now(), :id, 'system', 'request.escalation', 'request',
            '1', CAST(:after AS jsonb))
        """,
        id=ORDER,
        after=json.dumps(
            {
                "quotes_answered": 0,
                "min_quotes": 2,
                "suppliers": ["ООО «Крепёж»"],
                "auto_requested": False,
            }
        ),
    )
    async with session(stack, *ADMIN) as (http, csrf):
        page = (await http.get(f"/admin/orders/{ORDER}")).text
        banner = re.search(r'<div class="banner warn" id="escalation".*?</div>', page, re.S)
        assert banner is not None
        assert "Мало ответов: 0 из 2." in banner[0]
        assert "Предлагаю запросить: ООО «Крепёж»" in html.unescape(banner[0])
        done = await http.post(f"/admin/orders/{ORDER}/escalate", data={"csrf": csrf})
        assert flash(done.headers["location"]) == "запросы отправлены ещё поставщикам"
        detail = await stack.get(f"/api/v1/orders/{ORDER}")
        assert sorted(r["supplier_name"] for r in detail["requests"]) == [
            "ООО «Крепёж»",
            "ООО «Метиз»",
        ]
        again = (await http.get(f"/admin/orders/{ORDER}")).text
        assert 'id="escalation"' not in again  # acted on: no banner


async def test_manual_rate_form_is_for_admins(stack: Stack) -> None:
    await stack.manager()
    async with session(stack, "anna", "anna-anna-pw") as (http, csrf):
        page = (await http.get("/admin/analytics")).text
        assert "Задать курс вручную" not in page
        refused = await http.post(
            "/admin/rates",
            data={"csrf": csrf, "currency": "USD", "on_date": "2026-12-07", "rate": "90"},
        )
        assert refused.status_code == 403
    async with session(stack, *ADMIN) as (http, csrf):
        assert "Задать курс вручную" in (await http.get("/admin/analytics")).text
        bad = await http.post(
            "/admin/rates",
            data={"csrf": csrf, "currency": "USD", "on_date": "2026-12-07", "rate": "abc"},
        )
        assert flash(bad.headers["location"]) == "курс — число рублей за единицу, дата — день"
        saved = await http.post(
            "/admin/rates",
            data={"csrf": csrf, "currency": "USD", "on_date": "2026-12-07", "rate": "92,5"},
        )
        assert flash(saved.headers["location"]) == "курс USD на 07.12.2026 сохранён"
        [row] = await stack.sql("SELECT rate, source FROM orders.exchange_rates")
        assert (str(row.rate).rstrip("0"), row.source) == ("92.5", "manual")
        refreshed = await http.post("/admin/rates/refresh", data={"csrf": csrf})
        assert "курсы ЦБ не получены" in flash(refreshed.headers["location"])
