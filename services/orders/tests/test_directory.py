"""Clients, suppliers, categories and markup rules through rpc; clients found from requests."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from orders_testkit import App, order_parsed

from snab_contracts.rpc.common import Deleted
from snab_contracts.rpc.directory import (
    CategoriesCreate,
    CategoriesList,
    ClientInput,
    ClientsCreate,
    ClientsDelete,
    ClientsGet,
    ClientsList,
    ClientsUpdate,
    SupplierInput,
    SuppliersCreate,
    SuppliersDelete,
    SuppliersList,
    SuppliersUpdate,
)
from snab_contracts.rpc.orders import OrdersListMarkups, OrdersSetMarkup
from snab_kit.rpc import Conflict, NotFound


async def test_clients_crud(app: App) -> None:
    made = await app.call(
        ClientsCreate(
            client=ClientInput(
                name="ООО «Ромашка»", inn="7701234567", emails=["Zakupki@Romashka.ru"]
            ),
            actor="user:1",
        ),
    )
    assert made.emails == ["zakupki@romashka.ru"]
    with pytest.raises(Conflict, match="ИНН"):
        await app.call(ClientsCreate(client=ClientInput(name="Другая", inn="7701234567")))
    with pytest.raises(Conflict, match=r"zakupki@romashka\.ru"):
        await app.call(
            ClientsCreate(client=ClientInput(name="Другая", emails=["zakupki@romashka.ru"])),
        )
    updated = await app.call(
        ClientsUpdate(
            client_id=made.client_id,
            client=ClientInput(name="АО «Ромашка»", inn="7701234567", emails=["b@romashka.ru"]),
        ),
    )
    assert updated.name == "АО «Ромашка»" and updated.emails == ["b@romashka.ru"]
    page = await app.call(ClientsList(query="ромашка"))
    assert [c.client_id for c in page.items] == [made.client_id]
    deleted = await app.call(ClientsDelete(client_id=made.client_id))
    assert deleted == Deleted(id=made.client_id, deactivated=False)
    with pytest.raises(NotFound):
        await app.call(ClientsGet(client_id=made.client_id))


async def test_clients_from_requests_are_never_duplicated(app: App) -> None:
    # Same company domain, another person: the same client. A public domain: not.
    await app.publish(
        order_parsed(email="ivanov@zavod-stal.ru", company="АО «Завод Сталь»", inn="5001234567"),
        order_parsed(
            email="petrova@zavod-stal.ru", company=None, items=[("Уголок 50х50", "10", "м")]
        ),
        order_parsed(
            email="snab@mail.ru", company=None, inn="5001234567", items=[("Лист 2 мм", "3", "лист")]
        ),
        order_parsed(email="other@mail.ru", company="ИП Орлов", items=[("Труба 20", "5", "м")]),
    )
    rows = await app.wait_rows("SELECT client_id FROM orders.orders ORDER BY seq", count=4)
    assert rows[0].client_id == rows[1].client_id == rows[2].client_id  # domain, then INN
    assert rows[3].client_id != rows[0].client_id
    client = await app.call(ClientsGet(client_id=rows[0].client_id))
    assert client.inn == "5001234567" and client.orders_count == 3
    assert set(client.emails) == {"ivanov@zavod-stal.ru", "petrova@zavod-stal.ru", "snab@mail.ru"}
    # A client with orders is deactivated, not removed.
    assert (await app.call(ClientsDelete(client_id=client.client_id))).deactivated


async def test_suppliers_categories_and_markups(app: App) -> None:
    fasteners = await app.call(CategoriesCreate(name="Крепёж"))
    cables = await app.call(CategoriesCreate(name="Кабель"))
    with pytest.raises(Conflict):
        await app.call(CategoriesCreate(name="крепёж"))
    supplier = await app.call(
        SuppliersCreate(
            supplier=SupplierInput(
                company="ООО «Метизы»",
                emails=["sales@metizy.example", "opt@metizy.example"],
                category_ids=[fasteners.category_id],
                notes="скидка от 50 000 ₽",
            )
        ),
    )
    assert [c.name for c in supplier.categories] == ["Крепёж"]
    with pytest.raises(NotFound, match="категория"):
        await app.call(
            SuppliersCreate(
                supplier=SupplierInput(company="X", emails=["x@x.example"], category_ids=[uuid4()])
            ),
        )
    moved = await app.call(
        SuppliersUpdate(
            supplier_id=supplier.supplier_id,
            supplier=SupplierInput(
                company="ООО «Метизы»",
                emails=["sales@metizy.example"],
                category_ids=[cables.category_id],
                active=False,
            ),
        ),
    )
    assert [c.name for c in moved.categories] == ["Кабель"] and not moved.active
    listed = await app.call(SuppliersList(category_id=cables.category_id))
    assert [s.supplier_id for s in listed.items] == [supplier.supplier_id]
    assert (await app.call(SuppliersList(active=True))).total == 0
    cats = await app.call(CategoriesList())
    assert {c.name: c.suppliers_count for c in cats.items} == {"Кабель": 0, "Крепёж": 0}
    removed = await app.call(SuppliersDelete(supplier_id=supplier.supplier_id))
    assert not removed.deactivated

    rule = await app.call(
        OrdersSetMarkup(scope="category", category_id=fasteners.category_id, percent=Decimal(18)),
    )
    again = await app.call(
        OrdersSetMarkup(scope="category", category_id=fasteners.category_id, percent=Decimal(25)),
    )
    assert again.rule_id == rule.rule_id and again.percent == Decimal(25)
    await app.call(OrdersSetMarkup(scope="global", percent=Decimal(15)))
    rules = await app.call(OrdersListMarkups())
    assert sorted((r.scope, r.percent) for r in rules.items) == [
        ("category", Decimal(25)),
        ("global", Decimal(15)),
    ]
    with pytest.raises(NotFound):
        await app.call(OrdersSetMarkup(scope="client", client_id=uuid4(), percent=1))


async def test_search_takes_percent_and_underscore_literally(app: App) -> None:
    for company in ("ООО «100% Крепёж»", "ООО «Крепёж_Опт»", "ООО «Крепёж Плюс»"):
        await app.call(
            SuppliersCreate(
                supplier=SupplierInput(company=company, emails=[f"{uuid4().hex[:8]}@x.example"])
            )
        )
    percent = await app.call(SuppliersList(query="100%"))
    assert [s.company for s in percent.items] == ["ООО «100% Крепёж»"]
    underscore = await app.call(SuppliersList(query="ж_О"))
    assert [s.company for s in underscore.items] == ["ООО «Крепёж_Опт»"]
    everything = await app.call(SuppliersList(query="%"))
    assert [s.company for s in everything.items] == ["ООО «100% Крепёж»"]
