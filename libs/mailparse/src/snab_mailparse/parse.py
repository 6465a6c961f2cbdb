"""Parsing a raw message from an untrusted source without raising and without stalling.

Steps, each bounded:
1. size cap, then the top-level header block is split and read by hand (``headers``), so
   Message-ID, From and Subject are known even when the rest is refused;
2. a cheap scan of the raw bytes checks the header block size, every Content-Type /
   Content-Disposition field and the MIME boundaries (part count and nesting depth)
   before the standard library's parser sees the message;
3. the MIME tree is built by ``email``'s feed parser with ``policy.compat32`` (which does not
   run the quadratic structured-header parser), fed in chunks under a CPU-time budget;
4. the tree is walked with counters: bodies decoded with our own transfer-encoding and
   charset handling, attachments collected, forwarded messages and delivery reports read.
"""

from __future__ import annotations

import binascii
import hashlib
import mimetypes
import re
import time
from dataclasses import dataclass, field
from email import policy
from email.feedparser import BytesFeedParser
from email.message import Message
from typing import Literal

from snab_mailparse import flags, headers
from snab_mailparse.charset import codec_name, decode_text
from snab_mailparse.htmltext import html_to_text
from snab_mailparse.model import Address, Attachment, ForwardedMessage, Limits, ParsedMail

FORWARD_SEPARATOR = "---------- Пересланное сообщение ----------"
_FEED_CHUNK = 64 * 1024
_MAX_DEFECTS = 50
_MAX_HEADER_SCAN = 4 * 1024 * 1024
_MIME_FIELD = re.compile(rb"\ncontent-(?:type|disposition)[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*")
_BOUNDARY = re.compile(rb"""boundary[ \t]*=[ \t]*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))""")
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_WHITESPACE = b" \t\r\n\x0b\x0c"
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset=["']?([\w.:-]{1,40})""", re.IGNORECASE)
# on a line of its own: spaces before the field never span lines, so that blank lines are not
# read again from each line start
_BODY_MSGID = re.compile(r"(?im)^[^\S\n]*+message-id:\s*(<[^<>\s]{1,900}>)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BLANK_LINES = re.compile(r"\n{3,}")
_MEDIA_TYPE = re.compile(r"(?<![a-z0-9!#$&^_.+-])[a-z0-9!#$&^_.+-]++/[a-z0-9!#$&^_.+-]+")
_KNOWN_ENCODINGS = (
    "", "7bit", "8bit", "binary", "quoted-printable", "x-uuencode", "uuencode", "x-uue", "uue",
)  # fmt: skip


class _Refused(Exception):
    """The message crosses a limit; the argument is the defect text."""


@dataclass(slots=True)
class _Segment:
    kind: Literal["plain", "html"]
    content: str


@dataclass(slots=True)
class _Walk:
    limits: Limits
    deadline: float
    defects: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    forwarded: list[ForwardedMessage] = field(default_factory=list)
    html: str | None = None
    parts: int = 0
    report_type: str | None = None
    dsn_actions: list[str] = field(default_factory=list)
    bounce_recipients: list[str] = field(default_factory=list)
    bounce_diagnostic: str | None = None
    bounced_message_id: str | None = None


def parse_message(raw: bytes, limits: Limits | None = None) -> ParsedMail:
    """Parse a raw RFC 5322 message. Never raises; problems are listed in ``defects``."""
    limits = limits or Limits()
    deadline = time.thread_time() + limits.max_cpu_seconds
    if isinstance(raw, str):
        data = raw.encode("utf-8", errors="surrogateescape")
    else:
        try:
            data = bytes(raw)
        except (TypeError, ValueError):
            data = b""
    result = ParsedMail(raw_sha256=hashlib.sha256(data).hexdigest())
    try:
        _parse(data, limits, deadline, result)
    except Exception as exc:  # bad input must never escape
        result.unparseable = True
        result.text, result.html, result.attachments = "", None, []
        result.defects.append(f"internal error: {type(exc).__name__}: {str(exc)[:200]}")
    return result


def _parse(data: bytes, limits: Limits, deadline: float, result: ParsedMail) -> None:
    if not data.strip():
        result.unparseable = True
        result.defects.append("empty message")
        return
    head, body_at = headers.split_head(data)
    top = headers.scan(head[:_MAX_HEADER_SCAN], limits.max_single_header_bytes)
    _read_top_headers(top, result)
    problem = _limit_problem(data, head, body_at, top, limits)
    walk = _Walk(limits=limits, deadline=deadline)
    if problem is None:
        try:
            message = _feed(data, deadline)
            segments = _walk(message, 0, walk, in_report=False)
            result.text = _assemble(segments, walk)
        except _Refused as refused:
            problem = str(refused)
        except RecursionError:
            problem = "message nested too deeply"
    if problem is not None:
        result.unparseable = True
        result.defects.append(problem)
        walk = _Walk(limits=limits, deadline=deadline)
        result.text = ""
    else:
        result.html = walk.html
        result.attachments = walk.attachments
        result.forwarded = walk.forwarded
        result.defects.extend(walk.defects)
        result.bounce_recipients = walk.bounce_recipients
        result.bounce_diagnostic = walk.bounce_diagnostic
    defects = list(dict.fromkeys([*top.defects, *result.defects]))
    if len(defects) > _MAX_DEFECTS:
        defects = [*defects[:_MAX_DEFECTS], f"... and {len(defects) - _MAX_DEFECTS} more"]
    result.defects = defects
    found = flags.detect(
        headers=top,
        sender=result.from_addr.email if result.from_addr else "",
        subject=result.subject,
        text=result.text,
        report_type=walk.report_type,
        dsn_actions=walk.dsn_actions,
    )
    result.bulk = found.bulk
    result.auto_reply = found.auto_reply is not None
    result.auto_reply_reason = found.auto_reply
    result.bounce = found.bounce is not None
    result.bounce_reason = found.bounce
    if result.bounce:
        result.bounced_message_id = walk.bounced_message_id or _message_id_in_text(
            result.text, result.message_id
        )
        if result.bounced_message_id is None and walk.forwarded:
            result.bounced_message_id = walk.forwarded[0].message_id


def _read_top_headers(top: headers.Headers, result: ParsedMail) -> None:
    result.message_id = headers.message_id(top.get("message-id"))
    result.in_reply_to = headers.message_id(top.get("in-reply-to"))
    result.references = headers.message_ids(top.get("references"))
    result.subject = top.text("subject")
    for name, target in (("to", result.to), ("cc", result.cc), ("reply-to", result.reply_to)):
        found, defects = headers.addresses(top.get(name))
        target.extend(found)
        top.defects.extend(f"{name}: {d}" for d in defects)
    senders, defects = headers.addresses(top.get("from"))
    top.defects.extend(f"from: {d}" for d in defects)
    result.from_addr = senders[0] if senders else None
    result.date, defect = headers.date(top.get("date"))
    if defect:
        top.defects.append(defect)


def _limit_problem(
    data: bytes, head: bytes, body_at: int, top: headers.Headers, limits: Limits
) -> str | None:
    """Why the message must not go to the MIME parser, or None. Cheap: a few C-speed scans."""
    if len(data) > limits.max_bytes:
        return f"message too large: {len(data)} bytes > {limits.max_bytes}"
    if len(head) > limits.max_header_bytes:
        return f"header block too large: {len(head)} bytes > {limits.max_header_bytes}"
    if top.too_long:
        return f"a header field is longer than {limits.max_single_header_bytes} bytes"
    boundaries: set[bytes] = set()
    # boundaries and field names are compared case-blind: at worst this over-counts
    lowered = b"\n" + data.lower()
    for found in _MIME_FIELD.finditer(lowered):
        mime_field = found.group(0)
        if len(mime_field) > limits.max_mime_header_bytes:
            return (
                f"Content-Type/Content-Disposition field too long: "
                f"{len(mime_field)} bytes > {limits.max_mime_header_bytes}"
            )
        if mime_field.count(b";") > limits.max_mime_header_params:
            return (
                "Content-Type/Content-Disposition field has too many parameters: "
                f"{mime_field.count(b';')} > {limits.max_mime_header_params}"
            )
        for match in _BOUNDARY.finditer(mime_field):
            boundaries.add((match.group(1) or match.group(2)).strip())
    if not boundaries:
        return None
    if len(boundaries) > limits.max_parts:
        return f"too many MIME parts: over {limits.max_parts} multipart boundaries"
    # lowered[body_at] is the line end just before the body
    return _boundary_problem(lowered, body_at, boundaries, limits)


def _boundary_problem(
    lowered: bytes, body_at: int, boundaries: set[bytes], limits: Limits
) -> str | None:
    """Count parts and nesting from the delimiter lines alone, stopping at the limits."""
    ordered = sorted(boundaries, key=len, reverse=True)
    pattern = re.compile(
        rb"\n--(" + b"|".join(re.escape(b) for b in ordered) + rb")(--)?[ \t]*\r?$", re.MULTILINE
    )
    stack: list[bytes] = []
    parts = 0
    for lines, match in enumerate(pattern.finditer(lowered, body_at), start=1):
        boundary = match.group(1)
        if match.group(2):
            if boundary in stack:
                del stack[stack.index(boundary) :]
        elif boundary in stack:
            del stack[stack.index(boundary) + 1 :]
            parts += 1
        else:
            stack.append(boundary)
            parts += 1
        if parts > limits.max_parts:
            return f"too many MIME parts: over {limits.max_parts}"
        if len(stack) > limits.max_depth:
            return f"MIME parts nested too deeply: over {limits.max_depth} levels"
        if lines > 4 * limits.max_parts + 16:
            return f"too many MIME boundary lines: over {4 * limits.max_parts + 16}"
    return None


def _feed(data: bytes, deadline: float) -> Message:
    parser = BytesFeedParser(policy=policy.compat32)
    for start in range(0, len(data), _FEED_CHUNK):
        parser.feed(data[start : start + _FEED_CHUNK])
        _check_time(deadline)
    return parser.close()


def _check_time(deadline: float) -> None:
    if time.thread_time() > deadline:
        raise _Refused("parsing took too long: CPU time limit reached")


def _raw_bytes(value: object) -> bytes:
    text = str(value)
    try:
        return text.encode("ascii", errors="surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogateescape")


def _latin1_bytes(text: str) -> bytes:
    """Bytes of an RFC 2231 value, which the stdlib percent-decodes as latin-1."""
    try:
        return text.encode("latin-1", errors="surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogateescape")


def _part_headers(part: Message, limits: Limits) -> headers.Headers:
    """Header fields of a MIME part or attached message, in the same shape as the top level."""
    result = headers.Headers()
    for name, value in part.raw_items():
        raw = _raw_bytes(value)
        if len(raw) > limits.max_single_header_bytes:
            raw = raw[: limits.max_single_header_bytes]
            result.defects.append(f"header {name} too long, cut")
        result.fields.append((str(name).lower(), re.sub(rb"\r?\n(?=[ \t])", b"", raw).strip()))
    return result


def _describe_defect(defect: object) -> str:
    name = type(defect).__name__.removesuffix("Defect")
    return _CAMEL.sub(" ", name).lower()


def _walk(part: Message, depth: int, walk: _Walk, *, in_report: bool) -> list[_Segment]:
    """Body segments of ``part`` in reading order; attachments and reports go to ``walk``."""
    _check_time(walk.deadline)
    if depth > walk.limits.max_depth:
        raise _Refused(f"MIME parts nested too deeply: over {walk.limits.max_depth} levels")
    for defect in part.defects:
        walk.defects.append(f"MIME: {_describe_defect(defect)}")
    ctype = _content_type(part, walk)
    if ctype == "message/delivery-status" or ctype == "message/global-delivery-status":
        _read_delivery_status(part, walk)
        return []
    if part.is_multipart():
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        if ctype.startswith("message/"):
            if not children:
                return []
            return _attached_message(children[0], depth, walk, in_report=in_report)
        segments_per_child: list[list[_Segment]] = []
        report = ctype == "multipart/report"
        if report:
            walk.report_type = str(part.get_param("report-type") or "").lower() or None
        for child in children:
            walk.parts += 1
            if walk.parts > walk.limits.max_parts:
                raise _Refused(f"too many MIME parts: over {walk.limits.max_parts}")
            segments_per_child.append(_walk(child, depth + 1, walk, in_report=in_report or report))
        if ctype == "multipart/alternative":
            return _choose_alternative(segments_per_child)
        if report:
            # only the human-readable first part is body text
            return segments_per_child[0] if segments_per_child else []
        return [segment for segments in segments_per_child for segment in segments]
    return _leaf(part, ctype, walk, in_report=in_report)


def _choose_alternative(options: list[list[_Segment]]) -> list[_Segment]:
    for segments in options:
        plain = bool(segments) and all(s.kind == "plain" for s in segments)
        if plain and any(s.content.strip() for s in segments):
            return segments
    for segments in reversed(options):
        if any(s.content.strip() for s in segments):
            return segments
    return options[0] if options else []


def _attached_message(
    message: Message, depth: int, walk: _Walk, *, in_report: bool
) -> list[_Segment]:
    fields = _part_headers(message, walk.limits)
    walk.defects.extend(fields.defects)
    message_id = headers.message_id(fields.get("message-id"))
    if in_report:
        walk.bounced_message_id = walk.bounced_message_id or message_id
        return []
    senders, _ = headers.addresses(fields.get("from"))
    recipients, _ = headers.addresses(fields.get("to"))
    sent, _ = headers.date(fields.get("date"))
    subject = fields.text("subject")
    walk.forwarded.append(
        ForwardedMessage(
            message_id=message_id,
            from_addr=senders[0] if senders else None,
            subject=subject,
            date=sent,
        )
    )
    lines = [FORWARD_SEPARATOR]
    if senders:
        lines.append(f"От: {_show_address(senders[0])}")
    if sent is not None:
        lines.append(f"Дата: {sent.strftime('%d.%m.%Y %H:%M')}")
    if subject:
        lines.append(f"Тема: {subject}")
    if recipients:
        lines.append("Кому: " + ", ".join(_show_address(a) for a in recipients[:10]))
    header_segment = _Segment("plain", "\n".join(lines))
    return [header_segment, *_walk(message, depth + 1, walk, in_report=False)]


def _show_address(address: Address) -> str:
    return f"{address.name} <{address.email}>" if address.name else address.email


def _read_delivery_status(part: Message, walk: _Walk) -> None:
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    for block in blocks[1:]:  # the first block describes the reporting MTA
        if not isinstance(block, Message):
            continue
        fields = _part_headers(block, walk.limits)
        action = fields.text("action").lower()
        if action:
            walk.dsn_actions.append(action)
        if action and action != "failed":
            continue
        recipient = fields.text("final-recipient") or fields.text("original-recipient")
        recipient = recipient.split(";", 1)[-1].strip()
        if recipient and recipient not in walk.bounce_recipients:
            walk.bounce_recipients.append(recipient)
        diagnostic = fields.text("diagnostic-code") or fields.text("status")
        if diagnostic and walk.bounce_diagnostic is None:
            walk.bounce_diagnostic = diagnostic[:1000]


def _content_type(part: Message, walk: _Walk) -> str:
    """The part's media type; a malformed one counts as text/plain (RFC 2045)."""
    ctype = part.get_content_type()
    if _MEDIA_TYPE.fullmatch(ctype):
        return ctype
    walk.defects.append(f"malformed Content-Type {ctype[:60]!r} read as text/plain")
    return "text/plain"


def _leaf(part: Message, ctype: str, walk: _Walk, *, in_report: bool) -> list[_Segment]:
    filename = _filename(part, walk)
    disposition = part.get_content_disposition()
    data = _payload(part, walk)
    if ctype == "text/rfc822-headers" and in_report:
        fields = headers.scan(data[: walk.limits.max_header_bytes], 4096)
        found = headers.message_id(fields.get("message-id"))
        walk.bounced_message_id = walk.bounced_message_id or found
        return []
    if ctype in ("text/plain", "text/html") and filename is None and disposition != "attachment":
        text = _decode_body(part, data, ctype, walk)
        if ctype == "text/html":
            if walk.html is None:
                walk.html = text
            return [_Segment("html", text)]
        return [_Segment("plain", text)]
    if in_report and ctype.startswith("message/"):
        return []
    inline = disposition == "inline" or (disposition is None and part.get("Content-ID") is not None)
    if filename is None:
        if ctype.startswith("image/") and disposition != "attachment":
            return []  # an unnamed inline image: a logo or a signature picture
        extension = mimetypes.guess_extension(ctype) or ".bin"
        filename = f"attachment-{len(walk.attachments) + 1}{extension}"
    walk.attachments.append(
        Attachment(
            filename=filename,
            content_type=ctype,
            data=data,
            charset=part.get_content_charset(),
            inline=inline,
        )
    )
    return []


def _filename(part: Message, walk: _Walk) -> str | None:
    for name, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = part.get_param(name, header=header)
        if value is None or value == "":
            continue
        if isinstance(value, tuple):
            charset, _language, text = value
            decoded = decode_text(_latin1_bytes(text), charset or None)
            if decoded.defect:
                walk.defects.append(f"attachment name: {decoded.defect}")
            result = decoded.text
        else:
            result, defects = headers.decode_words(_raw_bytes(value))
            walk.defects.extend(f"attachment name: {d}" for d in defects)
        result = result.replace("\\", "/").rsplit("/", 1)[-1].strip().strip("\x00")
        if result:
            return result[:255]
    return None


def _payload(part: Message, walk: _Walk) -> bytes:
    """The part's content with its transfer encoding undone, best effort."""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "base64":
        try:
            payload = part.get_payload()
        except (LookupError, TypeError, UnicodeError):
            payload = None
        if not isinstance(payload, str):
            walk.defects.append("unreadable base64 part skipped")
            return b""
        decoded, defect = decode_base64(_raw_bytes(payload))
        if defect:
            walk.defects.append(defect)
        return decoded
    # quoted-printable and uuencode are undone by the stdlib (binascii, linear); any other
    # encoding comes back as the raw bytes, 8-bit included.
    try:
        data = part.get_payload(decode=True)
    except Exception:  # e.g. a broken uuencoded body
        data = None
    if not isinstance(data, bytes):
        walk.defects.append("unreadable part skipped")
        return b""
    if encoding not in _KNOWN_ENCODINGS:
        walk.defects.append(f"unknown transfer encoding {encoding[:40]!r}, content kept as is")
    return data


def decode_base64(raw: bytes) -> tuple[bytes, str | None]:
    """Decode base64 leniently: junk characters skipped, padding repaired, blocks rejoined."""
    compact = raw.translate(None, _WHITESPACE)
    junk = compact.translate(None, _B64_ALPHABET)
    if compact and len(junk) > len(compact) // 10:
        return raw, "content labelled base64 is not base64, kept as is"
    if junk:
        compact = compact.translate(None, bytes(set(junk)))
    # "=" inside the data means several encoded blocks glued together: decode each one
    blocks = compact.rstrip(b"=").split(b"=") if b"=" in compact.rstrip(b"=") else [compact]
    out: list[bytes] = []
    truncated = False
    for block in blocks:
        block = block.rstrip(b"=")
        if len(block) % 4 == 1:
            block = block[:-1]
            truncated = True
        if block:
            out.append(binascii.a2b_base64(block + b"=" * (-len(block) % 4)))
    defect = None
    if junk or truncated:
        defect = "broken base64: " + (
            "invalid characters skipped" if junk else "incomplete data, last bytes dropped"
        )
    return b"".join(out), defect


def _decode_body(part: Message, data: bytes, ctype: str, walk: _Walk) -> str:
    declared = part.get_content_charset()
    if declared is None and ctype == "text/html":
        meta = _META_CHARSET.search(data[:4096])
        if meta is not None:
            declared = meta.group(1).decode("ascii")
    decoded = decode_text(data, declared)
    if decoded.defect:
        walk.defects.append(f"{ctype}: {decoded.defect}")
    if declared and codec_name(declared) is None and decoded.defect is None:
        walk.defects.append(f"{ctype}: unknown charset {declared[:40]!r}")
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if ctype == "text/plain" and str(part.get_param("format") or "").lower() == "flowed":
        text = unflow(text, delsp=str(part.get_param("delsp") or "").lower() == "yes")
    return text


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676)."""
    out: list[str] = []
    pending: str | None = None
    pending_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        if body.startswith(" "):
            body = body[1:]  # space-stuffing
        flowed = body.endswith(" ") and body != "-- "
        if pending is not None and depth == pending_depth:
            pending += body[:-1] if (flowed and delsp) else body
        else:
            if pending is not None:
                out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
            pending = body[:-1] if (flowed and delsp) else body
            pending_depth = depth
        if not flowed:
            out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
            pending = None
    if pending is not None:
        out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
    return "\n".join(out)


def _assemble(segments: list[_Segment], walk: _Walk) -> str:
    texts: list[str] = []
    for segment in segments:
        if segment.kind == "plain":
            texts.append(segment.content.strip("\n"))
            continue
        _check_time(walk.deadline)
        html = segment.content
        if len(html) > walk.limits.max_html_chars:
            walk.defects.append(
                f"HTML body too long: {len(html)} characters, "
                f"only the first {walk.limits.max_html_chars} read"
            )
            html = html[: walk.limits.max_html_chars]
        texts.append(html_to_text(html))
    text = "\n\n".join(t for t in texts if t.strip())
    return _BLANK_LINES.sub("\n\n", text).strip()


def _message_id_in_text(text: str, own: str | None) -> str | None:
    for found in _BODY_MSGID.finditer(text):
        if found.group(1) != own:
            return found.group(1)
    return None
