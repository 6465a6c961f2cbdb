"""What intake does to parsed values before they reach the database and the bus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from snab_mail.services.intake import as_utc, clean, storable
from snab_mailparse import Address, parse_message


def test_clean_removes_nul_and_lone_surrogates() -> None:
    assert clean("За\x00явка") == "Заявка"
    assert clean("a\udcff b") == "a? b"
    assert clean("обычный текст") == "обычный текст"


def test_storable_cleans_headers_addresses_and_attachment_names() -> None:
    parsed = parse_message(
        b'From: "Ivan\x00" <ivan\x00@x.example>\r\nSubject: a\x00b\r\n'
        b"Message-ID: <m\x00@x.example>\r\n\r\nbody\r\n"
    )
    parsed.attachments = []
    parsed.cc = [Address(email="c\x00@x.example", name="\udcff")]
    storable(parsed)
    assert parsed.subject == "ab" and parsed.message_id == "<m@x.example>"
    assert parsed.from_addr == Address(email="ivan@x.example", name="Ivan")
    assert parsed.cc == [Address(email="c@x.example", name="?")]


def test_a_date_without_a_utc_value_is_dropped() -> None:
    assert as_utc(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))) is None
    moscow = datetime(2026, 12, 1, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    assert as_utc(moscow) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert as_utc(None) is None
