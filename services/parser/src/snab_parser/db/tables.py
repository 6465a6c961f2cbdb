"""Tables of the `parser` schema."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "parser"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)

# One row per handled mail.received: what came in, what each extractor said, what went out.
parse_attempts = Table(
    "parse_attempts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("event_id", Uuid, nullable=False, unique=True, comment="The mail.received event."),
    Column("mail_id", Uuid, nullable=False),
    Column("input_source", Text, nullable=False, comment="raw, event or flags."),
    Column("output_subject", Text, nullable=False),
    Column("output_event_id", Uuid, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("extractor", Text, nullable=False, comment="rules, llm or combined."),
    Column("confidence", Float, nullable=False),
    Column("needs_review", Boolean, nullable=False),
    Column("review_reasons", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("result", JSONB, nullable=False, comment="The final parse, label-shaped."),
    Column("rules_result", JSONB),
    Column("llm_result", JSONB),
    Column("agreed", Boolean, comment="Whether rules and LLM agreed; null if one ran."),
    Column("fallback_reason", Text, comment="Why the LLM's reading was not used."),
    Column("llm_model", Text),
    Column("llm_outcome", Text),
    Column("llm_raw", Text, comment="The LLM's answer as received."),
    Column("llm_error", Text),
    Column("llm_attempts", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("llm_prompt_tokens", Integer),
    Column("llm_completion_tokens", Integer),
    Column("rules_seconds", Float),
    Column("llm_seconds", Float),
    Column("total_seconds", Float),
    Column(
        "stopped_reason",
        Text,
        comment="Why reading was stopped unfinished: time, memory, crash or unfinished.",
    ),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_parse_attempts_mail_id", "mail_id"),
    Index("ix_parse_attempts_created_at", "created_at"),
)

# One row per mail.received whose reading has begun and not yet been recorded in
# parse_attempts. Written in transactions of their own (the handler's may roll back): a
# delivery that finds the mail already stopped once, or begun again and again without an
# answer, does not read it again.
parse_jobs = Table(
    "parse_jobs",
    metadata,
    Column("event_id", Uuid, primary_key=True, comment="The mail.received event."),
    Column("mail_id", Uuid, nullable=False),
    Column("starts", Integer, nullable=False, comment="Times its reading began."),
    Column("stopped_reason", Text, comment="time, memory or crash, once reading was stopped."),
    Column("stopped_detail", Text),
    Column("seconds", Float, comment="How long the stopped reading ran."),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
