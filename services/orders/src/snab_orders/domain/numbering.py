"""Document numbers: ORD-2026-0052, RFQ-2026-0052-3, KP-2026-0052-1."""

from __future__ import annotations

import re

ORDER_KIND = "order"
_ORDER = re.compile(r"^ORD-(\d{4})-(\d{4,})$")


def order_number(year: int, seq: int) -> str:
    if not 1000 <= year <= 9999 or seq < 1:
        raise ValueError(f"bad order number parts: {year}, {seq}")
    return f"ORD-{year}-{seq:04d}"


def parse_order_number(number: str) -> tuple[int, int]:
    match = _ORDER.match(number)
    if not match:
        raise ValueError(f"not an order number: {number!r}")
    return int(match[1]), int(match[2])


def rfq_number(order: str, n: int) -> str:
    """``ORD-2026-0052`` and 3 → ``RFQ-2026-0052-3``."""
    year, seq = parse_order_number(order)
    return f"RFQ-{year}-{seq:04d}-{n}"


def proposal_number(order: str, n: int) -> str:
    year, seq = parse_order_number(order)
    return f"KP-{year}-{seq:04d}-{n}"
