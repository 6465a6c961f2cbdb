"""Replicas of a service that start together (``python -m snab_x --migrate``) migrate its
schema once, one after the other, instead of failing on each other's tables."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import asyncpg


def test_three_replicas_migrating_one_fresh_schema_at_once_all_succeed(
    fresh_database_url: str,
) -> None:
    env = {**os.environ, "DATABASE_URL": fresh_database_url}
    replicas = [
        subprocess.Popen(
            [sys.executable, "-m", "snab_orders", "migrate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = [replica.communicate(timeout=180)[0].decode(errors="replace") for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0, 0], "\n".join(outputs)
    assert len(asyncio.run(_versions(fresh_database_url))) == 1


async def _versions(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [
            row["version_num"]
            for row in await conn.fetch("SELECT version_num FROM orders.alembic_version")
        ]
    finally:
        await conn.close()
