"""The REST API under /api/v1: thin routes over the desk and the auth use cases."""
