"""aiogram's FSM state kept in PostgreSQL (``notifier.fsm_states``): a dialog half-way
through (a new supplier's name given, the email not yet) survives a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from snab_notifier.db.tables import fsm_states


class PostgresStorage(BaseStorage):
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None
    ) -> None:
        self.sessions = sessions
        self.key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.sessions() as session, session.begin():
            await session.execute(
                pg_insert(fsm_states)
                .values(key=self._key(key), state=value)
                .on_conflict_do_update(
                    index_elements=[fsm_states.c.key],
                    set_={"state": value, "updated_at": func.now()},
                )
            )
            await self._drop_empty(session, key)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.sessions() as session:
            value = await session.scalar(
                select(fsm_states.c.state).where(fsm_states.c.key == self._key(key))
            )
        return str(value) if value is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        values = dict(data)
        async with self.sessions() as session, session.begin():
            await session.execute(
                pg_insert(fsm_states)
                .values(key=self._key(key), data=values)
                .on_conflict_do_update(
                    index_elements=[fsm_states.c.key],
                    set_={"data": values, "updated_at": func.now()},
                )
            )
            await self._drop_empty(session, key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.sessions() as session:
            value = await session.scalar(
                select(fsm_states.c.data).where(fsm_states.c.key == self._key(key))
            )
        return dict(value) if value else {}

    async def _drop_empty(self, session: AsyncSession, key: StorageKey) -> None:
        """No state and no data: the row has nothing to keep."""
        await session.execute(
            delete(fsm_states).where(
                fsm_states.c.key == self._key(key),
                fsm_states.c.state.is_(None),
                fsm_states.c.data == {},
            )
        )

    async def close(self) -> None:
        return None
