"""Who gets in: every route of the OpenAPI document refuses a missing, forged, expired or
revoked token; admin routes refuse managers; logins are rate limited."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from gateway_testkit import ADMIN, Stack

from snab_gateway.auth.tokens import issue_token

PUBLIC = {("post", "/api/v1/auth/token")}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def concrete(path: str, op: dict[str, Any]) -> str:
    """The path with a plausible value for each parameter."""
    values = {}
    for param in op.get("parameters", []):
        if param["in"] != "path":
            continue
        schema = param.get("schema", {})
        if schema.get("format") == "uuid":
            values[param["name"]] = str(uuid.uuid4())
        elif "ORD" in schema.get("pattern", ""):
            values[param["name"]] = "ORD-2026-0001"
        else:
            values[param["name"]] = "1"
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


async def refused(stack: Stack, headers: dict[str, str]) -> list[str]:
    """Operations that did not answer 401 with these headers."""
    document = (await stack.http.get("/api/v1/openapi.json")).json()
    wrong = []
    for method, path, op in operations(document):
        if (method, path) in PUBLIC:
            continue
        resp = await stack.http.request(method, concrete(path, op), headers=headers)
        body = resp.json()
        if (
            resp.status_code != 401
            or body.get("code") != "unauthorized"
            or "Bearer" not in resp.headers.get("www-authenticate", "")
        ):
            wrong.append(f"{method.upper()} {path}: {resp.status_code} {resp.text[:100]}")
    return wrong


async def test_the_document_names_every_protection(stack: Stack) -> None:
    document = (await stack.http.get("/api/v1/openapi.json")).json()
    ops = operations(document)
    assert len(ops) >= 45
    unmarked = {(m, p) for m, p, op in ops if "x-required-role" not in op}
    assert unmarked == PUBLIC, "a route without authentication"
    admin_only = {p for m, p, op in ops if op.get("x-required-role") == "admin"}
    assert admin_only == {
        "/api/v1/rates",
        "/api/v1/rates/refresh",
        "/api/v1/users",
        "/api/v1/users/{user_id}",
        "/api/v1/users/{user_id}/password",
    }
    for method, path, op in ops:
        if (method, path) not in PUBLIC:
            assert op["security"] == [{"OAuth2PasswordBearer": []}], path
            assert "401" in op["responses"], path


async def test_every_route_needs_a_valid_token(stack: Stack) -> None:
    assert await refused(stack, {}) == []
    assert await refused(stack, {"Authorization": "Bearer not-a-token"}) == []
    assert await refused(stack, {"Authorization": "Basic YWRtaW46YWRtaW4="}) == []

    # Signed with another key.
    me = await stack.get("/api/v1/auth/me", headers=await stack.manager())
    forged = issue_token(
        user_id=uuid.UUID(me["user_id"]),
        version=1,
        key="y" * 40,
        lifetime=timedelta(hours=1),
        now=datetime.now(UTC),
    )
    assert await refused(stack, {"Authorization": f"Bearer {forged}"}) == []

    # Ours, but expired.
    key = stack.settings.secret_key.get_secret_value()  # type: ignore[union-attr]
    expired = issue_token(
        user_id=uuid.UUID(me["user_id"]),
        version=1,
        key=key,
        lifetime=timedelta(hours=1),
        now=datetime.now(UTC) - timedelta(hours=2),
    )
    assert await refused(stack, {"Authorization": f"Bearer {expired}"}) == []

    # Ours, with another algorithm than the one we sign with ("none" among them).
    unsigned = jwt.encode({"sub": me["user_id"], "ver": 1, "exp": 2**40, "iat": 1}, None, "none")
    assert await refused(stack, {"Authorization": f"Bearer {unsigned}"}) == []


async def test_a_disabled_user_is_out_at_once(stack: Stack) -> None:
    manager = await stack.user("boris")
    me = await stack.get("/api/v1/auth/me", headers=manager)
    assert me["role"] == "manager"
    await stack.send(
        "PATCH", f"/api/v1/users/{me['user_id']}", {"active": False}, headers=await stack.admin()
    )
    assert await refused(stack, manager) == []
    resp = await stack.http.post(
        "/api/v1/auth/token", data={"username": "boris", "password": "boris-boris-pw"}
    )
    assert resp.status_code == 401
    # Enabled again: a new login works, the old token stays dead.
    await stack.send(
        "PATCH", f"/api/v1/users/{me['user_id']}", {"active": True}, headers=await stack.admin()
    )
    assert (await stack.http.get("/api/v1/auth/me", headers=manager)).status_code == 401
    fresh = await stack.token("boris", "boris-boris-pw")
    assert (
        await stack.http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {fresh}"})
    ).status_code == 200


async def test_a_password_reset_ends_the_old_tokens(stack: Stack) -> None:
    manager = await stack.user("vera")
    me = await stack.get("/api/v1/auth/me", headers=manager)
    await stack.send(
        "PUT",
        f"/api/v1/users/{me['user_id']}/password",
        {"password": "a brand new secret"},
        headers=await stack.admin(),
    )
    assert (await stack.http.get("/api/v1/auth/me", headers=manager)).status_code == 401
    token = await stack.token("vera", "a brand new secret")
    own = {"Authorization": f"Bearer {token}"}
    # Changing one's own password asks for the current one.
    resp = await stack.http.put(
        "/api/v1/auth/me/password",
        json={"current_password": "wrong one", "new_password": "another secret"},
        headers=own,
    )
    assert resp.status_code == 401
    await stack.send(
        "PUT",
        "/api/v1/auth/me/password",
        {"current_password": "a brand new secret", "new_password": "another secret"},
        headers=own,
    )
    assert (await stack.http.get("/api/v1/auth/me", headers=own)).status_code == 401
    await stack.token("vera", "another secret")


async def test_managers_may_not_manage_users(stack: Stack) -> None:
    manager = await stack.manager()
    document = (await stack.http.get("/api/v1/openapi.json")).json()
    admin_ops = [
        (m, p, op) for m, p, op in operations(document) if op.get("x-required-role") == "admin"
    ]
    assert admin_ops
    for method, path, op in admin_ops:
        resp = await stack.http.request(method, concrete(path, op), headers=manager)
        assert resp.status_code == 403, (method, path, resp.text)
        assert resp.json()["code"] == "forbidden"
    # ... while a manager's own routes answer (a manager gets what an admin gets).
    assert (await stack.http.get("/api/v1/orders", headers=manager)).status_code == 200


async def test_user_management(stack: Stack) -> None:
    admin = await stack.admin()
    made = await stack.send(
        "POST",
        "/api/v1/users",
        {"username": "gleb", "password": "gleb secret 1", "role": "manager", "full_name": "Глеб"},
        headers=admin,
        status=201,
    )
    assert made["username"] == "gleb"
    assert "gleb secret 1" not in str(made) and "argon2" not in str(made)
    dup = await stack.http.post(
        "/api/v1/users",
        json={"username": "gleb", "password": "other secret", "role": "admin"},
        headers=admin,
    )
    assert dup.status_code == 409 and dup.json()["detail"] == "пользователь с таким именем уже есть"
    for bad in ("Gleb", "g", "gleb smith", "глеб", "gleb:1", "-gleb"):
        resp = await stack.http.post(
            "/api/v1/users", json={"username": bad, "password": "long enough"}, headers=admin
        )
        assert resp.status_code == 422, bad
        assert resp.json()["errors"][0]["loc"] == "body.username"
    short = await stack.http.post(
        "/api/v1/users", json={"username": "dan", "password": "short"}, headers=admin
    )
    assert short.status_code == 422
    promoted = await stack.send(
        "PATCH", f"/api/v1/users/{made['user_id']}", {"role": "admin"}, headers=admin
    )
    assert promoted["role"] == "admin"
    listed = await stack.get("/api/v1/users", headers=admin)
    assert {u["username"] for u in listed["items"]} == {"admin", "gleb"}
    # Nobody locks themselves out: their own role and access are for another admin, their
    # own password is changed with the current one.
    me = await stack.get("/api/v1/auth/me", headers=admin)
    for change in ({"active": False}, {"role": "manager"}):
        own = await stack.http.patch(f"/api/v1/users/{me['user_id']}", json=change, headers=admin)
        assert own.status_code == 409, change
        assert own.json()["detail"] == "свою роль и доступ меняет другой администратор"
    own_password = await stack.http.put(
        f"/api/v1/users/{me['user_id']}/password", json={"password": "x" * 12}, headers=admin
    )
    assert own_password.status_code == 409
    renamed = await stack.send(
        "PATCH", f"/api/v1/users/{me['user_id']}", {"full_name": "Главный"}, headers=admin
    )
    assert renamed["full_name"] == "Главный"
    # Another admin may: gleb demotes admin, who is then refused the users.
    gleb = {"Authorization": f"Bearer {await stack.token('gleb', 'gleb secret 1')}"}
    await stack.send("PATCH", f"/api/v1/users/{me['user_id']}", {"role": "manager"}, headers=gleb)
    assert (await stack.http.get("/api/v1/users", headers=admin)).status_code == 403
    # Two admins demoting each other at once: one of them stays (the last one is kept).
    await stack.send("PATCH", f"/api/v1/users/{me['user_id']}", {"role": "admin"}, headers=gleb)
    both = await asyncio.gather(
        stack.http.patch(f"/api/v1/users/{me['user_id']}", json={"role": "manager"}, headers=gleb),
        stack.http.patch(
            f"/api/v1/users/{made['user_id']}", json={"role": "manager"}, headers=admin
        ),
    )
    # The other is refused: by the last-admin rule when both got past the role check before
    # either committed (409), or as no longer an admin when the first was committed before
    # the second was checked (403). Either way exactly one admin is left.
    codes = sorted(r.status_code for r in both)
    assert codes in ([200, 403], [200, 409]), codes
    refused = next(r for r in both if r.status_code != 200)
    if refused.status_code == 409:
        assert "последнего администратора" in refused.json()["detail"]
    winner, name = (gleb, "gleb") if both[0].status_code == 200 else (admin, "admin")
    listed = await stack.get("/api/v1/users", headers=winner)
    assert [u["username"] for u in listed["items"] if u["role"] == "admin"] == [name]
    missing = await stack.http.get(f"/api/v1/users/{uuid.uuid4()}", headers=gleb)
    missing = (
        missing
        if missing.status_code == 404
        else await stack.http.get(f"/api/v1/users/{uuid.uuid4()}", headers=admin)
    )
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


async def test_public_endpoints(stack: Stack) -> None:
    assert (await stack.http.get("/health")).json()["status"] == "ok"
    metrics = await stack.http.get("/metrics")
    assert metrics.status_code == 200 and "snab_gateway_http_seconds" in metrics.text
    docs = await stack.http.get("/api/docs")
    assert docs.status_code == 200
    assert "/api/docs/static/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    bundle = await stack.http.get("/api/docs/static/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 1_000_000
    css = await stack.http.get("/api/docs/static/swagger-ui.css")
    assert css.status_code == 200


async def test_login_rate_limit_stops_a_guessing_loop(stack: Stack) -> None:
    await stack.user("olga")
    limit = stack.settings.login_attempts_per_account

    async def guess(password: str) -> Any:
        return await stack.http.post(
            "/api/v1/auth/token", data={"username": "olga", "password": password}
        )

    # Twenty guesses at once: the count is taken before the password is checked, so no
    # more than the limit are even tried.
    answers = await asyncio.gather(*(guess(f"guess {n}") for n in range(20)))
    codes = sorted(a.status_code for a in answers)
    assert codes.count(401) == limit and codes.count(429) == 20 - limit
    throttled = next(a for a in answers if a.status_code == 429)
    assert 1 <= int(throttled.headers["retry-after"]) <= stack.settings.login_window_seconds
    assert throttled.json()["code"] == "too_many_attempts"
    # The right password does not help while the account waits.
    assert (await guess("olga-olga-pw")).status_code == 429
    # Other accounts are not locked by it...
    await stack.token(*ADMIN)
    # ... but one address trying many accounts is.
    per_address = stack.settings.login_attempts_per_address
    codes = []
    for n in range(per_address):
        resp = await stack.http.post(
            "/api/v1/auth/token", data={"username": f"nobody{n}", "password": "x" * 10}
        )
        codes.append(resp.status_code)
    assert codes[-1] == 429 and 401 in codes
    assert (
        await stack.http.post(
            "/api/v1/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}
        )
    ).status_code == 429
    # When the window has passed, the account may try again.
    await stack.sql(
        "UPDATE gateway.login_attempts SET window_started_at = now() - interval '1 day'"
    )
    assert (await guess("olga-olga-pw")).status_code == 200


async def test_first_admin_and_actor(stack: Stack) -> None:
    me = await stack.get("/api/v1/auth/me", headers=await stack.admin())
    assert me["username"] == ADMIN[0] and me["role"] == "admin"


async def test_cookie_sessions_for_the_admin(stack: Stack) -> None:
    """What the web admin's login keeps: a session that ends like a token does."""
    from datetime import timedelta

    from snab_gateway.auth import sessions, users

    await stack.user("petr")
    async with stack.services_sessions() as session:
        [petr] = [u for u in await users.list_users(session=session) if u.username == "petr"]
        secret = await sessions.open_session(
            session=session, user=petr, lifetime=timedelta(hours=8), user_agent="test"
        )
        assert (await sessions.session_user(session=session, secret=secret)) == petr
        assert await sessions.session_user(session=session, secret=secret + "x") is None
        [stored] = await stack.sql("SELECT id FROM gateway.sessions")
        assert stored.id != secret and len(stored.id) == 64  # the hash, never the secret
        await sessions.close_session(session=session, secret=secret)
        assert await sessions.session_user(session=session, secret=secret) is None

        again = await sessions.open_session(session=session, user=petr, lifetime=timedelta(hours=8))
        admin = next(u for u in await users.list_users(session=session) if u.username == "admin")
        await users.reset_password(
            session=session, user_id=petr.user_id, password="another password", by=admin
        )
        assert await sessions.session_user(session=session, secret=again) is None
        expired = await sessions.open_session(
            session=session, user=petr, lifetime=timedelta(seconds=-1)
        )
        assert await sessions.session_user(session=session, secret=expired) is None


async def test_create_user_from_the_command_line(stack: Stack, database_url: str) -> None:
    import os
    import sys
    from pathlib import Path

    command = Path(sys.executable).parent / "snab-gateway"
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("ADMIN_PASSWORD", None)
    process = await asyncio.create_subprocess_exec(
        str(command),
        "create-user",
        "Zoya",
        "--role",
        "admin",
        "--password-stdin",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        cwd="/",
    )
    out, _ = await process.communicate(b"zoya secret 123\n")
    assert process.returncode == 0, out.decode()
    assert out.decode().startswith("zoya: admin")
    token = await stack.token("zoya", "zoya secret 123")
    me = await stack.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me["role"] == "admin"
    process = await asyncio.create_subprocess_exec(
        str(command),
        "create-user",
        "zoya",
        "--password-stdin",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
        cwd="/",
    )
    out, _ = await process.communicate(b"zoya secret 123\n")
    assert process.returncode == 1 and "уже есть" in out.decode()
