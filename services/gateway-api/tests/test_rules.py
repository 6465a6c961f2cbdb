"""Pure rules, in milliseconds: INN control digits, usernames, the login limit, event
positions, file names in headers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from snab_contracts.values import inn_checksum_ok
from snab_gateway.api.respond import content_disposition
from snab_gateway.auth import rules
from snab_gateway.auth.tokens import issue_token, read_token
from snab_gateway.events import Position
from snab_kit.errors import ConflictError, RuleViolation


@pytest.mark.parametrize(
    ("inn", "ok"),
    [
        ("7707083893", True),  # a company (10 digits)
        ("500100732259", True),  # a person (12 digits)
        ("7707083894", False),
        ("500100732258", False),
        ("770708389", False),
        ("77070838930", False),
        ("77070838a3", False),
        ("７７０７０８３８９３", False),  # full-width digits are digits to str.isdigit
    ],
)
def test_inn_control_digits(inn: str, ok: bool) -> None:
    assert inn_checksum_ok(inn) is ok


def test_usernames_are_plain() -> None:
    assert rules.check_username("  Anna.S ") == "anna.s"
    for bad in ("a", "anna smith", "анна", "anna:1", "-anna", "anna-", "a" * 33, "anna\x00"):
        with pytest.raises(RuleViolation):
            rules.check_username(bad)
    assert rules.actor("anna.s") == "user:anna.s"


def test_login_keys_hold_nothing_a_client_sent_raw() -> None:
    assert rules.account_key("Anna") == "account:anna"
    odd = rules.account_key("anna\x00'; DROP")
    assert odd.startswith("account:#") and "\x00" not in odd and len(odd) < 50


def test_login_wait() -> None:
    window = timedelta(minutes=15)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    started = now - timedelta(minutes=5)
    assert (
        rules.wait_seconds(attempts=5, limit=5, window_started_at=started, window=window, now=now)
        is None
    )
    assert (
        rules.wait_seconds(attempts=6, limit=5, window_started_at=started, window=window, now=now)
        == 600
    )
    late = now + timedelta(minutes=10, seconds=59)
    assert (
        rules.wait_seconds(attempts=9, limit=5, window_started_at=started, window=window, now=late)
        == 1.0
    )


def test_admins_and_self() -> None:
    rules.check_admins_left(active_admins=2, was_active_admin=True, stays_active_admin=False)
    with pytest.raises(ConflictError):
        rules.check_admins_left(active_admins=1, was_active_admin=True, stays_active_admin=False)
    rules.check_admins_left(active_admins=1, was_active_admin=False, stays_active_admin=False)
    me = uuid.uuid4()
    with pytest.raises(ConflictError):
        rules.check_not_self(by=me, target=me, message="нет")
    rules.check_not_self(by=me, target=uuid.uuid4(), message="нет")


def test_tokens() -> None:
    now = datetime.now(UTC)
    user = uuid.uuid4()
    token = issue_token(
        user_id=user, version=3, key="k" * 32, lifetime=timedelta(hours=24), now=now
    )
    claims = read_token(token, key="k" * 32)
    assert claims is not None and (claims.user_id, claims.version) == (user, 3)
    assert read_token(token, key="x" * 32) is None
    old = issue_token(
        user_id=user,
        version=3,
        key="k" * 32,
        lifetime=timedelta(seconds=1),
        now=now - timedelta(hours=1),
    )
    assert read_token(old, key="k" * 32) is None
    assert read_token("", key="k" * 32) is None


def test_event_positions() -> None:
    position = Position.parse("o120.q37.r0.d4")
    assert position is not None and position.seqs == {"o": 120, "q": 37, "r": 0, "d": 4}
    assert position.encode() == "o120.q37.r0.d4"
    for bad in (
        "",
        "o1.q2",
        "o1.q2.r3.d4.e5",
        "o-1.q2.r3.d4",
        "x1.q2.r3.d4",
        "o1.q2.r3.d" + "9" * 20,
    ):
        assert Position.parse(bad) is None


def test_file_names_in_headers() -> None:
    assert content_disposition("attachment", "KP-2026-0001-1.pdf") == (
        "attachment; filename=\"KP-2026-0001-1.pdf\"; filename*=UTF-8''KP-2026-0001-1.pdf"
    )
    header = content_disposition("inline", 'КП "№1"\r\n/../etc.pdf')
    assert "\r" not in header and "\n" not in header and "/" not in header.split("''")[1]
    assert header.startswith('inline; filename="')
    assert "%D0%9A%D0%9F" in header  # КП, percent-encoded
