"""Without a bot token the notifier writes notifications to its log and never loads
aiogram (about 3 s of CPU and 110 MB of Telegram types it would not use)."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import asyncio, sys
from uuid import uuid4
from snab_notifier.domain.notices import Kind, OrderNotice
from snab_notifier.main import assemble
from snab_notifier.services.render import Renderer
from snab_notifier.services.sender import describe
from snab_notifier.settings import NotifierSettings

notifier = assemble(NotifierSettings(telegram_bot_token=""))
assert notifier.bot is None and notifier.sender.transport.name == "log"
notice = OrderNotice(order_id=uuid4(), number="ORD-2026-0001", client_name="ООО Ромашка",
                     items_count=2)
screen = asyncio.run(Renderer(None).render(Kind.ORDER_CREATED, notice))
print(describe(screen))
print(sorted(name for name in sys.modules if name.split(".")[0] == "aiogram"))
"""


def test_the_notifier_without_a_token_renders_notices_without_aiogram() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    shown, loaded = run.stdout.strip().splitlines()[-2:]
    assert "ORD-2026-0001" in shown and "[Открыть]" in shown, shown
    assert loaded == "[]"
