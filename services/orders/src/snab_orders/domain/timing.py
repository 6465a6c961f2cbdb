"""When an unanswered supplier request gets its reminder and when it times out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from snab_contracts.orders import RequestStatus

MOSCOW = ZoneInfo("Europe/Moscow")


class Due(StrEnum):
    REMIND = "remind"
    TIMEOUT = "timeout"


def business_time(
    start: datetime,
    end: datetime,
    *,
    day_start: int = 9,
    day_end: int = 18,
    tz: ZoneInfo = MOSCOW,
) -> timedelta:
    """Working time between two instants: Monday to Friday, ``day_start``-``day_end`` local."""
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    while day <= local_end.date():
        if day.weekday() < 5:
            open_at = datetime.combine(day, time(day_start), tz)
            close_at = (
                datetime.combine(day, time(0), tz) + timedelta(days=1)
                if day_end == 24
                else datetime.combine(day, time(day_end), tz)
            )
            lo, hi = max(open_at, local_start), min(close_at, local_end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def due_action(
    *,
    status: RequestStatus | str,
    sent_at: datetime,
    now: datetime,
    reminder_age: timedelta,
    timeout_age: timedelta,
    business_hours: bool = False,
    day_start: int = 9,
    day_end: int = 18,
) -> Due | None:
    """What the sweeper does with a request now: time it out, remind, or nothing.

    A request past both ages times out without a reminder; a reminded request is not
    reminded again.
    """
    status = RequestStatus(status)
    if status not in (RequestStatus.SENT, RequestStatus.REMINDED):
        return None
    age = (
        business_time(sent_at, now, day_start=day_start, day_end=day_end)
        if business_hours
        else now - sent_at
    )
    if age >= timeout_age:
        return Due.TIMEOUT
    if status == RequestStatus.SENT and age >= reminder_age:
        return Due.REMIND
    return None
