"""Delivery of composed messages: SMTP, or .eml files in a local outbox folder."""
