"""Settings of the parser service."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from snab_kit.settings import ServiceSettings

ExtractorMode = Literal["auto", "rules", "llm"]


class ParserSettings(ServiceSettings):
    # Fields with an environment alias can still be set by name in code.
    model_config = SettingsConfigDict(validate_by_name=True)

    http_port: int = Field(default=8102, validation_alias=AliasChoices("PARSER_HTTP_PORT"))

    # The handler calls the LLM: a few messages at a time, not the kit's default of 8.
    consumer_workers: int = 2

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
