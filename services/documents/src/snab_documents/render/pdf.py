"""HTML template → PDF in the calling process (a pool worker, or ``snab-documents render``).

The template is an operator's folder (``DOCUMENTS_TEMPLATE_DIR``) in front of the one
shipped here: a file missing there is taken from here, so a folder with only a logo works.
Text from the contract is escaped (Jinja2 autoescape): a ``<script>`` in a name is printed
as it is. Fonts come only from the templates' ``fonts/`` folders and their ``@font-face``
rules, never from the machine (see ``isolate_fonts``), so a document looks the same on
every machine. Resources load only from the template folders and the logo: no network.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import jinja2

from snab_contracts.documents import DocumentFailure, ProposalDocument
from snab_documents.domain.layout import proposal_page

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates" / "proposal"
TEMPLATE = "proposal.html"
LOGO_NAMES = ("logo.svg", "logo.png", "logo.jpg", "logo.jpeg")


class RenderFailure(Exception):
    """The document cannot be made as asked; ``reason`` is for a manager (Russian)."""

    def __init__(self, failure: DocumentFailure, reason: str) -> None:
        super().__init__(reason)
        self.failure: DocumentFailure = failure
        self.reason = reason


@dataclass(frozen=True)
class TemplateConfig:
    template_dir: Path | None = None
    """The operator's folder; None: the shipped template."""
    logo_path: Path | None = None
    """The logo; None: ``logo.svg`` (or .png, .jpg) of the template folders."""

    @property
    def dirs(self) -> list[Path]:
        own = [self.template_dir.resolve()] if self.template_dir else []
        return [*own, BUILTIN_DIR]

    def logo(self) -> Path | None:
        if self.logo_path is not None:
            return self.logo_path.resolve()
        for folder in self.dirs:
            for name in LOGO_NAMES:
                if (folder / name).is_file():
                    return folder / name
        return None


def isolate_fonts(config: TemplateConfig) -> None:
    """Make fontconfig see the templates' ``fonts/`` folders and nothing else.

    Must run before WeasyPrint is imported in this process. Whatever fonts the machine
    has are then invisible: a glyph the template's fonts lack shows as a box rather than
    in some other font, and a PDF made here looks the same as one made in production."""
    if os.environ.get("SNAB_DOCUMENTS_FONTCONFIG"):
        return
    cache = Path(tempfile.mkdtemp(prefix="snab-documents-fonts-"))
    dirs = "".join(
        f"<dir>{_xml(str(d / 'fonts'))}</dir>" for d in config.dirs if (d / "fonts").is_dir()
    )
    conf = cache / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>{dirs}<cachedir>{_xml(str(cache))}</cachedir></fontconfig>\n"
    )
    os.environ["FONTCONFIG_FILE"] = str(conf)
    os.environ["SNAB_DOCUMENTS_FONTCONFIG"] = str(conf)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ProposalRenderer:
    """Renders ``ProposalDocument``s with one template; one per process, reused."""

    def __init__(self, config: TemplateConfig) -> None:
        isolate_fonts(config)
        from weasyprint.text.fonts import FontConfiguration

        self.config = config
        self.dirs = config.dirs
        logo = config.logo()
        self.logo_url = logo.as_uri() if logo is not None else None
        roots = [*self.dirs, *([logo] if logo is not None else [])]
        self.fetcher = _fetcher(roots, self.dirs)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.font_config = FontConfiguration()

    def html(self, document: ProposalDocument) -> str:
        try:
            template = self.env.get_template(TEMPLATE)
            return template.render(page=proposal_page(document), logo_url=self.logo_url)
        except jinja2.TemplateSyntaxError as exc:
            raise RenderFailure(
                "template",
                f"Ошибка в шаблоне КП ({exc.name or TEMPLATE}, строка {exc.lineno}): "
                f"{exc.message}. Шаблон нужно исправить.",
            ) from exc
        except jinja2.TemplateError as exc:
            raise RenderFailure(
                "template", f"Ошибка в шаблоне КП: {exc}. Шаблон нужно исправить."
            ) from exc

    def render(self, document: ProposalDocument) -> bytes:
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError

        html = self.html(document)
        base = (self.dirs[0] / TEMPLATE).as_uri()
        try:
            pdf: bytes = HTML(string=html, base_url=base, url_fetcher=self.fetcher).write_pdf(
                font_config=self.font_config
            )
        except FatalURLFetchingError as exc:
            raise RenderFailure(
                "template", f"В шаблоне КП не найден или недоступен файл: {_fetched(exc)}."
            ) from exc
        except RecursionError as exc:
            raise RenderFailure("content", "Документ слишком сложен для вёрстки.") from exc
        return pdf

    def render_json(self, payload: bytes) -> bytes:
        return self.render(ProposalDocument.model_validate_json(payload))


def _fetched(exc: Exception) -> str:
    found = re.search(r'"(.*)"', str(exc))
    url = found.group(1) if found else str(exc)
    if url.startswith("file:"):
        return Path(unquote(urlparse(url).path)).name
    return url


def _fetcher(roots: list[Path], dirs: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that reads only files under ``roots`` (and data: URLs).

    A relative path missing from the operator's folder is looked up in the shipped one."""
    from weasyprint.urls import URLFetcher

    class TemplateFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)  # type: ignore[no-any-return]
            if parsed.scheme != "file":
                raise ValueError(f"only files of the template may be loaded, not {url}")
            path = Path(unquote(parsed.path)).resolve()
            path = _fallback(path, dirs)
            if not any(path == root or path.is_relative_to(root) for root in roots):
                raise ValueError(f"{path} is outside the template folders")
            if not path.is_file():
                raise FileNotFoundError(str(path))
            return super().fetch(path.as_uri(), headers)  # type: ignore[no-any-return]

    return TemplateFetcher(fail_on_errors=True, allowed_protocols=("file", "data"))


def _fallback(path: Path, dirs: list[Path]) -> Path:
    if path.exists():
        return path
    for folder in dirs:
        if path.is_relative_to(folder):
            relative = path.relative_to(folder)
            for other in dirs:
                if (other / relative).exists():
                    return other / relative
    return path
