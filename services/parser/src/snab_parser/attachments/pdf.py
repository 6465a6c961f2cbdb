"""The text layer of a pdf's first pages, each stream inflated within the limit."""

from __future__ import annotations

import io

from snab_parser.attachments.limits import Budget, TooLarge


def read_pdf(data: bytes, budget: Budget) -> list[str]:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    limits = budget.limits
    inflated = limits.max_inflated_bytes
    lines: list[str] = []
    # pypdf checks these while it decodes: no stream is inflated past the limit
    with apply_configuration(
        zlib_maximum_output_length=inflated,
        lzw_maximum_output_length=inflated,
        run_length_maximum_output_length=inflated,
        array_based_stream_maximum_output_length=inflated,
        maximum_declared_stream_length=inflated,
        stream_decoding_work_maximum_length=inflated,
    ):
        try:
            reader = PdfReader(io.BytesIO(data))
            for number, page in enumerate(reader.pages):
                if number == limits.max_pdf_pages:
                    budget.stop("pages")
                    break
                try:
                    text = page.extract_text(extraction_mode="layout")
                except LimitReachedError:
                    raise
                except Exception:
                    text = page.extract_text()
                for line in (text or "").splitlines():
                    lines.append(budget.line(line.rstrip()))
                    if budget.spent:
                        return lines
        except LimitReachedError as exc:
            raise TooLarge(str(exc)[:200]) from exc
    return lines
