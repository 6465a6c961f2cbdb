"""Parse attempts: what each extractor said about each received mail, and what went out.

Revision ID: parser_0002
Revises: parser_0001
Create Date: 2026-12-15
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "parser_0002"
down_revision: str | None = "parser_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    jsonb = postgresql.JSONB(astext_type=sa.Text())
    op.create_table(
        "parse_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False, comment="The mail.received event."),
        sa.Column("mail_id", sa.Uuid(), nullable=False),
        sa.Column("input_source", sa.Text(), nullable=False, comment="raw, event or flags."),
        sa.Column("output_subject", sa.Text(), nullable=False),
        sa.Column("output_event_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("extractor", sa.Text(), nullable=False, comment="rules, llm or combined."),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("review_reasons", jsonb, server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("result", jsonb, nullable=False, comment="The final parse, label-shaped."),
        sa.Column("rules_result", jsonb, nullable=True),
        sa.Column("llm_result", jsonb, nullable=True),
        sa.Column(
            "agreed",
            sa.Boolean(),
            nullable=True,
            comment="Whether rules and LLM agreed; null if one ran.",
        ),
        sa.Column(
            "fallback_reason",
            sa.Text(),
            nullable=True,
            comment="Why the LLM's reading was not used.",
        ),
        sa.Column("llm_model", sa.Text(), nullable=True),
        sa.Column("llm_outcome", sa.Text(), nullable=True),
        sa.Column("llm_raw", sa.Text(), nullable=True, comment="The LLM's answer as received."),
        sa.Column("llm_error", sa.Text(), nullable=True),
        sa.Column("llm_attempts", jsonb, server_default=sa.text("'[]'::jsonb"), nullable=False),
        sa.Column("llm_prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("llm_completion_tokens", sa.Integer(), nullable=True),
        sa.Column("rules_seconds", sa.Float(), nullable=True),
        sa.Column("llm_seconds", sa.Float(), nullable=True),
        sa.Column("total_seconds", sa.Float(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parse_attempts")),
        sa.UniqueConstraint("event_id", name=op.f("uq_parse_attempts_event_id")),
        sa.UniqueConstraint("output_event_id", name=op.f("uq_parse_attempts_output_event_id")),
        schema="parser",
    )
    op.create_index(
        "ix_parse_attempts_mail_id", "parse_attempts", ["mail_id"], unique=False, schema="parser"
    )
    op.create_index(
        "ix_parse_attempts_created_at",
        "parse_attempts",
        ["created_at"],
        unique=False,
        schema="parser",
    )


def downgrade() -> None:
    op.drop_index("ix_parse_attempts_created_at", table_name="parse_attempts", schema="parser")
    op.drop_index("ix_parse_attempts_mail_id", table_name="parse_attempts", schema="parser")
    op.drop_table("parse_attempts", schema="parser")
