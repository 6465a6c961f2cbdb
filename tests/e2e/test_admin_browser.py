"""The web admin in a real browser (Debian's headless Chromium driven by Playwright)
against the running system, every service its own process, mail to an SMTP peer.

A manager logs in; uploads a client's email in the inbox; opens the order made from it;
picks two suppliers and sends the requests; the suppliers' replies arrive (as mail would:
put in through the mail service) while the page is open, and the quotes appear in the
comparison without a reload; a proposal with 15 % markup shows its totals; the PDF opens;
the proposal goes to the client. An email full of script is shown and nothing runs. A
page without a session sends to the login; a form without its CSRF token is refused.

Screenshots of every main page at 1280×800 and 390×844 go to tests/e2e/screenshots/
(ignored by git).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
import pytest_asyncio
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Route,
    async_playwright,
)
from playwright.async_api import expect as pw_expect

from snab_kit.bus import STREAMS, BusNames, migrate
from snab_kit.embedded import drop_database, ensure_database, with_database
from snab_kit.testing import wait_for
from tests.e2e.system import ServiceProcess, base_env, running
from tests.e2e.test_gateway_flow import (
    COMPANY,
    OUR_BOX,
    QUOTE_A,
    QUOTE_B,
    client_request,
    supplier_reply,
)
from tests.peers import SmtpPeer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(__file__).parent / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
ADMIN_PASSWORD = "admin-browser-secret"
MANAGER = ("olga", "olga-secret-12")
NBSP = re.compile(r"[\s\u00a0\u202f]+")

HOSTILE_HTML = """<html><body>
<p>Здравствуйте! Нужны <b>перчатки</b> 50 пар.</p>
<script>alert("script ran")</script>
<img src="x" onerror="alert('img ran')">
<a href="javascript:alert('link ran')">Подробнее о заявке</a>
<p onclick="alert('click ran')">Спасибо.</p>
</body></html>"""

WIDER_THAN_VIEWPORT = """() => Array.from(document.querySelectorAll("body *"))
  .filter(e => (e.getBoundingClientRect().right > window.innerWidth + 1
      || e.getBoundingClientRect().left + e.scrollWidth > window.innerWidth + 1)
    && !(e.parentElement && e.parentElement.closest(".table-wrap")))
  .slice(0, 5).map(e => e.tagName + "." + e.className)"""

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
    reason="Debian chromium is not installed (apt-get install chromium)",
)


@dataclass
class Desk:
    url: str
    api: httpx.AsyncClient
    admin: dict[str, str]
    smtp: SmtpPeer
    procs: dict[str, ServiceProcess]
    browser: Browser
    state: dict[str, Any] = field(default_factory=dict)

    async def upload(self, raw: bytes) -> str:
        resp = await self.api.post(
            "/api/v1/inbox/upload",
            files={"file": ("mail.eml", raw, "message/rfc822")},
            headers=self.admin,
        )
        assert resp.status_code == 202, resp.text
        return str(resp.json()["mail_id"])

    async def outcome(self, mail_id: str) -> dict[str, Any]:
        async def read() -> dict[str, Any] | None:
            resp = await self.api.get(f"/api/v1/inbox/mail/{mail_id}", headers=self.admin)
            body = resp.json()
            return dict(body["outcome"]) if body.get("outcome") else None

        return dict(await wait_for(read, timeout=60, interval=0.3))

    def tails(self) -> str:
        return "\n".join(f"----- {p.name} -----\n{p.tail(120)}" for p in self.procs.values())


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def desk(
    nats_url: str, database_url: str, smtp: SmtpPeer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Desk]:
    tmp = tmp_path_factory.mktemp("admin-browser")
    names = BusNames(f"t{uuid.uuid4().hex[:12]}")
    nc = await nats.connect(nats_url)
    await migrate(nc.jetstream(), names)
    db = with_database(database_url, f"snab_test_{uuid.uuid4().hex[:10]}")
    await asyncio.to_thread(ensure_database, db)
    env = base_env(nats_url=nats_url, database_url=db, namespace=names.namespace, storage=tmp)
    env.update(
        EMAIL_FROM=f"Снабжение <{OUR_BOX}>",
        SMTP_SERVER=smtp.host,
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        OPENAI_API_KEY="",
        CBR_RATES_URL="off",
        VAT_RATE="22",
        ADMIN_USERNAME="admin",
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        SECRET_KEY="admin-browser-" + "k" * 40,
        **COMPANY,
    )
    SHOTS.mkdir(exist_ok=True)
    try:
        with running(["mail", "parser", "orders", "documents", "gateway"], env, tmp) as procs:
            url = f"http://127.0.0.1:{procs['gateway'].port}"
            async with httpx.AsyncClient(base_url=url, timeout=30) as api, async_playwright() as pw:
                resp = await api.post(
                    "/api/v1/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD}
                )
                assert resp.status_code == 200, resp.text
                admin = {"Authorization": f"Bearer {resp.json()['access_token']}"}
                made = await api.post(
                    "/api/v1/users",
                    json={"username": MANAGER[0], "password": MANAGER[1], "role": "manager"},
                    headers=admin,
                )
                assert made.status_code == 201, made.text
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    yield Desk(url, api, admin, smtp, procs, browser)
                finally:
                    await browser.close()
    finally:
        for spec in STREAMS:
            with contextlib.suppress(Exception):
                await nc.jetstream().delete_stream(names.stream(spec.name))
        await nc.drain()
        await asyncio.to_thread(drop_database, db)


@dataclass
class Watch:
    """What a page must never do: open a dialog, log an error, fail a request of ours."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        async def dismiss(dialog: Dialog) -> None:
            self.dialogs.append(dialog.message)
            await dialog.dismiss()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(message.text)

        page.on("dialog", dismiss)
        page.on("console", console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def clean(self) -> None:
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.errors == [], f"console errors: {self.errors}"


async def new_context(desk: Desk, viewport: str = "desktop") -> BrowserContext:
    return await desk.browser.new_context(
        base_url=desk.url,
        viewport=VIEWPORTS[viewport],
        locale="ru-RU",  # type: ignore[arg-type]
    )


async def log_in(page: Page, username: str, password: str) -> None:
    await page.goto("/admin/orders")
    assert "/admin/login" in page.url
    await page.get_by_label("Имя пользователя").fill(username)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await page.wait_for_url("**/admin/orders")


def text_of(value: str) -> str:
    return NBSP.sub(" ", value).strip()


async def shoot(desk: Desk, name: str, path: str, cookies: list[Any]) -> None:
    """The page at both sizes, whole length."""
    for size in VIEWPORTS:
        context = await new_context(desk, size)
        await context.add_cookies(cookies)
        page = await context.new_page()
        watch = Watch()
        watch.attach(page)
        await page.goto(path)
        await page.wait_for_load_state("networkidle")
        await page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        wide = await page.evaluate(WIDER_THAN_VIEWPORT)
        assert width <= VIEWPORTS[size]["width"] + 1, f"{name} ({size}) is {width} wide: {wide}"
        await context.close()
        watch.clean()


async def test_no_session_redirects_and_csrf_is_required(desk: Desk) -> None:
    async with httpx.AsyncClient(base_url=desk.url, timeout=30) as http:
        page = await http.get("/admin/orders?q=x")
        assert page.status_code == 303
        assert page.headers["location"] == "/admin/login?next=%2Fadmin%2Forders%3Fq%3Dx"
        for path in ("/admin", "/admin/inbox", "/admin/analytics", f"/admin/orders/{uuid.uuid4()}"):
            resp = await http.get(path)
            assert resp.status_code == 303 and resp.headers["location"].startswith("/admin/login")
        # The login form itself needs the token its page set.
        refused = await http.post("/admin/login", data={"username": "olga", "password": "x"})
        assert refused.status_code == 403
        form = await http.get("/admin/login")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token is not None
        done = await http.post(
            "/admin/login",
            data={"csrf": token[1], "username": MANAGER[0], "password": MANAGER[1]},
        )
        assert done.status_code == 303 and done.headers["location"] == "/admin/orders"
        cookie = done.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
        orders = await http.get("/admin/orders")
        assert orders.status_code == 200 and "Заявки" in orders.text
        assert "script-src 'self'" in orders.headers["content-security-policy"]
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', orders.text)
        assert csrf is not None
        # A post with the session but without the token is refused, and does nothing.
        for body in ({}, {"csrf": "forged"}):
            resp = await http.post(
                "/admin/inbox/paste", data={**body, "text": "Болт", "sender": "a@b.example"}
            )
            assert resp.status_code == 403, resp.text
            assert "Форма устарела" in resp.text
        listed = await http.get("/api/v1/inbox/mail", headers=desk.admin)
        assert listed.json()["total"] == 0
        # Logout ends the session (the token of the form is needed for it too).
        assert (await http.post("/admin/logout")).status_code == 403
        out = await http.post("/admin/logout", data={"csrf": csrf[1]})
        assert out.status_code == 303
        http.cookies.clear()
        http.cookies.set("snab_session", cookie.split(";")[0].split("=", 1)[1], path="/admin")
        again = await http.get("/admin/orders")
        assert again.status_code == 303
        # Users are for admins only.
        assert (await http.get("/admin/users")).status_code == 303


async def test_order_from_email_to_sent_proposal(desk: Desk) -> None:
    try:
        await _order_flow(desk)
    except BaseException:
        print(desk.tails())
        raise


async def _order_flow(desk: Desk) -> None:
    for company, address in (
        ("ООО «Метиз-А»", "sales@metiz-a.example"),
        ("КрепТорг", "opt@kreptorg.example"),
        ("Инструмент-Сервис", "info@instrument.example"),
    ):
        resp = await desk.api.post(
            "/api/v1/suppliers", json={"company": company, "emails": [address]}, headers=desk.admin
        )
        assert resp.status_code == 201, resp.text

    context = await new_context(desk)
    page = await context.new_page()
    watch = Watch()
    watch.attach(page)
    await log_in(page, *MANAGER)
    await pw_expect(page.locator(".empty")).to_contain_text("Заявок пока нет")

    # The client's email, uploaded in the inbox, becomes an order.
    await page.get_by_role("link", name="Входящие", exact=True).click()
    await page.get_by_label("Файл письма").set_input_files(
        {"name": "zayavka.eml", "mimeType": "message/rfc822", "buffer": client_request()}
    )
    await page.get_by_role("button", name="Загрузить").click()
    await page.wait_for_url(re.compile(r"/admin/inbox/[0-9a-f-]{36}$"))
    mail_id = page.url.rsplit("/", 1)[1]
    outcome = await desk.outcome(mail_id)
    assert outcome["kind"] == "order"
    await page.reload()
    await page.get_by_role("link", name=f"заявка {outcome['order_number']}").click()
    await page.wait_for_url(f"**/admin/orders/{outcome['order_id']}")
    order_url = page.url
    await pw_expect(page.locator("h1")).to_have_text(f"Заявка {outcome['order_number']}")
    names = page.locator("#items input[name=name]")
    await pw_expect(names).to_have_count(4)  # three items and the empty row for a new one
    await pw_expect(names.first).to_have_value(re.compile("Болт М8х30"))
    await pw_expect(page.locator("#items input[name=quantity]").nth(2)).to_have_value("200")
    await pw_expect(page.locator("#comparison .empty")).to_contain_text(
        "Ответов поставщиков ещё нет"
    )

    # Two suppliers are picked, the requests go out.
    for box in await page.locator("#pick input[name=supplier_id]").all():
        await box.set_checked(False)
    await page.get_by_label("ООО «Метиз-А»").check()
    await page.get_by_label("КрепТорг").check()
    await page.get_by_role("button", name="Отправить запросы").click()
    await pw_expect(page.locator(".flash.ok")).to_have_text("отправлено 2 запроса")
    rows = page.locator("#requests tbody tr")
    await pw_expect(rows).to_have_count(2)
    await pw_expect(page.locator("#requests")).to_contain_text("Метиз-А")
    await pw_expect(page.locator("#requests")).to_contain_text("КрепТорг")
    rfqs = await desk.smtp.wait_for_async(2, timeout=60)
    by_supplier = {m.rcpt_tos[0]: m.message for m in rfqs}
    assert set(by_supplier) == {"sales@metiz-a.example", "opt@kreptorg.example"}
    await pw_expect(rows.first.locator(".chip")).to_have_text(re.compile("отправлен|в очереди"))

    async def delivered() -> bool:  # the page learns of a delivery when it is loaded again
        await page.reload()
        return await page.locator("#requests .chip.r-sent").count() == 2

    await wait_for(delivered, timeout=60, interval=1)
    await pw_expect(page.locator("#requests tbody tr").first).to_contain_text("через 23 ч")
    await page.screenshot(path=str(SHOTS / "order-requests-desktop.png"), full_page=True)

    # The replies arrive while the page is open: the quotes appear without a reload.
    await page.evaluate("window.__stillHere = true")
    await desk.upload(
        supplier_reply(
            by_supplier["sales@metiz-a.example"], "Анна <sales@metiz-a.example>", QUOTE_A
        )
    )
    matrix = page.locator("#comparison table.matrix")
    await pw_expect(matrix).to_contain_text("Метиз-А", timeout=60_000)
    await pw_expect(matrix.locator("tbody tr").first).to_contain_text("12,50")
    await desk.upload(
        supplier_reply(
            by_supplier["opt@kreptorg.example"], "КрепТорг <opt@kreptorg.example>", QUOTE_B
        )
    )
    await pw_expect(matrix.locator("thead th")).to_have_count(4, timeout=60_000)
    first = matrix.locator("tbody tr").first
    await pw_expect(first).to_contain_text("12,20")
    await pw_expect(first.locator("td.best")).to_contain_text("12,20")
    await pw_expect(first.locator("td.fast")).to_contain_text("12,50")  # 5 days against 10
    assert await page.evaluate("window.__stillHere === true"), "the page was reloaded"

    # A proposal with 15 %: the preview while typing, then the built one. The page drawn
    # after it opens its event stream only once the PDF is made: the change that came in
    # between must still reach it.
    async def pdf_made() -> bool:
        resp = await desk.api.get(
            f"/api/v1/orders/{outcome['order_id']}/proposals", headers=desk.admin
        )
        return any(p["status"] == "ready" for p in resp.json()["items"])

    held: list[str] = []

    async def hold_events(route: Route) -> None:
        held.append(route.request.url)
        await wait_for(pdf_made, timeout=60, interval=0.2)
        await route.continue_()

    await page.route("**/events*", hold_events)
    await page.get_by_label("Наценка, %").fill("15")
    await pw_expect(page.locator("#preview")).to_contain_text(re.compile(r"итого 2\s126,00"))
    await page.get_by_role("button", name="Сформировать КП").click()
    await pw_expect(page.locator(".flash.ok")).to_have_text("КП сформировано")
    await page.evaluate("window.__stillHere = true")
    total = page.locator(".kp [data-total]")
    assert text_of(await total.inner_text()) == "2 126,00 ₽"
    await pw_expect(page.locator(".kp .totals")).to_contain_text(re.compile(r"383,38"))

    # The PDF: its link appears when the documents service has made it (live again).
    pdf_link = page.get_by_role("button", name="Открыть PDF")
    await pw_expect(pdf_link).to_be_visible(timeout=60_000)
    assert await page.evaluate("window.__stillHere === true"), "the page was reloaded"
    assert held and "since=" in held[0], held
    await page.unroute("**/events*")
    href = await pdf_link.get_attribute("href")
    assert href is not None
    async with context.expect_page() as opened:
        await pdf_link.click()
    pdf_page = await opened.value
    await pdf_page.wait_for_load_state()
    assert pdf_page.url.endswith("/pdf")
    await pdf_page.close()
    pdf = await page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    content = await pdf.body()
    assert content.startswith(b"%PDF")

    # Sent only after the confirmation.
    send = page.get_by_role("button", name="Отправить КП")
    await send.click()
    assert (
        page.url.split("?")[0] == order_url and len(desk.smtp.messages) == 2
    )  # the box is required
    await page.get_by_label(re.compile("Отправить клиенту на petrov@romashka.example")).check()
    await send.click()
    await pw_expect(page.locator(".flash.ok")).to_have_text("КП отправляется клиенту")
    received = await desk.smtp.wait_for_async(3, timeout=60)
    assert list(received[2].rcpt_tos) == ["petrov@romashka.example"]
    [attachment] = list(received[2].message.iter_attachments())
    assert attachment.get_content() == content
    await page.reload()
    await pw_expect(page.locator(".order-meta .chip")).to_have_text("КП отправлено", timeout=30_000)
    await pw_expect(page.locator("#outcome")).to_be_visible()
    watch.clean()
    cookies = await context.cookies()
    await context.close()
    desk.state.update(order_url=order_url, cookies=cookies, mail_id=mail_id)


async def test_hostile_email_is_shown_and_nothing_runs(desk: Desk) -> None:
    msg = EmailMessage()
    msg["From"] = "Злоумышленник <evil@attacker.example>"
    msg["To"] = OUR_BOX
    msg["Subject"] = "Заявка <script>alert('subject')</script>"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    msg["Message-ID"] = email.utils.make_msgid(domain="attacker.example")
    msg.set_content("Здравствуйте! Нужны перчатки 50 пар.")
    msg.add_alternative(HOSTILE_HTML, subtype="html")
    msg.add_attachment(HOSTILE_HTML.encode(), maintype="text", subtype="html", filename="счёт.html")
    mail_id = await desk.upload(msg.as_bytes())
    await desk.outcome(mail_id)

    context = await new_context(desk)
    page = await context.new_page()
    watch = Watch()
    watch.attach(page)
    await log_in(page, *MANAGER)
    await page.goto(f"/admin/inbox/{mail_id}")
    body = page.locator(".mail-body")
    await pw_expect(body).to_contain_text("Нужны перчатки 50 пар")
    await pw_expect(page.locator("h1")).to_have_text("Заявка <script>alert('subject')</script>")
    assert await body.locator("script, img, [onerror], [onclick]").count() == 0
    link = body.get_by_text("Подробнее о заявке")
    assert await link.get_attribute("href") is None
    await link.click()
    await body.get_by_text("Спасибо.").click()
    await page.get_by_role("link", name="Входящие", exact=True).click()
    await pw_expect(page.locator("body")).to_contain_text("alert('subject')")
    await page.wait_for_timeout(300)  # would-be handlers had their turn

    # Its HTML attachment is a download to open elsewhere, never a page of ours.
    await page.goto(f"/admin/inbox/{mail_id}")
    async with page.expect_download() as started:
        await page.get_by_role("link", name="счёт.html").click()
    download = await started.value
    assert download.suggested_filename == "счёт.html"
    saved = await download.path()
    assert saved is not None and Path(saved).read_bytes() == HOSTILE_HTML.encode()
    assert page.url.endswith(f"/admin/inbox/{mail_id}")
    watch.clean()
    desk.state["hostile_mail_id"] = mail_id
    await context.close()


CABLE_REQUEST = """Добрый день!

Просим выставить счёт:
1. Болт М8х30 — 100 шт
2. Кабель ВВГнг — 200 м

С уважением,
Ирина Соколова
ООО «Василёк»"""


async def test_clarification_asked_from_the_order_page(desk: Desk) -> None:
    msg = EmailMessage()
    msg["From"] = "Ирина Соколова <sokolova@vasilek.example>"
    msg["To"] = OUR_BOX
    msg["Subject"] = "Заявка: болты и кабель"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime())
    client_id = email.utils.make_msgid(domain="vasilek.example")
    msg["Message-ID"] = client_id
    msg.set_content(CABLE_REQUEST)
    outcome = await desk.outcome(await desk.upload(msg.as_bytes()))
    assert outcome["kind"] == "order"

    context = await new_context(desk)
    page = await context.new_page()
    watch = Watch()
    watch.attach(page)
    await log_in(page, *MANAGER)
    await page.goto(f"/admin/orders/{outcome['order_id']}")
    section = page.locator("#clarify")
    await pw_expect(section.locator(".gaps li")).to_have_count(1)
    await pw_expect(section.locator(".gaps li")).to_contain_text("Кабель ВВГнг")
    await pw_expect(section.locator(".gaps li")).to_contain_text("нужна характеристика")
    text = page.get_by_label("Текст письма")
    await pw_expect(text).to_have_value(re.compile("укажите марку и сечение"))
    await section.screenshot(path=str(SHOTS / "clarify-draft-desktop.png"))
    phone = await new_context(desk, "phone")
    await phone.add_cookies(await context.cookies())
    phone_page = await phone.new_page()
    await phone_page.goto(page.url)
    await phone_page.locator("#clarify").screenshot(path=str(SHOTS / "clarify-draft-phone.png"))
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"] + 1, f"the draft is {width} wide on a phone"
    await phone.close()
    await text.fill("Ирина, добрый день! Какое сечение кабеля ВВГнг нужно?")
    before = len(desk.smtp.messages)
    send = page.get_by_role("button", name="Отправить уточнение")
    await send.click()  # the confirmation box is required: nothing is sent
    assert len(desk.smtp.messages) == before and "?" not in page.url
    await page.get_by_label("Отправить уточнение клиенту").check()
    await send.click()
    await pw_expect(page.locator(".flash.ok")).to_have_text("уточнение отправляется клиенту")
    received = await desk.smtp.wait_for_async(before + 1, timeout=60)
    sent = received[before]
    assert list(sent.rcpt_tos) == ["sokolova@vasilek.example"]
    assert sent.message["In-Reply-To"] == client_id
    body = sent.message.get_body(("plain",))
    assert body is not None and body.get_content().startswith("Ирина, добрый день!")

    async def told() -> bool:
        await page.reload()
        return await section.get_by_text("уточнение отправлено клиенту").count() == 1

    await wait_for(told, timeout=60, interval=1)
    await pw_expect(section.locator(".steps")).to_contain_text(f"({MANAGER[0]})")
    watch.clean()
    desk.state["clarify_url"] = f"/admin/orders/{outcome['order_id']}"
    await context.close()


QUOTE_USD = (
    "Добрый день!\n\nЦены в долларах США:\n"
    "1. Болт М8х30 — 0,15 USD/шт, 100 шт\n"
    "2. Кабель ВВГнг — 1,20 USD/м, 200 м\n"
    "Срок поставки 7 дней.\n\nИнструмент-Сервис"
)


async def test_manual_rate_and_an_answer_in_dollars_without_vat(desk: Desk) -> None:
    if "clarify_url" not in desk.state:
        pytest.fail("the clarification test did not finish", pytrace=False)
    order_url = desk.state["clarify_url"]
    order_id = order_url.rsplit("/", 1)[1]
    context = await new_context(desk)
    page = await context.new_page()
    watch = Watch()
    watch.attach(page)
    await log_in(page, "admin", ADMIN_PASSWORD)
    await page.goto("/admin/analytics")
    today = await page.get_by_label("Дата").input_value()
    await page.get_by_label("Валюта").select_option("USD")
    await page.get_by_label("Рублей за единицу").fill("90,5")
    await page.get_by_role("button", name="Задать курс вручную").click()
    shown_day = ".".join(reversed(today.split("-")))
    await pw_expect(page.locator(".flash.ok")).to_have_text(f"курс USD на {shown_day} сохранён")

    listed = await desk.api.get("/api/v1/suppliers", headers=desk.admin)
    [supplier] = [s for s in listed.json()["items"] if s["company"] == "Инструмент-Сервис"]
    before = len(desk.smtp.messages)
    resp = await desk.api.post(
        f"/api/v1/orders/{order_id}/requests",
        json={"supplier_ids": [supplier["supplier_id"]]},
        headers=desk.admin,
    )
    assert resp.status_code == 201, resp.text
    rfq = (await desk.smtp.wait_for_async(before + 1, timeout=60))[before].message
    await desk.upload(supplier_reply(rfq, "Инструмент-Сервис <info@instrument.example>", QUOTE_USD))

    await page.goto(order_url)
    comparison = page.locator("#comparison")

    async def priced() -> bool:
        await page.reload()
        return await comparison.locator("table.matrix").count() == 1

    await wait_for(priced, timeout=60, interval=1)
    await pw_expect(comparison.locator(".rates li")).to_have_count(2)  # a label, one currency
    rates = comparison.locator(".rates li").filter(has_text="USD")
    await pw_expect(rates).to_contain_text("1 USD = 90,5 ₽")
    await pw_expect(rates.locator(".chip")).to_have_text("вручную")  # the source, legible
    await pw_expect(rates).to_contain_text(f"на {shown_day}")
    first = comparison.locator("table.matrix tbody tr").first
    await pw_expect(first).to_contain_text("НДС не указан")
    await pw_expect(first).to_contain_text("13,58 ₽")  # 0,15 $ × 90,5 ₽ = 13,575, VAT as included
    await pw_expect(comparison.locator(".vat-rule")).to_contain_text("НДС")
    await comparison.screenshot(path=str(SHOTS / "comparison-rates-desktop.png"))

    # The manager says the cable offered is an analogue: the comparison says so.
    mapping = comparison.locator("details.mapping")
    await mapping.locator("summary").click()
    cable = mapping.locator("form.map-line").filter(
        has=page.locator(".line-name", has_text="Кабель ВВГнг")
    )
    await pw_expect(cable.locator("select")).to_have_value(re.compile("[0-9a-f-]{36}"))

    # The supplier writes again while the manager is at it. With nothing typed here, the
    # live part is drawn again at once and the opened section stays open; once something
    # is ticked, nothing is replaced and a note offers the reload.
    async def supplier_writes_again() -> None:
        await page.evaluate("document.getElementById('comparison').dataset.drawn = 'before'")
        await desk.upload(
            supplier_reply(rfq, "Инструмент-Сервис <info@instrument.example>", QUOTE_USD)
        )

    await supplier_writes_again()
    await pw_expect(comparison).not_to_have_attribute("data-drawn", "before", timeout=60_000)
    assert await mapping.evaluate("d => d.open"), "the opened section was folded"
    await pw_expect(page.locator("#stale")).to_be_hidden()
    await cable.get_by_label("аналог").check()
    await supplier_writes_again()
    await pw_expect(page.locator("#stale")).to_be_visible(timeout=60_000)
    await pw_expect(comparison).to_have_attribute("data-drawn", "before")
    await pw_expect(cable.get_by_label("аналог")).to_be_checked()
    await page.screenshot(path=str(SHOTS / "order-stale-note.png"))
    await page.locator("#stale").get_by_role("button", name="Обновить").click()
    await pw_expect(page.locator("#stale")).to_be_hidden()
    await pw_expect(comparison).not_to_have_attribute("data-drawn", "before")
    assert await mapping.evaluate("d => d.open"), "the opened section was folded"
    await cable.get_by_label("аналог").check()
    await cable.get_by_role("button", name="Сохранить").click()
    await pw_expect(page.locator(".flash.ok")).to_have_text("строка ответа сопоставлена")
    cable_row = comparison.locator("table.matrix tbody tr").nth(1)
    await pw_expect(cable_row.locator(".chip.warn")).to_have_text("аналог")
    watch.clean()
    cookies = await context.cookies()
    await context.close()
    phone = await new_context(desk, "phone")
    await phone.add_cookies(cookies)
    phone_page = await phone.new_page()
    await phone_page.goto(order_url)
    await phone_page.locator("#comparison").screenshot(
        path=str(SHOTS / "comparison-rates-phone.png")
    )
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"] + 1, f"the comparison is {width} wide"
    await phone.close()


async def test_every_main_page_on_laptop_and_phone(desk: Desk) -> None:
    if "cookies" not in desk.state:
        pytest.fail("the order flow did not finish", pytrace=False)
    cookies = desk.state["cookies"]
    pages = {
        "orders": "/admin/orders",
        "order": desk.state["order_url"].removeprefix(desk.url),
        "inbox": "/admin/inbox",
        "mail": f"/admin/inbox/{desk.state.get('hostile_mail_id', desk.state['mail_id'])}",
        "suppliers": "/admin/suppliers",
        "clients": "/admin/clients",
        "analytics": "/admin/analytics?item=болт",
    }
    for name, path in pages.items():
        await shoot(desk, name, path, cookies)
    # The login page, and the users page of an admin.
    for size in VIEWPORTS:
        context = await new_context(desk, size)
        page = await context.new_page()
        await page.goto("/admin/login")
        await page.screenshot(path=str(SHOTS / f"login-{size}.png"), full_page=True)
        await context.close()
    context = await new_context(desk)
    page = await context.new_page()
    await log_in(page, "admin", ADMIN_PASSWORD)
    admin_cookies = await context.cookies()
    await context.close()
    await shoot(desk, "users", "/admin/users", admin_cookies)
    await shoot(desk, "analytics-admin", "/admin/analytics", admin_cookies)
    # The quote lines a manager maps by hand, opened, on both sizes.
    for size in VIEWPORTS:
        context = await new_context(desk, size)
        await context.add_cookies(cookies)
        page = await context.new_page()
        await page.goto(pages["order"])
        mapping = page.locator("details.mapping")
        await mapping.locator("summary").click()
        await pw_expect(mapping.locator("select[name=item_id]")).to_have_count(6)
        await mapping.screenshot(path=str(SHOTS / f"quote-lines-{size}.png"))
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[size]["width"] + 1, f"quote lines ({size}) are {width} wide"
        await context.close()
    if "clarify_url" in desk.state:
        await shoot(desk, "order-clarify", desk.state["clarify_url"], cookies)
