"""The pure rules of documents: words, numbers, names, requisites."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from documents_testkit import COMPANY

from snab_documents.domain import naming
from snab_documents.domain.layout import long_date, money, percent, quantity
from snab_documents.domain.requisites import missing_reason, missing_requisites
from snab_documents.domain.words import amount_in_words, plural


@pytest.mark.parametrize(
    ("amount", "currency", "words"),
    [
        ("126000", "RUB", "Сто двадцать шесть тысяч рублей 00 копеек"),
        ("126000.00", "RUB", "Сто двадцать шесть тысяч рублей 00 копеек"),
        ("1", "RUB", "Один рубль 00 копеек"),
        ("2.01", "RUB", "Два рубля 01 копейка"),
        ("21.22", "RUB", "Двадцать один рубль 22 копейки"),
        ("11.11", "RUB", "Одиннадцать рублей 11 копеек"),
        ("1000", "RUB", "Одна тысяча рублей 00 копеек"),
        ("2126", "RUB", "Две тысячи сто двадцать шесть рублей 00 копеек"),
        ("1000000.5", "RUB", "Один миллион рублей 50 копеек"),
        ("0.99", "RUB", "Ноль рублей 99 копеек"),
        ("1342.5", "USD", "Одна тысяча триста сорок два доллара США 50 центов"),
        ("5", "EUR", "Пять евро 00 евроцентов"),
        ("3.01", "CNY", "Три юаня 01 фэнь"),
    ],
)
def test_amount_in_words(amount: str, currency: str, words: str) -> None:
    assert amount_in_words(Decimal(amount), currency) == words


def test_amount_in_words_rounds_half_up_and_refuses_negatives() -> None:
    assert amount_in_words(Decimal("0.005")) == "Ноль рублей 01 копейка"
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (0, "дней"),
        (1, "день"),
        (2, "дня"),
        (4, "дня"),
        (5, "дней"),
        (11, "дней"),
        (12, "дней"),
        (21, "день"),
        (22, "дня"),
        (111, "дней"),
        (101, "день"),
    ],
)
def test_plural(n: int, form: str) -> None:
    assert plural(n, ("день", "дня", "дней")) == form


def test_numbers_and_dates_in_the_russian_way() -> None:
    nb = "\u00a0"
    assert money(Decimal("126000")) == f"126{nb}000,00"
    assert money(Decimal("0.5")) == "0,50"
    assert money(Decimal("1234567.891")) == f"1{nb}234{nb}567,89"
    assert quantity(Decimal("100.000")) == "100"
    assert quantity(Decimal("2.50")) == "2,5"
    assert quantity(Decimal("12500")) == f"12{nb}500"
    assert percent(Decimal("22")) == f"22{nb}%"
    assert percent(Decimal("7.50")) == f"7,5{nb}%"
    assert long_date(dt.date(2026, 3, 8)) == f"8{nb}марта 2026{nb}г."


def test_versions_are_never_reused_and_names_are_safe() -> None:
    assert naming.next_version([]) == 1
    assert naming.next_version([1, 3, 2]) == 4
    assert naming.filename("KP-2026-0042-1", 2) == "KP-2026-0042-1-v2.pdf"
    key = naming.storage_key("proposal", 2026, "KP-2026-0042-1", 2)
    assert key == "documents/proposal/2026/KP-2026-0042-1/KP-2026-0042-1-v2.pdf"
    assert naming.storage_key("proposal", 2026, "KP-2026-0042-1", 1) != key
    assert naming.filename("../../etc/x", 1) == ".._.._etc_x-v1.pdf"
    with pytest.raises(ValueError):
        naming.filename("KP-2026-0042-1", 0)


def test_missing_requisites_are_named_for_a_manager() -> None:
    assert missing_requisites(COMPANY, ["kpp", "ogrn", "address", "bank"]) == []
    bare = COMPANY.model_copy(update={"kpp": None, "ogrn": None, "bank": None})
    missing = missing_requisites(bare, ["kpp", "ogrn", "address", "bank"])
    assert missing == ["kpp", "ogrn", "bank"]
    reason = missing_reason(missing)
    assert "КПП, ОГРН, банковские реквизиты" in reason
    assert "COMPANY_KPP" in reason
    # An individual entrepreneur (12-digit INN) has no KPP.
    entrepreneur = bare.model_copy(update={"inn": "770123456789"})
    assert missing_requisites(entrepreneur, ["kpp"]) == []
