"""Turning bytes of unknown or doubtful charset into text.

Russian mail arrives in utf-8, windows-1251 and koi8-r, often unlabelled or labelled wrongly
(koi8-r declared as iso-8859-1, cp1251 declared as utf-8). The declared charset is tried first
and kept unless the bytes contradict it; then utf-8, then whichever of cp1251/koi8-r reads as
plausible Russian; only then charset-normalizer, which guesses poorly on short Cyrillic text.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

# Letter frequencies of Russian text (lowercase, "ё" folded into "е").
_RU_FREQ = {
    "о": 0.1097, "е": 0.0849, "а": 0.0801, "и": 0.0735, "н": 0.0670, "т": 0.0626,
    "с": 0.0547, "р": 0.0473, "в": 0.0454, "л": 0.0440, "к": 0.0349, "м": 0.0321,
    "д": 0.0298, "п": 0.0281, "у": 0.0262, "я": 0.0201, "ы": 0.0190, "ь": 0.0174,
    "г": 0.0170, "з": 0.0165, "б": 0.0159, "ч": 0.0144, "й": 0.0121, "х": 0.0097,
    "ж": 0.0094, "ш": 0.0073, "ю": 0.0064, "ц": 0.0048, "щ": 0.0036, "э": 0.0032,
    "ф": 0.0026, "ъ": 0.0004,
}  # fmt: skip
# Mean letter frequency of real Russian text is about sum(p^2) = 0.055.
_RU_MEAN_FREQ = sum(p * p for p in _RU_FREQ.values())
# cp1251 is far more common than koi8-r today: it wins ties on short all-caps text.
_CYRILLIC_PRIOR = {"cp1251": 0.1, "koi8_r": 0.0}
_LATIN_FAMILY = {"latin_1", "iso8859_1", "cp1252", "iso8859_15", "ascii"}
_CYRILLIC_FAMILY = {"cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic"}
# What charset-normalizer may pick for non-Cyrillic text; anything more exotic is usually a
# wrong guess on short input, and windows-1252 reads such text better.
_COMMON = {
    "utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1252", "latin_1", "iso8859_15",
    "iso8859_2", "cp1250", "cp1251", "koi8_r", "iso8859_5", "cp866", "gb2312", "gbk",
    "gb18030", "big5", "shift_jis", "euc_jp", "iso2022_jp", "euc_kr", "cp949",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_CASE_FLIP = re.compile(r"[а-яё][А-ЯЁ]")
_SCRIPT_MIX = re.compile(
    r"[a-zA-Z\u00c0-\u024f][\u0400-\u04ff]|[\u0400-\u04ff][a-zA-Z\u00c0-\u024f]"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ODD = re.compile(r"[\u2500-\u25ff\ufffd¤¦]")
_SAMPLE_BYTES = 16 * 1024
# Text codecs Python has that no mail charset label should select.
_NOT_MAIL_CHARSETS = {
    "undefined", "unicode_escape", "raw_unicode_escape", "punycode", "idna", "mbcs", "oem",
}  # fmt: skip
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    charset: str
    defect: str | None = None


def codec_name(label: str | None) -> str | None:
    """Python codec name for a MIME charset label, or None when unknown or not a text charset."""
    if not label:
        return None
    label = label.strip().strip("\"'").split("*", 1)[0].strip().lower()
    if not label or len(label) > 40:
        return None
    try:
        name = codecs.lookup(label).name.replace("-", "_")
        b"a".decode(name, errors="ignore")  # LookupError for base64, zlib, rot13...
    except (LookupError, ValueError, UnicodeError):
        return None
    return None if name in _NOT_MAIL_CHARSETS else name


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def russian_score(text: str) -> float:
    """How much ``text`` reads like Russian: about 1.0-1.4 for real text, well below for mojibake.

    Combines the letter frequency profile (a wrong single-byte codec permutes letters), the
    share of lowercase letters (koi8-r and cp1251 swap cases when confused) and penalties for
    script mixing or case flips inside words ("дОБРЫЙ"). Counting is done by C-level
    primitives (Counter, regex findall) so long texts stay cheap.
    """
    counts = Counter(text)
    letters = 0
    freq = 0.0
    lower = 0
    for ch, n in counts.items():
        if not _is_cyrillic(ch):
            continue
        letters += n
        low = ch.lower()
        freq += _RU_FREQ.get("е" if low == "ё" else low, 0.0) * n
        if ch == low:
            lower += n
    if letters == 0:
        return 0.0
    words = max(1, len(_CYRILLIC_WORD.findall(text)))
    flips = len(_CASE_FLIP.findall(text)) + len(_SCRIPT_MIX.findall(text))
    odd = len(_ODD.findall(text))
    return (
        (freq / letters) / _RU_MEAN_FREQ
        + 0.3 * (lower / letters)
        - min(1.0, flips / words)
        - odd / letters
    )


def _plausible_russian(text: str) -> bool:
    letters = sum(1 for ch in text if _is_cyrillic(ch))
    return letters >= 2 and russian_score(text) >= 0.85


def _best_cyrillic(data: bytes) -> tuple[str, str, float] | None:
    """The cp1251/koi8-r reading of ``data`` that looks most like Russian, if any does."""
    sample = data[:_SAMPLE_BYTES]
    best: tuple[str, str, float] | None = None
    for codec, prior in _CYRILLIC_PRIOR.items():
        text = sample.decode(codec, errors="replace")
        if not _plausible_russian(text):
            continue
        score = russian_score(text) + prior
        if best is None or score > best[2]:
            best = (codec, text, score)
    return best


def _full(data: bytes, codec: str) -> str:
    return data.decode(codec, errors="replace")


def detect(data: bytes) -> Decoded:
    """Decode bytes whose charset is unknown."""
    if not _HIGH_BYTE.search(data):
        return Decoded(data.decode("ascii", errors="replace"), "ascii")
    try:
        return Decoded(data.decode("utf-8"), "utf_8")
    except UnicodeDecodeError:
        pass
    damaged = data.decode("utf-8", errors="replace")
    bad = damaged.count("\ufffd")
    sample = damaged[:_SAMPLE_BYTES]
    good = len(_NON_ASCII.findall(sample)) - sample.count("\ufffd")
    if good >= 3 * bad + 1:
        return Decoded(damaged, "utf_8", f"damaged utf-8: {bad} bad byte sequence(s) replaced")
    cyr = _best_cyrillic(data)
    if cyr is not None:
        return Decoded(_full(data, cyr[0]), cyr[0])
    guess = from_bytes(data[:_SAMPLE_BYTES]).best()
    codec = codec_name(guess.encoding) if guess is not None else None
    if codec not in _COMMON:
        codec = "cp1252"
    return Decoded(_full(data, codec), codec)


def _looks_mislabelled_latin(candidate: str) -> bool:
    """Russian read as latin-1: nearly every word with non-ASCII letters is non-ASCII throughout."""
    words = [w for w in _WORD.findall(candidate) if any(_is_cyrillic(c) for c in w)]
    if not words:
        return False
    pure = sum(1 for w in words if all(_is_cyrillic(c) for c in w))
    letters = sum(len(w) for w in words)
    return pure / len(words) >= 0.8 and letters >= 4


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data`` trusting the declared charset unless the bytes say otherwise.

    Never raises. ``defect`` explains any deviation from the declared charset.
    """
    codec = codec_name(declared)
    if declared and codec is None:
        found = detect(data)
        label = declared.strip()[:40]
        return Decoded(
            found.text, found.charset, f"unknown charset {label!r}, read as {found.charset}"
        )
    if codec is None:
        found = detect(data)
        if found.charset in ("ascii", "utf_8") or found.defect:
            return found
        return Decoded(found.text, found.charset, f"no charset declared, read as {found.charset}")
    try:
        text = data.decode(codec)
    except (UnicodeError, LookupError):
        found = detect(data)
        if found.defect:
            return found
        return Decoded(
            found.text, found.charset, f"text is not valid {declared}, read as {found.charset}"
        )
    if not _HIGH_BYTE.search(data) or codec == "utf_8":
        return Decoded(text, codec)
    sample = data[:_SAMPLE_BYTES]
    if codec in _LATIN_FAMILY or codec in _CYRILLIC_FAMILY:
        # multi-byte UTF-8 sequences almost never occur by chance in single-byte text
        try:
            utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(utf8, "utf_8", f"charset {declared} looks wrong, read as utf_8")
    if codec in _LATIN_FAMILY:
        cyr = _best_cyrillic(sample)
        if cyr is not None and _looks_mislabelled_latin(cyr[1]):
            return Decoded(
                _full(data, cyr[0]), cyr[0], f"charset {declared} looks wrong, read as {cyr[0]}"
            )
        return Decoded(text, codec)
    if codec in _CYRILLIC_FAMILY:
        # Only overrule a Cyrillic label on enough text that reads badly under it.
        own_text = sample.decode(codec, errors="replace")
        own = russian_score(own_text)
        letters = sum(1 for ch in own_text if _is_cyrillic(ch))
        cyr = _best_cyrillic(sample) if letters >= 5 and own < 0.85 else None
        if cyr is not None and cyr[0] != codec and cyr[2] > own + 0.3:
            return Decoded(
                _full(data, cyr[0]), cyr[0], f"charset {declared} looks wrong, read as {cyr[0]}"
            )
    return Decoded(text, codec)
