"""Tables of the `orders` schema."""

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "orders"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)
