"""What the tests of deploy/ share: the six services, their settings classes, the scripts
copied into the image, the environment names a settings class reads."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import AliasChoices

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

# Service name in deploy/ (compose service, Kubernetes Deployment) -> its Python package.
SERVICES = {
    "mail": "snab_mail",
    "parser": "snab_parser",
    "orders": "snab_orders",
    "documents": "snab_documents",
    "notifier": "snab_notifier",
    "gateway": "snab_gateway",
}


def load_script(name: str) -> ModuleType:
    """One of deploy/docker/*.py (healthcheck, init_storage): no package, loaded by path."""
    path = DEPLOY / "docker" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"deploy_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def service_settings(module: str) -> type[Any]:
    """The settings class of the service package ``module`` (e.g. ``snab_orders``)."""
    from snab_kit.settings import ServiceSettings

    settings_module = importlib.import_module(f"{module}.settings")
    for value in vars(settings_module).values():
        if (
            isinstance(value, type)
            and issubclass(value, ServiceSettings)
            and value is not ServiceSettings
        ):
            return value
    raise LookupError(module)


def settings_env_names(cls: type[Any]) -> set[str]:
    """Every environment variable ``cls`` reads: a field's aliases when it has any (then
    pydantic-settings ignores its name), else its name."""
    names: set[str] = set()
    prefix = str(cls.model_config.get("env_prefix") or "")
    for name, info in cls.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names |= {choice.upper() for choice in alias.choices if isinstance(choice, str)}
        elif isinstance(alias, str):
            names.add(alias.upper())
        elif info.alias:
            names.add(info.alias.upper())
        else:
            names.add(f"{prefix}{name}".upper())
    return names
