"""Tables of the `mail` schema."""

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "mail"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)
