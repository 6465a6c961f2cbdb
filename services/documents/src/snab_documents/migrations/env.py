from snab_kit.migrations import run_env
from snab_documents.db.tables import metadata

run_env(metadata)
