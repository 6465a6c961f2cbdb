"""Actions a button starts and may finish only once.

Picking suppliers, building or sending a proposal, marking an outcome, linking a mail: each
opens an action row with a short token that its buttons carry. Choices made on the way
(the suppliers ticked) are kept in the row, and the final press claims it:

    open ─claim─▶ running ─▶ done       (the rpc succeeded: any later press is "done already")
                     └──────▶ open      (the rpc failed: the manager may press again)

A second press while the first is running, or after it is done, finds the row taken and
does nothing but say so, however the presses reach the bot (two taps, two phones, a
redelivered update after a restart).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from snab_notifier.db.tables import actions

Claim = Literal["claimed", "running", "done", "missing"]
T = TypeVar("T")
TOKEN_BYTES = 6  # 8 URL-safe characters


@dataclass(frozen=True)
class Action:
    token: str
    chat_id: int
    user_id: int
    kind: str
    data: dict[str, Any]
    state: str


def _action(row: Any) -> Action:
    return Action(
        token=row.token,
        chat_id=row.chat_id,
        user_id=row.user_id,
        kind=row.kind,
        data=dict(row.data),
        state=row.state,
    )


class Actions:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def open(self, *, chat_id: int, user_id: int, kind: str, data: dict[str, Any]) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        async with self.sessions() as session, session.begin():
            await session.execute(
                actions.insert().values(
                    token=token, chat_id=chat_id, user_id=user_id, kind=kind, data=data
                )
            )
        return token

    async def open_once(
        self, token: str, *, chat_id: int, user_id: int, kind: str, data: dict[str, Any]
    ) -> None:
        """An action under a token the caller derives from what it acts on (a button that
        must act once without a step before it); nothing when it exists already."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                pg_insert(actions)
                .values(token=token, chat_id=chat_id, user_id=user_id, kind=kind, data=data)
                .on_conflict_do_nothing(index_elements=["token"])
            )

    async def get(self, token: str) -> Action | None:
        async with self.sessions() as session:
            row = (await session.execute(select(actions).where(actions.c.token == token))).first()
        return _action(row) if row else None

    async def change(
        self, token: str, fn: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> Action | None:
        """Apply ``fn`` to the data of an open action (under a row lock, so two quick taps
        apply one after the other); None when the action is gone or no longer open."""
        async with self.sessions() as session, session.begin():
            row = (
                await session.execute(
                    select(actions).where(actions.c.token == token).with_for_update()
                )
            ).first()
            if row is None or row.state != "open":
                return None
            data = fn(dict(row.data))
            await session.execute(
                update(actions)
                .where(actions.c.token == token)
                .values(data=data, updated_at=func.now())
            )
        return Action(row.token, row.chat_id, row.user_id, row.kind, data, row.state)

    async def claim(self, token: str) -> tuple[Claim, Action | None]:
        async with self.sessions() as session, session.begin():
            row = (
                await session.execute(
                    update(actions)
                    .where(actions.c.token == token, actions.c.state == "open")
                    .values(state="running", updated_at=func.now())
                    .returning(actions)
                )
            ).first()
            if row is not None:
                return "claimed", _action(row)
            state = await session.scalar(select(actions.c.state).where(actions.c.token == token))
        if state is None:
            return "missing", None
        return ("running" if state == "running" else "done"), None

    async def finish(self, token: str, *, done: bool) -> None:
        """After the claimed action ran: ``done``, or back to ``open`` when it failed."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(actions)
                .where(actions.c.token == token)
                .values(state="done" if done else "open", updated_at=func.now())
            )

    async def run(self, token: str, work: Awaitable[T]) -> T:
        """Run the claimed action's work: ``done`` when it succeeds, ``open`` again (a
        press may try once more) when it raises."""
        done = False
        try:
            result = await work
            done = True
        finally:
            await self.finish(token, done=done)
        return result

    async def purge(self, older_than: timedelta) -> int:
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                delete(actions).where(actions.c.created_at < func.now() - older_than)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
