"""Use cases: each takes the open transaction (``tx``) or session explicitly."""
