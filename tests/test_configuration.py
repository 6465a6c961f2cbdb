"""Secrets never leak. (That .env.example documents every setting with its true default
is checked by tests/deploy/test_env_example.py.)"""

from __future__ import annotations

import importlib
import re

import pytest
from pydantic import SecretStr
from pydantic_settings import BaseSettings

SETTINGS = (
    "snab_mail.settings",
    "snab_parser.settings",
    "snab_orders.settings",
    "snab_documents.settings",
    "snab_notifier.settings",
    "snab_gateway.settings",
)


@pytest.mark.parametrize("module_name", SETTINGS)
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
