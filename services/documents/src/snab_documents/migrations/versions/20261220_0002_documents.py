"""Generated documents (one row per version) and the requests that failed.

Revision ID: documents_0002
Revises: documents_0001
Create Date: 2026-12-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "documents_0002"
down_revision: str | None = "documents_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "documents"


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request_event_id", sa.Uuid(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("render_ms", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("request_event_id", name="uq_documents_request_event_id"),
        sa.UniqueConstraint("storage_key", name="uq_documents_storage_key"),
        sa.UniqueConstraint("number", "version", name="uq_documents_number_version"),
        schema=SCHEMA,
    )
    op.create_index("ix_documents_order_id", "documents", ["order_id"], schema=SCHEMA)
    op.create_index("ix_documents_proposal_id", "documents", ["proposal_id"], schema=SCHEMA)
    op.create_table(
        "failures",
        sa.Column("request_event_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("failure", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("request_event_id", name="pk_failures"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("failures", schema=SCHEMA)
    op.drop_index("ix_documents_proposal_id", table_name="documents", schema=SCHEMA)
    op.drop_index("ix_documents_order_id", table_name="documents", schema=SCHEMA)
    op.drop_table("documents", schema=SCHEMA)
