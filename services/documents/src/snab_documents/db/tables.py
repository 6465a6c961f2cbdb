"""Tables of the `documents` schema."""

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "documents"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)
