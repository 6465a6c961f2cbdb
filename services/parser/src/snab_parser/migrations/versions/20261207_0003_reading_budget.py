"""Reading within a budget: why a parse attempt was stopped, and readings in progress.

Revision ID: parser_0003
Revises: parser_0002
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "parser_0003"
down_revision: str | None = "parser_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "parse_attempts",
        sa.Column(
            "stopped_reason",
            sa.Text(),
            nullable=True,
            comment="Why reading was stopped unfinished: time, memory, crash or unfinished.",
        ),
        schema="parser",
    )
    op.create_table(
        "parse_jobs",
        sa.Column("event_id", sa.Uuid(), nullable=False, comment="The mail.received event."),
        sa.Column("mail_id", sa.Uuid(), nullable=False),
        sa.Column("starts", sa.Integer(), nullable=False, comment="Times its reading began."),
        sa.Column(
            "stopped_reason",
            sa.Text(),
            nullable=True,
            comment="time, memory or crash, once reading was stopped.",
        ),
        sa.Column("stopped_detail", sa.Text(), nullable=True),
        sa.Column(
            "seconds", sa.Float(), nullable=True, comment="How long the stopped reading ran."
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_parse_jobs")),
        schema="parser",
    )


def downgrade() -> None:
    op.drop_table("parse_jobs", schema="parser")
    op.drop_column("parse_attempts", "stopped_reason", schema="parser")
