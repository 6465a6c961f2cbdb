"""What one attachment may unpack into, and the account kept while it is read.

An xlsx or docx is a zip: a few hundred kilobytes on the wire may declare gigabytes of XML,
millions of cells or a sheet sixteen thousand columns wide. Every reader checks these limits
while it reads (zip members by their declared size before anything is inflated, rows, cells
and paragraphs as they stream by) and stops at the first one crossed. What it read so far is
kept, and the attachment says what was cut, so that the parse goes to a manager for review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

MB: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    #: the file as attached; a larger one is not read at all
    max_bytes: int = 10 * MB
    #: all members of a zip (xlsx, docx) together, as declared; zipfile never inflates more
    max_inflated_bytes: int = 32 * MB
    max_zip_members: int = 1000
    #: rows of a sheet, a csv file or a docx table; lines of a text file
    max_rows: int = 2000
    #: cells of one row; the columns to the right are not read
    max_columns: int = 50
    #: cells of all sheets or tables of one file
    max_cells: int = 50_000
    #: strings of an xlsx's shared string table, which is loaded whole
    max_shared_strings: int = 100_000
    max_paragraphs: int = 5000
    max_pdf_pages: int = 30
    #: text read from one file, all cells and lines together
    max_chars: int = 500_000
    #: a longer cell or line is cut
    max_cell_chars: int = 1000
    max_line_chars: int = 2000


DEFAULT_LIMITS: Final = AttachmentLimits()


class TooLarge(Exception):
    """The file is refused before reading: its size or its zip directory crosses a limit."""


@dataclass
class Budget:
    """Cells and characters read so far from one attachment, and which limits were met."""

    limits: AttachmentLimits
    cells: int = 0
    chars: int = 0
    cut: list[str] = field(default_factory=list)

    @property
    def spent(self) -> bool:
        return self.cells >= self.limits.max_cells or self.chars >= self.limits.max_chars

    def stop(self, what: str) -> None:
        if what not in self.cut:
            self.cut.append(what)

    def count_cell(self) -> None:
        """One more cell read (its text may come later)."""
        self.cells += 1
        if self.cells >= self.limits.max_cells:
            self.stop("cells")

    def cell(self, text: str) -> str:
        """A cell's text, cut to the cell limit; the cell and its characters counted."""
        self.count_cell()
        return self.text(text, self.limits.max_cell_chars)

    def line(self, text: str) -> str:
        """A line's text, cut to the line limit; its characters counted."""
        return self.text(text, self.limits.max_line_chars)

    def text(self, text: str, limit: int) -> str:
        if len(text) > limit:
            self.stop("long_text")
            text = text[:limit]
        self.chars += len(text)
        if self.chars >= self.limits.max_chars:
            self.stop("characters")
        return text
