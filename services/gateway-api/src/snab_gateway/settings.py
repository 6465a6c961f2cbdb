"""Settings of the gateway API and web admin."""

from pydantic import AliasChoices, Field, SecretStr, field_validator

from snab_kit.settings import ServiceSettings

MIN_SECRET_KEY_CHARS = 32


class GatewaySettings(ServiceSettings):
    http_host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("GATEWAY_HOST"))
    http_port: int = Field(default=8000, validation_alias=AliasChoices("GATEWAY_PORT"))
    secret_key: SecretStr | None = Field(
        default=None,
        description=f"At least {MIN_SECRET_KEY_CHARS} characters, the same for every gateway "
        "replica; unset, a random key at each start (tokens end with a restart).",
    )
    admin_username: str = Field(
        default="admin",
        description="The first admin: created at start with ADMIN_PASSWORD when no user of "
        "that name exists (later admins: `snab-gateway create-user` or the API).",
    )
    admin_password: SecretStr | None = Field(
        default=None,
        description="The first admin's password (an existing user keeps theirs); without "
        "it, make the first admin with `snab-gateway create-user NAME --role admin`.",
    )
    api_access_hours: float = Field(
        default=24.0, gt=0, le=24 * 30, description="How long an API token (JWT) is valid."
    )
    login_attempts_per_account: int = Field(
        default=5,
        ge=1,
        description="Logins of one account that may fail within LOGIN_WINDOW_SECONDS; "
        "further attempts are refused (429) until the window ends.",
    )
    login_attempts_per_address: int = Field(
        default=30,
        ge=1,
        description="The same for one client address, whatever the account.",
    )
    login_window_seconds: float = Field(
        default=900.0, gt=0, description="The window of the two login limits."
    )
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="Addresses whose X-Forwarded-For names the client (a reverse proxy in "
        "front of the gateway), comma separated; the login limit counts that address.",
    )
    rpc_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long the gateway waits for a service to answer."
    )
    max_upload_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1024,
        le=6_000_000,
        description="Largest .eml accepted by upload (the bus carries it base64, under 8 MiB).",
    )
    max_request_bytes: int = Field(
        default=7 * 1024 * 1024,
        ge=64 * 1024,
        description="Largest request body of any kind; larger ones get 413.",
    )
    events_heartbeat_seconds: float = Field(
        default=15.0,
        gt=0,
        description="An idle event stream (/api/v1/events) sends a comment this often, so "
        "that proxies keep it open and a dead client is noticed.",
    )

    admin_session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24 * 30,
        description="How long a web admin login lasts (an HttpOnly cookie, ended by logout).",
    )
    request_reminder_hours: float = Field(
        default=24.0,
        gt=0,
        description="As in the orders service: the web admin shows the time left until a "
        "supplier is reminded.",
    )
    request_timeout_hours: float = Field(
        default=48.0,
        gt=0,
        description="As in the orders service: the time left until a request times out.",
    )

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_KEY_CHARS:
            raise ValueError(
                f"SECRET_KEY must have at least {MIN_SECRET_KEY_CHARS} characters "
                "(e.g. the output of `openssl rand -hex 32`)"
            )
        return value
