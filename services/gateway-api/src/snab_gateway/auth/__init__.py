"""Users, roles, passwords, tokens and sessions: shared by the REST API and the web admin."""
