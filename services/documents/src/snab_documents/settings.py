"""Settings of the documents service."""

from pydantic import AliasChoices, Field

from snab_kit.settings import ServiceSettings


class DocumentsSettings(ServiceSettings):
    http_port: int = Field(default=8104, validation_alias=AliasChoices("DOCUMENTS_HTTP_PORT"))
