"""Suppliers and clients over HTTP (INN control digits, emails), and errors: one shape,
the right status, and nothing internal in them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from gateway_testkit import Stack

from snab_gateway.desk import orders as desk_orders


async def test_suppliers_and_clients(stack: Stack) -> None:
    manager = await stack.manager()
    made = await stack.send(
        "POST",
        "/api/v1/suppliers",
        {
            "company": "ООО «Метиз»",
            "emails": ["Sales@Metiz.example"],
            "inn": "7707083893",
            "phone": "+7 495 123-45-67",
        },
        status=201,
    )
    assert made["inn"] == "7707083893" and made["emails"] == ["sales@metiz.example"]
    for body, loc in (
        ({"company": "ООО «Х»", "emails": ["x@x.example"], "inn": "7707083894"}, "body.inn"),
        ({"company": "ООО «Х»", "emails": ["x@x.example"], "inn": "77070838"}, "body.inn"),
        ({"company": "ООО «Х»", "emails": ["not an email"]}, "body.emails.0"),
        ({"company": "ООО «Х»", "emails": []}, "body.emails"),
        ({"company": "", "emails": ["x@x.example"]}, "body.company"),
        ({"company": "ООО «Х»", "emails": ["x@x.example"], "colour": "red"}, "body.colour"),
    ):
        resp = await stack.http.post("/api/v1/suppliers", json=body, headers=manager)
        assert resp.status_code == 422, body
        error = resp.json()
        assert error["code"] == "validation" and error["errors"][0]["loc"] == loc, error
        assert "'input'" not in str(error)  # what was sent is not echoed
        assert "7707083894" not in str(error) and "not an email" not in str(error)
    bad_inn = await stack.http.post(
        "/api/v1/suppliers",
        json={"company": "ООО «Х»", "emails": ["x@x.example"], "inn": "7707083894"},
        headers=manager,
    )
    assert "контрольной" in bad_inn.json()["errors"][0]["msg"]
    # A 12-digit INN of a person (ИП).
    person = await stack.send(
        "POST",
        "/api/v1/suppliers",
        {"company": "ИП Сидоров", "emails": ["s@sidorov.example"], "inn": "500100732259"},
        status=201,
    )
    listed = await stack.get("/api/v1/suppliers", params={"q": "метиз"})
    assert [s["supplier_id"] for s in listed["items"]] == [made["supplier_id"]]
    updated = await stack.send(
        "PUT",
        f"/api/v1/suppliers/{made['supplier_id']}",
        {"company": "ООО «Метиз-Центр»", "emails": ["sales@metiz.example"], "active": False},
    )
    assert updated["company"] == "ООО «Метиз-Центр»" and updated["active"] is False
    active = await stack.get("/api/v1/suppliers", params={"active": "true"})
    assert [s["supplier_id"] for s in active["items"]] == [person["supplier_id"]]
    deleted = await stack.send("DELETE", f"/api/v1/suppliers/{made['supplier_id']}")
    assert deleted == {"id": made["supplier_id"], "deactivated": False}
    gone = await stack.http.get(f"/api/v1/suppliers/{made['supplier_id']}", headers=manager)
    assert gone.status_code == 404 and gone.json()["detail"] == "поставщик не найден"

    category = await stack.send("POST", "/api/v1/categories", {"name": "Крепёж"}, status=201)
    assert (await stack.get("/api/v1/categories"))["items"][0]["category_id"] == category[
        "category_id"
    ]

    client = await stack.send(
        "POST",
        "/api/v1/clients",
        {"name": "ООО «Ромашка»", "inn": "7707083893", "emails": ["zakupki@romashka.example"]},
        status=201,
    )
    same_inn = await stack.http.post(
        "/api/v1/clients", json={"name": "Другая", "inn": "7707083893"}, headers=manager
    )
    assert same_inn.status_code == 409 and "ИНН" in same_inn.json()["detail"]
    wrong = await stack.http.put(
        f"/api/v1/clients/{client['client_id']}",
        json={"name": "ООО «Ромашка»", "inn": "1234567890"},
        headers=manager,
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == "body.inn"
    found = await stack.get("/api/v1/clients", params={"q": "7707083893"})
    assert [c["client_id"] for c in found["items"]] == [client["client_id"]]
    assert (await stack.send("DELETE", f"/api/v1/clients/{client['client_id']}"))["id"]

    # Markup rules: a scope without its target is the caller's mistake (422), not ours.
    rule = await stack.send("PUT", "/api/v1/markup-rules", {"scope": "global", "percent": "12"})
    assert rule["percent"] == "12"
    mismatch = await stack.http.put(
        "/api/v1/markup-rules", json={"scope": "category", "percent": "12"}, headers=manager
    )
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "validation"
    period = await stack.http.get(
        "/api/v1/analytics/summary",
        params={"period_from": "2026-12-10", "period_to": "2026-12-01"},
        headers=manager,
    )
    assert period.status_code == 422
    summary = await stack.get("/api/v1/analytics/summary", params={"granularity": "week"})
    assert summary["granularity"] == "week"
    assert (await stack.get("/api/v1/analytics/suppliers"))["rows"] == []
    assert (await stack.get("/api/v1/analytics/price-history", params={"q": "болт"}))[
        "points"
    ] == []


async def test_unknown_routes_and_methods_answer_in_shape(stack: Stack) -> None:
    manager = await stack.manager()
    nowhere = await stack.http.get("/api/v1/nowhere", headers=manager)
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "not_found"
    wrong_method = await stack.http.delete("/api/v1/orders", headers=manager)
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    broken_json = await stack.http.post(
        "/api/v1/suppliers",
        content=b'{"company": ',
        headers={**manager, "content-type": "application/json"},
    )
    assert broken_json.status_code == 422 and broken_json.json()["code"] == "validation"
    assert (
        nowhere.headers["x-request-id"] and nowhere.headers["x-content-type-options"] == "nosniff"
    )


async def test_a_service_that_does_not_answer_is_503(stack: Stack) -> None:
    manager = await stack.manager()
    await stack.services["orders"].stop()
    await stack.services["orders"].broker.stop()
    resp = await stack.http.get("/api/v1/orders", headers=manager)
    assert resp.status_code == 503
    assert resp.headers["retry-after"] == "5"
    body = resp.json()
    assert body["code"] == "unavailable" and body["detail"].startswith("служба временно")
    assert "rpc" not in resp.text and "NoResponders" not in resp.text


SECRET = "SELECT password_hash FROM gateway.users -- hunter2"


async def test_internal_errors_leak_nothing(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    manager = await stack.manager()

    # Inside a service: the rpc says "internal", the gateway says 500 and no more.
    import snab_orders.services.orders as orders_service

    async def broken_detail(**_: Any) -> Any:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(orders_service, "get_detail", broken_detail)
    resp = await stack.http.get(f"/api/v1/orders/{uuid.uuid4()}", headers=manager)
    assert resp.status_code == 500
    body = resp.json()
    assert body["code"] == "internal" and body["request_id"] == resp.headers["x-request-id"]
    assert "hunter2" not in resp.text and "RuntimeError" not in resp.text

    # Inside the gateway itself.
    async def broken_browse(**_: Any) -> Any:
        raise ValueError(SECRET)

    monkeypatch.setattr(desk_orders, "browse", broken_browse)
    capsys.readouterr()
    resp = await stack.http.get("/api/v1/orders", headers=manager)
    assert resp.status_code == 500
    assert resp.json()["code"] == "internal" and "hunter2" not in resp.text
    logged = capsys.readouterr()
    assert "request_failed" in logged.out + logged.err
    assert "hunter2" not in logged.out + logged.err and "Traceback" not in logged.out + logged.err
