"""Settings of the gateway API and web admin."""

from pydantic import AliasChoices, Field, SecretStr

from snab_kit.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    http_host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("GATEWAY_HOST"))
    http_port: int = Field(default=8000, validation_alias=AliasChoices("GATEWAY_PORT"))
    secret_key: SecretStr = SecretStr("change-me")
    admin_username: str = "admin"
    admin_password: SecretStr | None = None
