"""Every message of the labelled development corpus, when it is present next to the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from snab_mailparse import parse_message

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "dev"
MESSAGES = sorted(CORPUS.glob("*.eml")) if CORPUS.is_dir() else []
COMMON_WORDS = re.compile(
    r"\b(?:добрый|здравствуйте|уважением|просим|прошу|запрос\w*|цен\w*|письмо|день|"
    r"поставк\w*|предложени\w*|заявк\w*)\b",
    re.IGNORECASE,
)
MOJIBAKE = re.compile(r"[ÐÑ]|Р[°µѕ]|С[‚ЂЃ]|\ufffd")

pytestmark = pytest.mark.skipif(not MESSAGES, reason="shared corpus is not available")


def _label(eml: Path) -> dict[str, object]:
    label = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
    assert isinstance(label, dict)
    return label


@pytest.mark.parametrize("eml", MESSAGES, ids=[p.name for p in MESSAGES])
def test_corpus_message(eml: Path) -> None:
    label = _label(eml)
    parsed = parse_message(eml.read_bytes())
    assert not parsed.unparseable, parsed.defects
    assert parsed.defects == []
    assert parsed.message_id
    assert parsed.from_addr is not None
    assert "=?" not in parsed.subject
    assert "=?" not in parsed.from_addr.name
    assert COMMON_WORDS.search(parsed.text), parsed.text[:300]
    assert not MOJIBAKE.search(parsed.text), parsed.text[:300]
    reason = label.get("other_reason") if label["kind"] == "other" else None
    assert parsed.auto_reply == (reason == "auto_reply"), parsed.auto_reply_reason
    assert parsed.bounce == (reason == "bounce"), parsed.bounce_reason
    if parsed.bounce:
        assert parsed.bounced_message_id is not None
        assert parsed.bounced_message_id.startswith("<rfq.")


def test_corpus_attachments_and_tables() -> None:
    """The corpus has CSV/XLSX requests, HTML tables and forwarded requests: all readable."""
    parsed = [parse_message(p.read_bytes()) for p in MESSAGES]
    names = [a.filename for m in parsed for a in m.attachments]
    assert any(n.endswith(".csv") for n in names)
    assert any(n.endswith(".xlsx") for n in names)
    table_rows = [
        line
        for m in parsed
        if m.html is not None
        for line in m.text.splitlines()
        if line.count(" | ") >= 2
    ]
    assert len(table_rows) >= 10
