"""``rpc.orders.desk_counters``: what waits for a manager, in one pass over the orders.

"Open" is every state a manager can still act on (not won, lost or cancelled); a timed
out request counts only while its order is still being priced.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from snab_contracts.orders import OrderStatus, RequestStatus
from snab_contracts.rpc.orders import DeskCounters
from snab_orders.db.tables import orders, supplier_requests

CLOSED = (OrderStatus.WON, OrderStatus.LOST, OrderStatus.CANCELLED)
PRICING = (OrderStatus.RFQ_SENT, OrderStatus.QUOTING)


async def desk_counters(*, session: AsyncSession) -> DeskCounters:
    timed_out = exists().where(
        and_(
            supplier_requests.c.order_id == orders.c.id,
            supplier_requests.c.status == RequestStatus.TIMEOUT.value,
        )
    )
    row = (
        await session.execute(
            select(
                func.count().filter(orders.c.status == OrderStatus.NEW.value).label("new"),
                func.count()
                .filter(
                    orders.c.needs_review,
                    orders.c.status.not_in([s.value for s in CLOSED]),
                )
                .label("needs_review"),
                func.count().filter(orders.c.status == OrderStatus.QUOTING.value).label("quotes"),
                func.count()
                .filter(orders.c.status.in_([s.value for s in PRICING]), timed_out)
                .label("timed_out"),
            )
        )
    ).one()
    return DeskCounters(
        new=row.new, needs_review=row.needs_review, quotes_in=row.quotes, timed_out=row.timed_out
    )
