"""The procurement workflow: directory, orders, requests, quotes, proposals, audit.

Revision ID: orders_0002
Revises: orders_0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "orders_0002"
down_revision: str | None = "orders_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("source_event_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        schema="orders",
    )
    op.create_index(
        "ix_audit_log_order_id_id", "audit_log", ["order_id", "id"], unique=False, schema="orders"
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["orders.categories.id"],
            name=op.f("fk_categories_parent_id_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_categories_name")),
        schema="orders",
    )
    op.create_table(
        "clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("inn", sa.Text(), nullable=True),
        sa.Column("kpp", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        schema="orders",
    )
    op.create_index(
        "uq_clients_inn_active",
        "clients",
        ["inn"],
        unique=True,
        schema="orders",
        postgresql_where=sa.text("inn IS NOT NULL AND deleted_at IS NULL"),
    )
    op.create_table(
        "counters",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "kind", name="pk_counters"),
        schema="orders",
    )
    op.create_table(
        "suppliers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company", sa.Text(), nullable=False),
        sa.Column(
            "emails",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("inn", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        schema="orders",
    )
    op.create_index(
        "ix_suppliers_emails",
        "suppliers",
        ["emails"],
        unique=False,
        schema="orders",
        postgresql_using="gin",
    )
    op.create_table(
        "client_emails",
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["orders.clients.id"],
            name=op.f("fk_client_emails_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_client_emails")),
        schema="orders",
    )
    op.create_index(
        "ix_client_emails_client_id", "client_emails", ["client_id"], unique=False, schema="orders"
    )
    op.create_index(
        "ix_client_emails_domain", "client_emails", ["domain"], unique=False, schema="orders"
    )
    op.create_table(
        "markup_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("percent", sa.Numeric(), nullable=False),
        sa.Column("min_margin_percent", sa.Numeric(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["orders.categories.id"],
            name=op.f("fk_markup_rules_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["orders.clients.id"],
            name=op.f("fk_markup_rules_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markup_rules")),
        sa.UniqueConstraint("target", name=op.f("uq_markup_rules_target")),
        schema="orders",
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("source_mail_id", sa.Uuid(), nullable=True),
        sa.Column("mail_subject", sa.Text(), server_default="", nullable=False),
        sa.Column("from_email", sa.Text(), nullable=True),
        sa.Column("from_name", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("inn", sa.Text(), nullable=True),
        sa.Column("kpp", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.Text(), nullable=True),
        sa.Column("contact_email", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("extractor", sa.Text(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "review_reasons",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("text_excerpt", sa.Text(), server_default="", nullable=False),
        sa.Column("possible_duplicate_of", sa.Uuid(), nullable=True),
        sa.Column("fingerprint", sa.Text(), nullable=True),
        sa.Column("rfq_seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("proposal_seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("first_rfq_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposal_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revenue", sa.Numeric(), nullable=True),
        sa.Column("margin", sa.Numeric(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["orders.clients.id"],
            name=op.f("fk_orders_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
        sa.UniqueConstraint("source_mail_id", name=op.f("uq_orders_source_mail_id")),
        schema="orders",
    )
    op.create_index(
        "ix_orders_client_id_created_at",
        "orders",
        ["client_id", "created_at"],
        unique=False,
        schema="orders",
    )
    op.create_index("ix_orders_created_at", "orders", ["created_at"], unique=False, schema="orders")
    op.create_index(
        "ix_orders_fingerprint", "orders", ["fingerprint"], unique=False, schema="orders"
    )
    op.create_index(
        "ix_orders_status_created_at",
        "orders",
        ["status", "created_at"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "supplier_categories",
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["orders.categories.id"],
            name=op.f("fk_supplier_categories_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["orders.suppliers.id"],
            name=op.f("fk_supplier_categories_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("supplier_id", "category_id", name="pk_supplier_categories"),
        schema="orders",
    )
    op.create_index(
        "ix_supplier_categories_category_id",
        "supplier_categories",
        ["category_id"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "order_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("article", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_line", sa.Text(), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["orders.categories.id"],
            name=op.f("fk_order_items_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
        schema="orders",
    )
    op.create_index(
        "ix_order_items_order_id_position",
        "order_items",
        ["order_id", "position"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("subtotal", sa.Numeric(), nullable=False),
        sa.Column("vat_rate", sa.Numeric(), nullable=False),
        sa.Column("vat_amount", sa.Numeric(), nullable=False),
        sa.Column("total", sa.Numeric(), nullable=False),
        sa.Column("cost_total", sa.Numeric(), nullable=False),
        sa.Column("margin_amount", sa.Numeric(), nullable=False),
        sa.Column("margin_percent", sa.Numeric(), nullable=True),
        sa.Column(
            "warnings",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("payment_terms", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("document_request_id", sa.Uuid(), nullable=True),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("document_version", sa.Integer(), nullable=True),
        sa.Column("document_storage_key", sa.Text(), nullable=True),
        sa.Column("document_filename", sa.Text(), nullable=True),
        sa.Column("document_content_type", sa.Text(), nullable=True),
        sa.Column("document_sha256", sa.Text(), nullable=True),
        sa.Column("document_size", sa.BigInteger(), nullable=True),
        sa.Column("send_command_id", sa.Uuid(), nullable=True),
        sa.Column(
            "sent_to",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.orders.id"],
            name=op.f("fk_proposals_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
        sa.UniqueConstraint("number", name=op.f("uq_proposals_number")),
        schema="orders",
    )
    op.create_index(
        "ix_proposals_order_id", "proposals", ["order_id"], unique=False, schema="orders"
    )
    op.create_table(
        "supplier_requests",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("rfq_number", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("item_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("supplier_email", sa.Text(), nullable=True),
        sa.Column("mail_subject", sa.Text(), nullable=True),
        sa.Column("command_id", sa.Uuid(), nullable=True),
        sa.Column("message_id", sa.Text(), nullable=True),
        sa.Column("reminder_command_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.orders.id"],
            name=op.f("fk_supplier_requests_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["orders.suppliers.id"],
            name=op.f("fk_supplier_requests_supplier_id_suppliers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_requests")),
        sa.UniqueConstraint("rfq_number", name=op.f("uq_supplier_requests_rfq_number")),
        schema="orders",
    )
    op.create_index(
        "ix_supplier_requests_message_id",
        "supplier_requests",
        ["message_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        "ix_supplier_requests_order_id",
        "supplier_requests",
        ["order_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        "ix_supplier_requests_supplier_id",
        "supplier_requests",
        ["supplier_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        "ix_supplier_requests_waiting",
        "supplier_requests",
        ["sent_at"],
        unique=False,
        schema="orders",
        postgresql_where=sa.text("status IN ('sent', 'reminded')"),
    )
    op.create_table(
        "proposal_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("quote_line_id", sa.Uuid(), nullable=True),
        sa.Column("quote_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("article", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("cost_price", sa.Numeric(), nullable=False),
        sa.Column("markup_percent", sa.Numeric(), nullable=False),
        sa.Column("unit_price", sa.Numeric(), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["orders.proposals.id"],
            name=op.f("fk_proposal_lines_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_lines")),
        schema="orders",
    )
    op.create_index(
        "ix_proposal_lines_proposal_id",
        "proposal_lines",
        ["proposal_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        "ix_proposal_lines_supplier_id",
        "proposal_lines",
        ["supplier_id"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("mail_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("vat_included", sa.Boolean(), nullable=True),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("payment_terms", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("total", sa.Numeric(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("extractor", sa.Text(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "review_reasons",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("text_excerpt", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.orders.id"],
            name=op.f("fk_quotes_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["orders.supplier_requests.id"],
            name=op.f("fk_quotes_request_id_supplier_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["orders.suppliers.id"], name=op.f("fk_quotes_supplier_id_suppliers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("mail_id", name=op.f("uq_quotes_mail_id")),
        sa.UniqueConstraint("request_id", "version", name="uq_quotes_request_id_version"),
        schema="orders",
    )
    op.create_index("ix_quotes_order_id", "quotes", ["order_id"], unique=False, schema="orders")
    op.create_index(
        "ix_quotes_supplier_id", "quotes", ["supplier_id"], unique=False, schema="orders"
    )
    op.create_table(
        "unmatched_mail",
        sa.Column("mail_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("from_email", sa.Text(), nullable=True),
        sa.Column("from_name", sa.Text(), nullable=True),
        sa.Column("mail_subject", sa.Text(), server_default="", nullable=False),
        sa.Column("text_excerpt", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "thread",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("quote_payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("linked_request_id", sa.BigInteger(), nullable=True),
        sa.Column("linked_quote_id", sa.Uuid(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("linked_by", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["linked_request_id"],
            ["orders.supplier_requests.id"],
            name=op.f("fk_unmatched_mail_linked_request_id_supplier_requests"),
        ),
        sa.PrimaryKeyConstraint("mail_id", name=op.f("pk_unmatched_mail")),
        schema="orders",
    )
    op.create_index(
        "ix_unmatched_mail_created_at",
        "unmatched_mail",
        ["created_at"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "quote_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("quote_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("article", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Numeric(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("unit_price", sa.Numeric(), nullable=True),
        sa.Column("line_total", sa.Numeric(), nullable=True),
        sa.Column("available", sa.Boolean(), nullable=True),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["orders.order_items.id"],
            name=op.f("fk_quote_lines_item_id_order_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["orders.quotes.id"],
            name=op.f("fk_quote_lines_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_lines")),
        schema="orders",
    )
    op.create_index(
        "ix_quote_lines_item_id", "quote_lines", ["item_id"], unique=False, schema="orders"
    )
    op.create_index(
        "ix_quote_lines_quote_id", "quote_lines", ["quote_id"], unique=False, schema="orders"
    )


def downgrade() -> None:
    op.drop_index("ix_quote_lines_quote_id", table_name="quote_lines", schema="orders")
    op.drop_index("ix_quote_lines_item_id", table_name="quote_lines", schema="orders")
    op.drop_table("quote_lines", schema="orders")
    op.drop_index("ix_unmatched_mail_created_at", table_name="unmatched_mail", schema="orders")
    op.drop_table("unmatched_mail", schema="orders")
    op.drop_index("ix_quotes_supplier_id", table_name="quotes", schema="orders")
    op.drop_index("ix_quotes_order_id", table_name="quotes", schema="orders")
    op.drop_table("quotes", schema="orders")
    op.drop_index("ix_proposal_lines_supplier_id", table_name="proposal_lines", schema="orders")
    op.drop_index("ix_proposal_lines_proposal_id", table_name="proposal_lines", schema="orders")
    op.drop_table("proposal_lines", schema="orders")
    op.drop_index(
        "ix_supplier_requests_waiting",
        table_name="supplier_requests",
        schema="orders",
        postgresql_where=sa.text("status IN ('sent', 'reminded')"),
    )
    op.drop_index(
        "ix_supplier_requests_supplier_id", table_name="supplier_requests", schema="orders"
    )
    op.drop_index("ix_supplier_requests_order_id", table_name="supplier_requests", schema="orders")
    op.drop_index(
        "ix_supplier_requests_message_id", table_name="supplier_requests", schema="orders"
    )
    op.drop_table("supplier_requests", schema="orders")
    op.drop_index("ix_proposals_order_id", table_name="proposals", schema="orders")
    op.drop_table("proposals", schema="orders")
    op.drop_index("ix_order_items_order_id_position", table_name="order_items", schema="orders")
    op.drop_table("order_items", schema="orders")
    op.drop_index(
        "ix_supplier_categories_category_id", table_name="supplier_categories", schema="orders"
    )
    op.drop_table("supplier_categories", schema="orders")
    op.drop_index("ix_orders_status_created_at", table_name="orders", schema="orders")
    op.drop_index("ix_orders_fingerprint", table_name="orders", schema="orders")
    op.drop_index("ix_orders_created_at", table_name="orders", schema="orders")
    op.drop_index("ix_orders_client_id_created_at", table_name="orders", schema="orders")
    op.drop_table("orders", schema="orders")
    op.drop_table("markup_rules", schema="orders")
    op.drop_index("ix_client_emails_domain", table_name="client_emails", schema="orders")
    op.drop_index("ix_client_emails_client_id", table_name="client_emails", schema="orders")
    op.drop_table("client_emails", schema="orders")
    op.drop_index(
        "ix_suppliers_emails", table_name="suppliers", schema="orders", postgresql_using="gin"
    )
    op.drop_table("suppliers", schema="orders")
    op.drop_table("counters", schema="orders")
    op.drop_index(
        "uq_clients_inn_active",
        table_name="clients",
        schema="orders",
        postgresql_where=sa.text("inn IS NOT NULL AND deleted_at IS NULL"),
    )
    op.drop_table("clients", schema="orders")
    op.drop_table("categories", schema="orders")
    op.drop_index("ix_audit_log_order_id_id", table_name="audit_log", schema="orders")
    op.drop_table("audit_log", schema="orders")
