"""Header fields read without the standard library's structured-header parser.

``email.policy.default`` parses every header with ``_header_value_parser``, which is quadratic
on crafted input (CPython gh-136063: a 32 KB address list of comments takes seconds). Here the
header block is split by hand, each field is capped before anything decodes it, and RFC 2047
encoded words are decoded by a single linear regex pass with our own charset handling.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from snab_mailparse.charset import decode_text
from snab_mailparse.model import Address

_FIELD = re.compile(rb"([!-9;-~]+)[ \t]*:")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_ENCODED_WORD = re.compile(rb"=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=")
_SPACES = re.compile(r"\s+")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_MSGID = re.compile(r"<[^<>\s]{1,900}>")
_EMAIL = re.compile(r"[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_MAX_ADDRESSES = 500


@dataclass(slots=True)
class Headers:
    """A header block: fields in order, names lowercased, values unfolded raw bytes."""

    fields: list[tuple[str, bytes]] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    too_long: bool = False

    def get(self, name: str) -> bytes | None:
        name = name.lower()
        for key, value in self.fields:
            if key == name:
                return value
        return None

    def get_all(self, name: str) -> list[bytes]:
        name = name.lower()
        return [value for key, value in self.fields if key == name]

    def text(self, name: str) -> str:
        """The decoded value of the first ``name`` field, or ''."""
        value = self.get(name)
        if value is None:
            return ""
        decoded, defects = decode_words(value)
        self.defects.extend(f"{name}: {d}" for d in defects)
        return decoded


def split_head(raw: bytes) -> tuple[bytes, int]:
    """The header block and the offset where the body begins (len(raw) when there is none)."""
    if raw.startswith((b"\n", b"\r\n")):
        return b"", raw.index(b"\n") + 1
    match = _BLANK_LINE.search(raw)
    if match is None:
        return raw, len(raw)
    return raw[: match.start()], match.end()


def scan(block: bytes, max_field_bytes: int) -> Headers:
    """Split a header block into fields; a field over ``max_field_bytes`` is cut and reported."""
    result = Headers()
    name: str | None = None
    chunks: list[bytes] = []
    size = 0
    malformed = 0

    def finish() -> None:
        if name is not None:
            result.fields.append((name, b"".join(chunks).strip()))

    for number, line in enumerate(block.split(b"\n")):
        line = line.rstrip(b"\r")
        if line[:1] in (b" ", b"\t"):
            if name is None:
                malformed += 1
                continue
            piece = line
        else:
            match = _FIELD.match(line)
            if match is None:
                if not (number == 0 and line.startswith(b"From ")) and line.strip():
                    malformed += 1
                continue
            finish()
            name = match.group(1).decode("ascii").lower()
            chunks = []
            size = 0
            piece = line[match.end() :]
        if size + len(piece) > max_field_bytes:
            if size <= max_field_bytes:
                result.too_long = True
                result.defects.append(
                    f"header {name!r} too long: over {max_field_bytes} bytes, cut"
                )
                chunks.append(piece[: max(0, max_field_bytes - size)])
            size += len(piece)
            continue
        size += len(piece)
        chunks.append(piece)
    finish()
    if malformed:
        result.defects.append(f"{malformed} malformed header line(s) ignored")
    return result


def _decode_8bit(value: bytes) -> tuple[str, str | None]:
    if not _HIGH_BYTE.search(value):
        return value.decode("ascii"), None
    decoded = decode_text(value)
    return decoded.text, (f"raw 8-bit header, {decoded.defect}" if decoded.defect else None)


def _decode_word(encoding: bytes, payload: bytes) -> bytes:
    if encoding in (b"q", b"Q"):
        return binascii.a2b_qp(payload, header=True)
    payload = payload.rstrip(b"=")
    if len(payload) % 4 == 1:
        payload = payload[:-1]
    return binascii.a2b_base64(payload + b"=" * (-len(payload) % 4))


_UNSTORABLE = re.compile("[\x00\ud800-\udfff\ufffe\uffff]")


def storable(text: str) -> str:
    """Drop what no database or JSON encoder accepts: NUL and lone surrogates."""
    return _UNSTORABLE.sub("", text)


def decode_words(value: bytes) -> tuple[str, list[str]]:
    """Decode RFC 2047 encoded words and raw 8-bit text in a header value; never raises.

    Adjacent encoded words in the same charset are joined before decoding, so a character
    split across two words survives. Whitespace between encoded words is dropped (RFC 2047).
    """
    defects: list[str] = []
    pieces: list[str] = []
    run_charset: str | None = None
    run: list[bytes] = []

    def flush() -> None:
        nonlocal run_charset
        if run:
            decoded = decode_text(b"".join(run), run_charset)
            if decoded.defect:
                defects.append(f"encoded word: {decoded.defect}")
            pieces.append(decoded.text)
        run.clear()
        run_charset = None

    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        position = match.end()
        charset = match.group(1).decode("ascii", errors="replace")
        try:
            word = _decode_word(match.group(2), match.group(3))
        except (binascii.Error, ValueError):
            defects.append("broken encoded word kept as is")
            flush()
            pieces.append(_decode_8bit(between + match.group(0))[0])
            continue
        joins_run = run and not between.strip()
        if joins_run and charset.lower() == (run_charset or "").lower():
            run.append(word)
            continue
        flush()
        if not joins_run and between:
            text, defect = _decode_8bit(between)
            if defect:
                defects.append(defect)
            pieces.append(text)
        run_charset = charset
        run.append(word)
    flush()
    tail, defect = _decode_8bit(value[position:])
    if defect:
        defects.append(defect)
    pieces.append(tail)
    return storable(_SPACES.sub(" ", "".join(pieces))).strip(), defects


def addresses(value: bytes | None) -> tuple[list[Address], list[str]]:
    """Addresses in an address-list header; display names decoded; never raises."""
    if not value:
        return [], []
    defects: list[str] = []
    text, defect = _decode_8bit(value)
    if defect:
        defects.append(defect)
    try:
        pairs = getaddresses([text])
    except Exception:  # e.g. RecursionError on nested comments
        defects.append("address list unreadable, addresses picked by pattern")
        pairs = [("", found) for found in _EMAIL.findall(text)]
    result: list[Address] = []
    for name, addr in pairs[:_MAX_ADDRESSES]:
        addr = storable(addr).strip()
        if not addr:
            continue
        display, name_defects = decode_words(name.encode("utf-8", errors="surrogateescape"))
        defects.extend(name_defects)
        result.append(Address(email=addr, name=display))
    return result, defects


def message_ids(value: bytes | None) -> list[str]:
    if not value:
        return []
    return _MSGID.findall(storable(value.decode("ascii", errors="replace")))


def message_id(value: bytes | None) -> str | None:
    """The first <id> in the value; a bare id without brackets is bracketed."""
    found = message_ids(value)
    if found:
        return found[0]
    if not value:
        return None
    bare = storable(value.decode("ascii", errors="replace")).strip()
    if bare and len(bare) <= 900 and not any(ch.isspace() for ch in bare):
        return f"<{bare}>"
    return None


def date(value: bytes | None) -> tuple[datetime | None, str | None]:
    if not value:
        return None, None
    text = value.decode("ascii", errors="replace").strip()[:200]
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, f"unreadable Date: {text[:60]!r}"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed, None
