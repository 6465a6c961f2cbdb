"""Tables of the `notifier` schema."""

from snab_kit.db import make_metadata
from snab_kit.messaging import MessagingTables

SCHEMA = "notifier"
metadata = make_metadata(SCHEMA)
messaging = MessagingTables(metadata)
