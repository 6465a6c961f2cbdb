"""Settings of the parser service."""

from pydantic import AliasChoices, Field

from snab_kit.settings import ServiceSettings


class ParserSettings(ServiceSettings):
    http_port: int = Field(default=8102, validation_alias=AliasChoices("PARSER_HTTP_PORT"))
