"""The mailbox's Sent folder: keeping a copy of what we sent, and finding one by Message-ID."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from snab_mail.imap.client import ImapConfig, ImapSession


class SentFolder:
    def __init__(
        self,
        config: ImapConfig,
        folder: str,
        open_session: Callable[[ImapConfig], Awaitable[ImapSession]] = ImapSession.open,
    ) -> None:
        self.config = config
        self.folder = folder
        self._open_session = open_session

    async def contains(self, message_id: str) -> bool:
        session = await self._open_session(self.config)
        try:
            return await self._find(session, message_id)
        finally:
            await session.close()

    async def save(self, raw: bytes, message_id: str) -> bool:
        """Append ``raw`` (marked \\Seen) unless a message with this Message-ID is there
        already (a provider that files SMTP mail itself, or a retry). True if appended."""
        session = await self._open_session(self.config)
        try:
            if await self._find(session, message_id):
                return False
            await session.append(self.folder, raw, "\\Seen")
            return True
        finally:
            await session.close()

    async def _find(self, session: ImapSession, message_id: str) -> bool:
        status = await session.examine(self.folder)
        if not status.exists:
            return False
        quoted = '"' + message_id.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return bool(await session.search("HEADER", "Message-ID", quoted))
