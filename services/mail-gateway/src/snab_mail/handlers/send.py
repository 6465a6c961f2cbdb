"""``mail.send``: record the command in the send log; the sender loop does the rest."""

from __future__ import annotations

from snab_contracts.mail import MailSend
from snab_kit.consume import Tx
from snab_kit.service import Service
from snab_mail.services.outbound import Sender


def register(service: Service, sender: Sender, *, workers: int) -> None:
    @service.on(MailSend, workers=workers)
    async def on_mail_send(command: MailSend, tx: Tx) -> None:
        # The send log row is committed in its own transaction (so the sender loop can
        # be woken at once); a redelivered command finds it there and changes nothing.
        await sender.queue(command)
