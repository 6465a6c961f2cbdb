"""Which supplier request an inbound message answers, from its headers alone.

In order of trust: our Message-ID in In-Reply-To or References (newest first), then the
``[RFQ-YYYY-NNNN-N]`` tag in the subject, then a plus-address of our mailbox among the
recipients (``zakupki+rfq-42@…`` or ``zakupki+RFQ-2026-0042-3@…``). A bounce is threaded
by the Message-ID of the message that bounced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from snab_mail.domain.message_ids import parse_own_message_id, rfq_number_in_subject

_PLUS_REQUEST = re.compile(r"^rfq[.-]?(\d{1,18})$", re.IGNORECASE)
_PLUS_NUMBER = re.compile(r"^(rfq-\d{4}-\d{4,}-\d+)$", re.IGNORECASE)


MatchedBy = Literal["message_id", "subject_tag", "plus_address"]


@dataclass(frozen=True, slots=True)
class Thread:
    request_id: int | None = None
    rfq_number: str | None = None
    matched_by: MatchedBy | None = None


@dataclass(frozen=True, slots=True)
class Mailbox:
    """Who we are: the domains of our Message-IDs and our mailbox's local part."""

    domains: frozenset[str]
    local_part: str | None = None


def find_thread(
    *,
    mailbox: Mailbox,
    subject: str,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    recipients: Iterable[str] = (),
    bounced_message_id: str | None = None,
) -> Thread:
    tag = rfq_number_in_subject(subject)
    candidates = [bounced_message_id, in_reply_to, *reversed(list(references))]
    for candidate in candidates:
        own = parse_own_message_id(candidate, mailbox.domains)
        if own is not None and own.request_id is not None and own.request_id >= 1:
            return Thread(request_id=own.request_id, rfq_number=tag, matched_by="message_id")
    if tag:
        return Thread(rfq_number=tag, matched_by="subject_tag")
    for address in recipients:
        found = _plus_tag(address, mailbox)
        if found is not None:
            return found
    return Thread()


def _plus_tag(address: str, mailbox: Mailbox) -> Thread | None:
    local, at, domain = address.strip().lower().rpartition("@")
    if not at or domain not in mailbox.domains or "+" not in local:
        return None
    base, _, tag = local.partition("+")
    if mailbox.local_part and base != mailbox.local_part.lower():
        return None
    if found := _PLUS_NUMBER.match(tag):
        return Thread(rfq_number=found.group(1).upper(), matched_by="plus_address")
    if found := _PLUS_REQUEST.match(tag):
        request_id = int(found.group(1))
        if request_id >= 1:
            return Thread(request_id=request_id, matched_by="plus_address")
    return None
