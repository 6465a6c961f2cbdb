"""The envelope every message on the bus shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# A timezone-aware datetime, normalised to UTC; naive datetimes are rejected.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


class Contract(BaseModel):
    """Base of every model that crosses a service boundary.

    Unknown fields are ignored so that a consumer keeps working when a producer adds
    an optional field (a compatible change). Fields with an alias (``from_`` travels as
    ``from``) are written by alias and read by either name.
    """

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class Event(Contract):
    """A fact or a command published on a JetStream subject.

    Subclasses declare ``subject`` and ``version`` as literals with defaults, e.g.
    ``subject: Literal["order.created"] = "order.created"``; the class then carries them
    as ``SUBJECT`` and ``VERSION``. ``correlation_id`` names the order the event belongs
    to, when there is one. (``subject`` is always the bus subject; an email's Subject
    header travels as ``mail_subject``.)
    """

    SUBJECT: ClassVar[str]
    VERSION: ClassVar[int]

    id: UUID = Field(default_factory=uuid4, description="Event id; also the Nats-Msg-Id.")
    subject: str
    version: int
    occurred_at: UtcDatetime = Field(default_factory=utcnow)
    correlation_id: str | None = Field(
        default=None, description="The order (or other business thread) this event belongs to."
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        subject = cls.model_fields["subject"].default
        version = cls.model_fields["version"].default
        if isinstance(subject, str) and isinstance(version, int):
            cls.SUBJECT = subject
            cls.VERSION = version


ResultT = TypeVar("ResultT", bound=Contract)


class RpcRequest(Contract, Generic[ResultT]):
    """A query or command sent with NATS request-reply on ``rpc.<area>.<name>``.

    A request names the model of its result as its type argument, and its subject:
    ``class OrdersGet(RpcRequest[OrderDetail]): SUBJECT = "rpc.orders.get"``. Callers
    then get the result type from the request (``await rpc.call(OrdersGet(...))`` is an
    ``OrderDetail``), and the class carries it at run time as ``RESULT``.
    """

    SUBJECT: ClassVar[str]
    RESULT: ClassVar[type[Contract]]
    MAX_BYTES: ClassVar[int] = 0
    """A size this request may reach beyond the responder's default limit (0: none)."""

    actor: str | None = Field(default=None, description="Who asks: 'user:<id>', 'bot:<tg id>'.")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # RpcRequest[OrderDetail] (or PagedRequest[OrderPage]) somewhere among the bases
        # names the result; a generic intermediate (PagedRequest[ResultT]) does not.
        for base in cls.__mro__:
            metadata = getattr(base, "__pydantic_generic_metadata__", None) or {}
            args = metadata.get("args") or ()
            if metadata.get("origin") is not None and args and isinstance(args[0], type):
                cls.RESULT = args[0]
                return
