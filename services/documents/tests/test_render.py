"""The PDF a client receives: read back with pypdf, as text, page by page."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from documents_testkit import LONG_ARTICLE, flat, fonts, money, pages, proposal

from snab_contracts.documents import ProposalDocument
from snab_documents.domain.words import amount_in_words
from snab_documents.render.pdf import BUILTIN_DIR, ProposalRenderer, RenderFailure, TemplateConfig


def assert_complete(doc: ProposalDocument, texts: list[str]) -> None:
    """Every line, the totals, the amount in words, page numbers and the header on every
    page of the table are in the PDF's text."""
    whole = flat("".join(texts))
    for line in doc.lines:
        assert flat(line.name) in whole, line.name
        assert flat(line.article or "") in whole
        assert flat(money(line.unit_price)) in whole
        assert flat(money(line.amount)) in whole
    for amount in (doc.subtotal, doc.vat_amount, doc.total):
        assert flat(money(amount)) in whole
    assert flat(amount_in_words(doc.total, doc.currency)) in whole
    assert flat(f"Коммерческое предложение № {doc.number}") in whole
    for n, text in enumerate(texts, start=1):
        assert f"стр. {n} из {len(texts)}" in text
        assert f"КП № {doc.number} от 01.12.2026" in text


@pytest.mark.parametrize("count", [1, 10, 40])
def test_lines_totals_words_and_pages(renderer: ProposalRenderer, count: int) -> None:
    doc = proposal(count)
    texts = pages(renderer.render(doc))
    assert_complete(doc, texts)
    assert "в т.ч. НДС 22 %" in " ".join(texts[-1].split())
    assert "Итого с НДС" in texts[-1]
    if count <= 10:
        assert len(texts) == 1, "up to ten lines fit on one page, signature included"
    else:
        assert len(texts) >= 2
        # The table's header is repeated on every page the table runs over.
        table_pages = [t for t in texts if "ART-" in t]
        assert len(table_pages) >= 2
        for text in table_pages:
            assert "Наименование" in text and "Артикул" in text and "Кол-во" in text
    whole = "".join(texts)
    for printed in (
        "Предложение действительно",
        "ИНН 7701234567",
        "КПП 770101001",
        "ОГРН 1027700132195",
        "БИК 044525225",
        "Р/с 40702810900000012345",
        "ООО «Ромашка»",
        "Анна Смирнова",
        "+7 (495) 123-45-68",
        "до 11 декабря 2026 г.",
        "5 дней",
        "100% предоплата",
        "М.П.",
        "подпись",
    ):
        assert printed in whole, printed


def test_long_names_and_articles_wrap_and_stay_whole(renderer: ProposalRenderer) -> None:
    doc = proposal(8, long=True)
    texts = pages(renderer.render(doc))
    assert_complete(doc, texts)
    assert flat(LONG_ARTICLE) in flat("".join(texts))
    # A row is never split across pages: each position's name is whole on one page.
    for line in doc.lines:
        assert sum(flat(line.name) in flat(t) for t in texts) == 1


def test_usd_proposal_has_its_own_words(renderer: ProposalRenderer) -> None:
    doc = proposal(3, currency="USD")
    texts = pages(renderer.render(doc))
    assert_complete(doc, texts)
    whole = "".join(texts)
    assert "долларов США" in whole or "доллара США" in whole or "доллар США" in whole
    assert "Цена с НДС, долл. США" in " ".join(whole.split())
    assert "рубл" not in whole


def test_without_vat(renderer: ProposalRenderer) -> None:
    doc = proposal(2, vat_rate=Decimal(0))
    whole = "".join(pages(renderer.render(doc)))
    assert "НДС не облагается" in whole
    assert "в т.ч. НДС" not in whole


def test_500_lines_render(renderer: ProposalRenderer) -> None:
    doc = proposal(500)
    texts = pages(renderer.render(doc))
    assert len(texts) > 10
    assert_complete(doc, texts)


def test_markup_in_names_is_printed_as_text(renderer: ProposalRenderer) -> None:
    hostile = [
        '<script>alert("x")</script> Болт & гайка',
        "Шайба <b>жирная</b> 'в кавычках' \"двойных\"",
        '<img src="http://127.0.0.1:9/track.png"> Анкер',
        "</td></tr></table><h1>ВЗЛОМ</h1>",
    ]
    doc = proposal(4, names=hostile, notes="<style>*{display:none}</style> Примечание & ко")
    html = renderer.html(doc)
    assert "<script>" not in html and "<b>" not in html and "<h1>ВЗЛОМ" not in html
    whole = flat("".join(pages(renderer.render(doc))))
    for name in hostile:
        assert flat(name) in whole, name
    assert flat("<style>*{display:none}</style> Примечание & ко") in whole


def test_fonts_come_from_the_template_only(renderer: ProposalRenderer) -> None:
    # A name in a script the template's fonts lack is not set in some font of the machine.
    doc = proposal(2, names=["Болт 螺栓 M8", "Гайка"])
    embedded = fonts(renderer.render(doc))
    assert embedded, "fonts are embedded"
    assert all(name.startswith("PT-Sans") for name in embedded), embedded


def test_rendering_is_deterministic(renderer: ProposalRenderer) -> None:
    doc = proposal(5)
    assert renderer.render(doc) == renderer.render(doc)


# -- the operator's template --------------------------------------------------------------


def copy_template(tmp_path: Path) -> Path:
    folder = tmp_path / "template"
    shutil.copytree(BUILTIN_DIR, folder)
    return folder


def test_operator_template_replaces_the_shipped_one(tmp_path: Path) -> None:
    folder = tmp_path / "own"
    folder.mkdir()
    # Only the HTML is the operator's; the CSS and fonts are taken from the shipped folder.
    html = (BUILTIN_DIR / "proposal.html").read_text()
    (folder / "proposal.html").write_text(
        html.replace("Благодарим за запрос.", "Спасибо, что выбрали нас.")
    )
    own = ProposalRenderer(TemplateConfig(template_dir=folder))
    texts = pages(own.render(proposal(2)))
    assert "Спасибо, что выбрали нас." in texts[0]
    assert all(name.startswith("PT-Sans") for name in fonts(own.render(proposal(2))))


def test_broken_template_is_a_failure_with_a_reason(tmp_path: Path) -> None:
    folder = copy_template(tmp_path)
    (folder / "proposal.html").write_text("<p>{{ page.title }</p>")
    with pytest.raises(RenderFailure) as failed:
        ProposalRenderer(TemplateConfig(template_dir=folder)).render(proposal(1))
    assert failed.value.failure == "template"
    assert "Ошибка в шаблоне КП" in failed.value.reason and "строка 1" in failed.value.reason

    (folder / "proposal.html").write_text("<p>{{ page.no_such_field }}</p>")
    with pytest.raises(RenderFailure) as failed:
        ProposalRenderer(TemplateConfig(template_dir=folder)).render(proposal(1))
    assert failed.value.failure == "template"
    assert "no_such_field" in failed.value.reason


def test_missing_logo_or_outside_files_fail_the_template(tmp_path: Path) -> None:
    with pytest.raises(RenderFailure) as failed:
        ProposalRenderer(TemplateConfig(logo_path=tmp_path / "nope.png")).render(proposal(1))
    assert failed.value.failure == "template"
    assert "nope.png" in failed.value.reason

    folder = copy_template(tmp_path)
    (folder / "proposal.html").write_text('<img src="file:///etc/hostname"><p>x</p>')
    with pytest.raises(RenderFailure):
        ProposalRenderer(TemplateConfig(template_dir=folder)).render(proposal(1))
