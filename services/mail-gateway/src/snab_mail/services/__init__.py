"""Use cases: intake of a raw message, sending a message."""
