"""Settings of the parser service."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from snab_kit.settings import ServiceSettings
from snab_parser.attachments.limits import MB, AttachmentLimits

ExtractorMode = Literal["auto", "rules", "llm"]


class ParserSettings(ServiceSettings):
    # Fields with an environment alias can still be set by name in code.
    model_config = SettingsConfigDict(validate_by_name=True)

    http_port: int = Field(default=8102, validation_alias=AliasChoices("PARSER_HTTP_PORT"))

    # The handler calls the LLM: a few messages at a time, not the kit's default of 8 (and at
    # least as many as there are reader workers).
    consumer_workers: int = 2

    readers: int = Field(
        default=0,
        ge=0,
        validation_alias=AliasChoices("PARSER_WORKERS"),
        description="Worker processes that read mail (rules and attachments); 0: one per CPU.",
    )
    batch_size: int = Field(
        default=32,
        ge=0,
        validation_alias=AliasChoices("PARSER_BATCH_SIZE"),
        description=(
            "Mails read side by side and recorded in one transaction, when the LLM is off"
            " (with it, each mail has its own); 0: one per transaction."
        ),
    )
    time_budget_seconds: float = Field(
        default=10.0,
        gt=0,
        validation_alias=AliasChoices("PARSER_TIME_BUDGET_SECONDS"),
        description="Reading one mail longer than this is stopped; the mail goes to review.",
    )
    memory_budget_mb: int = Field(
        default=512,
        ge=64,
        validation_alias=AliasChoices("PARSER_MEMORY_BUDGET_MB"),
        description="A reader worker growing past this is stopped; the mail goes to review.",
    )
    attachment_max_mb: int = Field(
        default=10,
        ge=1,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_MB"),
        description="Larger attachments are not read (the mail goes to review).",
    )
    attachment_max_unpacked_mb: int = Field(
        default=32,
        ge=1,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_UNPACKED_MB"),
        description="An xlsx or docx declaring more than this unpacked is not read.",
    )
    attachment_max_rows: int = Field(
        default=2000,
        ge=10,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_ROWS"),
        description="Rows of a sheet, csv or docx table, lines of a text file, read at most.",
    )
    attachment_max_columns: int = Field(
        default=50,
        ge=2,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_COLUMNS"),
        description="Cells of one row read at most.",
    )
    attachment_max_cells: int = Field(
        default=50_000,
        ge=100,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_CELLS"),
        description="Cells of one attachment read at most.",
    )
    attachment_max_shared_strings: int = Field(
        default=100_000,
        ge=100,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_SHARED_STRINGS"),
        description="An xlsx with a larger shared string table is not read.",
    )
    attachment_max_paragraphs: int = Field(
        default=5000,
        ge=10,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_PARAGRAPHS"),
        description="Paragraphs of a docx read at most.",
    )
    attachment_max_pdf_pages: int = Field(
        default=30,
        ge=1,
        validation_alias=AliasChoices("PARSER_ATTACHMENT_MAX_PDF_PAGES"),
        description="Pages of a pdf read at most.",
    )

    extractor: ExtractorMode = Field(
        default="auto",
        validation_alias=AliasChoices("PARSER_EXTRACTOR"),
        description="rules: offline only; llm/auto: the LLM when configured, rules as fallback.",
    )
    review_confidence: float = Field(
        default=0.6,
        ge=0,
        le=1,
        validation_alias=AliasChoices("PARSER_REVIEW_CONFIDENCE"),
        description="Results below this confidence are marked needs_review.",
    )

    openai_api_key: SecretStr | None = None
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str | None = None
    llm_timeout_seconds: float = Field(default=20.0, gt=0)
    llm_attempts: int = Field(default=3, ge=1, le=10)
    llm_backoff_seconds: float = Field(
        default=1.0, ge=0, description="First retry delay; doubled after each failed attempt."
    )
    llm_max_backoff_seconds: float = Field(
        default=10.0, ge=0, description="Cap on a retry delay, Retry-After included."
    )
    llm_breaker_failures: int = Field(
        default=5, ge=1, description="Failed requests in a row that open the circuit breaker."
    )
    llm_breaker_open_seconds: float = Field(
        default=60.0, ge=0, description="How long an open breaker skips the LLM."
    )
    llm_max_input_chars: int = Field(
        default=24_000, ge=1000, description="Email text (body and attachments) sent at most."
    )
    llm_answer_limit: int = Field(
        default=4096, ge=256, description="Most tokens the answer may take."
    )

    @property
    def reader_workers(self) -> int:
        if self.readers:
            return self.readers
        if hasattr(os, "sched_getaffinity"):  # the CPUs this process may run on
            return len(os.sched_getaffinity(0)) or 1
        return os.cpu_count() or 1

    @property
    def attachment_limits(self) -> AttachmentLimits:
        return AttachmentLimits(
            max_bytes=self.attachment_max_mb * MB,
            max_inflated_bytes=self.attachment_max_unpacked_mb * MB,
            max_rows=self.attachment_max_rows,
            max_columns=self.attachment_max_columns,
            max_cells=self.attachment_max_cells,
            max_shared_strings=self.attachment_max_shared_strings,
            max_paragraphs=self.attachment_max_paragraphs,
            max_pdf_pages=self.attachment_max_pdf_pages,
        )

    @property
    def llm_enabled(self) -> bool:
        key = self.openai_api_key.get_secret_value() if self.openai_api_key else ""
        return self.extractor != "rules" and bool(key.strip())

    @property
    def llm_worst_case_seconds(self) -> float:
        """The longest one message can wait for the LLM, retries included."""
        waits = sum(
            min(self.llm_backoff_seconds * 2.0**i, self.llm_max_backoff_seconds)
            for i in range(self.llm_attempts - 1)
        )
        return self.llm_attempts * self.llm_timeout_seconds + waits
