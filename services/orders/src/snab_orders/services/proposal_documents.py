"""The proposal's PDF: rendered, failed, or waited for too long."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select, update

from snab_contracts.documents import DocumentFailed, DocumentGenerated
from snab_contracts.rpc.orders import ProposalStatus
from snab_kit.consume import Tx
from snab_kit.logging import get_logger
from snab_orders.db.tables import proposals
from snab_orders.domain import proposal as calc
from snab_orders.domain.states import proposal_transition
from snab_orders.services.common import SYSTEM, audit, utcnow
from snab_orders.services.proposals import lock_proposal
from snab_orders.settings import OrdersSettings

log = get_logger(__name__)


async def on_document_generated(*, tx: Tx, event: DocumentGenerated) -> None:
    """The PDF is ready: attach it. A proposal waiting for it becomes ready; so does one
    that had given up waiting (timed out, or failed to render and was rendered after all):
    its PDF is good and nobody has rebuilt it. A superseded proposal keeps its status, the
    file is only recorded."""
    proposal = await lock_proposal(tx.session, event.proposal_id)
    if proposal is None:
        log.warning("document_for_unknown_proposal", proposal_id=str(event.proposal_id))
        return
    values: dict[str, Any] = {
        "document_id": event.document_id,
        "document_version": event.document_version,
        "document_storage_key": event.storage_key,
        "document_filename": event.filename,
        "document_content_type": event.content_type,
        "document_sha256": event.sha256,
        "document_size": event.size,
        "updated_at": utcnow(),
    }
    status = proposal.status
    late = _waiting_gave_up(proposal)
    if status == ProposalStatus.GENERATING.value or late:
        status = proposal_transition(status, ProposalStatus.READY).value
        values["status"] = status
        values["last_error"] = None
    await tx.session.execute(
        update(proposals).where(proposals.c.id == proposal.id).values(**values)
    )
    await audit(
        tx.session,
        order_id=proposal.order_id,
        actor=SYSTEM,
        action="proposal.document",
        entity="proposal",
        entity_id=proposal.id,
        before={"status": proposal.status, "document_id": proposal.document_id},
        after={
            "status": status,
            "document_id": event.document_id,
            "filename": event.filename,
            **({"late": True} if late else {}),
        },
        source_event_id=event.id,
    )


def _waiting_gave_up(proposal: Row[Any]) -> bool:
    """Failed while waiting for its PDF (not because its email failed)."""
    return proposal.status == ProposalStatus.FAILED.value and proposal.document_id is None


async def on_document_failed(*, tx: Tx, event: DocumentFailed) -> None:
    """documents could not make the PDF: the proposal fails with the reason, for the
    manager to read (and to rebuild once the cause is fixed)."""
    proposal = await lock_proposal(tx.session, event.proposal_id)
    if proposal is None:
        log.warning("document_failed_for_unknown_proposal", proposal_id=str(event.proposal_id))
        return
    status = proposal.status
    if status == ProposalStatus.GENERATING.value or _waiting_gave_up(proposal):
        status = ProposalStatus.FAILED.value
        if proposal.status != status:
            proposal_transition(proposal.status, ProposalStatus.FAILED)
        await tx.session.execute(
            update(proposals)
            .where(proposals.c.id == proposal.id)
            .values(status=status, last_error=event.reason[:2000], updated_at=utcnow())
        )
    await audit(
        tx.session,
        order_id=proposal.order_id,
        actor=SYSTEM,
        action="proposal.document_failed",
        entity="proposal",
        entity_id=proposal.id,
        before={"status": proposal.status},
        after={"status": status, "failure": event.failure, "error": event.reason[:2000]},
        source_event_id=event.id,
    )
    log.warning(
        "proposal_document_failed",
        number=proposal.number,
        failure=event.failure,
        reason=event.reason,
    )


async def expire_document_waits(
    *, tx: Tx, settings: OrdersSettings, now: datetime | None = None
) -> list[UUID]:
    """Proposals that waited longer than PROPOSAL_DOCUMENT_TIMEOUT_SECONDS for their PDF
    fail, with the reason; the manager can rebuild them. Claimed with ``FOR UPDATE SKIP
    LOCKED`` like the request sweeper's rows, so replicas never fail one twice."""
    now = now or utcnow()
    rows = (
        await tx.session.execute(
            select(proposals)
            .where(
                proposals.c.status == ProposalStatus.GENERATING.value,
                proposals.c.created_at <= now - settings.document_timeout,
            )
            .order_by(proposals.c.created_at)
            .limit(settings.sweeper_batch_size)
            .with_for_update(skip_locked=True)
        )
    ).all()
    reason = calc.document_timeout_reason(settings.document_timeout)
    for row in rows:
        proposal_transition(row.status, ProposalStatus.FAILED)
        await tx.session.execute(
            update(proposals)
            .where(proposals.c.id == row.id)
            .values(status=ProposalStatus.FAILED.value, last_error=reason, updated_at=now)
        )
        await audit(
            tx.session,
            order_id=row.order_id,
            actor=SYSTEM,
            action="proposal.document_timeout",
            entity="proposal",
            entity_id=row.id,
            before={"status": row.status},
            after={"status": ProposalStatus.FAILED.value, "error": reason},
        )
    if rows:
        log.warning("proposal_documents_timed_out", proposals=[r.number for r in rows])
    return [r.id for r in rows]
