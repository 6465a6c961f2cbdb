"""Settings of the documents service (environment variables, as in the project's table)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import NoDecode

from snab_documents.domain.requisites import REQUISITES, Requisite
from snab_documents.render.pdf import TemplateConfig
from snab_kit.settings import ServiceSettings

DEFAULT_REQUIRED: tuple[Requisite, ...] = ("kpp", "ogrn", "address", "bank")


class DocumentsSettings(ServiceSettings):
    http_port: int = Field(default=8104, validation_alias=AliasChoices("DOCUMENTS_HTTP_PORT"))

    documents_template_dir: Path | None = Field(
        default=None,
        description="A folder with proposal.html, proposal.css, logo and fonts/ replacing the "
        "shipped template; a file missing there is taken from the shipped one.",
    )
    documents_logo_path: Path | None = Field(
        default=None, description="The logo (SVG, PNG or JPEG); default: logo.* of the template."
    )
    documents_required_requisites: Annotated[list[Requisite], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED),
        description="Company requisites a proposal must carry, comma separated, from: "
        + ", ".join(REQUISITES)
        + " (КПП only for organisations); 'none' checks none. Without them the document "
        "fails with the reason.",
    )
    documents_render_workers: int = Field(
        default=2, ge=1, le=32, description="Render processes (one per core is plenty)."
    )
    documents_render_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A render taking longer is stopped and the document fails; keep it well "
        "under ACK_WAIT_SECONDS.",
    )
    documents_render_start_method: Literal["forkserver", "spawn"] = Field(
        default="forkserver", description="How render processes are started."
    )
    documents_url_ttl_seconds: int = Field(
        default=900, ge=1, le=7 * 24 * 3600, description="Life of a download link (S3 only)."
    )

    @field_validator("documents_required_requisites", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().lower() == "none":
                return []
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @property
    def template(self) -> TemplateConfig:
        return TemplateConfig(
            template_dir=self.documents_template_dir, logo_path=self.documents_logo_path
        )
