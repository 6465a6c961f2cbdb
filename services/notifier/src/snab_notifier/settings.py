"""Settings of the notifier service: the Telegram bot and its send log."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from snab_kit.settings import ServiceSettings


class NotifierSettings(ServiceSettings):
    http_port: int = Field(default=8105, validation_alias=AliasChoices("NOTIFIER_HTTP_PORT"))

    # The bot. Without a token the notifier writes each notification to its log instead.
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        description="The bot's token from @BotFather; unset: notifications go to the log.",
    )
    telegram_admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Telegram user ids of the managers, comma separated: only they may use "
        "the bot, and each of them is notified of every event.",
    )
    telegram_api_url: str | None = Field(
        default=None,
        description="Another Bot API server (a local telegram-bot-api, a test server); "
        "unset: https://api.telegram.org.",
    )
    telegram_webhook_url: str | None = Field(
        default=None,
        description="Public HTTPS address Telegram posts updates to (webhook mode); "
        "unset: long polling.",
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Expected in Telegram's X-Telegram-Bot-Api-Secret-Token header "
        "(1-256 of A-Z a-z 0-9 _ -); unset: a random one at each start.",
    )
    telegram_webhook_host: str = Field(
        default="127.0.0.1", description="Where the webhook server listens (behind a proxy)."
    )
    telegram_webhook_port: int = Field(default=8106, description="Port of the webhook server.")
    telegram_webhook_path: str = Field(
        default="/telegram/webhook", description="Path of the webhook on that server."
    )
    telegram_polling_timeout: int = Field(
        default=25, ge=1, le=50, description="Seconds one long-polling getUpdates may wait."
    )

    # Sending within Telegram's limits (about 1 message/s per chat, 30/s overall).
    telegram_chat_interval_seconds: float = Field(
        default=1.0, ge=0, description="At least this long between two messages to one chat."
    )
    telegram_global_rate: float = Field(
        default=30.0, gt=0, description="Messages per second to all chats together."
    )
    telegram_digest_threshold: int = Field(
        default=3,
        ge=2,
        description="When this many notifications wait for one chat, they are folded into "
        "one digest message (edited in place while the burst goes on).",
    )
    telegram_digest_window_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A digest keeps taking new notifications until it has been quiet this long.",
    )
    telegram_edit_window_seconds: float = Field(
        default=3600.0,
        ge=0,
        description="A later event about the same thing (another quote for one order) edits "
        "the earlier message when it is younger than this; otherwise a new message is sent.",
    )
    telegram_retry_backoff_seconds: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [1.0, 2.0, 5.0, 10.0, 30.0],
        description="Delays between attempts while Telegram is unreachable (the last one "
        "repeats: a notification is never dropped because of an outage).",
    )
    telegram_max_retry_after_seconds: float = Field(
        default=60.0,
        ge=0,
        description="A 429 asking to wait up to this long is waited out and the request "
        "repeated; a longer one puts the chat's notifications back in the queue for that time.",
    )
    telegram_request_timeout_seconds: float = Field(
        default=20.0, gt=0, description="Timeout of one Bot API request."
    )
    telegram_claim_seconds: float = Field(
        default=120.0,
        gt=0,
        description="A notification claimed by a process that died is sent again after this.",
    )
    telegram_breaker_failures: int = Field(
        default=3, ge=1, description="Failed requests in a row that pause sending."
    )
    telegram_breaker_open_seconds: float = Field(
        default=5.0, gt=0, description="Pause before a trial request after such failures."
    )
    telegram_document_attempts: int = Field(
        default=5,
        ge=1,
        description="Attempts to fetch a proposal's PDF before it is announced without the file.",
    )
    telegram_callback_answer_seconds: float = Field(
        default=1.5,
        gt=0,
        le=10,
        description="A button whose action takes longer is answered with 'one moment' first.",
    )
    notifier_batch_size: int = Field(
        default=100,
        ge=0,
        le=1000,
        description="Events queued per transaction in a burst (0: one transaction per event).",
    )
    notifier_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the send loop looks for work when idle."
    )
    notifier_rpc_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Timeout of one rpc call made for a manager."
    )
    notifier_mode: Literal["auto", "polling", "webhook"] = Field(
        default="auto",
        description="How updates arrive: auto is webhook when TELEGRAM_WEBHOOK_URL is set, "
        "else long polling.",
    )

    @field_validator("telegram_admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("telegram_retry_backoff_seconds", mode="before")
    @classmethod
    def _split_backoff(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("telegram_retry_backoff_seconds")
    @classmethod
    def _some_backoff(cls, value: list[float]) -> list[float]:
        if not value or any(v < 0 for v in value):
            raise ValueError("give one or more non-negative delays, e.g. 1,2,5,10,30")
        return value

    # -- derived values ----------------------------------------------------------------

    @property
    def bot_enabled(self) -> bool:
        return self.telegram_bot_token is not None and bool(
            self.telegram_bot_token.get_secret_value().strip()
        )

    @property
    def webhook(self) -> bool:
        if self.notifier_mode == "auto":
            return bool(self.telegram_webhook_url)
        return self.notifier_mode == "webhook"
