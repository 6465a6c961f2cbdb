"""The web admin's pages over HTTP (no browser): what a manager sees when there is nothing
yet, when a service does not answer, and what a manager may not open. The browser
tests are in tests/e2e/test_admin_browser.py."""

from __future__ import annotations

import re

import httpx
from gateway_testkit import ADMIN, Stack, session

from snab_gateway.admin.mailhtml import sanitize
from snab_kit.testing import wait_for


async def test_empty_desk_says_so(stack: Stack) -> None:
    async with session(stack, *ADMIN) as (http, _):
        expected = {
            "/admin/orders": "Заявок пока нет",
            "/admin/inbox": "Писем пока нет",
            "/admin/suppliers": "Поставщиков пока нет",
            "/admin/clients": "Клиентов пока нет",
            "/admin/analytics": "Данных пока нет",
        }
        for path, text in expected.items():
            resp = await http.get(path)
            assert resp.status_code == 200, f"{path}: {resp.status_code}"
            assert text in resp.text, path
            assert resp.headers["cache-control"] == "no-store"
        counters = (await http.get("/admin/orders")).text
        assert "без ответа поставщика" in counters
        missing = await http.get("/admin/orders/00000000-0000-4000-8000-000000000000")
        assert missing.status_code == 404 and "Не получилось" in missing.text


async def test_wrong_password_and_managers_are_kept_out_of_users(stack: Stack) -> None:
    await stack.user("irina")
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        login = await http.get("/admin/login")
        token = re.search(r'name="csrf" value="([^"]+)"', login.text)
        assert token is not None
        wrong = await http.post(
            "/admin/login", data={"csrf": token[1], "username": "irina", "password": "nope"}
        )
        assert wrong.status_code == 401
        assert "неверное имя пользователя или пароль" in wrong.text
        assert "snab_session" not in wrong.headers.get("set-cookie", "")
        # Only a path of the admin is a place to go after logging in.
        again = re.search(r'name="csrf" value="([^"]+)"', wrong.text)
        assert again is not None
        done = await http.post(
            "/admin/login",
            data={
                "csrf": again[1],
                "username": "irina",
                "password": "irina-irina-pw",
                "next": "https://evil.example/",
            },
        )
        assert done.status_code == 303 and done.headers["location"] == "/admin/orders"
        users = await http.get("/admin/users")
        assert users.status_code == 403 and "только для администратора" in users.text
        assert "Пользователи" not in (await http.get("/admin/orders")).text


async def test_admin_makes_a_user_who_can_then_log_in(stack: Stack) -> None:
    async with session(stack, *ADMIN) as (http, csrf):
        made = await http.post(
            "/admin/users",
            data={
                "csrf": csrf,
                "username": "pavel",
                "password": "pavel-secret-9",
                "role": "manager",
            },
        )
        assert made.status_code == 303
        listed = await http.get(made.headers["location"])
        assert "пользователь pavel создан" in listed.text and "<td>pavel</td>" in listed.text
    async with session(stack, "pavel", "pavel-secret-9") as (other, _):
        assert (await other.get("/admin/users")).status_code == 403


async def test_a_service_that_does_not_answer_is_a_polite_page(stack: Stack) -> None:
    async with session(stack, *ADMIN) as (http, _):
        await stack.services["orders"].stop()
        await stack.services["orders"].broker.stop()
        resp = await http.get("/admin/orders")
        assert resp.status_code == 503
        assert "служба временно недоступна" in resp.text
        assert "Traceback" not in resp.text and "rpc." not in resp.text
        # The inbox still shows the mail it can; the queues of orders say they are away.
        inbox = await http.get("/admin/inbox")
        assert inbox.status_code == 200
        assert "сейчас недоступны: служба не отвечает" in inbox.text


def test_email_html_keeps_text_and_loses_what_runs() -> None:
    cleaned = sanitize(
        '<div onclick="x()">Нужны <b>болты</b><script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif" onerror="alert(2)">'
        '<a href="javascript:alert(3)">ссылка</a><a href="https://ok.example/">сайт</a>'
        '<style>body{display:none}</style><iframe src="https://evil.example"></iframe>'
        '<form action="https://evil.example"><input name="p"></form></div>'
    )
    assert "Нужны <b>болты</b>" in cleaned
    for gone in ("script", "alert", "img", "onerror", "onclick", "javascript", "style", "iframe"):
        assert gone not in cleaned
    assert "<form" not in cleaned and "<input" not in cleaned
    assert '<a href="https://ok.example/" rel="noopener noreferrer nofollow">сайт</a>' in cleaned


async def test_an_order_on_a_desk_without_suppliers_asks_for_them_first(stack: Stack) -> None:
    """A pasted request becomes an order; with no supplier yet the page says where to add
    them and offers no send button that could only fail."""
    async with session(stack, *ADMIN) as (http, csrf):
        pasted = await http.post(
            "/admin/inbox/paste",
            data={
                "csrf": csrf,
                "sender": "zakaz@vasilek.example",
                "subject": "Заявка",
                "text": "Добрый день! Прошу счёт:\n1. Болт М8х30 DIN 933 — 100 шт\n",
            },
        )
        assert pasted.status_code == 303, pasted.text

        async def order_link() -> str | None:
            found = re.search(
                r'href="(/admin/orders/[0-9a-f-]{36})"', (await http.get("/admin/orders")).text
            )
            return found[1] if found else None

        link = await wait_for(order_link, timeout=30, interval=0.3)
        page = (await http.get(link)).text
        assert "Добавьте поставщиков" in page
        assert "Отправить запросы" not in page
