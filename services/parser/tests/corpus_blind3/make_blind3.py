#!/usr/bin/env python3
# ruff: noqa: E501, E741, E743, F541, F841, W291, B905, RUF005 - the messages are data, written apart from the rules
"""Generate the blind3 corpus: Russian B2B e-mails (.eml) with gold labels (.json).

    python3 make_blind3.py            # writes NNN.eml + NNN.json next to this script
    python3 make_blind3.py --out DIR  # writes them elsewhere

Pure Python 3.11 standard library.  Fully deterministic: fixed dates, fixed MIME boundaries,
fixed Message-IDs, hand-built XLSX/DOCX attachments with fixed zip timestamps.
Label format: ../CORPUS_FORMAT.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import quopri
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote as urlquote
from xml.sax.saxutils import escape as xesc

OUT = Path(__file__).resolve().parent
MSK = dt.timezone(dt.timedelta(hours=3))
BROKER_NAME = "Ирина Ковалёва"
BROKER = "zakupki@broker.example"

# ============================================================================ helpers: INN


def inn10(first9: str) -> str:
    k = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    c = sum(int(d) * w for d, w in zip(first9, k)) % 11 % 10
    return first9 + str(c)


def inn12(first10: str) -> str:
    k1 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c1 = sum(int(d) * w for d, w in zip(first10, k1)) % 11 % 10
    s11 = first10 + str(c1)
    k2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    c2 = sum(int(d) * w for d, w in zip(s11, k2)) % 11 % 10
    return s11 + str(c2)


# ============================================================================ helpers: dates

WD_SHORT = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
WD_FULL = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]
WD_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MON_GEN = {11: "ноября", 12: "декабря"}
MON_SHORT = {11: "нояб.", 12: "дек."}
MON_EN = {11: "November", 12: "December"}
WD_RFC = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MON_RFC = {11: "Nov", 12: "Dec"}


def T(mon, day, hh, mm, ss=0):
    return dt.datetime(2026, mon, day, hh, mm, ss, tzinfo=MSK)


def rfc_date(t: dt.datetime) -> str:
    return f"{WD_RFC[t.weekday()]}, {t.day:02d} {MON_RFC[t.month]} {t.year} {t:%H:%M:%S} +0300"


def hdr_thunderbird(t, who=BROKER_NAME):
    return f"{t:%d.%m.%Y %H:%M}, {who} пишет:"


def hdr_gmail(t, who=BROKER_NAME, email=BROKER):
    return f"{WD_SHORT[t.weekday()]}, {t.day} {MON_SHORT[t.month]} {t.year} г. в {t:%H:%M}, {who} <{email}>:"


def hdr_gmail_android(t, who=BROKER_NAME, email=BROKER):
    return f"{WD_SHORT[t.weekday()]}, {t.day} {MON_SHORT[t.month]} {t.year} г., {t:%H:%M} {who} <{email}>:"


def hdr_mailru(t, who=BROKER_NAME, email=BROKER):
    return f"{WD_FULL[t.weekday()]}, {t.day} {MON_GEN[t.month]} {t.year}, {t.hour}:{t:%M} +03:00 от {who} <{email}>:"


def hdr_yandex(t, who=BROKER_NAME, email=BROKER):
    return f'{t:%d.%m.%Y, %H:%M}, "{who}" <{email}>:'


def hdr_iphone(t, who=BROKER_NAME, email=BROKER):
    return f"{t.day} {MON_SHORT[t.month]} {t.year} г., в {t:%H:%M}, {who} <{email}> написал(а):"


def hdr_thebat(t):
    return f"Вы писали {t.day} {MON_GEN[t.month]} {t.year} г., {t:%H:%M}:"


def hdr_outlook_en(t, to, subject):
    h12 = t.hour % 12 or 12
    ampm = "AM" if t.hour < 12 else "PM"
    return (
        "-----Original Message-----\n"
        f"From: {BROKER_NAME} [mailto:{BROKER}]\n"
        f"Sent: {WD_EN[t.weekday()]}, {MON_EN[t.month]} {t.day}, {t.year} {h12}:{t:%M} {ampm}\n"
        f"To: {to}\n"
        f"Subject: {subject}\n"
    )


def hdr_outlook_ru(t, to, subject):
    return (
        "________________________________\n"
        f"От: {BROKER_NAME} <{BROKER}>\n"
        f"Отправлено: {WD_FULL[t.weekday()].lower()}, {t.day} {MON_GEN[t.month]} {t.year} г. {t:%H:%M}\n"
        f"Кому: {to}\n"
        f"Тема: {subject}\n"
    )


# ============================================================================ helpers: MIME


def is_ascii(s: str) -> bool:
    return all(ord(c) < 128 for c in s)


def ew(s: str, cs: str = "utf-8", mode: str = "B") -> str:
    """RFC 2047 encoded-words (folded with LF + space) or the plain string when ASCII."""
    if is_ascii(s):
        return s
    # split into chunks of at most ~42 bytes, preferably right after a space, so that no
    # encoded-word boundary falls inside a word
    words, cur = [], ""
    for tok in s.replace(" ", " \0").split("\0"):
        if cur and len((cur + tok).encode(cs)) > 42:
            words.append(cur)
            cur = ""
        while len(tok.encode(cs)) > 42:
            cut = len(tok)
            while len(tok[:cut].encode(cs)) > 42:
                cut -= 1
            words.append(tok[:cut])
            tok = tok[cut:]
        cur += tok
    if cur:
        words.append(cur)
    out = []
    for w in words:
        raw = w.encode(cs)
        if mode == "B":
            out.append(f"=?{cs}?B?{base64.b64encode(raw).decode()}?=")
        else:
            q = "".join(
                chr(b)
                if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122)
                else "_"
                if b == 32
                else f"={b:02X}"
                for b in raw
            )
            out.append(f"=?{cs}?Q?{q}?=")
    return "\n ".join(out)


def addr(name: str | None, email: str, cs: str = "utf-8", mode: str = "B") -> str:
    if not name:
        return email
    if is_ascii(name):
        return f'"{name}" <{email}>' if any(c in name for c in ',."()') else f"{name} <{email}>"
    return f"{ew(name, cs, mode)} <{email}>"


class Part:
    def __init__(self, headers, payload: bytes):
        self.headers = headers
        self.payload = payload


def text(s: str, sub="plain", cs="utf-8", cte="8bit", flowed=False, quoted_cs=True) -> Part:
    if not s.endswith("\n"):
        s += "\n"
    raw = s.encode(cs)
    if cte in ("8bit", "7bit"):
        body = raw
    elif cte == "quoted-printable":
        body = quopri.encodestring(raw)
    elif cte == "base64":
        body = base64.encodebytes(raw)
    else:
        raise ValueError(cte)
    csv = f'"{cs}"' if quoted_cs else cs
    ct = f"text/{sub}; charset={csv}" + ("; format=flowed" if flowed else "")
    return Part([("Content-Type", ct), ("Content-Transfer-Encoding", cte)], body)


def attachment(data: bytes, ctype: str, filename: str, style: str = "2231") -> Part:
    if is_ascii(filename):
        fn_ct, fn_cd = f'name="{filename}"', f'filename="{filename}"'
    elif style == "2231":
        enc = urlquote(filename.encode("utf-8"), safe="")
        fn_ct, fn_cd = f"name*=utf-8''{enc}", f"filename*=utf-8''{enc}"
    else:  # encoded-word, as Outlook/Mail.ru do
        e = ew(filename).replace("\n ", "")
        fn_ct, fn_cd = f'name="{e}"', f'filename="{e}"'
    return Part(
        [
            ("Content-Type", f"{ctype};\n {fn_ct}"),
            ("Content-Disposition", f"attachment;\n {fn_cd}"),
            ("Content-Transfer-Encoding", "base64"),
        ],
        base64.encodebytes(data),
    )


def multipart(sub: str, parts, boundary: str, preamble: str | None = None) -> Part:
    chunks = []
    if preamble:
        chunks.append(preamble.encode() + b"\n")
    for p in parts:
        chunks.append(f"--{boundary}\n".encode())
        chunks.append(render_headers(p.headers))
        chunks.append(b"\n")
        pl = p.payload if p.payload.endswith(b"\n") else p.payload + b"\n"
        chunks.append(pl)
    chunks.append(f"--{boundary}--\n".encode())
    return Part([("Content-Type", f'multipart/{sub};\n boundary="{boundary}"')], b"".join(chunks))


def render_headers(hs) -> bytes:
    return b"".join(f"{k}: {v}\n".encode("ascii") for k, v in hs)


def build(headers, body: Part, crlf=False) -> bytes:
    hs = list(headers) + [("MIME-Version", "1.0")] + body.headers
    data = render_headers(hs) + b"\n" + body.payload
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data


def received(host: str, ip: str, t: dt.datetime, sid: str) -> tuple:
    return (
        "Received",
        f"from {host} ({host} [{ip}])\n\tby mx1.broker.example (Postfix) with ESMTPS id {sid}\n"
        f"\tfor <{BROKER}>; {rfc_date(t)}",
    )


def std_headers(frm, to, subject, t, msgid, *, cs="utf-8", mode="B", extra=(), irt=None, recv=None):
    hs = []
    if recv:
        hs.append(received(*recv, t, msgid.split("@")[0].strip("<")[-10:].upper()))
    hs += [
        ("From", frm),
        ("To", to),
        ("Subject", ew(subject, cs, mode)),
        ("Date", rfc_date(t)),
        ("Message-ID", msgid),
    ]
    if irt:
        hs += [("In-Reply-To", irt), ("References", irt)]
    hs += list(extra)
    return hs


# ============================================================================ helpers: XLSX / DOCX

ZIP_TIME = (2026, 11, 20, 10, 0, 0)


def _zip(files: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files:
            zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 0
            z.writestr(zi, content.encode("utf-8"))
    return buf.getvalue()


XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_ODR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def col_letter(i: int) -> str:
    return chr(ord("A") + i)


def make_xlsx(rows: list[list], sheet_name="Лист1") -> bytes:
    strings: list[str] = []
    index: dict[str, int] = {}
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{col_letter(c)}{r}"
            if isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                if v not in index:
                    index[v] = len(strings)
                    strings.append(v)
                cells.append(f'<c r="{ref}" t="s"><v>{index[v]}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = (
        XML_HEAD + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
    )
    sst = (
        XML_HEAD + f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{xesc(s)}</t></si>' for s in strings)
        + "</sst>"
    )
    wb = (
        XML_HEAD + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{NS_ODR}"><sheets><sheet name="{xesc(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    wb_rels = (
        XML_HEAD + f'<Relationships xmlns="{NS_REL}">'
        f'<Relationship Id="rId1" Type="{NS_ODR}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{NS_ODR}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{NS_ODR}/styles" Target="styles.xml"/></Relationships>'
    )
    styles = (
        XML_HEAD + '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    ct = (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )
    rels = (
        XML_HEAD + f'<Relationships xmlns="{NS_REL}">'
        f'<Relationship Id="rId1" Type="{NS_ODR}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    return _zip(
        [
            ("[Content_Types].xml", ct),
            ("_rels/.rels", rels),
            ("xl/workbook.xml", wb),
            ("xl/_rels/workbook.xml.rels", wb_rels),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", sst),
            ("xl/styles.xml", styles),
        ]
    )


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _wp(txt: str, bold=False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    if not txt:
        return "<w:p/>"
    return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{xesc(txt)}</w:t></w:r></w:p>'


def make_docx(blocks: list) -> bytes:
    """blocks: str (paragraph), ('b', str) bold paragraph, or ('table', rows)."""
    body = []
    for b in blocks:
        if isinstance(b, str):
            body.append(_wp(b))
        elif b[0] == "b":
            body.append(_wp(b[1], bold=True))
        else:
            rows = b[1]
            ncol = len(rows[0])
            grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(ncol))
            trs = []
            for row in rows:
                tcs = "".join(
                    f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>{_wp(str(c)) if str(c) else "<w:p/>"}</w:tc>'
                    for c in row
                )
                trs.append(f"<w:tr>{tcs}</w:tr>")
            body.append(
                '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
                f"<w:tblGrid>{grid}</w:tblGrid>{''.join(trs)}</w:tbl>"
            )
    doc = (
        XML_HEAD + f'<w:document xmlns:w="{W}" xmlns:r="{NS_ODR}"><w:body>{"".join(body)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="850" w:bottom="1134" '
        'w:left="1701" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )
    styles = (
        XML_HEAD + f'<w:styles xmlns:w="{W}">'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style></w:styles>'
    )
    ct = (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        "</Types>"
    )
    rels = (
        XML_HEAD + f'<Relationships xmlns="{NS_REL}">'
        f'<Relationship Id="rId1" Type="{NS_ODR}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc_rels = (
        XML_HEAD + f'<Relationships xmlns="{NS_REL}">'
        f'<Relationship Id="rId1" Type="{NS_ODR}/styles" Target="styles.xml"/></Relationships>'
    )
    return _zip(
        [
            ("[Content_Types].xml", ct),
            ("_rels/.rels", rels),
            ("word/document.xml", doc),
            ("word/_rels/document.xml.rels", doc_rels),
            ("word/styles.xml", styles),
        ]
    )


XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# ============================================================================ helpers: labels


def L(name, price, qty, unit, available, lead=None):
    return {
        "name": name,
        "unit_price": price,
        "quantity": qty,
        "unit": unit,
        "available": available,
        "lead_time_days": lead,
    }


def Q(currency, vat, lines, lead=None, pay=None, valid=None, total=None):
    return {
        "kind": "quote",
        "quote": {
            "currency": currency,
            "vat_included": vat,
            "lines": lines,
            "lead_time_days": lead,
            "payment_terms": pay,
            "valid_until": valid,
            "total": total,
        },
    }


def I(name, qty, unit, article=None):
    return {"name": name, "quantity": qty, "unit": unit, "article": article}


def R(items, deadline=None, company=None, inn=None, phone=None):
    return {
        "kind": "request",
        "request": {
            "items": items,
            "deadline": deadline,
            "company": company,
            "inn": inn,
            "contact_phone": phone,
        },
    }


def O(reason):
    return {"kind": "other", "other_reason": reason}


def RL(item, price, available, lead=None, name=None, qty="rfq"):
    """Quote line for an RFQ item tuple (name, qty, unit)."""
    n, q, u = item
    if qty != "rfq":
        q = qty
    return L(name or n, price, q, u, available, lead)


# ============================================================================ RFQ text

BROKER_SIG = (
    "С уважением,\nИрина Ковалёва\nменеджер по закупкам\nООО «Брокер-Снаб»\n"
    "тел. +7 (495) 123-45-67, доб. 204\nzakupki@broker.example"
)


def rfq_lines(items, style="1."):
    out = []
    for i, (n, q, u) in enumerate(items, 1):
        qs = f"{q:g}".replace(".", ",") if isinstance(q, float) else str(q)
        num = f"{i}." if style == "1." else f"{i})"
        out.append(f"{num} {n} — {qs} {u}")
    return out


def rfq_text(
    items,
    intro="Просим предоставить коммерческое предложение на следующие позиции:",
    style="1.",
    tail="Просьба указать цену за единицу, наличие и срок поставки.",
):
    return (
        "Добрый день!\n\n"
        + intro
        + "\n\n"
        + "\n".join(rfq_lines(items, style))
        + "\n\n"
        + tail
        + "\n\n"
        + BROKER_SIG
        + "\n"
    )


def quoted(s: str, prefix="> ") -> str:
    out = []
    for line in s.rstrip("\n").split("\n"):
        out.append((prefix + line).rstrip() if line else prefix.rstrip())
    return "\n".join(out) + "\n"


def rfq_id(rid, rnd):
    return f"<rfq.{rid}.{rnd}@broker.example>"


def rfq_subj(rid, n, re="Re: "):
    return f"{re}Запрос цен [RFQ-2026-{rid:04d}-{n}]"


CASES: list[tuple[bytes, dict]] = []


def add(eml: bytes, label: dict):
    CASES.append((eml, label))


# ============================================================================ 1. inline answers under quoted RFQ lines


def case_001():
    rid, t0, t = 1201, T(11, 3, 10, 12), T(11, 3, 11, 47, 5)
    items = [
        ("Болт М10х40 DIN 933 оцинкованный", 500, "шт"),
        ("Гайка М10 DIN 934 оцинкованная", 500, "шт"),
        ("Шайба плоская 10 DIN 125 оцинкованная", 1000, "шт"),
        ("Шайба гроверная 10 DIN 127", 500, "шт"),
    ]
    lines = rfq_lines(items)
    body = f"""Ирина, добрый день.
Ответы ниже по пунктам.

{hdr_thunderbird(t0)}
> Добрый день!
>
> Просим предоставить коммерческое предложение на следующие позиции:
>
> {lines[0]}
есть, 9,80 руб/шт

> {lines[1]}
есть, 2,15

> {lines[2]}
1,05 руб, отгрузка через 3 дня

> {lines[3]}
под заказ 2 недели, 1,60

>
> Просьба указать цену за единицу, наличие и срок поставки.
>
{quoted(BROKER_SIG)}
Цены с НДС. Оплата - 100% предоплата. Склад в Подольске, самовывоз или доставка по Москве 2500 р.

-- 
С уважением,
Сергей Мальцев
ООО "Крепёж-Опт"
+7 (495) 765-43-21 доб. 112
"""
    hs = std_headers(
        addr("Сергей Мальцев", "s.maltsev@krepezh-opt.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 2),
        t,
        "<5f1e2a90-3c1b-4f0e-9d8e-001a@krepezh-opt.example>",
        irt=rfq_id(rid, "a81f3c"),
        recv=("mail.krepezh-opt.example", "198.51.100.21"),
        extra=[
            (
                "User-Agent",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0",
            )
        ],
    )
    add(
        build(hs, text(body, flowed=False)),
        Q(
            "RUB",
            True,
            [
                RL(items[0], 9.80, True, 0),
                RL(items[1], 2.15, True, 0),
                RL(items[2], 1.05, True, 3),
                RL(items[3], 1.60, True, 14),
            ],
            pay="100% предоплата",
        ),
    )


def case_002():
    rid, t0, t = 1204, T(11, 4, 16, 30), T(11, 5, 9, 21, 40)
    items = [
        ("Кабель ВВГнг(А)-LS 3х2,5", 500, "м"),
        ("Кабель ВВГнг(А)-LS 3х1,5", 300, "м"),
        ("Кабель КГтп-ХЛ 4х6", 100, "м"),
    ]
    ans = ["98,50 руб/м, в наличии", "67,20 руб/м, в наличии", "412,00 руб/м, срок 5-7 раб. дней"]
    lines = rfq_lines(items)
    subj = rfq_subj(rid, 1)
    plain = (
        "Ирина, добрый день!\nОтветили в тексте письма (синим).\n"
        "Цены указаны без НДС, действительны до 20.11.2026.\n\n"
        "С уважением,\nОлег Тарасов\nООО «Электрокомплект»\nтел. +7 (812) 448-20-20\n\n"
        + hdr_outlook_en(t0, "o.tarasov@elektrokomplekt.example", subj.replace("Re: ", ""))
        + "\n> Добрый день!\n>\n> Просим предоставить коммерческое предложение на следующие позиции:\n>\n"
        + "".join(f"> {l}\n{a}\n>\n" for l, a in zip(lines, ans))
        + "> Просьба указать цену за единицу, наличие и срок поставки.\n>\n"
        + quoted(BROKER_SIG)
    )
    bq = '<blockquote style="border-left:solid #CCCCCC 1.5pt;margin-left:4.8pt;padding-left:6pt">'
    li = "".join(
        f'{bq}<p class="MsoNormal">{xesc(l)}</p></blockquote>\n<p class="MsoNormal"><b><span style="color:#0070C0">{xesc(a)}</span></b></p>\n'
        for l, a in zip(lines, ans)
    )
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body lang="RU">
<div class="WordSection1">
<p class="MsoNormal">Ирина, добрый день!</p>
<p class="MsoNormal">Ответили в тексте письма (<span style="color:#0070C0">синим</span>).</p>
<p class="MsoNormal">Цены указаны без НДС, действительны до 20.11.2026.</p>
<p class="MsoNormal">&nbsp;</p>
<p class="MsoNormal">С уважением,<br>Олег Тарасов<br>ООО «Электрокомплект»<br>тел. +7 (812) 448-20-20</p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>From:</b> {BROKER_NAME} &lt;{BROKER}&gt;<br><b>Sent:</b> Wednesday, November 4, 2026 4:30 PM<br>
<b>To:</b> o.tarasov@elektrokomplekt.example<br><b>Subject:</b> {xesc(subj.replace("Re: ", ""))}</p></div>
{bq}<p class="MsoNormal">Добрый день!</p>
<p class="MsoNormal">Просим предоставить коммерческое предложение на следующие позиции:</p></blockquote>
{li}{bq}<p class="MsoNormal">Просьба указать цену за единицу, наличие и срок поставки.</p>
<p class="MsoNormal">{BROKER_SIG.replace(chr(10), "<br>")}</p></blockquote>
</div></body></html>
"""
    body = multipart(
        "alternative",
        [text(plain, cte="quoted-printable"), text(html, "html", cte="quoted-printable")],
        "_000_VI1PR02MB0002ELEKTRO_",
    )
    hs = std_headers(
        addr("Тарасов Олег", "o.tarasov@elektrokomplekt.example"),
        addr(BROKER_NAME, BROKER),
        subj,
        t,
        "<VI1PR02MB00021A2B3C4D@elektrokomplekt.example>",
        irt=rfq_id(rid, "c0ffee"),
        recv=("mail.elektrokomplekt.example", "203.0.113.40"),
        extra=[
            ("Thread-Topic", ew(subj.replace("Re: ", ""))),
            ("Content-Language", "ru-RU"),
            ("X-MS-Has-Attach", ""),
            ("X-Mailer", "Microsoft Outlook 16.0"),
        ],
    )
    add(
        build(hs, body, crlf=True),
        Q(
            "RUB",
            False,
            [
                RL(items[0], 98.50, True, 0),
                RL(items[1], 67.20, True, 0),
                RL(items[2], 412.00, True, 7),
            ],
            valid="2026-11-20",
        ),
    )


def case_003():
    rid, t0, t = 1207, T(11, 9, 9, 40), T(11, 9, 12, 5, 11)
    items = [
        ("Подшипник 6205-2RS SKF", 20, "шт"),
        ("Подшипник 6305-2Z SKF", 10, "шт"),
        ("Подшипник 6206-2RS FAG", 20, "шт"),
        ("Ремень клиновой A-1250", 15, "шт"),
    ]
    lines = rfq_lines(items, style="1)")
    body = f"""Добрый день!

{hdr_gmail(t0)}

> Добрый день!
> Просим предоставить КП на позиции ниже:
> {lines[0]}

1 150 руб.

> {lines[1]}

2 340 руб.

> {lines[2]}

только 12 шт, 1 290 руб.

> {lines[3]}

320 руб.

> Просьба указать наличие и сроки.
> --
> Ирина Ковалёва
> ООО «Брокер-Снаб»
> +7 (495) 123-45-67

Всё в наличии на складе в Екатеринбурге, цены с НДС.
Счёт выставлю по запросу.

Денис
ТД "Уралподшипник"
8-343-200-11-22
"""
    plain = text(body)
    html = text(
        '<div dir="ltr">'
        + "".join(
            f"<div>{xesc(l) if l and not l.startswith('>') else ''}</div>"
            if not l.startswith(">")
            else f'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">{xesc(l[1:].strip())}</blockquote>'
            for l in body.split("\n")
        )
        + "</div>",
        "html",
        cte="quoted-printable",
    )
    hs = std_headers(
        addr("Денис Уралподшипник", "denis.ural@uralpodshipnik.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 3),
        t,
        "<CAF7x9Lk2mQ0Nw3003pRtYz@mail.gmail.example>",
        irt=rfq_id(rid, "77ab01"),
        recv=("mail-sor-f41.google.example", "209.85.220.41"),
    )
    add(
        build(hs, multipart("alternative", [plain, html], "000000000000a1b2c3d4e5f60003")),
        Q(
            "RUB",
            True,
            [
                RL(items[0], 1150.0, True),
                RL(items[1], 2340.0, True),
                RL(items[2], 1290.0, True, qty=12),
                RL(items[3], 320.0, True),
            ],
            lead=0,
        ),
    )


def case_004():
    rid, t0, t = 1210, T(11, 11, 9, 5), T(11, 11, 13, 58, 2)
    items = [
        ("Цемент М500 Д0 ПЦ, мешок 50 кг", 40, "меш"),
        ("Пескобетон М300, 40 кг", 60, "меш"),
        ("Гипсокартон Knauf ГКЛ 12,5 мм 2500х1200", 80, "лист"),
        ("Профиль ПП 60х27, 3 м", 200, "шт"),
    ]
    lines = rfq_lines(items)
    body = f"""ДОБРЫЙ ДЕНЬ ОТВЕТЫ В ТЕКСТЕ


{hdr_mailru(t0)}
>Добрый день!
>Просим прислать цены и наличие:
>{lines[0]}
ЕСТЬ 545 Р/МЕШ
>{lines[1]}
ЕСТЬ 310
>{lines[2]}
НЕТУ КНАУФА
>{lines[3]}
98 Р ПОД ЗАКАЗ 3 ДНЯ
>
>С уважением, Ирина Ковалёва
>ООО «Брокер-Снаб», тел. +7 (495) 123-45-67

ЦЕНЫ С НДС
ДОСТАВКА ОТ 5 Т БЕСПЛАТНО, ДО 5 Т 3500 Р

-- 
Виктор, база "СтройДвор"
8 926 111 22 33
"""
    hs = std_headers(
        addr("Виктор", "stroydvor-baza@mail.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<1794391082.318004@f512.i.mail.example>",
        irt=rfq_id(rid, "b00b1e"),
        recv=("f512.i.mail.example", "94.100.178.12"),
        extra=[("X-Mailer", "Mail.Ru Mailer 1.0")],
    )
    add(
        build(hs, text(body, cte="base64")),
        Q(
            "RUB",
            True,
            [
                RL(items[0], 545.0, True, 0),
                RL(items[1], 310.0, True, 0),
                RL(items[2], None, False),
                RL(items[3], 98.0, True, 3),
            ],
        ),
    )


def case_005():
    rid, t0, t = 1213, T(11, 12, 14, 3), T(11, 12, 16, 40, 19)
    items = [
        ("Перчатки х/б с ПВХ, 4 нити, 10 класс", 300, "пар"),
        ("Перчатки нитриловые, размер L", 50, "уп"),
        ("Очки защитные открытые РОСОМЗ О15", 40, "шт"),
        ("Респиратор 3М 8122 FFP2", 100, "шт"),
    ]
    lines = rfq_lines(items)
    body = f"""Здравствуйте, Ирина.

{hdr_thebat(t0)}

ИК> Добрый день!
ИК> Просим предоставить КП на СИЗ:
ИК> {lines[0]}
38 р. 50 к. за пару

ИК> {lines[1]}
650 р/уп (в уп. 100 шт)

ИК> {lines[2]}
215 р

ИК> {lines[3]}
не возим

ИК> Срок ответа - до пятницы.
ИК> С уважением, Ирина Ковалёва

Мы на УСН, НДС не облагается. Срок поставки 2-3 дня после оплаты.



-- 
С уважением,
 Наталья                          mailto:opt@siz-market.example
"""
    hs = std_headers(
        addr("Наталья", "opt@siz-market.example", "windows-1251"),
        addr(BROKER_NAME, BROKER, "windows-1251"),
        rfq_subj(rid, 2),
        t,
        "<1063477711.20261112164019@siz-market.example>",
        cs="windows-1251",
        irt=rfq_id(rid, "5e5e5e"),
        recv=("mx.siz-market.example", "192.0.2.77"),
        extra=[
            ("X-Mailer", "The Bat! (v9.4.5) Professional"),
            ("Reply-To", "opt@siz-market.example"),
        ],
    )
    add(
        build(
            hs, text(body, cs="windows-1251", cte="quoted-printable", quoted_cs=False), crlf=True
        ),
        Q(
            "RUB",
            False,
            [
                RL(items[0], 38.50, True),
                RL(items[1], 650.0, True),
                RL(items[2], 215.0, True),
                RL(items[3], None, False),
            ],
            lead=3,
        ),
    )


# ============================================================================ 2. terse replies from phones


def case_006():
    rid, t0, t = 1216, T(11, 16, 10, 0), T(11, 16, 10, 37, 44)
    items = [("Подшипник 6205-2RS SKF", 20, "шт"), ("Подшипник 6305-2RS SKF", 10, "шт")]
    rq = (
        "\nДобрый день!\nПросим предоставить КП:\n"
        + "\n".join(rfq_lines(items))
        + "\nПросьба указать цену, наличие и срок.\n\nС уважением,\nИрина Ковалёва\n"
    )
    body = (
        "Добрый. 6205 - 1150, 6305 нет. С ндс\n\n\nОтправлено из мобильной Почты Mail.ru\n\n\n"
        + hdr_mailru(t0)
        + "\n"
        + quoted(rq, ">")
    )
    hs = std_headers(
        addr("Андрей", "andrey.podshipnik@mail.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<1763278664.511022@f301.i.mail.example>",
        irt=rfq_id(rid, "10ad10"),
        recv=("f301.i.mail.example", "94.100.178.31"),
        extra=[("X-Mailer", "Mail.Ru Mailer 1.0")],
    )
    add(
        build(hs, text(body, cte="base64")),
        Q("RUB", True, [RL(items[0], 1150.0, True), RL(items[1], None, False)]),
    )


def case_007():
    rid, t0, t = 1219, T(11, 17, 9, 14), T(11, 17, 9, 52, 3)
    items = [
        ("Набор ключей комбинированных 8-22 мм, 12 предм.", 2, "компл"),
        ("Набор отверток диэлектрических 1000В, 7 предм.", 4, "компл"),
        ("Пассатижи 200 мм изолированные", 6, "шт"),
    ]
    rq = (
        "Добрый день!\nПросим предоставить КП на инструмент:\n"
        + "\n".join(rfq_lines(items))
        + "\n\nС уважением,\nИрина Ковалёва\nООО «Брокер-Снаб»\n"
    )
    body = (
        "Все в наличии, 12 400 за всё. Счет выставить?\n\nОтправлено с iPhone\n\n> "
        + hdr_iphone(t0)
        + "\n>\n"
        + quoted(rq)
    )
    hs = std_headers(
        addr("Максим Орлов", "m.orlov@tool-market.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<B3C1F2A0-7D44-4E1B-9A3C-0007D1E2F3A4@tool-market.example>",
        irt=rfq_id(rid, "ab12cd"),
        recv=("smtp.tool-market.example", "198.51.100.77"),
        extra=[("X-Mailer", "iPhone Mail (22B91)")],
    )
    add(build(hs, text(body, cte="quoted-printable")), Q("RUB", None, [], lead=0, total=12400.0))


def case_008():
    rid, t0, t = 1222, T(11, 19, 15, 40), T(11, 19, 18, 2, 27)
    items = [
        ("Кабель ВВГнг-LS 3х2,5", 200, "м"),
        ("Автоматический выключатель IEK ВА47-29 1P 16А", 30, "шт"),
        ("Розетка Legrand Valena двойная с заземлением", 25, "шт"),
    ]
    rq = (
        "Добрый день!\n\nПросим предоставить КП:\n"
        + "\n".join(rfq_lines(items))
        + "\n\nС уважением,\nИрина Ковалёва\n"
    )
    body = (
        "Кабель есть 95р метр. Автоматов иек нету. Розетки 180р\n\nОтправлено с Android\n\n"
        + hdr_gmail_android(t0)
        + "\n\n"
        + quoted(rq)
        + ">\n"
    )
    hs = std_headers(
        addr("Rustam Electro", "rustam.elektro@gmail.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 2),
        t,
        "<CAGq8mZ1v0008xLq@mail.gmail.example>",
        irt=rfq_id(rid, "e1e1e1"),
        recv=("mail-sor-f69.google.example", "209.85.220.69"),
    )
    add(
        build(hs, text(body, cte="base64")),
        Q(
            "RUB",
            None,
            [RL(items[0], 95.0, True, 0), RL(items[1], None, False), RL(items[2], 180.0, True)],
        ),
    )


def case_009():
    rid, t = 1225, T(11, 20, 8, 14, 50)
    body = "3RV2011-1EA10 - 4850 в наличии\n3RV2021-4AA10 - 7200, 2 нед\nндс вкл\n\n--\nSent from my Galaxy\n"
    hs = std_headers(
        addr("Pavel K", "pk@automation-parts.example"),
        BROKER,
        rfq_subj(rid, 1, re="RE: "),
        t,
        "<0009-galaxy-7f3e9b2a@automation-parts.example>",
        irt=rfq_id(rid, "9f9f00"),
        recv=("smtp.automation-parts.example", "203.0.113.9"),
    )
    add(
        build(hs, text(body, quoted_cs=False)),
        Q(
            "RUB",
            True,
            [
                L("3RV2011-1EA10", 4850.0, None, None, True, 0),
                L("3RV2021-4AA10", 7200.0, None, None, True, 14),
            ],
        ),
    )


def case_010():
    rid, t0, t = 1228, T(11, 23, 11, 2), T(11, 23, 11, 49, 30)
    items = [
        ("Гвозди строительные 4х100 ГОСТ 4028", 50, "кг"),
        ("Саморезы по дереву 4,2х75 желтые", 20, "уп"),
    ]
    rq = (
        "Добрый день!\nПросим предоставить КП на позиции:\n"
        + "\n".join(rfq_lines(items))
        + "\nСрок поставки важен, просим указать.\nС уважением,\nИрина Ковалёва\n"
    )
    body = (
        "по гвоздям 4х100 - 168 р/кг, саморезов по дереву нету. ндс не платим\n\n-- \n"
        "Отправлено из мобильной Яндекс Почты\n\n" + hdr_yandex(t0) + "\n" + quoted(rq)
    )
    hs = std_headers(
        addr("Гвоздев Николай", "gvozdev.n@yandex.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 4),
        t,
        "<2381700-0010abc@mail-yaback-vla-12.yandex.example>",
        irt=rfq_id(rid, "ee00ff"),
        recv=("forward500.mail.yandex.example", "77.88.28.108"),
    )
    add(
        build(hs, text(body, cte="quoted-printable")),
        Q("RUB", False, [RL(items[0], 168.0, True), RL(items[1], None, False)]),
    )


# ============================================================================ 3. price columns and formats


def case_011():
    rid, t0, t = 1231, T(11, 24, 9, 15), T(11, 24, 14, 20, 8)
    items = [
        ("Дрель-шуруповерт Makita DF333DWYE", 5, "шт"),
        ("Перфоратор Bosch GBH 2-26 DRE", 3, "шт"),
        ("УШМ Makita GA5030", 4, "шт"),
    ]
    subj = rfq_subj(rid, 4, re="")
    body = f"""Добрый день, Ирина!

Направляем наше предложение. Для вашей компании действует скидка 15% от розничного прайса.

Наименование                          Кол-во   Прайс, руб.   Ваша цена, руб.
Дрель-шуруповерт Makita DF333DWYE     5 шт        14 990          12 742
Перфоратор Bosch GBH 2-26 DRE         3 шт        21 500          18 275
УШМ Makita GA5030                     4 шт         7 890           6 707

Цены с НДС. Все позиции в наличии на складе в Москве.
Предложение действительно до 04.12.2026.

С уважением,
Анна Белова
менеджер отдела продаж
ООО "ИнструментСервис"
тел.: +7 (495) 980-12-34, моб.: +7 (903) 555-44-33
www.instrument-service.example

{hdr_outlook_en(t0, "sales@instrument-service.example", subj)}
{rfq_text(items)}"""
    hs = std_headers(
        addr("Белова Анна", "a.belova@instrument-service.example"),
        addr(BROKER_NAME, BROKER),
        "RE: " + subj,
        t,
        "<000b01db2f3a$4c5d6e70$e5184b50$@instrument-service.example>",
        irt=rfq_id(rid, "d4d4d4"),
        recv=("mail.instrument-service.example", "198.51.100.11"),
        extra=[("X-Mailer", "Microsoft Outlook 16.0"), ("Thread-Index", "AdsvOkxdbnDlGEtQ")],
    )
    add(
        build(hs, text(body, cs="windows-1251", cte="quoted-printable"), crlf=True),
        Q(
            "RUB",
            True,
            [RL(items[0], 12742.0, True), RL(items[1], 18275.0, True), RL(items[2], 6707.0, True)],
            lead=0,
            valid="2026-12-04",
        ),
    )


def case_012():
    rid, t0, t = 1234, T(11, 25, 10, 0), T(11, 25, 15, 31, 0)
    items = [
        ("Лист г/к 3 мм 1250х2500 ст3", 20, "лист"),
        ("Труба профильная 40х20х2", 300, "м"),
        ("Уголок равнополочный 50х50х5", 120, "м"),
    ]
    wo = [6150.00, 142.50, 268.00]
    wi = [7503.00, 173.85, 326.96]
    sums = [150060.00, 52155.00, 39235.20]
    for a, b, s, it in zip(wo, wi, sums, items):
        assert round(a * 1.22, 2) == b and round(b * it[1], 2) == s
    assert (
        round(sum(sums), 2) == 241450.20
        and round(sum(sums) - sum(a * it[1] for a, it in zip(wo, items)), 2) == 43540.20
    )
    rows = [
        ("1", "Лист г/к 3 мм 1250х2500 ст3", "лист", "20", "6 150,00", "7 503,00", "150 060,00"),
        ("2", "Труба профильная 40х20х2", "м", "300", "142,50", "173,85", "52 155,00"),
        ("3", "Уголок равнополочный 50х50х5", "м", "120", "268,00", "326,96", "39 235,20"),
    ]
    tr = "\n".join(
        "<tr>"
        + "".join(f'<td style="border:1px solid #999;padding:2px 6px">{xesc(c)}</td>' for c in r)
        + "</tr>"
        for r in rows
    )
    th = "".join(
        f'<th style="border:1px solid #999;background:#ddd">{h}</th>'
        for h in [
            "№",
            "Наименование",
            "Ед.",
            "Кол-во",
            "Цена без НДС, руб.",
            "Цена с НДС, руб.",
            "Сумма с НДС, руб.",
        ]
    )
    rq = rfq_text(items).replace("\n", "<br>\n")
    html = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="font-family:Arial;font-size:10pt">
<p>Добрый день, Ирина!</p>
<p>Предлагаем следующее:</p>
<table style="border-collapse:collapse">
<tr>{th}</tr>
{tr}
<tr><td colspan="6" style="text-align:right"><b>Итого с НДС:</b></td><td><b>241 450,20</b></td></tr>
<tr><td colspan="6" style="text-align:right">в т.ч. НДС 22%:</td><td>43 540,20</td></tr>
</table>
<p>Отгрузка 2-3 рабочих дня после оплаты. Оплата: 100% предоплата.</p>
<p>--<br>Станислав Громов<br>ООО «МеталлТорг»<br>+7 (383) 210-55-66<br>ИНН 5406123450</p>
<div>-------- Исходное сообщение --------<br>От: {BROKER_NAME} &lt;{BROKER}&gt;<br>Дата: 25.11.2026 10:00</div>
<blockquote type="cite" style="border-left:2px solid #1010ff;margin-left:5px;padding-left:5px">
{rq}</blockquote>
</body></html>
"""
    hs = std_headers(
        addr("Станислав Громов", "gromov@metalltorg.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<e8b1c2d3-0012-4a5b-8c9d-0e1f2a3b4c5d@metalltorg.example>",
        irt=rfq_id(rid, "0c0c0c"),
        recv=("mail.metalltorg.example", "203.0.113.120"),
    )
    add(
        build(hs, text(html, "html", cte="base64")),
        Q(
            "RUB",
            True,
            [RL(items[0], 7503.00, True), RL(items[1], 173.85, True), RL(items[2], 326.96, True)],
            lead=3,
            pay="100% предоплата",
            total=241450.20,
        ),
    )


def case_013():
    rid, t0, t = 1237, T(11, 26, 9, 30), T(11, 26, 17, 5, 45)
    items = [
        ("Электроды ОК-46 ф3 мм", 50, "кг"),
        ("Электроды МР-3 ф4 мм", 100, "кг"),
        ("Проволока сварочная Св-08Г2С ф1,2 мм, кассета 15 кг", 10, "шт"),
    ]
    tot = [14250, 24900, 18700]
    assert sum(tot) == 57850
    subj = rfq_subj(rid, 2, re="")
    body = f"""Ирина, здравствуйте!

По запросу RFQ-2026-1237 можем поставить:

Электроды ОК-46 ф3 мм — 50 кг — 14 250 руб.
Электроды МР-3 ф4 мм — 100 кг — 24 900 руб.
Проволока сварочная Св-08Г2С ф1,2 мм, кассета 15 кг — 10 шт — 18 700 руб.

Итого: 57 850 руб. с НДС.
Срок — 5 рабочих дней.

Павел
"СваркаСнаб"

{hdr_outlook_ru(t0, "info@svarkasnab.example", subj)}
{rfq_text(items)}"""
    hs = std_headers(
        addr("Павел Сидоров", "info@svarkasnab.example", "windows-1251"),
        addr(BROKER_NAME, BROKER, "windows-1251"),
        "RE: " + subj,
        t,
        "<AM0PR0013MB0037A1@svarkasnab.example>",
        cs="windows-1251",
        irt=rfq_id(rid, "1337aa"),
        recv=("mail.svarkasnab.example", "192.0.2.13"),
    )
    add(
        build(hs, text(body, cs="windows-1251", cte="base64"), crlf=True),
        Q(
            "RUB",
            True,
            [RL(items[0], 285.0, True), RL(items[1], 249.0, True), RL(items[2], 1870.0, True)],
            lead=5,
            total=57850.0,
        ),
    )


def case_014():
    rid, t0, t = 1240, T(11, 27, 10, 20), T(11, 27, 12, 44, 0)
    items = [
        ('Кран шаровой VALTEC BASE 1" ВР-ВР', 40, "шт"),
        ('Фильтр сетчатый латунный 1"', 20, "шт"),
        ("Манометр радиальный 0-16 бар Д63", 10, "шт"),
        ("Хомут червячный 16-25 мм", 500, "шт"),
        ("Лента ФУМ 19 мм х 15 м", 100, "шт"),
    ]
    body = f"""Добрый день!

Цены на ваш запрос:

1) Кран шаровой VALTEC BASE 1" ВР-ВР — 40 шт — 1.250,00
2) Фильтр сетчатый латунный 1" — 20 шт — 2 480-00
3) Манометр радиальный 0-16 бар Д63 — 10 шт — 640=50
4) Хомут червячный 16-25 мм — 500 шт — 18,-
5) Лента ФУМ 19 мм х 15 м — 100 шт — 45р.50к.

Цены в рублях, в т.ч. НДС 22%.
Отгрузка 1-2 раб. дня.

С ув., Михаил
ООО "АкваТерм-Снаб"
т. 8 (812) 309-77-00


{hdr_yandex(t0)}
{quoted(rfq_text(items))}"""
    hs = std_headers(
        addr("Михаил", "mikhail@akvaterm-snab.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<14001701082264@mail-sas-1.yandex.example>",
        irt=rfq_id(rid, "aa1401"),
        recv=("forward101.mail.yandex.example", "77.88.28.101"),
    )
    add(
        build(hs, text(body, cte="8bit")),
        Q(
            "RUB",
            True,
            [
                RL(items[0], 1250.0, True),
                RL(items[1], 2480.0, True),
                RL(items[2], 640.50, True),
                RL(items[3], 18.0, True),
                RL(items[4], 45.50, True),
            ],
            lead=2,
        ),
    )


def case_015():
    rid, t0, t = 1243, T(11, 30, 9, 0), T(11, 30, 16, 12, 33)
    items = [
        ("Датчик давления Danfoss MBS 3000 060G1124", 6, "шт"),
        ("Реле давления Danfoss KP35 060-113391", 4, "шт"),
    ]
    assert (
        round(148.60 * 6 + 62.40 * 4, 2) == 1141.20
        and round(148.6 * 93) == 13820
        and round(62.4 * 93) == 5803
    )
    plain = f"""Ирина, добрый день.

Предложение по запросу RFQ-2026-1243:

- Датчик давления Danfoss MBS 3000 060G1124 — 6 шт — 148,60 USD/шт (≈ 13 820 руб.)
- Реле давления Danfoss KP35 060-113391 — 4 шт — 62,40 USD/шт (≈ 5 803 руб.)

Итого: 1 141,20 USD
Рублёвые цены указаны справочно, по курсу 93,00 руб./USD.
Цены без НДС; НДС 22% начисляется при выставлении счёта в рублях.
Оплата в рублях по курсу ЦБ РФ на день оплаты + 2%.
Срок поставки 6-8 недель.

Regards,
Konstantin Lebedev
Thermo Controls Trading
+7 (495) 662-18-18
"""
    html = (
        '<html><body><div style="font-family:Calibri">'
        + "".join(f"<p>{xesc(x)}</p>" if x else "<br>" for x in plain.split("\n"))
        + "</div></body></html>"
    )
    hs = std_headers(
        addr("Konstantin Lebedev", "k.lebedev@thermo-controls.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<0015.1a2b3c4d@thermo-controls.example>",
        irt=rfq_id(rid, "15aa15"),
        recv=("mx.thermo-controls.example", "198.51.100.150"),
    )
    add(
        build(
            hs,
            multipart(
                "alternative",
                [text(plain, cte="quoted-printable"), text(html, "html", cte="quoted-printable")],
                "----=_Part_15_1200334455.1796047953000",
            ),
        ),
        Q(
            "USD",
            False,
            [RL(items[0], 148.60, True), RL(items[1], 62.40, True)],
            lead=56,
            pay="Оплата в рублях по курсу ЦБ РФ на день оплаты + 2%",
            total=1141.20,
        ),
    )


def case_016():
    rid, t0, t = 1246, T(12, 1, 9, 30), T(12, 1, 11, 8, 16)
    items = [
        ("Светильник светодиодный ДПО 36 Вт 4000К IP40", 40, "шт"),
        ("Лампа светодиодная A60 11 Вт E27 4000K", 200, "шт"),
        ("Прожектор светодиодный СДО 50 Вт IP65", 20, "шт"),
    ]
    assert 40 * 1260 + 200 * 95 + 20 * 850 == 86400 and round(86400 * 22 / 122, 2) == 15580.33
    body = f"""Добрый день!

Коммерческое предложение № 418 от 01.12.2026

1. Светильник светодиодный ДПО 36 Вт 4000К IP40 — 40 шт x 1 260,00 = 50 400,00
2. Лампа светодиодная A60 11 Вт E27 4000K — 200 шт x 95,00 = 19 000,00
3. Прожектор светодиодный СДО 50 Вт IP65 — 20 шт x 850,00 = 17 000,00

Итого: 86 400,00 руб.
В том числе НДС (22%): 15 580,33 руб.

Поставка: 5 рабочих дней с момента оплаты.
Оплата: 50% предоплата, 50% по факту поставки.
Цены действительны до 15.12.2026.

________________________
С уважением,
Юлия Кравец
ведущий менеджер
ООО «СветЛайн»
ИНН 7728123450 КПП 772801001
Тел.: +7 (495) 789-00-11
Этот e-mail и любые вложения конфиденциальны. Если вы получили его по ошибке, сообщите отправителю.

{hdr_thunderbird(t0)}
{quoted(rfq_text(items))}"""
    hs = std_headers(
        addr("Юлия Кравец", "kravets@svetline.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 3),
        t,
        "<0016f00d-1111-2222-3333-444455556666@svetline.example>",
        irt=rfq_id(rid, "16bb16"),
        mode="Q",
        recv=("mail.svetline.example", "203.0.113.16"),
    )
    add(
        build(hs, text(body, cte="quoted-printable")),
        Q(
            "RUB",
            True,
            [RL(items[0], 1260.0, True), RL(items[1], 95.0, True), RL(items[2], 850.0, True)],
            lead=5,
            pay="50% предоплата, 50% по факту поставки",
            valid="2026-12-15",
            total=86400.0,
        ),
    )


def case_017():
    rid, t0, t = 1249, T(12, 2, 9, 0), T(12, 3, 6, 15, 0)
    items = [
        ("Мотор-редуктор червячный NMRV 050, i=40", 10, "шт"),
        ("Электродвигатель АИР 80В4 1,5 кВт 1500 об/мин", 10, "шт"),
    ]
    assert 10 * 415 + 10 * 780 == 11950
    body = f"""Здравствуйте, Ирина!

Наше предложение (цены FOB Нинбо):

Мотор-редуктор червячный NMRV 050, i=40 — 10 шт — 415,00 юаней/шт
Электродвигатель АИР 80В4 1,5 кВт 1500 об/мин — 10 шт — 780,00 юаней/шт

Итого ¥ 11 950,00 (примерно 129 000 руб. по текущему курсу).
Цены без НДС, таможенная очистка за счёт покупателя.
Срок изготовления 30-35 дней. Оплата: 30% предоплата, 70% перед отгрузкой.

Best regards,
Ли Вэй (Li Wei)
Ningbo Huali Transmission Co., Ltd
Tel/WeChat: +86 574 8765 4321
"""
    hs = std_headers(
        addr("Li Wei", "liwei@huali-transmission.example"),
        BROKER,
        rfq_subj(rid, 1),
        t,
        "<20261202111500.0017@huali-transmission.example>",
        irt=rfq_id(rid, "17cc17"),
        recv=("smtp.huali-transmission.example", "192.0.2.170"),
    )
    add(
        build(hs, text(body, cte="base64")),
        Q(
            "CNY",
            False,
            [RL(items[0], 415.0, True), RL(items[1], 780.0, True)],
            lead=35,
            pay="30% предоплата, 70% перед отгрузкой",
            total=11950.0,
        ),
    )


def case_018():
    rid, t0, t = 1252, T(12, 3, 10, 10), T(12, 3, 13, 26, 51)
    items = [
        ("Краска ВД-АК интерьерная белая 14 кг", 30, "шт"),
        ("Грунтовка глубокого проникновения 10 л", 40, "шт"),
        ("Шпатлевка финишная полимерная 20 кг", 50, "меш"),
    ]
    assert (
        round(2350 * 0.88, 2) == 2068
        and round(890 * 0.88, 2) == 783.20
        and round(720 * 0.88, 2) == 633.60
    )
    body = f"""Ирина, привет!

Посмотрели запрос. По краске ВД-АК белой 14 кг прайсовая 2 350 р., вам отдадим по 2 068 р.
Грунт глубокого проникновения 10 л: по прайсу 890, для вас 783,20.
Шпатлевка финишная 20 кг - прайс 720 р., со скидкой 12% будет 633,60 р.

Все цены с НДС, всё в наличии. Доставка своим транспортом - бесплатно от 50 000 р.

Марина
"Колорит-Опт"
+7 921 300 40 50

{hdr_gmail(t0)}

{quoted(rfq_text(items))}"""
    hs = std_headers(
        addr("Марина Колорит", "marina.kolorit@gmail.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 2),
        t,
        "<CAJ0018uXhQm8s@mail.gmail.example>",
        irt=rfq_id(rid, "18dd18"),
        recv=("mail-sor-f18.google.example", "209.85.220.18"),
    )
    add(
        build(hs, text(body, cte="quoted-printable")),
        Q(
            "RUB",
            True,
            [RL(items[0], 2068.0, True), RL(items[1], 783.20, True), RL(items[2], 633.60, True)],
            lead=0,
        ),
    )


def case_019():
    rid, t0, t = 1255, T(12, 4, 9, 45), T(12, 4, 15, 2, 9)
    items = [
        ("Уровень строительный 600 мм", 12, "шт"),
        ("Рулетка 5 м", 25, "шт"),
        ("Набор бит 32 предмета", 8, "компл"),
    ]
    assert (
        599 * 12 == 7188
        and 349.5 * 25 == 8737.5
        and 1249 * 8 == 9992
        and 7188 + 8737.5 + 9992 == 25917.5
    )
    rows = [
        ("Уровень строительный 600 мм", "12 шт", "7 188,00"),
        ("Рулетка 5 м", "25 шт", "8 737,50"),
        ("Набор бит 32 предмета", "8 компл", "9 992,00"),
    ]
    plain = (
        "Добрый день!\n\nНаименование | Кол-во | Сумма, руб. с НДС\n"
        + "\n".join(" | ".join(r) for r in rows)
        + "\nИтого: 25 917,50\n\nПод заказ, срок 10 дней.\n\nЕвгений\nИнструмент-Центр\n\n"
        + hdr_thunderbird(t0)
        + "\n"
        + quoted(rfq_text(items))
    )
    tr = "".join("<tr>" + "".join(f"<td>{xesc(c)}</td>" for c in r) + "</tr>\n" for r in rows)
    html = f"""<html><body>
<p>Добрый день!</p>
<table border="1" cellspacing="0" cellpadding="3">
<tr><th>Наименование</th><th>Кол-во</th><th>Сумма, руб. с НДС</th></tr>
{tr}<tr><td colspan="2"><b>Итого:</b></td><td><b>25 917,50</b></td></tr>
</table>
<p>Под заказ, срок 10 дней.</p>
<p>Евгений<br>Инструмент-Центр</p>
<div class="moz-cite-prefix">{xesc(hdr_thunderbird(t0))}<br></div>
<blockquote type="cite">{rfq_text(items).replace(chr(10), "<br>")}</blockquote>
</body></html>
"""
    hs = std_headers(
        addr("Евгений Инструмент-Центр", "evgeny@instrument-center.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<0019a0a0-b1b1-c2c2-d3d3-e4e4e4e4e4e4@instrument-center.example>",
        irt=rfq_id(rid, "19ee19"),
        recv=("mail.instrument-center.example", "198.51.100.19"),
    )
    add(
        build(
            hs,
            multipart(
                "alternative", [text(plain), text(html, "html")], "------------0019ABCDEF0123456789"
            ),
        ),
        Q(
            "RUB",
            True,
            [RL(items[0], 599.0, True), RL(items[1], 349.50, True), RL(items[2], 1249.0, True)],
            lead=10,
            total=25917.50,
        ),
    )


def case_020():
    rid, t0, t = 1258, T(12, 7, 9, 10), T(12, 7, 12, 0, 40)
    items = [
        ("Преобразователь частоты Schneider Electric ATV320U75N4B", 2, "шт"),
        ("Панель оператора Schneider Electric HMIGXU3512", 1, "шт"),
    ]
    assert round(1186 * 98.4, 2) == 116702.40 and round(612.5 * 98.4, 2) == 60270.00
    assert 1186 * 2 + 612.5 == 2984.5 and round(2984.5 * 0.22, 2) == 656.59
    body = f"""Добрый день!

По запросу RFQ-2026-1258-1:

1. Преобразователь частоты Schneider Electric ATV320U75N4B — 2 шт — 1 186,00 EUR/шт (≈ 116 702,40 руб.)
2. Панель оператора Schneider Electric HMIGXU3512 — 1 шт — 612,50 EUR (≈ 60 270,00 руб.)

Итого: 2 984,50 EUR без НДС. НДС 22% (656,59 EUR) начисляется сверху.
Рублёвый эквивалент — по курсу 98,40 руб./EUR, оплата по курсу ЦБ на дату оплаты.
Срок поставки: 8-10 недель.
Предложение действительно до 18.12.2026.

С уважением,
Дмитрий Волков
ООО «АвтоматикаПро»
+7 (846) 270-30-30

-----Исходное сообщение-----
От: {BROKER_NAME} <{BROKER}>
Отправлено: 07.12.2026 9:10
Тема: {rfq_subj(rid, 1, re="")}

{rfq_text(items)}"""
    hs = std_headers(
        addr("Дмитрий Волков", "volkov@avtomatika-pro.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<0020.4455.volkov@avtomatika-pro.example>",
        irt=rfq_id(rid, "20ff20"),
        recv=("mail.avtomatika-pro.example", "203.0.113.20"),
    )
    add(
        build(hs, text(body, cte="8bit")),
        Q(
            "EUR",
            False,
            [RL(items[0], 1186.0, True), RL(items[1], 612.50, True)],
            lead=70,
            valid="2026-12-18",
            total=2984.50,
        ),
    )


# ============================================================================ 4. refusals and gaps


def case_021():
    rid, t0, t = 1261, T(12, 8, 9, 0), T(12, 8, 10, 14, 22)
    items = [
        ("Болт М12х80 DIN 931 кл. пр. 10.9", 200, "шт"),
        ("Гайка М12 DIN 985 самоконтрящаяся", 200, "шт"),
        ("Шпилька резьбовая М12х1000 DIN 975", 50, "шт"),
    ]
    subj = rfq_subj(rid, 5, re="")
    body = f"""Добрый день, Ирина.

К сожалению, по вашему запросу ничего предложить не можем:
болты М12х80 10.9 - нет и не ожидается,
гайки М12 DIN 985 (самоконтр.) - нет,
шпильки М12х1000 - нет, завод остановил выпуск.

Будем рады другим запросам.

С уважением,
Гусев Андрей
ООО "МетизТорг"
тел. +7 (831) 411-22-33

{hdr_outlook_ru(t0, "gusev@metiztorg.example", subj)}
{rfq_text(items)}"""
    hs = std_headers(
        addr("Гусев Андрей", "gusev@metiztorg.example"),
        addr(BROKER_NAME, BROKER),
        "RE: " + subj,
        t,
        "<DB9PR0021MB1234@metiztorg.example>",
        irt=rfq_id(rid, "21aa21"),
        recv=("mail.metiztorg.example", "192.0.2.21"),
    )
    add(
        build(hs, text(body, cs="windows-1251", cte="quoted-printable"), crlf=True),
        Q(
            None,
            None,
            [RL(items[0], None, False), RL(items[1], None, False), RL(items[2], None, False)],
        ),
    )


def case_022():
    rid, t = 1264, T(12, 9, 11, 3, 7)
    body = """Ирина, добрый день!
По запросу RFQ-2026-1264-2 - к сожалению, пневматику Festo сейчас не поставляем, предложить нечего.
Если будут запросы по SMC или Camozzi - обращайтесь.

Елена Крылова
ООО «ПневмоТехСнаб»
+7 (343) 311-22-40
"""
    hs = std_headers(
        addr("Елена Крылова", "krylova@pnevmotech.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 2),
        t,
        "<0022-krylova-8d1f@pnevmotech.example>",
        irt=rfq_id(rid, "22bb22"),
        recv=("mail.pnevmotech.example", "198.51.100.22"),
    )
    add(build(hs, text(body)), Q(None, None, []))


def case_023():
    rid, t0, t = 1267, T(12, 10, 9, 20), T(12, 10, 16, 55, 3)
    items = [
        ("Труба полипропиленовая PN20 20 мм", 400, "м"),
        ("Муфта ППР 20 мм", 200, "шт"),
        ('Коллектор распределительный 1" на 4 выхода', 6, "шт"),
        ("Насос циркуляционный Grundfos UPS 25-60 180", 3, "шт"),
    ]
    body = f"""Добрый день!

Поз. 1 - Труба ППР PN20 20 мм: 64 руб/м, в наличии.
Поз. 2 - Муфта ППР 20 мм: 9,50 руб/шт, в наличии.
По поз. 3 и 4 ответим завтра, ждём ответ от завода.

Цены с НДС.

Светлана
ТермоСнаб

{hdr_thunderbird(t0)}
{quoted(rfq_text(items))}"""
    hs = std_headers(
        addr("Светлана", "sveta@termosnab.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<0023aa-5566-termosnab@termosnab.example>",
        irt=rfq_id(rid, "23cc23"),
        recv=("mail.termosnab.example", "203.0.113.23"),
    )
    add(
        build(hs, text(body, flowed=True)),
        Q(
            "RUB",
            True,
            [
                RL(items[0], 64.0, True, 0),
                RL(items[1], 9.50, True, 0),
                RL(items[2], None, None),
                RL(items[3], None, None),
            ],
        ),
    )


def case_024():
    rid, t0, t = 1270, T(12, 11, 9, 0), T(12, 11, 11, 47, 14)
    items = [
        ("Подшипник 6206-2RS FAG", 20, "шт"),
        ("Подшипник 6308-2Z SKF", 8, "шт"),
        ("Ремень клиновой A-1250 Gates", 15, "шт"),
    ]
    lines = rfq_lines(items, "1)")
    body = f"""Ирина, добрый!

{hdr_gmail(t0)}

> Добрый день!
>
> Просим предоставить коммерческое предложение на следующие позиции:
>
> {lines[0]}

FAG нет, можем дать аналог NSK 6206-2RS по 980 р.

> {lines[1]}

3 150 р., в наличии

> {lines[2]}

Gates нет, аналог Optibelt A-1250 - 410 р.

>
> Просьба указать цену за единицу, наличие и срок поставки.

Цены без НДС. Аналоги в наличии, поставка 1-2 дня.

--
Денис
ТД "Уралподшипник"
8-343-200-11-22
"""
    hs = std_headers(
        addr("Денис Уралподшипник", "denis.ural@uralpodshipnik.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 3),
        t,
        "<CAF7x9Lk2mQ0Nw3024pRtYz@mail.gmail.example>",
        irt=rfq_id(rid, "24dd24"),
        recv=("mail-sor-f41.google.example", "209.85.220.41"),
    )
    add(
        build(hs, text(body, cte="quoted-printable")),
        Q(
            "RUB",
            False,
            [
                RL(items[0], 980.0, True, name="Подшипник 6206-2RS FAG (аналог NSK 6206-2RS)"),
                RL(items[1], 3150.0, True, 0),
                RL(
                    items[2],
                    410.0,
                    True,
                    name="Ремень клиновой A-1250 Gates (аналог Optibelt A-1250)",
                ),
            ],
            lead=2,
        ),
    )


def case_025():
    rid, t0, t = 1273, T(12, 14, 9, 30), T(12, 14, 13, 13, 13)
    items = [
        ("Автоматический выключатель ABB S201 C16", 30, "шт"),
        ("Автоматический выключатель ABB S203 C32", 10, "шт"),
        ("УЗО ABB F202 AC-40/0,03", 4, "шт"),
        ("Щит распределительный ЩРН-24", 5, "шт"),
    ]
    body = f"""Ирина, добрый день!

По вашему запросу:
1. Автоматический выключатель ABB S201 C16 — 1 120,00 руб., в наличии.
2. Автоматический выключатель ABB S203 C32 — цену и срок сообщу завтра.
3. УЗО ABB F202 AC-40/0,03 — снято с производства, предлагаем замену ABB F202 A-40/0,03 — 6 830,00 руб., срок 2 недели.
4. Щит распределительный ЩРН-24 — нет.

Цены указаны с НДС.

С уважением,
Ольга Никитина
ООО «ЭлектроЩит»
тел. +7 (4722) 33-44-55

-----Original Message-----
From: {BROKER_NAME} <{BROKER}>
Sent: Monday, December 14, 2026 9:30 AM
Subject: {rfq_subj(rid, 2, re="")}

{rfq_text(items)}"""
    hs = std_headers(
        addr("Ольга Никитина", "nikitina@elektroshit.example", "windows-1251"),
        addr(BROKER_NAME, BROKER, "windows-1251"),
        rfq_subj(rid, 2),
        t,
        "<0025.nikitina.13131313@elektroshit.example>",
        cs="windows-1251",
        irt=rfq_id(rid, "25ee25"),
        recv=("mail.elektroshit.example", "192.0.2.25"),
    )
    add(
        build(hs, text(body, cs="windows-1251", cte="8bit"), crlf=True),
        Q(
            "RUB",
            True,
            [
                RL(items[0], 1120.0, True, 0),
                RL(items[1], None, None),
                RL(
                    items[2],
                    6830.0,
                    True,
                    14,
                    name="УЗО ABB F202 AC-40/0,03 (аналог ABB F202 A-40/0,03)",
                ),
                RL(items[3], None, False),
            ],
        ),
    )


def case_026():
    rid, t0, t = 1276, T(12, 15, 10, 0), T(12, 15, 10, 41, 0)
    items = [
        ("Кабель NYM 3х2,5", 500, "м"),
        ("Труба гофрированная ПВХ 20 мм", 300, "м"),
        ("Коробка распаечная 100х100х50 IP55", 40, "шт"),
    ]
    subj = rfq_subj(rid, 1, re="")
    body = (
        "Добрый день. По кабелю NYM ответ дадим завтра, уточняем остатки. Гофру и коробки не возим, извините.\n\n"
        "Роман\n\n" + hdr_outlook_ru(t0, "roman@kabel-sklad.example", subj) + "\n" + rfq_text(items)
    )
    hs = std_headers(
        addr("Роман Шилов", "roman@kabel-sklad.example"),
        addr(BROKER_NAME, BROKER),
        "RE: " + subj,
        t,
        "<0026.roman.kabel@kabel-sklad.example>",
        irt=rfq_id(rid, "26ff26"),
        recv=("mail.kabel-sklad.example", "203.0.113.26"),
        extra=[("X-Mailer", "Microsoft Outlook for iOS")],
    )
    add(
        build(hs, text(body, cte="base64")),
        Q(
            None,
            None,
            [RL(items[0], None, None), RL(items[1], None, False), RL(items[2], None, False)],
        ),
    )


# ============================================================================ 5. requests from clients

INN_TECHMONTAZH = inn10("500312345")
INN_LAPIN = inn12("7728123456")
INN_PROMSTROY = inn10("771456789")
INN_STROYMONTAZH = inn10("231012345")
INN_SEVVETER = inn10("290112345")
INN_SIDORENKO = inn12("5904123456")
INN_ELEKTROMIR = inn10("590212345")
INN_NORDIC = inn10("781654321")


def case_027():
    t = T(11, 2, 10, 15, 2)
    body = f"""Добрый день!

Прошу выставить счёт/КП на следующее:

1. Болт М12х60 DIN 933 кл.пр. 8.8 оцинк. — 100 шт
2. Гайка М12 DIN 934 кл.пр. 8 оцинк. — 150 шт
3. Шайба 12 DIN 125 оцинк. — 300 шт
4. Анкерный болт с гайкой 12х100 — 50 шт

Поставка нужна до 10 декабря.

P.S. болтов М12х60 не 100, а 150 — под гайки.

--
С уважением,
Владимир Ершов
снабженец
ООО "ТехМонтаж"
ИНН {INN_TECHMONTAZH} / КПП 500301001
тел. +7 (916) 234-56-78
"""
    hs = std_headers(
        addr("Владимир Ершов", "ershov@techmontazh.example"),
        addr("ООО Брокер-Снаб", "zakaz@broker.example"),
        "Заявка на крепёж",
        t,
        "<0027.ershov.2026110210@techmontazh.example>",
        recv=("mail.techmontazh.example", "198.51.100.27"),
    )
    add(
        build(hs, text(body)),
        R(
            [
                I("Болт М12х60 DIN 933 кл.пр. 8.8 оцинк.", 150, "шт", "DIN 933"),
                I("Гайка М12 DIN 934 кл.пр. 8 оцинк.", 150, "шт", "DIN 934"),
                I("Шайба 12 DIN 125 оцинк.", 300, "шт", "DIN 125"),
                I("Анкерный болт с гайкой 12х100", 50, "шт"),
            ],
            "2026-12-10",
            'ООО "ТехМонтаж"',
            INN_TECHMONTAZH,
            "+79162345678",
        ),
    )


def case_028():
    t = T(11, 4, 19, 22, 41)
    body = f"""Здравствуйте.
Нужно на объект:
1) ВВГнг-LS 3х2,5 - 300 м
2) ВВГнг-LS 3х1,5 - 200 м
3) Гофра ПВХ 20 мм с протяжкой - 100 м
4) Коробка распаечная 80х80 - 30 шт

UPD: по 3х1,5 не 200, а 250 м. И гофру надо 25 мм, а не 20.

Срок - до 20.11.
Игорь Лапин, ИП Лапин И.С., ИНН {INN_LAPIN}, 8-903-777-12-34
"""
    hs = std_headers(
        addr("Игорь Лапин", "lapin.is@mail.example", "koi8-r"),
        "zakaz@broker.example",
        "заявка кабель",
        t,
        "<1730738561.0028@f77.i.mail.example>",
        cs="koi8-r",
        recv=("f77.i.mail.example", "94.100.178.77"),
    )
    add(
        build(hs, text(body, cs="koi8-r", cte="quoted-printable")),
        R(
            [
                I("ВВГнг-LS 3х2,5", 300, "м"),
                I("ВВГнг-LS 3х1,5", 250, "м"),
                I("Гофра ПВХ 25 мм с протяжкой", 100, "м"),
                I("Коробка распаечная 80х80", 30, "шт"),
            ],
            "2026-11-20",
            "ИП Лапин И.С.",
            INN_LAPIN,
            "+79037771234",
        ),
    )


def case_029():
    t0, t = T(11, 9, 8, 12), T(11, 9, 9, 3, 55)
    body = f"""Ирина, добрый день, пересылаю заявку от нашего прораба. Одна поправка: уголка нужно 60 м, а не 6 - он ошибся. Остальное как есть. Срок - до 25 ноября.

С уважением,
Кирилл Суханов
ООО «ПромСтрой-Инвест»
ИНН {INN_PROMSTROY}
+7 (499) 346-11-22

---------- Forwarded message ---------
От: Прораб Уч. 3 <uchastok3@promstroy-invest.example>
Date: {WD_SHORT[t0.weekday()]}, {t0.day} {MON_SHORT[t0.month]} {t0.year} г. в {t0:%H:%M}
Subject: заявка материалы
To: Кирилл Суханов <k.sukhanov@promstroy-invest.example>


Кирилл, на участок нужно:
арматура А500С 12 мм - 1,5 т
уголок 63х63х5 - 6 м
швеллер 12П - 24 м
проволока вязальная 1,2 мм - 50 кг
электроды МР-3 3 мм - 10 кг

Отправлено с iPhone
"""
    hs = std_headers(
        addr("Кирилл Суханов", "k.sukhanov@promstroy-invest.example"),
        addr(BROKER_NAME, BROKER),
        "Fwd: заявка материалы",
        t,
        "<CAK0029fwdZq@mail.gmail.example>",
        recv=("mail-sor-f29.google.example", "209.85.220.29"),
    )
    add(
        build(hs, text(body, cte="quoted-printable")),
        R(
            [
                I("Арматура А500С 12 мм", 1.5, "т"),
                I("Уголок 63х63х5", 60, "м"),
                I("Швеллер 12П", 24, "м"),
                I("Проволока вязальная 1,2 мм", 50, "кг"),
                I("Электроды МР-3 3 мм", 10, "кг"),
            ],
            "2026-11-25",
            "ООО «ПромСтрой-Инвест»",
            INN_PROMSTROY,
            "+74993461122",
        ),
    )


def case_030():
    t = T(11, 12, 11, 40, 0)
    doc = make_docx(
        [
            ("b", "ЗАЯВКА НА ПОСТАВКУ"),
            "",
            "Заказчик: ООО «СтройМонтаж-Юг»",
            f"ИНН {INN_STROYMONTAZH}",
            "Контактное лицо: Петров Алексей, тел. 8 (861) 234-56-78",
            "Требуемый срок поставки: до 14.12.2026",
            "",
            (
                "table",
                [
                    ["№", "Наименование", "Ед. изм.", "Кол-во"],
                    ["1", "Саморез кровельный 4,8х35 RAL 3005", "шт", "2000"],
                    ["2", "Профнастил С21 0,5 мм RAL 3005", "м2", "350"],
                    ["3", "Конёк плоский 2 м RAL 3005", "шт", "25"],
                    ["4", "Уплотнитель универсальный для С21", "м", "120"],
                ],
            ),
            "",
            "Доставка: г. Краснодар, ул. Уральская, 99 (объект).",
        ]
    )
    body = "Добрый день! Заявка во вложении.\nСпасибо.\n\nАлексей\n"
    mp = multipart(
        "mixed",
        [text(body), attachment(doc, DOCX_CT, "Заявка СтройМонтаж-Юг.docx", "2231")],
        "===============0030123456789==",
    )
    hs = std_headers(
        addr("Алексей Петров", "alexey.petrov77@mail.example"),
        "zakaz@broker.example",
        "Заявка",
        t,
        "<0030.petrov.docx@mail.example>",
        recv=("smtp.mail.example", "94.100.180.30"),
    )
    add(
        build(hs, mp),
        R(
            [
                I("Саморез кровельный 4,8х35 RAL 3005", 2000, "шт"),
                I("Профнастил С21 0,5 мм RAL 3005", 350, "м2"),
                I("Конёк плоский 2 м RAL 3005", 25, "шт"),
                I("Уплотнитель универсальный для С21", 120, "м"),
            ],
            "2026-12-14",
            "ООО «СтройМонтаж-Юг»",
            INN_STROYMONTAZH,
            "+78612345678",
        ),
    )


def case_031():
    t = T(11, 16, 14, 5, 0)
    xl = make_xlsx(
        [
            ["Заявка на поставку №47 от 16.11.2026"],
            ["Организация:", 'АО "Северный Ветер"'],
            ["ИНН:", INN_SEVVETER],
            ["Телефон:", "+7 (8182) 65-43-21"],
            ["Срок поставки:", "до 30.11.2026"],
            [],
            ["№", "Артикул", "Наименование", "Ед.", "Кол-во"],
            [1, "6204-2RS", "Подшипник 6204-2RS", "шт", 40],
            [2, "22212 EK", "Подшипник сферический роликовый 22212 EK", "шт", 6],
            [3, "UCP 208", "Подшипниковый узел UCP 208", "шт", 10],
            [4, "SPZ 1250", "Ремень клиновой SPZ 1250", "шт", 24],
        ],
        "Заявка",
    )
    body = "Добрый день, во вложении заявка, просьба дать КП.\n\nС уважением, отдел снабжения\n"
    mp = multipart(
        "mixed",
        [text(body, cs="windows-1251", cte="base64"), attachment(xl, XLSX_CT, "zayavka_47.xlsx")],
        "----=_NextPart_000_0031_01DB3A1B.2C3D4E50",
    )
    hs = std_headers(
        addr("Отдел снабжения", "snab@sev-veter.example", "windows-1251"),
        "zakaz@broker.example",
        "Заявка №47",
        t,
        "<000301db3a1b$2c3d4e50$0031@sev-veter.example>",
        cs="windows-1251",
        recv=("mail.sev-veter.example", "192.0.2.31"),
        extra=[("X-Mailer", "Microsoft Outlook 16.0")],
    )
    add(
        build(hs, mp, crlf=True),
        R(
            [
                I("Подшипник 6204-2RS", 40, "шт", "6204-2RS"),
                I("Подшипник сферический роликовый 22212 EK", 6, "шт", "22212 EK"),
                I("Подшипниковый узел UCP 208", 10, "шт", "UCP 208"),
                I("Ремень клиновой SPZ 1250", 24, "шт", "SPZ 1250"),
            ],
            "2026-11-30",
            'АО "Северный Ветер"',
            INN_SEVVETER,
            "+78182654321",
        ),
    )


def case_032():
    t = T(11, 18, 20, 17, 36)
    doc = make_docx(
        [
            "Индивидуальный предприниматель Сидоренко Виктор Андреевич",
            f"ИНН {INN_SIDORENKO}",
            "тел. +7 912 480-33-21",
            "",
            "Прошу предоставить счёт на:",
            "1. Пена монтажная профессиональная 750 мл — 48 шт",
            "2. Герметик силиконовый санитарный белый 280 мл — 60 шт",
            "3. Лента малярная 48 мм х 50 м — 36 рулонов",
            "4. Перчатки трикотажные с ПВХ — 100 пар",
            "",
            "Срок поставки: не позднее 20 декабря 2026 г.",
        ]
    )
    body = "Здравствуйте, высылаю заявку, прошу посчитать.\n"
    mp = multipart(
        "mixed",
        [text(body, quoted_cs=False), attachment(doc, DOCX_CT, "заявка.docx", "ew")],
        "--_com.android.email_0032",
    )
    hs = std_headers(
        addr("Виктор", "v.sidorenko@yandex.example"),
        "zakaz@broker.example",
        "заявка",
        t,
        "<0032.sidorenko@yandex.example>",
        recv=("forward32.mail.yandex.example", "77.88.28.32"),
    )
    add(
        build(hs, mp),
        R(
            [
                I("Пена монтажная профессиональная 750 мл", 48, "шт"),
                I("Герметик силиконовый санитарный белый 280 мл", 60, "шт"),
                I("Лента малярная 48 мм х 50 м", 36, "рул"),
                I("Перчатки трикотажные с ПВХ", 100, "пар"),
            ],
            "2026-12-20",
            "ИП Сидоренко Виктор Андреевич",
            INN_SIDORENKO,
            "+79124803321",
        ),
    )


def case_033():
    t = T(11, 23, 9, 51, 8)
    xl = make_xlsx(
        [
            ["Артикул", "Наименование", "Кол-во", "Ед.изм"],
            ["MVA20-1-016-C", "Автоматический выключатель ВА47-29 1P 16А C IEK", 60, "шт."],
            ["MVA20-3-025-C", "Автоматический выключатель ВА47-29 3P 25А C IEK", 12, "шт."],
            ["MAD22-5-025-C-30", "Дифавтомат АВДТ32 C25 30мА IEK", 20, "шт."],
            ["MKP22-N-24-31-20", "Корпус ЩРН-24 IEK", 5, "шт."],
            [],
            ["Заказчик:", 'ООО "ЭлектроМир-Пермь"'],
            ["ИНН", INN_ELEKTROMIR],
            ["Контактное лицо:", "Смирнова Ольга, +7 (342) 255-10-20"],
            ["Поставка до:", "07.12.2026"],
        ],
        "TDSheet",
    )
    body = "см. вложение\n"
    mp = multipart(
        "mixed",
        [text(body), attachment(xl, XLSX_CT, "Потребность_декабрь.xlsx", "ew")],
        "b1_0033f1e2d3c4b5a6978812345",
    )
    hs = std_headers(
        addr("Смирнова Ольга", "o.smirnova@elektromir-perm.example"),
        addr(BROKER_NAME, BROKER),
        "потребность",
        t,
        "<0033.smirnova@elektromir-perm.example>",
        recv=("mail.elektromir-perm.example", "203.0.113.33"),
    )
    add(
        build(hs, mp),
        R(
            [
                I("Автоматический выключатель ВА47-29 1P 16А C IEK", 60, "шт", "MVA20-1-016-C"),
                I("Автоматический выключатель ВА47-29 3P 25А C IEK", 12, "шт", "MVA20-3-025-C"),
                I("Дифавтомат АВДТ32 C25 30мА IEK", 20, "шт", "MAD22-5-025-C-30"),
                I("Корпус ЩРН-24 IEK", 5, "шт", "MKP22-N-24-31-20"),
            ],
            "2026-12-07",
            'ООО "ЭлектроМир-Пермь"',
            INN_ELEKTROMIR,
            "+73422551020",
        ),
    )


def case_034():
    t = T(11, 25, 12, 2, 0)
    body = f"""Dear Sir or Madam,

Please send us your best offer for the following items:

1. Deep groove ball bearing 6308-2RS, SKF or equivalent - 40 pcs
2. Stainless steel hex bolt M16x80, DIN 931, A2-70 - 250 pcs
3. Copper cable NYM 3x2.5 mm2 - 600 meters
4. Nitrile gloves, size L - 30 boxes

Required delivery date: December 18, 2026 (DAP St. Petersburg).
Prices in RUB incl. VAT, please.

Kind regards,
Mikko Virtanen
Procurement Manager
Nordic Tools LLC (ООО "Нордик Тулс")
INN {INN_NORDIC}
Tel.: +7 812 600-45-45
"""
    hs = std_headers(
        addr("Mikko Virtanen", "mikko.virtanen@nordictools.example"),
        "sales@broker.example",
        "RFQ: bearings, bolts, cable",
        t,
        "<0034.MV.20261125@nordictools.example>",
        recv=("mail.nordictools.example", "198.51.100.34"),
    )
    add(
        build(hs, text(body, cs="utf-8", cte="quoted-printable")),
        R(
            [
                I("Deep groove ball bearing 6308-2RS, SKF or equivalent", 40, "шт", "6308-2RS"),
                I("Stainless steel hex bolt M16x80, DIN 931, A2-70", 250, "шт", "DIN 931"),
                I("Copper cable NYM 3x2.5 mm2", 600, "м"),
                I("Nitrile gloves, size L", 30, "кор"),
            ],
            "2026-12-18",
            "Nordic Tools LLC",
            INN_NORDIC,
            "+78126004545",
        ),
    )


def case_035():
    t = T(11, 27, 8, 30, 0)
    body = """Hello,

We are looking for supply of rigging to Aktau, Kazakhstan:

- Steel wire rope 10 mm DIN 3060, galvanized: 500 metres
- Bow shackle 3/4" (4.75 t WLL): 40 pieces
- Wire rope clips 10 mm DIN 741: 200 pcs
- Turnbuckle M16 hook/eye: 30 ea

Please quote with delivery by 15 Dec 2026. Payment by bank transfer after delivery.

Best regards,
Aigerim Seitkali
Supply Chain Specialist
Caspian Drilling Services LLP
Phone: +7 7292 30-45-67
"""
    hs = std_headers(
        addr("Aigerim Seitkali", "a.seitkali@caspian-drilling.example"),
        "sales@broker.example",
        "Enquiry - rigging equipment",
        t,
        "<0035.AS@caspian-drilling.example>",
        recv=("mail.caspian-drilling.example", "203.0.113.35"),
    )
    add(
        build(hs, text(body, cs="us-ascii", cte="7bit"), crlf=True),
        R(
            [
                I("Steel wire rope 10 mm DIN 3060, galvanized", 500, "м", "DIN 3060"),
                I('Bow shackle 3/4" (4.75 t WLL)', 40, "шт"),
                I("Wire rope clips 10 mm DIN 741", 200, "шт", "DIN 741"),
                I("Turnbuckle M16 hook/eye", 30, "шт"),
            ],
            "2026-12-15",
            "Caspian Drilling Services LLP",
            None,
            "+77292304567",
        ),
    )


def case_036():
    t = T(12, 1, 15, 44, 0)
    rows = [
        ("1", "Hand pallet truck 2500 kg", "2", "pcs"),
        ("2", "Stretch film 500 mm x 23 mic", "40", "rolls"),
        ("3", "Cable ties 4.8x300 mm black (100 pcs/pack)", "25", "packs"),
        ("4", "Safety boots S3 size 43", "12", "pairs"),
        ("5", "Enamel paint PF-115 grey", "60", "kg"),
    ]
    tr = "".join("<tr>" + "".join(f"<td>{xesc(c)}</td>" for c in r) + "</tr>\n" for r in rows)
    html = f"""<html><body>
<p>Good afternoon,</p>
<p>Please find our enquiry below. Kindly quote incl. VAT and delivery to Kaliningrad.</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th>Item</th><th>Description</th><th>Qty</th><th>Unit</th></tr>
{tr}</table>
<p>Deadline: 21st December 2026.</p>
<p>Best regards,<br>James O'Connor<br>Purchasing Officer<br>Baltic Marine Supply Ltd.<br>+7 (4012) 77-88-99</p>
</body></html>
"""
    plain = (
        "Good afternoon,\n\nPlease find our enquiry below. Kindly quote incl. VAT and delivery to Kaliningrad.\n\n"
        + "\n".join(f"{a}. {b} - {c} {d}" for a, b, c, d in rows)
        + "\n\nDeadline: 21st December 2026.\n\nBest regards,\nJames O'Connor\nPurchasing Officer\n"
        "Baltic Marine Supply Ltd.\n+7 (4012) 77-88-99\n"
    )
    hs = std_headers(
        addr("James O'Connor", "j.oconnor@balticmarine.example"),
        "sales@broker.example",
        "Enquiry BMS-2026-118",
        t,
        "<0036.JOC.118@balticmarine.example>",
        recv=("mail.balticmarine.example", "198.51.100.36"),
    )
    add(
        build(
            hs,
            multipart(
                "alternative",
                [
                    text(plain, cs="us-ascii", cte="7bit"),
                    text(html, "html", cs="us-ascii", cte="7bit"),
                ],
                "Apple-Mail=_0036-ABCD-EF01",
            ),
        ),
        R(
            [
                I("Hand pallet truck 2500 kg", 2, "шт"),
                I("Stretch film 500 mm x 23 mic", 40, "рул"),
                I("Cable ties 4.8x300 mm black (100 pcs/pack)", 25, "уп"),
                I("Safety boots S3 size 43", 12, "пар"),
                I("Enamel paint PF-115 grey", 60, "кг"),
            ],
            "2026-12-21",
            "Baltic Marine Supply Ltd.",
            None,
            "+74012778899",
        ),
    )


# ============================================================================ 6. not orders


def case_037():
    t = T(12, 1, 10, 5, 0)
    assert 45200 + 128450 - 173650 + 64300 - 40000 == 24300
    table = [
        ["Дата", "Документ", "Дебет, руб.", "Кредит, руб."],
        ["01.07.2026", "Сальдо начальное", 45200.00, None],
        ["14.07.2026", "Реализация (УПД №1187 от 14.07.2026)", 128450.00, None],
        ["22.07.2026", "Оплата (п/п №512 от 22.07.2026)", None, 173650.00],
        ["19.08.2026", "Реализация (УПД №1342 от 19.08.2026)", 64300.00, None],
        ["09.09.2026", "Оплата (п/п №604 от 09.09.2026)", None, 40000.00],
        ["30.09.2026", "Сальдо конечное", 24300.00, None],
    ]
    body = """Добрый день!

Направляем акт сверки взаимных расчётов между ООО «Крепёж-Опт» и ООО «Брокер-Снаб» за период 01.07.2026 – 30.09.2026.

Дата        | Документ                              | Дебет, руб.  | Кредит, руб.
01.07.2026  | Сальдо начальное                      |  45 200,00   |
14.07.2026  | Реализация (УПД №1187 от 14.07.2026)  | 128 450,00   |
22.07.2026  | Оплата (п/п №512 от 22.07.2026)       |              | 173 650,00
19.08.2026  | Реализация (УПД №1342 от 19.08.2026)  |  64 300,00   |
09.09.2026  | Оплата (п/п №604 от 09.09.2026)       |              |  40 000,00
30.09.2026  | Сальдо конечное                       |  24 300,00   |

По данным ООО «Крепёж-Опт» на 30.09.2026 задолженность в пользу ООО «Крепёж-Опт» составляет 24 300,00 руб.
Просим подписать акт и вернуть скан в течение 5 рабочих дней. Файл во вложении.

С уважением,
Бухгалтерия ООО «Крепёж-Опт»
Тамара Ивановна Зуева
+7 (495) 765-43-21 доб. 101
"""
    xl = make_xlsx(
        [["Акт сверки взаимных расчетов за период 01.07.2026 - 30.09.2026"], []] + table,
        "Акт сверки",
    )
    mp = multipart(
        "mixed",
        [text(body), attachment(xl, XLSX_CT, "Акт сверки 3 кв 2026.xlsx", "2231")],
        "----=_Part_0037_1122334455.1796112300000",
    )
    hs = std_headers(
        addr("Бухгалтерия Крепёж-Опт", "buh@krepezh-opt.example"),
        addr("Бухгалтерия", "buh@broker.example"),
        "Акт сверки взаимных расчетов за 3 квартал 2026 г.",
        t,
        "<0037.akt.sverki@krepezh-opt.example>",
        recv=("mail.krepezh-opt.example", "198.51.100.21"),
    )
    add(build(hs, mp), O("not_procurement"))


def case_038():
    t = T(11, 24, 16, 30, 0)
    assert 500 * 9.80 + 500 * 2.15 == 5975 and round(5975 * 22 / 122, 2) == 1077.46
    body = """Добрый день!

Ниже счёт на оплату по вашему заказу, оригинал отправим почтой вместе с УПД.

СЧЁТ НА ОПЛАТУ № 2211 от 24.11.2026

Поставщик: ООО "Крепёж-Опт", ИНН 5029123453, КПП 502901001
Покупатель: ООО "Брокер-Снаб"

№  Товар                               Кол-во   Ед.  Цена    Сумма
1  Болт М10х40 DIN 933 оцинкованный    500      шт   9,80    4 900,00
2  Гайка М10 DIN 934 оцинкованная      500      шт   2,15    1 075,00

Итого: 5 975,00
В том числе НДС (22%): 1 077,46
Всего к оплате: 5 975,00 руб. (Пять тысяч девятьсот семьдесят пять рублей 00 копеек)

Оплатить до 01.12.2026. Счёт действителен 5 банковских дней.
Р/с 40702810900000012345 в АО "Банк-Пример", БИК 044525999, к/с 30101810400000000999

Бухгалтерия ООО "Крепёж-Опт"
"""
    hs = std_headers(
        addr("Крепёж-Опт Бухгалтерия", "buh@krepezh-opt.example"),
        addr(BROKER_NAME, BROKER),
        "Счёт на оплату № 2211 от 24.11.2026",
        t,
        "<0038.schet.2211@krepezh-opt.example>",
        recv=("mail.krepezh-opt.example", "198.51.100.21"),
        extra=[("X-Mailer", "1C:Enterprise 8.3")],
    )
    add(build(hs, text(body, cs="windows-1251", cte="quoted-printable")), O("not_procurement"))


def case_039():
    t = T(12, 7, 9, 0, 0)
    assert 58900 + 64300 + 25400 == 148600
    body = """Уважаемые коллеги!

Напоминаем, что по состоянию на 07.12.2026 за вашей организацией числится просроченная задолженность:

Счёт          Дата         Сумма, руб.    Срок оплаты   Просрочка, дн.
№ 1984        02.11.2026   58 900,00      09.11.2026    28
№ 2050        10.11.2026   64 300,00      17.11.2026    20
№ 2133        18.11.2026   25 400,00      25.11.2026    12

Итого к оплате: 148 600,00 руб.

Просим погасить задолженность в срок до 11.12.2026. В случае если оплата уже произведена, просим направить копию платёжного поручения.

Это письмо сформировано автоматически, отвечать на него не нужно.
Отдел дебиторской задолженности ООО «ЭлектроСнаб-Центр»
"""
    hs = std_headers(
        addr("ЭлектроСнаб-Центр", "noreply@elsnab-center.example"),
        "buh@broker.example",
        "Напоминание об оплате: просроченная задолженность 148 600,00 руб.",
        t,
        "<0039.reminder@elsnab-center.example>",
        recv=("mail.elsnab-center.example", "203.0.113.39"),
        extra=[("Auto-Submitted", "auto-generated"), ("X-Mailer", "1C:Enterprise 8.3")],
    )
    add(build(hs, text(body, cte="base64")), O("not_procurement"))


def case_040():
    t = T(11, 27, 7, 0, 0)
    rows = [
        ("Перфоратор Bosch GBH 2-26 DRE", "21 500 ₽", "17 990 ₽"),
        ("Шуруповёрт Makita DF333DWYE", "14 990 ₽", "11 490 ₽"),
        ("УШМ Makita GA5030", "7 890 ₽", "6 290 ₽"),
        ("Лазерный уровень ADA Cube 3D", "12 900 ₽", "9 990 ₽"),
    ]
    tr = "".join(
        f'<tr><td>{xesc(a)}</td><td style="text-decoration:line-through;color:#888">{b}</td>'
        f'<td style="color:#d00"><b>{c}</b></td></tr>\n'
        for a, b, c in rows
    )
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Чёрная пятница</title></head>
<body style="background:#111;color:#fff;font-family:Arial">
<table width="600" align="center"><tr><td>
<h1>ЧЁРНАЯ ПЯТНИЦА в ИнструментСервис — скидки до 30%!</h1>
<p>Только 27–30 ноября. Успейте купить инструмент по лучшим ценам года.</p>
<table width="100%" border="0" cellpadding="6">
<tr><th>Товар</th><th>Было</th><th>Стало</th></tr>
{tr}</table>
<p><a href="https://instrument-service.example/sale?utm_source=email&amp;utm_campaign=bf2026">Перейти в каталог</a></p>
<p style="font-size:10px;color:#888">Вы получили это письмо, потому что подписаны на рассылку ИнструментСервис.
<a href="https://instrument-service.example/unsubscribe?u=8f3a">Отписаться</a></p>
</td></tr></table></body></html>
"""
    plain = (
        "ЧЁРНАЯ ПЯТНИЦА в ИнструментСервис — скидки до 30%!\nТолько 27–30 ноября.\n\n"
        + "\n".join(f"{a}: было {b}, стало {c}" for a, b, c in rows)
        + "\n\nКаталог: https://instrument-service.example/sale\nОтписаться: https://instrument-service.example/unsubscribe?u=8f3a\n"
    )
    hs = std_headers(
        addr("ИнструментСервис", "news@instrument-service.example"),
        BROKER,
        "Чёрная пятница: скидки до 30% на электроинструмент",
        t,
        "<0040.bf2026.8f3a@mailer.instrument-service.example>",
        recv=("mailer.instrument-service.example", "198.51.100.240"),
        extra=[
            (
                "List-Unsubscribe",
                "<https://instrument-service.example/unsubscribe?u=8f3a>, <mailto:unsubscribe@instrument-service.example>",
            ),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Precedence", "bulk"),
            ("X-Campaign-Id", "bf2026-msk"),
        ],
    )
    add(
        build(
            hs,
            multipart(
                "alternative",
                [text(plain, cte="base64"), text(html, "html", cte="base64")],
                "=_bf2026_0040",
            ),
        ),
        O("spam"),
    )


def case_041():
    t = T(12, 2, 8, 15, 0)
    body = """Здравствуйте!

Металлобаза «УралСтальПрокат» предлагает металлопрокат по ценам завода. Прайс на декабрь 2026:

Наименование                         Цена, руб./т (с НДС)
Арматура А500С 12 мм                 58 900
Лист г/к 3 мм 1250х2500              67 500
Труба профильная 40х20х2             71 200
Уголок 50х50х5                       69 800
Швеллер 12П                          72 400

Порезка в размер бесплатно. Доставка по Екатеринбургу от 1 т — бесплатно.
Звоните: 8-800-000-00-00, пишите: sales@uralstal.example

Если вы не хотите получать наши предложения, перейдите по ссылке: https://uralstal.example/unsub?id=41
"""
    hs = std_headers(
        addr("УралСтальПрокат", "promo@uralstal.example"),
        BROKER,
        "Металлопрокат по ценам завода — прайс на декабрь",
        t,
        "<0041.promo@send.uralstal.example>",
        recv=("send.uralstal.example", "192.0.2.141"),
        extra=[
            ("List-Unsubscribe", "<https://uralstal.example/unsub?id=41>"),
            ("Precedence", "bulk"),
            ("X-Mailer", "UniSender"),
        ],
    )
    add(build(hs, text(body, cs="windows-1251", cte="8bit", quoted_cs=False)), O("spam"))


def case_042():
    t = T(12, 4, 6, 30, 0)
    rows = [
        ("Кабель ВВГнг(А)-LS 3х2,5 — 5 000 м", "АО «Энергосеть»", "520 000 руб.", "10.12.2026"),
        ("Болт М16х80 DIN 931 8.8 — 2 000 шт", "ООО «ТрансМост»", "96 000 руб.", "11.12.2026"),
        ("Подшипник 6310-2RS — 120 шт", "ПАО «Завод Пример»", "180 000 руб.", "14.12.2026"),
    ]
    tr = "".join("<tr>" + "".join(f"<td>{xesc(c)}</td>" for c in r) + "</tr>\n" for r in rows)
    html = f"""<html><body>
<h2>Тендеры недели по вашим ключевым словам</h2>
<p>Здравствуйте! Подборка новых закупок за 27.11–03.12.2026:</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th>Предмет закупки</th><th>Заказчик</th><th>НМЦ</th><th>Окончание подачи</th></tr>
{tr}</table>
<p>Чтобы участвовать, оформите подписку «Профи» — всего 2 990 руб./мес.</p>
<p><small>Вы получили это письмо как пользователь портала tender-digest.example.
<a href="https://tender-digest.example/unsubscribe/42">Отписаться от рассылки</a></small></p>
</body></html>
"""
    hs = std_headers(
        addr("Тендер-Дайджест", "digest@tender-digest.example"),
        BROKER,
        "Тендеры недели: кабель, крепёж, подшипники",
        t,
        "<0042.digest.week49@tender-digest.example>",
        recv=("out.tender-digest.example", "203.0.113.242"),
        extra=[
            ("List-Id", "Weekly digest <weekly.tender-digest.example>"),
            ("List-Unsubscribe", "<https://tender-digest.example/unsubscribe/42>"),
            ("Precedence", "bulk"),
        ],
    )
    add(build(hs, text(html, "html", cte="quoted-printable")), O("spam"))


def case_043():
    t = T(11, 19, 3, 12, 45)
    body = """Уважаемый пользователь zakupki@broker.example!

Ваш почтовый ящик превысил лимит хранилища (99,8%). Входящие письма будут отклоняться через 24 часа,
а учётная запись будет заблокирована.

Чтобы сохранить доступ, подтвердите учётные данные по ссылке:
http://broker-example.mail-verify.example/owa/login.php?user=zakupki

Служба технической поддержки почтового сервера
© 2026 Mail Administrator
"""
    hs = std_headers(
        addr("Администратор почты", "support@mail-verify.example"),
        BROKER,
        "Внимание! Ваш почтовый ящик будет заблокирован",
        t,
        "<0043.x9@mail-verify.example>",
        recv=("vps-17.hosting.example", "192.0.2.243"),
        extra=[("Reply-To", "helpdesk-mailbox@free.example"), ("X-Priority", "1 (Highest)")],
    )
    add(build(hs, text(body)), O("spam"))


def case_044():
    t = T(12, 10, 18, 5, 0)
    body = """Здравствуйте!

Направляем счёт по нашей договорённости на сумму 287 400,00 руб. (в т.ч. НДС).
Просим оплатить сегодня, иначе товар уйдёт другому клиенту — резерв до 19:00.

Документ доступен для просмотра по защищённой ссылке (пароль 2026):
https://docs-view.example/invoice.php?id=krepezh-2211

С уважением,
Сергей Мальцев
ООО "Крепёж-Опт"
"""
    hs = std_headers(
        addr("Сергей Мальцев", "s.maltsev@krepezh-0pt.example"),
        BROKER,
        "Счет на оплату - срочно",
        t,
        "<0044.fake@krepezh-0pt.example>",
        recv=("unknown.hosting.example", "203.0.113.244"),
        extra=[("Reply-To", "maltsev.krepezh@free.example")],
    )
    add(build(hs, text(body, cte="base64")), O("spam"))


def case_045():
    rid, t0, t = 1279, T(12, 8, 11, 0), T(12, 8, 12, 10, 5)
    items = [("Кабель ВВГнг(А)-LS 5х10", 150, "м"), ("Кабель ВВГнг 3х2,5", 400, "м")]
    body = f"""Ирина, добрый день!

По поз. 2 уточните, пожалуйста: нужен ВВГнг-LS или ВВГнг(А)-LS? И какая длина строительная устроит - можем порезать из барабана или отдать целым барабаном 500 м.

После уточнения сразу вышлем КП по обеим позициям.

Олег Тарасов
ООО «Электрокомплект»

{hdr_thunderbird(t0)}
{quoted(rfq_text(items))}"""
    hs = std_headers(
        addr("Тарасов Олег", "o.tarasov@elektrokomplekt.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 1),
        t,
        "<VI1PR02MB0045AB@elektrokomplekt.example>",
        irt=rfq_id(rid, "45ab45"),
        recv=("mail.elektrokomplekt.example", "203.0.113.40"),
    )
    add(build(hs, text(body)), O("not_procurement"))


def case_046():
    rid, t0, t = 1282, T(12, 9, 10, 0), T(12, 9, 10, 58, 30)
    items = [("Болт М16х70", 300, "шт"), ("Гайка М16", 300, "шт"), ("Шайба 16", 600, "шт")]
    lines = rfq_lines(items)
    body = f"""Добрый день!

{hdr_thunderbird(t0)}
> {lines[0]}
Какой класс прочности нужен, 8.8 или 10.9? Покрытие — цинк гальванический или горячий?

> {lines[1]}
Тоже уточните класс (8 или 10).

> {lines[2]}
Плоская DIN 125 или увеличенная DIN 9021?

Цены дадим сразу после уточнения.

-- 
Сергей Мальцев
ООО "Крепёж-Опт"
+7 (495) 765-43-21 доб. 112
"""
    hs = std_headers(
        addr("Сергей Мальцев", "s.maltsev@krepezh-opt.example"),
        addr(BROKER_NAME, BROKER),
        rfq_subj(rid, 2),
        t,
        "<5f1e2a90-3c1b-4f0e-9d8e-046a@krepezh-opt.example>",
        irt=rfq_id(rid, "46cd46"),
        recv=("mail.krepezh-opt.example", "198.51.100.21"),
    )
    add(build(hs, text(body, cte="quoted-printable")), O("not_procurement"))


def case_047():
    t = T(12, 8, 14, 22, 0)
    html = """<html><body style="font-family:Arial">
<p>Здравствуйте!</p>
<p>Вам поступил документ от контрагента <b>ООО «Крепёж-Опт»</b> (ИНН 5029123453):</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th>Документ</th><th>Номер</th><th>Дата</th><th>Сумма, руб.</th></tr>
<tr><td>УПД (счёт-фактура и передаточный документ)</td><td>1502</td><td>08.12.2026</td><td>64 300,00</td></tr>
</table>
<p>Требуется подпись получателя. <a href="https://edo-provider.example/docs/1502">Открыть документ</a></p>
<p style="color:#888;font-size:11px">Это автоматическое уведомление системы электронного документооборота. Не отвечайте на него.</p>
</body></html>
"""
    hs = std_headers(
        addr("ЭДО-Провайдер", "noreply@edo-provider.example"),
        "buh@broker.example",
        "Вам поступил документ: УПД № 1502 от 08.12.2026",
        t,
        "<0047.notify.1502@edo-provider.example>",
        recv=("smtp.edo-provider.example", "198.51.100.247"),
        extra=[("Auto-Submitted", "auto-generated")],
    )
    add(build(hs, text(html, "html", cte="base64")), O("not_procurement"))


def case_048():
    t = T(11, 30, 11, 20, 0)
    body = """Здравствуйте, Ирина!

Меня зовут Артём, я менеджер компании «ТехноПласт» — производим кабеленесущие системы в Подмосковье.
Увидел, что вы работаете с электротехникой, и хотел бы предложить сотрудничество.

Наши цены (со склада, с НДС):
Кабель-канал 25х16 белый — 38 руб./м
Кабель-канал 40х25 белый — 64 руб./м
Гофротруба ПНД 20 мм с зондом — 9,80 руб./м
Коробка распаечная 100х100х50 IP55 — 72 руб./шт

Для дилеров — дополнительная скидка до 15%. Могу прислать полный прайс и образцы.
Буду рад обратной связи!

Артём Захаров
«ТехноПласт»
+7 (926) 700-80-90
"""
    hs = std_headers(
        addr("Артём Захаров", "a.zakharov@technoplast.example"),
        BROKER,
        "Сотрудничество: кабель-каналы от производителя",
        t,
        "<0048.zakharov@technoplast.example>",
        recv=("mail.technoplast.example", "192.0.2.148"),
    )
    add(build(hs, text(body, cte="quoted-printable")), O("spam"))


# ============================================================================ main


def write(out: Path) -> int:
    """Write every message and label into ``out``; the same bytes on every run."""
    CASES.clear()
    for i in range(1, 49):
        globals()[f"case_{i:03d}"]()
    assert len(CASES) == 48
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("[0-9][0-9][0-9].*"):
        old.unlink()
    for n, (eml, label) in enumerate(CASES, 1):
        (out / f"{n:03d}.eml").write_bytes(eml)
        (out / f"{n:03d}.json").write_text(
            json.dumps(label, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return len(CASES)


def main() -> int:
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else OUT
    print(f"wrote {write(out)} messages to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
