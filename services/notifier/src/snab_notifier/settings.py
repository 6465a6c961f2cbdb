"""Settings of the notifier service."""

from pydantic import AliasChoices, Field

from snab_kit.settings import ServiceSettings


class NotifierSettings(ServiceSettings):
    http_port: int = Field(default=8105, validation_alias=AliasChoices("NOTIFIER_HTTP_PORT"))
