"""Which company requisites a proposal must carry before it may go to a client."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from snab_contracts.documents import CompanyRequisites

Requisite = Literal["kpp", "ogrn", "address", "phone", "email", "bank"]
REQUISITES: tuple[Requisite, ...] = get_args(Requisite)

# What a manager reads, and which setting of the orders service fills it.
_NAMES: dict[Requisite, tuple[str, str]] = {
    "kpp": ("КПП", "COMPANY_KPP"),
    "ogrn": ("ОГРН", "COMPANY_OGRN"),
    "address": ("адрес", "COMPANY_ADDRESS"),
    "phone": ("телефон", "COMPANY_PHONE"),
    "email": ("электронная почта", "COMPANY_EMAIL"),
    "bank": ("банковские реквизиты", "COMPANY_BANK_NAME, COMPANY_BANK_BIK, COMPANY_BANK_ACCOUNT"),
}


def missing_requisites(
    company: CompanyRequisites, required: Iterable[Requisite]
) -> list[Requisite]:
    """The required requisites the company has not got. A КПП is asked of organisations
    only: an individual entrepreneur (12-digit ИНН) has none."""
    missing: list[Requisite] = []
    for name in required:
        if name == "kpp":
            if company.kpp is None and len(company.inn) == 10:
                missing.append(name)
        elif name == "bank":
            if company.bank is None:
                missing.append(name)
        elif not getattr(company, name):
            missing.append(name)
    return missing


def missing_reason(missing: list[Requisite]) -> str:
    """«В настройках не заданы реквизиты компании: КПП, ОГРН (COMPANY_KPP, COMPANY_OGRN)…»."""
    names = ", ".join(_NAMES[m][0] for m in missing)
    settings = ", ".join(_NAMES[m][1] for m in missing)
    return (
        f"В настройках не заданы реквизиты компании: {names}. "
        f"КП без них клиенту не отправляется; администратору нужно задать {settings} "
        "и собрать КП заново."
    )
