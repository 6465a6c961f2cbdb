from snab_kit.migrations import run_env
from snab_orders.db.tables import metadata

run_env(metadata)
