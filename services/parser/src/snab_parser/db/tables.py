"""Tables of the `parser` schema."""

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "parser"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)
