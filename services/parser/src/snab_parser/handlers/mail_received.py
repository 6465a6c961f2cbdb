"""``mail.received``: read the message into an order, a quote or a classification."""

from __future__ import annotations

from snab_contracts.mail import MailReceived
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_parser.services.parsing import MailParser


def register(service: Service, parser: MailParser, *, workers: int, batch: int) -> None:
    """``batch`` > 0: up to that many mails are read side by side and recorded in one
    transaction (a failed batch is replayed one by one). For rules only: a batch waits for
    its slowest mail, and with the LLM that can be seconds. Else ``workers`` mails at a
    time, each in its own transaction."""

    async def on_mail_batch(events: list[MailReceived], tx: Tx) -> None:
        await parser.handle_many(events, tx)

    @service.on(
        MailReceived,
        workers=workers,
        batch=batch,
        batch_handler=on_mail_batch if batch > 0 else None,
    )
    async def on_mail_received(event: MailReceived, tx: Tx) -> None:
        await parser.handle(event, tx)
