"""The parser's tests import their shared helpers (corpus scoring, corpus builders) by name."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
