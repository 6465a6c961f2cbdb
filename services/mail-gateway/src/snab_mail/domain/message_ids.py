"""Our Message-IDs and subject tags.

A message about a supplier request carries ``<rfq.{request_id}.{token}@domain>``, so a reply
(In-Reply-To / References) names the request; a proposal carries ``<kp.{token}@domain>``,
anything else ``<msg.{token}@domain>``. The token comes from the command id, so the same
command always gets the same Message-ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

RFQ_TAG = re.compile(r"\[(RFQ-\d{4}-\d{4,}-\d+)\]", re.IGNORECASE)
_OWN_ID = re.compile(
    r"^<?(?P<kind>rfq|kp|msg|upload)\.(?:(?P<request>\d{1,18})\.)?(?P<token>[a-z0-9]{6,40})"
    r"@(?P<domain>[^<>@\s]+)>?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OwnMessageId:
    kind: str
    request_id: int | None
    token: str
    domain: str


def new_message_id(
    *, command_id: UUID, domain: str, request_id: int | None = None, purpose: str = ""
) -> str:
    token = command_id.hex[:16]
    if request_id is not None:
        return f"<rfq.{request_id}.{token}@{domain}>"
    kind = "kp" if purpose == "proposal" else "msg"
    return f"<{kind}.{token}@{domain}>"


def parse_own_message_id(value: str | None, domains: frozenset[str]) -> OwnMessageId | None:
    """The parts of a Message-ID we generated (for one of ``domains``), else None."""
    if not value:
        return None
    found = _OWN_ID.match(value.strip())
    if found is None or found.group("domain").lower() not in domains:
        return None
    request = found.group("request")
    if found.group("kind").lower() == "rfq" and request is None:
        return None
    return OwnMessageId(
        kind=found.group("kind").lower(),
        request_id=int(request) if request else None,
        token=found.group("token"),
        domain=found.group("domain").lower(),
    )


def subject_with_tag(subject: str, rfq_number: str | None) -> str:
    """The subject with ``[RFQ-…]`` appended unless it already carries that tag."""
    if not rfq_number:
        return subject
    tag = f"[{rfq_number}]"
    if tag.lower() in subject.lower():
        return subject
    return f"{subject.rstrip()} {tag}"


def rfq_number_in_subject(subject: str) -> str | None:
    found = RFQ_TAG.search(subject or "")
    return found.group(1).upper() if found else None
