"""Recognising auto-replies, bounces and mass mailings, so they never become orders or quotes.

Headers are trusted first (Auto-Submitted, X-Autoreply, delivery status reports), then subject
prefixes, and only then the body: a short letter in the first person saying its author is away.
A real request that mentions someone on holiday ("менеджер в отпуске, пишите мне") is not an
auto-reply, and neither is a letter that lists goods with quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from snab_mailparse.headers import Headers

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:(?:re|ответ|fw|fwd)\s*:\s*)?(?:"
    r"автоответ|автоматический ответ|автоматическое уведомление|"
    r"auto(?:matic)?[\s_-]?(?:reply|response|answer|antwort)|autoreply|auto\s*:|"
    r"out of (?:the )?office|ooo\b|abwesenheit|"
    r"(?:я\s+|нахожусь\s+)?(?:в отпуске|вне офиса|не в офисе)|"
    r"отсутствие на рабочем месте|отсутствую\b|нет на месте"
    r")",
    re.IGNORECASE,
)
_DELAY_SUBJECT = re.compile(
    r"^\s*(?:delayed mail|delivery status notification \(delay\)|"
    r"warning: could not send message|задержка доставки)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:"
    r"undelivered mail returned to sender|undeliverable\b|undelivered\b|"
    r"delivery status notification \(failure\)|delivery failure|delivery has failed|"
    r"mail delivery failed|mail delivery failure|mail delivery subsystem|"
    r"returned mail\b|failure notice\b|message not delivered|"
    r"недоставленное сообщение|сообщение не (?:было )?доставлено|письмо не доставлено|"
    r"(?:ваше )?(?:письмо|сообщение) не (?:может быть|удалось|удается|удаётся) доставить|"
    r"не удалось доставить (?:письмо|сообщение)|не удается доставить (?:письмо|сообщение)|"
    r"возврат недоставленного"
    r")",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = {"mailer-daemon", "mail-daemon", "maildaemon"}
_POSTMASTER = "postmaster"
# First-person statements of absence; "менеджер в отпуске" has no first person and stays out.
_AWAY = re.compile(
    r"\bя\s+(?:сейчас\s+|буду\s+|нахожусь\s+)?(?:в\s+(?:отпуске|командировке)|на больничном"
    r"|вне офиса|не в офисе|отсутствую)"
    r"|\bнахожусь\s+(?:в\s+)?(?:отпуске|командировке|вне офиса|на больничном)"
    r"|\bотсутствую\b|\bбуду отсутствовать\b|\bменя не будет\b"
    r"|\bне смогу (?:оперативно )?ответить|\bне имею возможности ответить"
    r"|\bдоступ\w* к (?:электронной )?почте (?:будет )?ограничен"
    r"|\bограниченн\w+ доступ\w* к (?:электронной )?почте"
    r"|\bпочту (?:проверяю|читаю) (?:нерегулярно|редко|не регулярно)"
    r"|\bавтоматическ\w+ ответ|\bавтоответ"
    r"|\bout of (?:the )?office\b|\bautomatic reply\b"
    r"|\bi am (?:currently )?(?:out of the office|away|on (?:vacation|leave|holiday))"
    r"|\bi will be (?:out of the office|away)",
    re.IGNORECASE,
)
# "100 шт", "200 м", "1,5 т": goods with quantities mean a real letter. A number is read from
# its first digit (from every digit, a long run of digits is read again each time).
_QUANTITY = re.compile(
    r"(?<!\d)\d+(?:[.,]\d+)?\s*+(?:шт|штук|м|метр\w*|кг|т|тонн\w*|л|уп|упак\w*|компл\w*|рул\w*|пар|"
    r"лист\w*|меш\w*|кор\w*|бух\w*|pcs|м2|м3|м²|м³)\b\.?",
    re.IGNORECASE,
)
_QUOTE_START = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|исходное сообщение|пересланное сообщение|"
    r"forwarded message)|.{0,120}(?:написал|написала|написал\(а\)|wrote)\s*:\s*$|"
    r"отправлено из|from:\s|от:\s)",
    re.IGNORECASE,
)
_MAX_AWAY_TEXT = 1000


@dataclass(slots=True)
class Flags:
    auto_reply: str | None = None
    bounce: str | None = None
    bulk: bool = False


def own_text(text: str) -> str:
    """The letter without quoted history ("> ..." lines, "-----Original Message-----" etc.)."""
    kept: list[str] = []
    for line in text.splitlines():
        if _QUOTE_START.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def _header_word(headers: Headers, name: str) -> str:
    value = headers.get(name)
    if value is None:
        return ""
    return value.decode("ascii", errors="replace").split(";", 1)[0].strip().lower()


def _local_part(address: str) -> str:
    return address.rsplit("@", 1)[0].strip().lower()


def is_bulk(headers: Headers) -> bool:
    precedence = _header_word(headers, "precedence")
    return (
        precedence in ("bulk", "junk", "list")
        or headers.get("list-unsubscribe") is not None
        or headers.get("list-id") is not None
    )


def detect(
    *,
    headers: Headers,
    sender: str,
    subject: str,
    text: str,
    report_type: str | None,
    dsn_actions: list[str],
) -> Flags:
    """Flags for one message; ``sender`` is the From address, ``text`` the body text."""
    flags = Flags(bulk=is_bulk(headers))
    delay_only = bool(dsn_actions) and all(
        action in ("delayed", "delivered", "relayed", "expanded") for action in dsn_actions
    )
    if report_type == "delivery-status" and not delay_only:
        flags.bounce = "delivery status report (multipart/report)"
    elif (
        _local_part(sender) in _BOUNCE_SENDERS
        and not delay_only
        and not _DELAY_SUBJECT.match(subject)
    ):
        flags.bounce = f"sender {sender}"
    elif _BOUNCE_SUBJECT.match(subject):
        flags.bounce = f"subject {subject[:80]!r}"
    if flags.bounce:
        return flags
    flags.auto_reply = _auto_reply(headers, subject, text, report_type, flags.bulk)
    return flags


def _auto_reply(
    headers: Headers, subject: str, text: str, report_type: str | None, bulk: bool
) -> str | None:
    auto_submitted = _header_word(headers, "auto-submitted")
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated"):
        value = _header_word(headers, name)
        present = headers.get(name) is not None and value not in ("no", "false", "0")
        if present and (name != "x-autogenerated" or value == "reply"):
            return f"header {name}"
    if _header_word(headers, "precedence") == "auto_reply":
        return "Precedence: auto_reply"
    if report_type == "disposition-notification":
        return "read receipt (disposition notification)"
    if report_type == "delivery-status":
        return "delivery status notification without failures"
    if _DELAY_SUBJECT.match(subject):
        return f"delivery delay notice: {subject[:80]!r}"
    if _AUTO_SUBJECT.match(subject):
        return f"subject {subject[:80]!r}"
    mine = own_text(text)
    limit = _MAX_AWAY_TEXT * (3 if bulk else 1)
    if len(mine) <= limit and not _QUANTITY.search(mine):
        found = _AWAY.search(mine)
        if found:
            return f"out-of-office text {found.group(0)!r}"
    return None
