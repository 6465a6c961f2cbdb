"""Building mail.received events the way the mail gateway does, for the service tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from snab_contracts.mail import MailAddress, MailReceived
from snab_kit.storage import LocalStorage


async def received(
    storage: LocalStorage, raw: bytes | None, *, store: bool = True, **overrides: Any
) -> MailReceived:
    """A mail.received as the gateway publishes it, its raw .eml stored first."""
    data = raw or b""
    sha = hashlib.sha256(data).hexdigest()
    key = f"mail/raw/{sha[:2]}/{sha}.eml"
    if raw is not None and store:
        await storage.put(key, raw, "message/rfc822")
    values: dict[str, Any] = {
        "mail_id": uuid4(),
        "account": "zakupki@broker.example",
        "uid": 17,
        "from_": MailAddress(email="snab@romashka.example", name="Иван Петров"),
        "mail_subject": "Заявка на крепёж",
        "raw_key": key,
        "raw_sha256": sha,
        "size": len(data),
        "received_at": datetime(2026, 12, 7, 7, 0, 5, tzinfo=UTC),
    }
    values.update(overrides)
    return MailReceived(**values)
