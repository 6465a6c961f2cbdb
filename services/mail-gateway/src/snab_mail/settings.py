"""Settings of the mail-gateway service."""

from pydantic import AliasChoices, Field

from snab_kit.settings import ServiceSettings


class MailgatewaySettings(ServiceSettings):
    http_port: int = Field(default=8101, validation_alias=AliasChoices("MAIL_HTTP_PORT"))
