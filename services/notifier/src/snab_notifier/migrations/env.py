from snab_kit.migrations import run_env
from snab_notifier.db.tables import metadata

run_env(metadata)
