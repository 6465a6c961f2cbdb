"""``snab-documents``: the service, and a preview of the proposal template.

snab-documents render SAMPLE.json OUT.pdf   render a ProposalDocument (no server needed)
snab-documents sample OUT.json              write a sample ProposalDocument to start from
snab-documents [serve|migrate]              the service (as python -m snab_documents)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from snab_documents.render.pool import SAMPLE


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("render", "sample"):
        sys.exit(tools(argv))
    from snab_documents.__main__ import main as serve

    sys.argv = [sys.argv[0], *argv]
    serve()


def tools(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="snab-documents")
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render a ProposalDocument JSON to PDF")
    render.add_argument("document", type=Path, help="ProposalDocument as JSON (as orders sends)")
    render.add_argument("out", type=Path, help="the PDF to write")
    render.add_argument(
        "--template-dir", type=Path, help="default: DOCUMENTS_TEMPLATE_DIR, else the shipped one"
    )
    render.add_argument("--logo", type=Path, help="default: DOCUMENTS_LOGO_PATH, else logo.*")
    render.add_argument("--html", type=Path, help="also write the HTML given to WeasyPrint")
    sample = commands.add_parser("sample", help="write a sample ProposalDocument JSON")
    sample.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "sample":
        args.out.write_bytes(SAMPLE.read_bytes())
        print(f"{args.out}: sample proposal; edit it and render it with `snab-documents render`")
        return 0
    return _render(args)


def _render(args: argparse.Namespace) -> int:
    from snab_contracts.documents import ProposalDocument
    from snab_documents.domain.requisites import missing_reason, missing_requisites
    from snab_documents.render.pdf import ProposalRenderer, RenderFailure, TemplateConfig
    from snab_documents.settings import DocumentsSettings

    settings = DocumentsSettings()
    config = TemplateConfig(
        template_dir=args.template_dir or settings.documents_template_dir,
        logo_path=args.logo or settings.documents_logo_path,
    )
    try:
        document = ProposalDocument.model_validate_json(args.document.read_bytes())
    except (OSError, ValidationError) as exc:
        print(f"{args.document}: not a ProposalDocument:\n{exc}", file=sys.stderr)
        return 2
    missing = missing_requisites(document.company, settings.documents_required_requisites)
    if missing:
        print(
            f"warning: the service would refuse this document: {missing_reason(missing)}",
            file=sys.stderr,
        )
    renderer = ProposalRenderer(config)
    started = time.perf_counter()
    try:
        if args.html:
            args.html.write_text(renderer.html(document), encoding="utf-8")
        pdf = renderer.render(document)
    except RenderFailure as exc:
        print(f"cannot render ({exc.failure}): {exc.reason}", file=sys.stderr)
        return 1
    args.out.write_bytes(pdf)
    took = (time.perf_counter() - started) * 1000
    print(f"{args.out}: {len(pdf) // 1024} KB, {len(document.lines)} lines, {took:.0f} ms")
    return 0
