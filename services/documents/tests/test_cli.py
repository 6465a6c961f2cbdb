"""`snab-documents render` previews a ProposalDocument with no server; settings parse."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents_testkit import COMPANY, pages, proposal

from snab_documents.cli import tools
from snab_documents.render.pdf import BUILTIN_DIR
from snab_documents.settings import DocumentsSettings


def test_sample_renders_to_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample, out, html = tmp_path / "kp.json", tmp_path / "kp.pdf", tmp_path / "kp.html"
    assert tools(["sample", str(sample)]) == 0
    assert tools(["render", str(sample), str(out), "--html", str(html)]) == 0
    text = pages(out.read_bytes())[0]
    assert "Коммерческое предложение № KP-2026-0042-1" in text
    assert "Двадцать одна тысяча шестьсот пятнадцать рублей 00 копеек" in " ".join(text.split())
    assert '<table class="lines">' in html.read_text()
    assert "kp.pdf" in capsys.readouterr().out


def test_render_says_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"number": "nope"}')
    assert tools(["render", str(bad), str(tmp_path / "x.pdf")]) == 2
    assert "not a ProposalDocument" in capsys.readouterr().err

    doc = tmp_path / "kp.json"
    doc.write_text(proposal(2, company=COMPANY.model_copy(update={"bank": None})).model_dump_json())
    broken = tmp_path / "template"
    broken.mkdir()
    (broken / "proposal.html").write_text("{% if %}")
    assert tools(["render", str(doc), str(tmp_path / "y.pdf"), "--template-dir", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "банковские реквизиты" in err, "warns that the service would refuse it"
    assert "Ошибка в шаблоне КП" in err
    # The same document with the shipped template renders (a preview, despite the warning).
    out = tmp_path / "z.pdf"
    assert tools(["render", str(doc), str(out), "--template-dir", str(BUILTIN_DIR)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_required_requisites_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCUMENTS_REQUIRED_REQUISITES", "ogrn, Bank")
    assert DocumentsSettings().documents_required_requisites == ["ogrn", "bank"]
    monkeypatch.setenv("DOCUMENTS_REQUIRED_REQUISITES", "none")
    assert DocumentsSettings().documents_required_requisites == []
    monkeypatch.setenv("DOCUMENTS_REQUIRED_REQUISITES", "ogrn,passport")
    with pytest.raises(ValueError):
        DocumentsSettings()
    monkeypatch.delenv("DOCUMENTS_REQUIRED_REQUISITES")
    assert DocumentsSettings().documents_required_requisites == ["kpp", "ogrn", "address", "bank"]
