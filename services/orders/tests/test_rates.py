"""CBR exchange rates: a real-format file served over HTTP, a malformed one and a source
that does not answer; the comparison uses the rate of the quote's date and says which."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from datetime import date
from decimal import Decimal

import pytest
import pytest_asyncio
from aiohttp import web
from orders_testkit import NOW, App, quote_parsed, start_app
from sqlalchemy.ext.asyncio import AsyncEngine
from test_workflow import create_order, make_suppliers

from snab_contracts.rpc.orders import ComparisonView, ExchangeRate, OrdersGet, OrdersSendRequests
from snab_contracts.rpc.rates import OrdersRefreshRates, OrdersSetRate
from snab_kit.bus import BusNames
from snab_orders.domain.rates import RateBook, RatesFormatError, parse_cbr_daily
from snab_orders.settings import OrdersSettings

QUOTE_DAY = NOW.date()  # the quote is received on 1 December (Moscow)


def cbr_file(on: date, usd: str = "90,1234") -> bytes:
    """The CBR ``XML_daily`` format as published: windows-1251, Nominal, decimal commas."""
    return (
        '<?xml version="1.0" encoding="windows-1251"?>'
        f'<ValCurs Date="{on:%d.%m.%Y}" name="Foreign Currency Market">'
        '<Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode>'
        f"<Nominal>1</Nominal><Name>Доллар США</Name><Value>{usd}</Value>"
        "<VunitRate>90,1234</VunitRate></Valute>"
        '<Valute ID="R01375"><NumCode>156</NumCode><CharCode>CNY</CharCode>'
        "<Nominal>10</Nominal><Name>Китайский юань</Name><Value>125,4321</Value>"
        "<VunitRate>12,54321</VunitRate></Valute>"
        "</ValCurs>"
    ).encode("cp1251")


def test_the_cbr_file_is_read_per_unit_with_commas() -> None:
    daily = parse_cbr_daily(cbr_file(QUOTE_DAY))
    assert daily.on_date == QUOTE_DAY
    assert daily.rates == {"USD": Decimal("90.1234"), "CNY": Decimal("12.54321")}
    for bad in (b"<html>503</html>", b"not xml", cbr_file(QUOTE_DAY, usd="abc")):
        with pytest.raises(RatesFormatError):
            parse_cbr_daily(bad)
    with pytest.raises(RatesFormatError, match="DTD"):
        parse_cbr_daily(b'<!DOCTYPE x [<!ENTITY a "a">]><ValCurs Date="01.12.2026"/>')


def test_a_quote_takes_the_rate_of_its_date() -> None:
    book = RateBook(
        fallback={"USD": Decimal("95.5")},
        manual={("USD", date(2026, 12, 2)): Decimal(91)},
        cbr={"USD": [(date(2026, 11, 28), Decimal(89)), (date(2026, 12, 1), Decimal(90))]},
    )
    assert book.pick("USD", date(2026, 12, 1)).rate == 90  # type: ignore[union-attr]
    sunday = book.pick("USD", date(2026, 11, 30))  # no rates on a holiday: the last ones
    assert sunday is not None and (sunday.rate, sunday.as_of) == (89, date(2026, 11, 28))
    assert book.pick("USD", date(2026, 12, 2)).source == "manual"  # type: ignore[union-attr]
    before = book.pick("USD", date(2026, 11, 1))
    assert before is not None and (before.rate, before.source) == (Decimal("95.5"), "setting")
    assert book.pick("CNY", date(2026, 12, 1)) is None


class CbrServer:
    """Serves the daily file on localhost; ``mode`` picks good, malformed or silent."""

    def __init__(self) -> None:
        self.mode = "good"
        self.requests = 0
        self.runner: web.AppRunner | None = None
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/scripts/XML_daily.asp"

    async def daily(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.mode == "slow":
            await asyncio.sleep(3)
        if self.mode == "malformed":
            return web.Response(
                body=b"<ValCurs Date='01.12.2026'><Valute>", content_type="text/xml"
            )
        return web.Response(body=cbr_file(QUOTE_DAY), content_type="application/xml")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/scripts/XML_daily.asp", self.daily)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest_asyncio.fixture(loop_scope="session")
async def cbr() -> AsyncIterator[CbrServer]:
    server = CbrServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def rates_app(
    db: AsyncEngine, make_settings: Callable[..., OrdersSettings], bus: BusNames, cbr: CbrServer
) -> AsyncIterator[App]:
    settings = make_settings(cbr_rates_url=cbr.url, cbr_timeout_seconds=0.5)
    started, service = await start_app(settings, db, bus)
    try:
        yield started
    finally:
        await started.nc.drain()
        await service.stop()


async def _usd_comparison(app: App) -> tuple[ComparisonView, object]:
    _, importer, _ = await make_suppliers(app)
    order = (await create_order(app)).order
    sent = await app.call(
        OrdersSendRequests(order_id=order.order_id, supplier_ids=[importer.supplier_id])
    )
    [request] = sent.requests
    await app.publish(
        quote_parsed(
            request_id=request.request_id,
            rfq_number=request.rfq_number,
            email="info@krepimport.example",
            currency="USD",
            vat_included=True,
            lines=[{"position": 1, "name": "Болт М8х30", "unit_price": "0.10"}],
        )
    )
    await app.wait_rows("SELECT id FROM orders.quotes")
    return await _comparison(app, order.order_id), order.order_id


async def _comparison(app: App, order_id: object) -> ComparisonView:
    detail = await app.call(OrdersGet(order_id=order_id))  # type: ignore[arg-type]
    assert detail.comparison is not None
    return detail.comparison


def _bolt_price(view: ComparisonView) -> Decimal | None:
    return view.rows[0].cells[0].unit_price


async def test_rates_from_the_cbr_with_fallback_and_override(
    rates_app: App, cbr: CbrServer
) -> None:
    app = rates_app
    # Before any fetch: the static setting, said so.
    view, order_id = await _usd_comparison(app)
    assert view.exchange_rates == [
        ExchangeRate(currency="USD", rate=Decimal("95.5"), as_of=None, source="setting")
    ]
    assert _bolt_price(view) == Decimal("9.55")

    # A malformed file and a source that does not answer: nothing stored, the fallback stays.
    cbr.mode = "malformed"
    failed = await app.call(OrdersRefreshRates())
    assert not failed.ok and failed.error is not None and "не прочитан" in failed.error
    cbr.mode = "slow"
    silent = await app.call(OrdersRefreshRates())
    assert not silent.ok and silent.error == "ЦБ не ответил за 0.5 с"
    view = await _comparison(app, order_id)
    assert [(r.rate, r.source) for r in view.exchange_rates] == [(Decimal("95.5"), "setting")]

    # The served file: the rate of the quote's date, from the CBR.
    cbr.mode = "good"
    done = await app.call(OrdersRefreshRates())
    assert (done.ok, done.on_date, done.currencies) == (True, QUOTE_DAY, 2)
    view = await _comparison(app, order_id)
    assert view.exchange_rates == [
        ExchangeRate(currency="USD", rate=Decimal("90.1234"), as_of=QUOTE_DAY, source="cbr")
    ]
    assert _bolt_price(view) == Decimal("9.01")

    # A manager's rate for that date wins.
    await app.call(OrdersSetRate(currency="USD", on_date=QUOTE_DAY, rate=Decimal(92)))
    view = await _comparison(app, order_id)
    assert [(r.rate, r.source, r.as_of) for r in view.exchange_rates] == [
        (Decimal(92), "manual", QUOTE_DAY)
    ]
    assert _bolt_price(view) == Decimal("9.20")
    audit = await app.rows("SELECT action FROM orders.audit_log WHERE entity IN ('rate', 'rates')")
    assert sorted(r.action for r in audit) == [
        "rates.fetch_failed",
        "rates.fetch_failed",
        "rates.override",
    ]
