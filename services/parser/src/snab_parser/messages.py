"""What managers read from the parser (Russian): notes on mail it could not read itself."""

from __future__ import annotations

from typing import Final

_STOPPED: Final = {
    "time": "чтение письма заняло больше {seconds:g} с",
    "memory": "чтение письма потребовало больше {memory_mb} МБ памяти",
    "crash": "чтение письма завершилось сбоем",
    "unfinished": "чтение письма несколько раз не завершилось",
}


def too_expensive(reason: str, *, seconds: float, memory_mb: int) -> str:
    """The note heading the excerpt of a mail whose reading was stopped."""
    why = _STOPPED.get(reason, _STOPPED["crash"]).format(seconds=seconds, memory_mb=memory_mb)
    return (
        f"Письмо не разобрано автоматически: {why}. "
        "Прочитайте письмо и вложения и заведите заявку вручную, если она там есть."
    )
