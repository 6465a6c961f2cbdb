from snab_documents.db.tables import metadata
from snab_kit.migrations import run_env

run_env(metadata)
