"""Who wrote: company (ООО/АО/ИП ...), INN with its checksum, KPP, phone in E.164, e-mail, name."""

from __future__ import annotations

import logging
import re
from typing import Final

import phonenumbers

log = logging.getLogger(__name__)

_INN_RE: Final = re.compile(
    r"(?:ИНН|INN)(?:\s*+/\s*+(?:КПП|KPP))?\s*+[:№]?\s*+(?P<inn>\d{12}|\d{10})(?!\d)"
    r"(?:\s*+/\s*+(?P<kpp>\d{9})(?!\d))?",
    re.IGNORECASE,
)
_KPP_RE: Final = re.compile(r"КПП\s*+[:№]?\s*+(?P<kpp>\d{9})(?!\d)", re.IGNORECASE)
_INN_W10: Final = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W12_1: Final = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_W12_2: Final = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def valid_inn(inn: str) -> bool:
    """Checksum of a Russian INN: 10 digits (organisation) or 12 digits (person, ИП)."""
    if not inn.isdigit():
        return False
    if len(inn) == 10:
        return _check(inn, _INN_W10) == int(inn[9])
    if len(inn) == 12:
        return _check(inn, _INN_W12_1) == int(inn[10]) and _check(inn, _INN_W12_2) == int(inn[11])
    return False


def find_inn(text: str) -> tuple[str | None, str | None]:
    """(INN, KPP) labelled in the text; an INN that fails its checksum is not returned."""
    inn: str | None = None
    kpp: str | None = None
    for m in _INN_RE.finditer(text):
        if valid_inn(m.group("inn")):
            inn = m.group("inn")
            kpp = m.group("kpp")
            break
    if kpp is None:
        km = _KPP_RE.search(text)
        if km:
            kpp = km.group("kpp")
    return inn, kpp


_NOT_PHONE_CONTEXT: Final = re.compile(
    r"(?:инн|кпп|огрн\w*|бик|р/с|к/с|сч[её]т|окпо|оквэд|ip|№|n)\s*+[:/]?\s*+$", re.IGNORECASE
)
_FAX_CONTEXT: Final = re.compile(r"факс\s*+[.:]?\s*+$", re.IGNORECASE)
_REQUISITES: Final = re.compile(r"\b(?:инн|кпп|огрн|бик|окпо)\b", re.IGNORECASE)
_PHONE_WORDS: Final = re.compile(r"тел|моб|phone|\+\d", re.IGNORECASE)
_TWO_LETTERS: Final = re.compile(r"[A-Za-zА-Яа-яЁё]{2}")
_SPACES: Final = re.compile(r"\s+")


def find_phones(text: str, region: str = "RU") -> list[str]:
    """Phone numbers in E.164, in order of appearance; fax numbers last."""
    phones: list[str] = []
    faxes: list[str] = []
    for line in text.splitlines():
        if _REQUISITES.search(line) and not _PHONE_WORDS.search(line):
            continue
        try:
            matches = list(phonenumbers.PhoneNumberMatcher(line, region))
        except Exception as exc:  # a library hiccup on odd text is not fatal
            log.debug("phone_matcher_failed", extra={"error": repr(exc)})
            continue
        for match in matches:
            before = line[max(0, match.start - 12) : match.start]
            if _NOT_PHONE_CONTEXT.search(before):
                continue
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            target = faxes if _FAX_CONTEXT.search(before) else phones
            if number not in phones and number not in faxes:
                target.append(number)
    return phones + faxes


_LEGAL_FORM: Final = (
    r"(?:ООО|ОАО|ЗАО|ПАО|НАО|АО|ТОО|ОДО|ЧУП|ЧТУП|ФГУП|МУП|ГУП|УП|ООО\s+ТД|ООО\s+ПКФ|ООО\s+НПП"
    r"|ФГБУН|ФГБОУ(?:\s+ВО)?|ФГАОУ(?:\s+ВО)?|ФГБУ|ФГКУ|ФКУ|ГБУЗ|ГБОУ|ГАУЗ|ГБУ|ГКУ|ГАУ|МБОУ|МАОУ"
    r"|МБУ|МАУ|МКУ|АНО|НКО|СПК|СХП|КФХ"
    r"|ООО\s+ПК|ООО\s+ГК|ООО\s+ТК|НПО|ТД|ГК|ПК|LLC|Ltd\.?|GmbH)"
)
_OPEN_Q: Final = "«\"“„'"
_CLOSE_Q: Final = {"«": "»", '"': '"', "“": "”", "„": "“", "'": "'"}
_COMPANY_START: Final = re.compile(
    r"(?<![А-ЯЁA-Za-zа-яё])" + _LEGAL_FORM + r"\s*(?=[«\"“„'])", re.UNICODE
)
_COMPANY_PLAIN: Final = re.compile(
    r"(?<![А-ЯЁA-Za-zа-яё])(?:ООО|ОАО|ЗАО|ПАО|АО|ТОО)\s+"
    r"(?P<n>[А-ЯЁA-Z][\w-]+(?:[ -][А-ЯЁA-Z][\w-]+)?)"
)
# "Caspian Drilling Services LLP", "Baltic Marine Supply Ltd.": an English name before its form
_COMPANY_EN: Final = re.compile(
    r"(?<![\w&])[A-Z][A-Za-z&-]{1,30}(?:[ \t][A-Z][A-Za-z&-]{0,30}){0,4}[ \t]"
    r"(?:LLC|LLP|Ltd\.?|LTD\.?|Limited|JSC|Inc\.|GmbH)(?![A-Za-z])"
)
_IP: Final = re.compile(
    r"(?<![А-ЯЁA-Za-zа-яё])(?:ИП|Индивидуальный предприниматель)\s+"
    r"(?P<n>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
    r"(?:\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?|\s+[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:вич|вна|ична|чна|ич|оглы|кызы))?)"
)


def _quoted_company(text: str, start: int, form_end: int) -> str | None:
    i = form_end
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text) or text[i] not in _OPEN_Q:
        return None
    stack = [text[i]]
    j = i + 1
    while j < len(text) and stack and text[j] != "\n" and j - i < 120:
        ch = text[j]
        if ch == _CLOSE_Q.get(stack[-1]) and ch not in "«„“":
            stack.pop()
        elif ch in "«„“":
            stack.append(ch)
        elif (ch == "»" and stack) or (ch == "”" and stack):
            stack.pop()
        j += 1
    inner = text[i + 1 : j - 1] if not stack else text[i + 1 : j]
    inner = inner.strip().rstrip(",.;")
    if not _TWO_LETTERS.search(inner):
        return None
    # close what the sender left open: ООО «ТД «Крепёж-Профи»
    opened = text[i]
    result = text[start:j].strip().rstrip(",.;")
    if stack:
        result = result + "".join(_CLOSE_Q[q] for q in reversed(stack))
    if opened == "«" and result.count("«") > result.count("»"):
        result += "»" * (result.count("«") - result.count("»"))
    return result


_BUYER_LABEL: Final = re.compile(
    r"(?:покупатель|заказчик|плательщик|грузополучатель|получатель)\s*+:\s*+$", re.IGNORECASE
)
_SELLER_LABEL: Final = re.compile(
    r"(?:поставщик|продавец|исполнитель|грузоотправитель)\s*+:\s*+$", re.IGNORECASE
)


def _party_rank(text: str, start: int) -> int:
    """0 for a company labelled as the buyer, 2 as the seller, 1 when unlabelled."""
    before = text[max(0, start - 40) : start]
    if _BUYER_LABEL.search(before):
        return 0
    if _SELLER_LABEL.search(before):
        return 2
    return 1


def find_company(text: str, exclude: tuple[str, ...] = ()) -> str | None:
    """The first legal entity named in the text, as written: 'ООО «Ромашка»', 'ИП Белов И.С.'."""
    candidates: list[tuple[int, str]] = []
    for m in _COMPANY_START.finditer(text):
        name = _quoted_company(text, m.start(), m.end())
        if name:
            candidates.append((m.start(), name))
    for m in _IP.finditer(text):
        candidates.append((m.start(), _SPACES.sub(" ", m.group(0)).strip()))
    if not candidates:
        for m in _COMPANY_PLAIN.finditer(text):
            candidates.append((m.start(), _SPACES.sub(" ", m.group(0)).strip()))
    if not candidates:
        for m in _COMPANY_EN.finditer(text):
            candidates.append((m.start(), _SPACES.sub(" ", m.group(0)).strip()))
    # a 1C order names both sides: "Поставщик: ООО «А»", "Покупатель: АО «Б»" - the buyer wrote
    candidates.sort(key=lambda c: (_party_rank(text, c[0]), c[0]))
    for _, name in candidates:
        if not any(x and x.lower() in name.lower() for x in exclude):
            return name
    return None


# Local part and labels bounded as in RFC 5321: a long run of word characters is not read
# again from each of its characters.
_EMAIL_RE: Final = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")


def find_emails(text: str) -> list[str]:
    return [e.rstrip(".") for e in _EMAIL_RE.findall(text)]


def domain_of(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    return email.rsplit("@", 1)[1].lower()


# "Имя: Иван Петров" on a line of its own (the value may stand on the next line). A field
# starts on the line of its label: spaces before it never span lines, so that blank lines are
# not read again from each line start.
_FORM_FIELD: Final = r"^[^\S\n]*+(?:{labels})\s*:\s*(?P<v>[^\n]+)$"
EMAIL_FIELD: Final = re.compile(
    _FORM_FIELD.format(labels=r"e-?mail|почта|эл\.\s*почта"), re.IGNORECASE | re.MULTILINE
)
NAME_FIELD: Final = re.compile(
    _FORM_FIELD.format(labels="имя|фио|контактное лицо"), re.IGNORECASE | re.MULTILINE
)


def form_field(text: str, field: re.Pattern[str]) -> str | None:
    m = field.search(text)
    return m.group("v").strip() if m else None


_NAME_WORD: Final = re.compile(r"^[А-ЯЁA-Z][а-яёa-z.-]*\.?$")


def looks_like_person(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 4 and all(_NAME_WORD.match(w) for w in words)
