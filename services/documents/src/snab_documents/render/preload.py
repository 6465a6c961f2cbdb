"""Imported by the forkserver that starts the render workers (``pool.PRELOAD``), before
any worker: each worker then forks with WeasyPrint and the template code already loaded,
instead of importing them itself.

Best effort: if the import fails here, the worker that imports them fails the same way
and says why.
"""

import contextlib
import gc

with contextlib.suppress(Exception):
    import weasyprint.text.fonts  # noqa: F401 - loads fontconfig (isolate_fonts ran first)

    import snab_documents.render.pdf  # noqa: F401

# What was imported stays shared with the workers (copy-on-write): the cycle collector of
# a worker no longer writes to these objects, and so copies fewer of their pages.
gc.collect()
gc.freeze()
