"""Rules without I/O: Message-IDs, subject tags, threading, what must not be answered."""

from __future__ import annotations

import uuid

import pytest

from snab_mail.domain.message_ids import (
    new_message_id,
    parse_own_message_id,
    rfq_number_in_subject,
    subject_with_tag,
)
from snab_mail.domain.policy import is_daemon_address, refusal
from snab_mail.domain.threads import Mailbox, find_thread

OURS = Mailbox(domains=frozenset({"broker.example"}), local_part="zakupki")
COMMAND = uuid.UUID("12345678-1234-4234-9234-123456789abc")


def test_supplier_request_message_id_names_the_request_and_is_stable() -> None:
    first = new_message_id(command_id=COMMAND, domain="broker.example", request_id=42)
    again = new_message_id(command_id=COMMAND, domain="broker.example", request_id=42)
    assert first == again == "<rfq.42.1234567812344234@broker.example>"
    parsed = parse_own_message_id(first, frozenset({"broker.example"}))
    assert parsed is not None and parsed.request_id == 42 and parsed.kind == "rfq"


def test_other_purposes_get_their_own_kind() -> None:
    proposal = new_message_id(command_id=COMMAND, domain="b.example", purpose="proposal")
    other = new_message_id(command_id=COMMAND, domain="b.example", purpose="clarification")
    assert proposal.startswith("<kp.") and other.startswith("<msg.")
    assert parse_own_message_id(proposal, frozenset({"b.example"})) is not None


@pytest.mark.parametrize(
    "value",
    [
        "<rfq.42.abcdef12@supplier.example>",  # not our domain
        "<rfq.abcdef12@broker.example>",  # no request id
        "<CAF=xyz@mail.gmail.com>",
        "",
    ],
)
def test_foreign_message_ids_are_not_ours(value: str) -> None:
    assert parse_own_message_id(value, frozenset({"broker.example"})) is None


def test_subject_tag_is_added_once() -> None:
    tagged = subject_with_tag("Запрос цен: кабель ВВГнг", "RFQ-2026-0042-3")
    assert tagged == "Запрос цен: кабель ВВГнг [RFQ-2026-0042-3]"
    assert subject_with_tag(tagged, "RFQ-2026-0042-3") == tagged
    assert subject_with_tag("Вопрос", None) == "Вопрос"
    assert rfq_number_in_subject("Re: Запрос цен [rfq-2026-0042-3]") == "RFQ-2026-0042-3"


def test_thread_from_in_reply_to_wins_over_subject_tag() -> None:
    thread = find_thread(
        mailbox=OURS,
        subject="Re: Запрос цен [RFQ-2026-0049-1]",
        in_reply_to="<rfq.49.p7d2m5@broker.example>",
    )
    assert (thread.request_id, thread.rfq_number, thread.matched_by) == (
        49,
        "RFQ-2026-0049-1",
        "message_id",
    )


def test_thread_from_newest_reference() -> None:
    thread = find_thread(
        mailbox=OURS,
        subject="Re: Re: цены",
        references=[
            "<rfq.7.aaaaaa@broker.example>",
            "<x@y.example>",
            "<rfq.9.bbbbbb@broker.example>",
        ],
    )
    assert thread.request_id == 9 and thread.matched_by == "message_id"


def test_thread_from_subject_tag_when_headers_are_lost() -> None:
    thread = find_thread(mailbox=OURS, subject="Ответ: запрос [RFQ-2026-0052-2]")
    assert thread.request_id is None
    assert (thread.rfq_number, thread.matched_by) == ("RFQ-2026-0052-2", "subject_tag")


@pytest.mark.parametrize(
    ("recipient", "request_id", "rfq_number"),
    [
        ("zakupki+rfq-42@broker.example", 42, None),
        ("Zakupki+RFQ-2026-0042-3@Broker.Example", None, "RFQ-2026-0042-3"),
    ],
)
def test_thread_from_plus_address(
    recipient: str, request_id: int | None, rfq_number: str | None
) -> None:
    thread = find_thread(mailbox=OURS, subject="цены", recipients=[recipient])
    assert (thread.request_id, thread.rfq_number, thread.matched_by) == (
        request_id,
        rfq_number,
        "plus_address",
    )


def test_plus_address_of_someone_else_is_ignored() -> None:
    thread = find_thread(
        mailbox=OURS,
        subject="цены",
        recipients=["sales+rfq-42@broker.example", "a+rfq-1@x.example"],
    )
    assert thread.matched_by is None


def test_bounce_is_threaded_by_the_message_that_bounced() -> None:
    thread = find_thread(
        mailbox=OURS,
        subject="Undelivered Mail Returned to Sender",
        bounced_message_id="<rfq.52.r5t7u1@broker.example>",
    )
    assert thread.request_id == 52


def test_automatic_mail_and_daemons_are_never_answered() -> None:
    assert is_daemon_address("MAILER-DAEMON@mx.example")
    assert not is_daemon_address("postmaster-ivanov@x.example")
    assert refusal(recipients=["a@b.example"], replying_to_automatic=True)
    assert refusal(recipients=["mailer-daemon@b.example"], replying_to_automatic=False)
    assert refusal(recipients=["a@b.example"], replying_to_automatic=False) is None
