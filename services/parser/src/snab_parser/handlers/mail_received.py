"""``mail.received``: read the message into an order, a quote or a classification."""

from __future__ import annotations

from snab_contracts.mail import MailReceived
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_parser.services.parsing import MailParser


def register(service: Service, parser: MailParser, *, workers: int) -> None:
    # Not batched: the handler may wait for the LLM, with effects beyond the database.
    @service.on(MailReceived, workers=workers)
    async def on_mail_received(event: MailReceived, tx: Tx) -> None:
        await parser.handle(event, tx)
