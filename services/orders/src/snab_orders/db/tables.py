"""Tables of the ``orders`` schema (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables
from snab_orders.domain.search import CLIENT_VECTOR, ITEM_VECTOR, ORDER_VECTOR

SCHEMA = "orders"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)


def _ts(name: str, *, nullable: bool = True, default: bool = False) -> Column[object]:
    return Column(
        name,
        DateTime(timezone=True),
        nullable=nullable,
        server_default=func.now() if default else None,
    )


def _created() -> Column[object]:
    return _ts("created_at", nullable=False, default=True)


def _updated() -> Column[object]:
    return _ts("updated_at", nullable=False, default=True)


def _text_array(name: str) -> Column[object]:
    return Column(name, ARRAY(Text), nullable=False, server_default=text("'{}'::text[]"))


counters = Table(
    "counters",
    metadata,
    Column("year", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("value", Integer, nullable=False),
    PrimaryKeyConstraint("year", "kind", name="pk_counters"),
)

categories = Table(
    "categories",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("parent_id", Uuid, ForeignKey("orders.categories.id", ondelete="SET NULL")),
    _created(),
)

clients = Table(
    "clients",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("inn", Text),
    Column("kpp", Text),
    Column("phone", Text),
    Column("contact_name", Text),
    Column("address", Text),
    Column("notes", Text),
    _ts("deleted_at"),
    _created(),
    _updated(),
    Index(
        "uq_clients_inn_active",
        "inn",
        unique=True,
        postgresql_where=text("inn IS NOT NULL AND deleted_at IS NULL"),
    ),
    Index("ix_clients_search", text(CLIENT_VECTOR), postgresql_using="gin"),
)

# One row per address of a live client: an address belongs to one client only.
client_emails = Table(
    "client_emails",
    metadata,
    Column("email", Text, primary_key=True),
    Column("client_id", Uuid, ForeignKey("orders.clients.id", ondelete="CASCADE"), nullable=False),
    Column("domain", Text, nullable=False),
    Index("ix_client_emails_domain", "domain"),
    Index("ix_client_emails_client_id", "client_id"),
)

suppliers = Table(
    "suppliers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("company", Text, nullable=False),
    _text_array("emails"),
    Column("inn", Text),
    Column("contact_name", Text),
    Column("phone", Text),
    Column("notes", Text),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _ts("deleted_at"),
    _created(),
    _updated(),
    Index("ix_suppliers_emails", "emails", postgresql_using="gin"),
)

supplier_categories = Table(
    "supplier_categories",
    metadata,
    Column(
        "supplier_id", Uuid, ForeignKey("orders.suppliers.id", ondelete="CASCADE"), nullable=False
    ),
    Column(
        "category_id", Uuid, ForeignKey("orders.categories.id", ondelete="CASCADE"), nullable=False
    ),
    PrimaryKeyConstraint("supplier_id", "category_id", name="pk_supplier_categories"),
    Index("ix_supplier_categories_category_id", "category_id"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", Text, nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("client_id", Uuid, ForeignKey("orders.clients.id", ondelete="SET NULL")),
    Column("source_mail_id", Uuid, unique=True),
    Column("source_message_id", Text),
    Column("mail_subject", Text, nullable=False, server_default=""),
    Column("from_email", Text),
    Column("from_name", Text),
    Column("company", Text),
    Column("inn", Text),
    Column("kpp", Text),
    Column("contact_name", Text),
    Column("contact_phone", Text),
    Column("contact_email", Text),
    _ts("received_at"),
    Column("deadline", Date),
    Column("confidence", Float),
    Column("extractor", Text),
    Column("needs_review", Boolean, nullable=False, server_default=text("false")),
    _text_array("review_reasons"),
    Column("text_excerpt", Text, nullable=False, server_default=""),
    Column("possible_duplicate_of", Uuid),
    Column("fingerprint", Text),
    Column("rfq_seq", Integer, nullable=False, server_default=text("0")),
    Column("proposal_seq", Integer, nullable=False, server_default=text("0")),
    _ts("first_rfq_at"),
    _ts("proposal_sent_at"),
    _ts("closed_at"),
    Column("revenue", Numeric),
    Column("margin", Numeric),
    _created(),
    _updated(),
    Index("ix_orders_created_at", "created_at"),
    Index("ix_orders_status_created_at", "status", "created_at"),
    Index("ix_orders_client_id_created_at", "client_id", "created_at"),
    Index("ix_orders_fingerprint", "fingerprint"),
    Index("ix_orders_source_message_id", "source_message_id"),
    # Browsing (rpc.orders.browse): keyset slices and full-text search.
    Index("ix_orders_created_at_id", "created_at", "id"),
    Index("ix_orders_updated_at_id", "updated_at", "id"),
    Index("ix_orders_search", text(ORDER_VECTOR), postgresql_using="gin"),
)

order_items = Table(
    "order_items",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.orders.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("article", Text),
    Column("quantity", Numeric, nullable=False),
    Column("unit", Text, nullable=False),
    Column("note", Text),
    Column("source_line", Text),
    Column("quantity_stated", Boolean, nullable=False, server_default=text("true")),
    Column("unit_stated", Boolean, nullable=False, server_default=text("true")),
    Column("category_id", Uuid, ForeignKey("orders.categories.id", ondelete="SET NULL")),
    Index("ix_order_items_order_id_position", "order_id", "position"),
    Index("ix_order_items_search", text(ITEM_VECTOR), postgresql_using="gin"),
)

supplier_requests = Table(
    "supplier_requests",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("rfq_number", Text, nullable=False, unique=True),
    Column("order_id", Uuid, ForeignKey("orders.orders.id", ondelete="CASCADE"), nullable=False),
    Column("supplier_id", Uuid, ForeignKey("orders.suppliers.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("item_ids", ARRAY(Uuid), nullable=False),
    Column("message", Text),
    Column("supplier_email", Text),
    Column("mail_subject", Text),
    Column("command_id", Uuid),
    Column("message_id", Text),
    Column("reminder_command_id", Uuid),
    _created(),
    _ts("sent_at"),
    _ts("reminded_at"),
    _ts("answered_at"),
    _ts("closed_at"),
    Column("last_error", Text),
    _updated(),
    Index("ix_supplier_requests_order_id", "order_id"),
    Index("ix_supplier_requests_supplier_id", "supplier_id"),
    Index("ix_supplier_requests_message_id", "message_id"),
    Index(
        "ix_supplier_requests_waiting",
        "sent_at",
        postgresql_where=text("status IN ('sent', 'reminded')"),
    ),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("request_id", BigInteger, ForeignKey("orders.supplier_requests.id"), nullable=False),
    Column("order_id", Uuid, ForeignKey("orders.orders.id", ondelete="CASCADE"), nullable=False),
    Column("supplier_id", Uuid, ForeignKey("orders.suppliers.id"), nullable=False),
    Column("mail_id", Uuid, unique=True),
    Column("version", Integer, nullable=False),
    _ts("received_at", nullable=False),
    Column("currency", Text, nullable=False),
    Column("vat_included", Boolean),
    Column("lead_time_days", Integer),
    Column("payment_terms", Text),
    Column("valid_until", Date),
    Column("total", Numeric),
    Column("confidence", Float),
    Column("extractor", Text),
    Column("needs_review", Boolean, nullable=False, server_default=text("false")),
    _text_array("review_reasons"),
    Column("text_excerpt", Text, nullable=False, server_default=""),
    _created(),
    UniqueConstraint("request_id", "version", name="uq_quotes_request_id_version"),
    Index("ix_quotes_order_id", "order_id"),
    Index("ix_quotes_supplier_id", "supplier_id"),
)

quote_lines = Table(
    "quote_lines",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("quote_id", Uuid, ForeignKey("orders.quotes.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("position", Integer),
    Column("name", Text, nullable=False),
    Column("article", Text),
    Column("quantity", Numeric),
    Column("unit", Text),
    Column("unit_price", Numeric),
    Column("line_total", Numeric),
    Column("available", Boolean),
    Column("lead_time_days", Integer),
    Column("item_id", Uuid, ForeignKey("orders.order_items.id", ondelete="SET NULL")),
    Column("match_score", Float),
    Column("analogue", Boolean, nullable=False, server_default=text("false")),
    Index("ix_quote_lines_quote_id", "quote_id"),
    Index("ix_quote_lines_item_id", "item_id"),
)

unmatched_mail = Table(
    "unmatched_mail",
    metadata,
    Column("mail_id", Uuid, primary_key=True),
    Column("reason", Text, nullable=False),
    _ts("received_at"),
    Column("from_email", Text),
    Column("from_name", Text),
    Column("mail_subject", Text, nullable=False, server_default=""),
    Column("text_excerpt", Text, nullable=False, server_default=""),
    Column("thread", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("quote_payload", JSONB),
    Column("note", Text),
    Column("linked_request_id", BigInteger, ForeignKey("orders.supplier_requests.id")),
    Column("linked_quote_id", Uuid),
    _ts("linked_at"),
    Column("linked_by", Text),
    _created(),
    Index("ix_unmatched_mail_created_at", "created_at"),
)

proposals = Table(
    "proposals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.orders.id", ondelete="CASCADE"), nullable=False),
    Column("number", Text, nullable=False, unique=True),
    Column("status", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column("subtotal", Numeric, nullable=False),
    Column("vat_rate", Numeric, nullable=False),
    Column("vat_amount", Numeric, nullable=False),
    Column("total", Numeric, nullable=False),
    Column("cost_total", Numeric, nullable=False),
    Column("margin_amount", Numeric, nullable=False),
    Column("margin_percent", Numeric),
    _text_array("warnings"),
    Column("valid_until", Date),
    Column("lead_time_days", Integer),
    Column("payment_terms", Text),
    Column("notes", Text),
    Column("document_request_id", Uuid),
    Column("document_id", Uuid),
    Column("document_version", Integer),
    Column("document_storage_key", Text),
    Column("document_filename", Text),
    Column("document_content_type", Text),
    Column("document_sha256", Text),
    Column("document_size", BigInteger),
    Column("send_command_id", Uuid),
    _text_array("sent_to"),
    Column("last_error", Text),
    Column("created_by", Text, nullable=False),
    _created(),
    _updated(),
    _ts("sent_at"),
    Index("ix_proposals_order_id", "order_id"),
    # The sweeper's look for proposals still waiting for their PDF.
    Index(
        "ix_proposals_generating",
        "created_at",
        postgresql_where=text("status = 'generating'"),
    ),
)

proposal_lines = Table(
    "proposal_lines",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "proposal_id", Uuid, ForeignKey("orders.proposals.id", ondelete="CASCADE"), nullable=False
    ),
    Column("position", Integer, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("quote_line_id", Uuid),
    Column("quote_id", Uuid),
    Column("supplier_id", Uuid),
    Column("name", Text, nullable=False),
    Column("article", Text),
    Column("quantity", Numeric, nullable=False),
    Column("unit", Text, nullable=False),
    Column("cost_price", Numeric, nullable=False),
    Column("markup_percent", Numeric, nullable=False),
    Column("unit_price", Numeric, nullable=False),
    Column("amount", Numeric, nullable=False),
    Index("ix_proposal_lines_proposal_id", "proposal_id"),
    Index("ix_proposal_lines_supplier_id", "supplier_id"),
)

markup_rules = Table(
    "markup_rules",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("target", Text, nullable=False, unique=True),
    Column("scope", Text, nullable=False),
    Column("category_id", Uuid, ForeignKey("orders.categories.id", ondelete="CASCADE")),
    Column("client_id", Uuid, ForeignKey("orders.clients.id", ondelete="CASCADE")),
    Column("percent", Numeric, nullable=False),
    Column("min_margin_percent", Numeric),
    Column("updated_by", Text),
    _updated(),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _ts("at", nullable=False, default=True),
    Column("order_id", Uuid),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("entity", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("before", JSONB),
    Column("after", JSONB),
    Column("source_event_id", Uuid),
    Index("ix_audit_log_order_id_id", "order_id", "id"),
)

clarifications = Table(
    "clarifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.orders.id", ondelete="CASCADE"), nullable=False),
    Column("status", Text, nullable=False),
    Column("gaps", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("sent_to", ARRAY(Text), nullable=False, server_default=text("'{}'::text[]")),
    Column("mail_subject", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("in_reply_to", Text),
    Column("command_id", Uuid),
    Column("message_id", Text),
    _ts("sent_at"),
    _ts("answered_at"),
    Column("last_error", Text),
    Column("created_by", Text),
    _created(),
    _updated(),
    Index("ix_clarifications_order_id", "order_id"),
    Index("ix_clarifications_message_id", "message_id"),
)

clarification_answers = Table(
    "clarification_answers",
    metadata,
    Column("mail_id", Uuid, primary_key=True),
    Column(
        "clarification_id",
        Uuid,
        ForeignKey("orders.clarifications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("order_id", Uuid, ForeignKey("orders.orders.id", ondelete="CASCADE"), nullable=False),
    Column("changes", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    _created(),
)

exchange_rates = Table(
    "exchange_rates",
    metadata,
    Column("currency", Text, nullable=False),
    Column("on_date", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("rate", Numeric, nullable=False),
    Column("updated_by", Text),
    _updated(),
    PrimaryKeyConstraint("currency", "on_date", "source", name="pk_exchange_rates"),
)
