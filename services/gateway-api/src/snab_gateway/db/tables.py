"""Tables of the `gateway` schema."""

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "gateway"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)
