"""IMAP pieces without a server: FETCH parsing, mailbox names, batching, dates."""

from __future__ import annotations

from datetime import date

from snab_mail.imap.client import encode_mailbox, imap_date, parse_fetch
from snab_mail.imap.poller import Batch, plan_batches


def test_fetch_with_uid_before_or_after_the_literal() -> None:
    lines: list[bytes | bytearray] = [
        b"1 FETCH (UID 7 BODY[] {5}",
        bytearray(b"hello"),
        b")",
        b"2 FETCH (BODY[] {3}",
        bytearray(b"abc"),
        b" UID 9)",
        b"3 FETCH (FLAGS (\\Seen) UID 10)",  # an unsolicited flag change: no body
        b"Fetch completed (0.001 + 0.000 secs).",
    ]
    fetched = {f.uid: f.data for f in parse_fetch(lines)}
    assert fetched == {7: b"hello", 9: b"abc", 10: None}


def test_sizes_are_read() -> None:
    [first, second] = parse_fetch(
        [b"1 FETCH (UID 3 RFC822.SIZE 1234)", b"2 FETCH (RFC822.SIZE 9 UID 4)"]
    )
    assert (first.uid, first.size, second.uid, second.size) == (3, 1234, 4, 9)


def test_mailbox_names_in_modified_utf7() -> None:
    assert encode_mailbox("INBOX") == '"INBOX"'
    assert encode_mailbox("Отправленные") == '"&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"'
    assert encode_mailbox('A&B "x"') == '"A&-B \\"x\\""'


def test_batches_are_bounded_by_count_and_bytes_and_huge_messages_go_alone() -> None:
    sizes = {1: 10, 2: 10, 3: 10, 4: 500, 5: 10, 6: 10}
    batches = plan_batches(
        [1, 2, 3, 4, 5, 6], sizes, max_count=2, max_bytes=25, max_fetch_bytes=100
    )
    assert batches == [
        Batch((1, 2)),
        Batch((3,)),
        Batch((4,), header_only=True),
        Batch((5, 6)),
    ]
    # a single message larger than the byte budget (but under the fetch limit) still goes
    assert plan_batches([1], {1: 90}, max_count=5, max_bytes=25, max_fetch_bytes=100) == [
        Batch((1,))
    ]


def test_imap_search_date() -> None:
    assert imap_date(date(2026, 1, 5)) == "5-Jan-2026"
