"""Random and adversarial text through the rule parser and snab_mailparse.

Whatever a stranger writes, reading it never raises, takes bounded time, and yields a result
that serializes to JSON with clean strings and sane numbers.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snab_mailparse import Address, ParsedMail, parse_message
from snab_parser.domain.boundary import BIDI_CONTROLS, MAX_SIGNIFICANT_DIGITS, settle
from snab_parser.reading import read_mail
from snab_parser.result import ParseResult, Quote, QuoteLine, Request, RequestItem

# pieces of procurement mail, separators, and the characters that broke things before
TOKENS = (
    "Болт", "М8х30", "DIN 933", "Кабель ВВГнг", "3х2,5", "100", "1 000", "1 000 000", "2,5",
    "0,74", "двести", "метров", "шт", "шт.", "кг", "м", "уп", "руб.", "руб/шт", "₽", "$",
    "—", "-", "–", ":", ";", "|", "\t", " ", "  ", "\n", "\n\n", ",", ".", "x", "×", "(", ")",
    "кол-во", "Количество:", "цена", "Цена:", "итого", "Итого:", "в т.ч. НДС", "без НДС",
    "до", "15.12", "15.12.2026", "к 20 декабря", "в наличии", "нет", "под заказ", "3-5 дней",
    "ИНН 7707083893", "КПП 770701001", "+7 916 123-45-67", "ООО «Ромашка»", "ИП Иванов И.И.",
    "Прошу", "нужно", "Re:", "> ", "пишет:", "-----Original Message-----", "С уважением,",
    "1.", "2)", "№", "п.", "позиция 2", "Наименование", "Ед.", "RFQ-2026-0042-1",
    "9" * 40, "1." * 20, " " * 300, "\t" * 50, "цена" * 30, "123 " * 50,
    "\u202e", "\u2066", "\u200b", "\ufeff", "\x00", "\x1b",
)  # fmt: skip
pieces = st.one_of(st.sampled_from(TOKENS), st.text(max_size=12))
mail_text = st.lists(pieces, max_size=120).map("".join)
# CPU seconds one small mail may take; far above the real few milliseconds
MAX_SECONDS = 2.0


def _mail(subject: str, body: str) -> ParsedMail:
    return ParsedMail(
        message_id="<p@client.example>",
        from_addr=Address("snab@client.example", "Иван Петров"),
        to=[Address("zakupki@broker.example")],
        subject=subject,
        date=datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
        text=body,
    )


def _assert_clean(result: ParseResult) -> None:
    data = result.to_json_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert "\x00" not in text and not BIDI_CONTROLS.intersection(text)
    json.loads(text)
    numbers = [
        *(i.quantity for i in (result.request.items if result.request else [])),
        *(v for line in (result.quote.lines if result.quote else [])
          for v in (line.quantity, line.unit_price, line.line_total)),
    ]  # fmt: skip
    for value in numbers:
        if value is not None:
            assert len(value.normalize().as_tuple().digits) <= MAX_SIGNIFICANT_DIGITS


@settings(max_examples=150, deadline=None, database=None)
@given(subject=st.text(max_size=80), body=mail_text)
def test_the_rules_read_any_text(subject: str, body: str) -> None:
    started = time.process_time()
    reading = read_mail(_mail(subject, body), llm_chars=2000)
    assert time.process_time() - started < MAX_SECONDS
    _assert_clean(reading.rules)
    assert reading.llm_text is not None and len(reading.llm_text) <= 2001


@settings(max_examples=60, deadline=None, database=None)
@given(
    line=st.lists(pieces, min_size=1, max_size=20).map("".join),
    repeat=st.integers(min_value=50, max_value=400),
)
def test_a_line_repeated_stays_cheap(line: str, repeat: int) -> None:
    started = time.process_time()
    reading = read_mail(_mail("Заявка", line * repeat))
    assert time.process_time() - started < MAX_SECONDS * 2
    _assert_clean(reading.rules)


@settings(max_examples=150, deadline=None, database=None)
@given(
    headers=st.lists(
        st.tuples(
            st.sampled_from(["Subject", "From", "To", "Content-Type", "Auto-Submitted", "X-A"]),
            st.text(max_size=60),
        ),
        max_size=8,
    ),
    body=mail_text,
    junk=st.binary(max_size=200),
)
def test_mailparse_reads_any_bytes(headers: list[tuple[str, str]], body: str, junk: bytes) -> None:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    raw = head.encode("utf-8", "surrogatepass") + b"\r\n" + body.encode("utf-8", "replace") + junk
    started = time.process_time()
    mail = parse_message(raw)
    assert time.process_time() - started < MAX_SECONDS
    assert isinstance(mail.text, str) and isinstance(mail.defects, list)


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    numbers=st.lists(
        st.decimals(allow_nan=False, allow_infinity=False) | st.none(), min_size=4, max_size=4
    ),
    name=st.text(max_size=30),
)
def test_settled_results_hold_sane_numbers(numbers: list[Decimal | None], name: str) -> None:
    quantity, price, line_total, total = numbers
    quote = ParseResult(
        kind="quote",
        quote=Quote(
            lines=[
                QuoteLine(name=name, quantity=quantity, unit_price=price, line_total=line_total)
            ],
            total=total,
        ),
    )
    request = ParseResult(
        kind="request", request=Request(items=[RequestItem(name=name, quantity=quantity)])
    )
    for result in (quote, request):
        settled = settle(result)
        _assert_clean(settled)
        if settled.review_reasons != result.review_reasons:
            assert settled.needs_review
