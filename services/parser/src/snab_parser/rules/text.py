"""The body of a message split into what the sender wrote, what was forwarded, and history.

A reply's quoted history (">" lines, "-----Original Message-----", "... пишет:", an Outlook
"От:/Отправлено:" block) is kept apart so that the request it quotes is not extracted again.
In a forward (Fwd:/FW:, "Пересылаемое сообщение") the forwarded text is the payload.
Each part is split again into body and signature: items are read from bodies only, contacts
from signatures first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from snab_mailparse import ParsedMail
from snab_parser.rules.html import has_table, html_to_text
from snab_parser.rules.lines import parse_line

_FORWARD_MARKER: Final = re.compile(
    r"^\s*+(?:-{2,}\s*+)?(?:пересылаемое сообщение|forwarded message|переадресованное сообщение"
    r"|начало переадресованного сообщения|begin forwarded message|пересланное сообщение)"
    r"\s*+:?\s*+(?:-{2,})?\s*+$",
    re.IGNORECASE,
)
_FORWARD_END: Final = re.compile(
    r"^\s*+-{2,}\s*+(?:конец пересылаемого сообщения|end of forwarded message)\s*+-{2,}\s*+$",
    re.IGNORECASE,
)
_ORIGINAL_MARKER: Final = re.compile(
    r"^\s*+-{2,}\s*+(?:original message|исходное сообщение|исходное письмо)\s*+-{2,}\s*+$",
    re.IGNORECASE,
)
_UNDERSCORES: Final = re.compile(r"^\s*+_{8,}\s*+$")
_HEADER_FROM: Final = re.compile(r"^\s*\*?(?:от|from)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_OTHER: Final = re.compile(
    r"^\s*\*?(?:отправлено|sent|дата|date|кому|to|тема|subject|копия|cc)\s*:", re.IGNORECASE
)
HEADER_LINE: Final = re.compile(
    r"^\s*\*?(?:от|from|отправлено|sent|дата|date|кому|to|тема|subject|копия|cc)\s*:",
    re.IGNORECASE,
)
_ATTRIBUTION_END: Final = re.compile(
    r"(?:пишет|писал\(а\)|написал\(а\)|написала?|wrote|пишут)\s*+:\s*+$"
    r"|^\s*+(?:вы\s+писали|you\s+wrote)\b",
    re.IGNORECASE,
)
_ATTRIBUTION_ADDR: Final = re.compile(
    r"^.{0,160}(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}\s+[а-яa-z]+\.?\s+\d{4}|\d{1,2}:\d{2})"
    r".{0,160}<[^<>@\s]+@[^<>\s]+>\s*+:\s*+$",
    re.IGNORECASE,
)
_SIGNATURE_START: Final = re.compile(
    r"^\s*+(?:--\s*|—\s*|-- ?|"
    r"(?:с уважением|с наилучшими пожеланиями|всего (?:доброго|хорошего)|best regards"
    r"|kind regards|regards|with regards|искренне ваш)\b.*|"
    r"(?:отправлено|sent|послано)\s+(?:из|с|со|from|via)\s+.*|"
    r"(?:спасибо|заранее спасибо|заранее благодарю|благодарю|thanks|thank you)[.!,]?\s*)$",
    re.IGNORECASE,
)
_DISCLAIMER: Final = re.compile(
    r"(?:настоящее|данное|это)\s+(?:электронное\s+)?(?:сообщение|письмо).{0,80}"
    r"(?:конфиденциальн|предназначен)|this (?:e-?mail|message).{0,60}confidential",
    re.IGNORECASE,
)
_FWD_SUBJECT: Final = re.compile(
    r"^\s*(?:(?:re|ответ|отв)\s*(?:\[\d+\])?\s*:\s*)*(?:fwd?|пересл\w*|переадр\w*|forward)"
    r"\s*(?:\[\d+\])?\s*:",
    re.IGNORECASE,
)
_REPLY_SUBJECT: Final = re.compile(r"^\s*(?:re|ответ|отв|aw)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_BLOCKQUOTE: Final = re.compile(r"<blockquote", re.IGNORECASE)
_RFQ_IN_SUBJECT: Final = re.compile(r"\bRFQ-\d{4}-\d+", re.IGNORECASE)
# ">", "> >", and The Bat!'s initials before the mark ("ИК> ")
_QUOTE_MARKS: Final = re.compile(r"^\s*+(?:(?:[A-ZА-ЯЁ]{1,3})?>\s?)+")


# What the rules read of a body: its first characters, lines and, of each line, its first
# characters. Real letters are far below these; the rest of a longer text is left for a
# manager (the result says the text was cut).
MAX_TEXT_CHARS: Final = 200_000
MAX_HTML_CHARS: Final = 1_000_000
MAX_LINES: Final = 5000
MAX_LINE: Final = 2000


@dataclass
class Segment:
    """One author's text: the body (items live here) and the signature (contacts)."""

    forwarded: bool
    body: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [*self.body, *self.signature]


@dataclass
class Body:
    segments: list[Segment]
    history: list[str]
    #: the text was longer than the rules read (characters, lines or a line's length)
    cut: bool = False

    @property
    def own(self) -> Segment:
        return self.segments[0]

    def body_lines(self) -> list[str]:
        return [line for seg in self.segments for line in seg.body]


def message_text(mail: ParsedMail) -> tuple[str, bool]:
    """The text to read (the HTML rendered by us when it holds a table or is the only body),
    and whether the HTML was longer than the rules read."""
    html = mail.html
    if html and (not mail.text.strip() or has_table(html) or _BLOCKQUOTE.search(html)):
        rendered = html_to_text(html[:MAX_HTML_CHARS])
        if rendered.strip():
            return rendered, len(html) > MAX_HTML_CHARS
    return mail.text or "", False


def is_forward(mail: ParsedMail) -> bool:
    return bool(_FWD_SUBJECT.match(mail.subject or ""))


def is_reply(mail: ParsedMail) -> bool:
    """A reply: threading headers, "Re:", or the tag of our request for quotation."""
    subject = mail.subject or ""
    return (
        bool(mail.in_reply_to)
        or bool(_REPLY_SUBJECT.match(subject))
        or bool(_RFQ_IN_SUBJECT.search(subject))
    )


def _strip_quote(line: str) -> str:
    return _QUOTE_MARKS.sub("", line)


def _attribution(line: str, stripped: str) -> bool:
    """ "Иван Петров пишет:", "15.12.2026, 10:00, Иван <ivan@x.example>:" above quoted text."""
    return (
        len(stripped) < 300
        and stripped.endswith(":")
        and bool(_ATTRIBUTION_END.search(stripped) or _ATTRIBUTION_ADDR.match(line))
    )


def _history_start(lines: list[str], i: int) -> str | None:
    """'forward', 'reply' or None: whether line i opens forwarded or quoted text."""
    line = lines[i]
    if _FORWARD_MARKER.match(line):
        return "forward"
    if _ORIGINAL_MARKER.match(line):
        return "reply"
    nxt = [ln for ln in lines[i + 1 : i + 4] if ln.strip()]
    if _UNDERSCORES.match(line) and nxt and _HEADER_FROM.match(nxt[0]):
        return "reply"
    if _HEADER_FROM.match(line):
        following = lines[i + 1 : i + 6]
        if any(_HEADER_OTHER.match(ln) for ln in following):
            return "reply"
    stripped = line.strip()
    if _attribution(line, stripped):
        return "reply"
    if _is_quoted(line):
        return "quote"
    return None


def _skip_headers(lines: list[str], i: int) -> tuple[int, list[str]]:
    """Skip a forwarded/quoted header block starting at i; returns next index and the headers."""
    header: list[str] = []
    n = len(lines)
    if i < n and (
        _FORWARD_MARKER.match(lines[i])
        or _ORIGINAL_MARKER.match(lines[i])
        or _UNDERSCORES.match(lines[i])
    ):
        i += 1
    while i < n and not lines[i].strip():
        i += 1
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if HEADER_LINE.match(line) or _attribution(line, stripped):
            header.append(stripped)
            i += 1
            # a wrapped header value ("Кому: a@b,\n c@d")
            while (
                i < n
                and lines[i].startswith((" ", "\t"))
                and lines[i].strip()
                and (not HEADER_LINE.match(lines[i]))
                and header[-1].endswith(",")
            ):
                header.append(lines[i].strip())
                i += 1
            continue
        break
    return i, header


def _signature_index(lines: list[str]) -> int:
    """Where the signature (or a disclaimer) starts; the length when there is none."""
    for idx, line in enumerate(lines):
        if _SIGNATURE_START.match(line) or _DISCLAIMER.search(line):
            return idx
    return len(lines)


def _split_signature(segment: Segment, lines: list[str]) -> None:
    idx = _signature_index(lines)
    segment.body = lines[:idx]
    segment.signature = lines[idx:]


def _is_quoted(line: str) -> bool:
    return bool(_QUOTE_MARKS.match(line))


def _answers_inline(lines: list[str], i: int) -> bool:
    """Answers written under each quoted line: ">" text, own text, ">" text, own text."""
    runs: list[bool] = []  # True for a quoted run, False for an own run
    for line in lines[i : i + 400]:
        if not line.strip():
            continue
        quoted = _is_quoted(line)
        if not quoted and _history_start([line], 0) is not None:
            break
        if not runs or runs[-1] != quoted:
            runs.append(quoted)
    return runs[:4] == [True, False, True, False]


def _names_item(quoted: str) -> bool:
    """Whether a quoted line is a line of the request (an item with its quantity)."""
    return parse_line(quoted, "request") is not None


def _merge_inline(lines: list[str], i: int, own: list[str], history: list[str]) -> int:
    """Join each answer to the quoted line above it ("> 1. Болт — 100 шт" + "цена 12,50").

    Returns where the interleaved part ends (a history marker or the end of the text).
    """
    last_quoted: str | None = None
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_quoted(line):
            text = _strip_quote(line)
            history.append(text)
            if text.strip():
                last_quoted = text.strip()
            i += 1
            continue
        if line.strip() and _history_start(lines, i) is not None:
            break
        if line.strip() and last_quoted is not None and _names_item(last_quoted):
            own.append(f"{last_quoted} — {line.strip()}")
            last_quoted = None
        else:
            own.append(line)
        i += 1
    return i


def split_body(text: str, *, forward: bool, reply: bool) -> Body:
    """Split a body into the author's part, forwarded parts and quoted history.

    ``forward``: the message is a forward, so forwarded text is payload.
    ``reply``: the message is a reply, so quoted text is history.
    When it is neither, text below a header block is treated as forwarded.
    """
    all_lines = text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line[:MAX_LINE] for line in all_lines[:MAX_LINES]]
    cut = (
        len(text) > MAX_TEXT_CHARS
        or len(all_lines) > MAX_LINES
        or any(len(line) > MAX_LINE for line in all_lines[:MAX_LINES])
    )
    segments: list[Segment] = []
    history: list[str] = []
    current = Segment(forwarded=False)
    current_lines: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if _FORWARD_END.match(line):
            i += 1
            continue
        start = _history_start(lines, i)
        if start is None:
            current_lines.append(line)
            i += 1
            continue
        as_forward = start == "forward" or forward or (not reply and start != "quote")
        if start == "quote" and reply and _answers_inline(lines, i):
            i = _merge_inline(lines, i, current_lines, history)
            continue
        if start == "reply" and reply:
            # "… пишет:" or "-----Original Message-----" above a quote answered line by line
            j, _ = _skip_headers(lines, i)
            while j < n and not lines[j].strip():
                j += 1
            if j < n and _is_quoted(lines[j]) and _answers_inline(lines, j):
                # the answers belong to the body even when a signature stands above the quote
                history.extend(_strip_quote(ln) for ln in lines[i:j])
                answers: list[str] = []
                i = _merge_inline(lines, j, answers, history)
                at = _signature_index(current_lines)
                current_lines[at:at] = answers
                continue
        if start == "quote":
            # a run of ">" lines
            j = i
            quoted: list[str] = []
            while j < n and (_is_quoted(lines[j]) or not lines[j].strip()):
                quoted.append(_strip_quote(lines[j]))
                j += 1
            if (
                forward
                and not reply
                and not segments
                and not any(_history_start(lines, k) for k in range(j, n))
            ):
                _split_signature(current, current_lines)
                segments.append(current)
                current = Segment(forwarded=True)
                current_lines = list(quoted)
                i = j
                continue
            history.extend(quoted)
            history.extend(_strip_quote(ln) for ln in lines[j:])
            break
        if not as_forward:
            history.extend(_strip_quote(ln) for ln in lines[i:])
            break
        _split_signature(current, current_lines)
        segments.append(current)
        i, header = _skip_headers(lines, i)
        current = Segment(forwarded=True, header=header)
        current_lines = []
    _split_signature(current, current_lines)
    segments.append(current)
    return Body(segments=segments, history=history, cut=cut)


def split_message(mail: ParsedMail) -> Body:
    text, html_cut = message_text(mail)
    body = split_body(text, forward=is_forward(mail), reply=is_reply(mail))
    body.cut = body.cut or html_cut
    return body
