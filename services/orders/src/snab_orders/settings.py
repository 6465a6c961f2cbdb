"""Settings of the orders service."""

from pydantic import AliasChoices, Field

from snab_kit.settings import ServiceSettings


class OrdersSettings(ServiceSettings):
    http_port: int = Field(default=8103, validation_alias=AliasChoices("ORDERS_HTTP_PORT"))
