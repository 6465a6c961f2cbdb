"""The gateway's rpc client: the kit's, with the transport's own failures turned into
the typed ones (a request too large for the bus is the caller's; a lost connection is
an unavailable service)."""

from __future__ import annotations

from typing import Any

import nats.errors
from pydantic import BaseModel

from snab_kit.rpc import RpcClient, Unavailable, ValidationFailed


class GatewayRpc(RpcClient):
    async def call_raw(
        self, subject: str, request: BaseModel, *, timeout: float | None = None
    ) -> Any:
        try:
            return await super().call_raw(subject, request, timeout=timeout)
        except nats.errors.MaxPayloadError:
            raise ValidationFailed("запрос слишком большой") from None
        except (nats.errors.ConnectionClosedError, nats.errors.NoServersError) as exc:
            raise Unavailable(f"{subject}: {type(exc).__name__}") from None
