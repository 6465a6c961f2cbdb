"""The LLM reading covers the same replies as the rules: the prompt names each case, the schema
carries the analogue, and ``auto`` combines the model's reading with the rules' as for any mail.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from llm_samples import RFQ_MESSAGE_ID, RFQ_SUBJECT, eml, quote_answer

from snab_mailparse import parse_message
from snab_parser.extractors import ParseEngine
from snab_parser.llm.prompt import SYSTEM_PROMPT
from snab_parser.llm.schema import answer_schema
from tests.peers.openai_fake import FakeOpenAI, Reply

RFQ = """> Просим цены:
> 1. Подшипник 6206-2RS FAG — 20 шт
> 2. Ремень клиновой A-1250 Gates — 15 шт"""

ANALOGUE_BODY = f"""Добрый день.

1) Подшипник 6206-2RS FAG — 20 шт — FAG нет, можем дать аналог NSK 6206-2RS по 980 р.
2) Ремень клиновой A-1250 Gates — 15 шт — 410 р., в наличии

Цены без НДС.

{RFQ}
"""


@pytest.mark.parametrize(
    "phrase",
    [
        "quoted lines of our request",  # inline answers
        "terse replies",
        '"нету"',
        '"в наличии"',
        "offered price",
        '"с НДС" columns',
        '"1250=50"',
        "rouble equivalent",
        "can supply nothing",
        '"ответим завтра"',
        "analogue",
        "P.S.",
        ".xlsx",
        "English",
        "счёт на оплату",
        "phishing",
        "clarifying question",
        "low confidence",
    ],
)
def test_the_prompt_covers_the_case(phrase: str) -> None:
    assert phrase in SYSTEM_PROMPT


def test_the_schema_carries_the_analogue_of_a_line() -> None:
    line = answer_schema()["$defs"]["LlmQuoteLine"]
    assert "analogue" in line["properties"] and "analogue" in line["required"]


async def test_an_analogue_read_by_the_model_reaches_the_combined_result(
    fake_openai: FakeOpenAI, engine: ParseEngine
) -> None:
    answer = quote_answer()
    answer["quote"]["vat_included"] = False
    answer["quote"]["lead_time_days"] = None
    answer["quote"]["payment_terms"] = None
    answer["quote"]["total"] = None
    answer["quote"]["lines"] = [
        {
            "name": "Подшипник 6206-2RS FAG",
            "article": "6206-2RS",
            "quantity": 20,
            "unit": "шт",
            "unit_price": 980,
            "line_total": None,
            "available": True,
            "lead_time_days": None,
            "analogue": "NSK 6206-2RS",
        },
        {
            "name": "Ремень клиновой A-1250 Gates",
            "article": "A-1250",
            "quantity": 15,
            "unit": "шт",
            "unit_price": 410,
            "line_total": None,
            "available": True,
            "lead_time_days": 0,
            "analogue": None,
        },
    ]
    fake_openai.reset()
    fake_openai.push(Reply.answer(answer))
    mail = parse_message(
        eml(
            subject=RFQ_SUBJECT,
            body=ANALOGUE_BODY,
            sender="Денис <d@podshipnik.example>",
            message_id="<an1@podshipnik.example>",
            headers={"In-Reply-To": RFQ_MESSAGE_ID, "References": RFQ_MESSAGE_ID},
        )
    )

    outcome = await engine.parse(mail)

    assert len(fake_openai.requests) == 1
    assert outcome.extractor == "combined" and outcome.agreed is True
    # the rules read the same lines: the analogue on line 1, its price, the VAT flag
    rules = outcome.rules_result.quote
    assert rules is not None and rules.lines[0].analogue == "NSK 6206-2RS"
    quote = outcome.result.quote
    assert quote is not None and quote.vat_included is False
    assert [(line.unit_price, line.analogue) for line in quote.lines] == [
        (Decimal("980"), "NSK 6206-2RS"),
        (Decimal("410"), None),
    ]
