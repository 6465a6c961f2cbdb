"""deploy/local is no package: its two modules, loaded by path for the tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

LOCAL = Path(__file__).resolve().parents[2] / "deploy" / "local"


def load(name: str, file: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    if str(LOCAL) not in sys.path:
        sys.path.insert(0, str(LOCAL))
    spec = importlib.util.spec_from_file_location(name, LOCAL / file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


envdoc = load("envdoc", "envdoc.py")
run = load("snab_local_run", "run.py")
