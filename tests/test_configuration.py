"""Every setting of every service is documented in .env.example, and secrets never leak."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from pydantic import AliasChoices, SecretStr
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {
    "snab_mail.settings": None,
    "snab_parser.settings": None,
    "snab_orders.settings": None,
    "snab_documents.settings": None,
    "snab_notifier.settings": None,
    "snab_gateway.settings": None,
}


def _settings_classes() -> list[type[BaseSettings]]:
    found: list[type[BaseSettings]] = []
    for module_name in SETTINGS:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseSettings)
                and value.__module__ == module_name
            ):
                found.append(value)
    return found


def _env_names(cls: type[BaseSettings]) -> set[str]:
    names: set[str] = set()
    prefix = cls.model_config.get("env_prefix", "") or ""
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.add(str(alias.choices[0]).upper())
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def test_every_setting_is_in_env_example() -> None:
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
    )
    classes = _settings_classes()
    assert len(classes) >= 6
    missing = sorted({n for cls in classes for n in _env_names(cls)} - documented)
    assert not missing, f"settings missing from .env.example: {missing}"


@pytest.mark.parametrize("module_name", list(SETTINGS))
def test_secrets_are_secret(module_name: str) -> None:
    """A field that holds a password, key or token is a SecretStr (never printed)."""
    module = importlib.import_module(module_name)
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, BaseSettings):
            for name, field in value.model_fields.items():
                if re.search(r"password|secret|token|api_key", name):
                    annotation = str(field.annotation)
                    assert "SecretStr" in annotation or field.annotation is SecretStr, (
                        f"{value.__name__}.{name} should be a SecretStr"
                    )
