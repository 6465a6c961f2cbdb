"""One PostgreSQL login role per service, owning its own schema and nothing else.

``snab-db roles`` (run with the admin's DATABASE_URL) creates or updates them. Each role:

- logs in with the password from ``DB_PASSWORD_<SERVICE>`` (a role whose variable is unset
  is created without LOGIN; an existing one keeps its login and password);
- has no role attributes (no SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS)
  and is not a member of another service's role;
- may CONNECT to the database, nothing else on it (no CREATE, no TEMPORARY);
- owns its schema and every object in it, so it can read, write and migrate it;
- has no privilege on another service's schema nor on ``public``;
- has ``search_path`` set to its own schema.

PUBLIC loses its default CONNECT and TEMPORARY on the database and every privilege on
``public`` and on the services' schemas: a role gets only what is granted here.

Passwords never travel as text: the role's SCRAM-SHA-256 verifier is computed here (as
``psql``'s ``\\password`` does), so neither the server's statement log nor this program's
output ever holds a password. Statements are built by the server's ``format()`` with
``%I`` (identifiers) and ``%L`` (literals) from bind parameters, so no name or verifier is
pasted into SQL by hand. Every run is one transaction under an advisory lock: two runs at
once wait for each other, and a failed run changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from snab_kit.settings import to_async_url

SCHEMAS: dict[str, str] = {
    "mail": "mail",
    "parser": "parser",
    "orders": "orders",
    "documents": "documents",
    "notifier": "notifier",
    "gateway": "gateway",
}
"""Service → its schema (the ``SCHEMA`` of ``snab_<service>.db.tables``; a test keeps the
two in step, since the kit must not import the services)."""

SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)
_PREFIX = re.compile(r"[a-z0-9_]{0,20}")
_LOCK_KEY = "snab-db roles"
_NO_ATTRIBUTES = ("rolsuper", "rolcreatedb", "rolcreaterole", "rolreplication", "rolbypassrls")


_FOREIGN_GRANTS = """
SELECT DISTINCT kind, name, NULLIF(a.grantee, 0)::regrole::text AS grantee
FROM (
    SELECT 'SCHEMA' AS kind, format('%I', nspname) AS name, nspacl AS acl
    FROM pg_namespace WHERE nspname = $1
    UNION ALL
    SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
           format('%I.%I', n.nspname, c.relname), c.relacl
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
) AS objects, aclexplode(acl) AS a
WHERE a.grantee = 0 OR a.grantee::regrole::text = ANY($2)
"""
"""Privileges on a schema or its tables and sequences held by PUBLIC or another service's
role. Only these are revoked: a REVOKE on an object without any would still write its
default privileges into the catalog, and a second run would not be a no-op."""


def role_name(service: str, prefix: str = "") -> str:
    """``snab_orders``; tests sharing one server with other runs add a prefix of their own."""
    return f"{prefix}snab_{service}"


def password_variable(service: str) -> str:
    return f"DB_PASSWORD_{service.upper()}"


def passwords_from_env(env: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Service → password, None when its variable is unset or empty."""
    source = os.environ if env is None else env
    return {service: source.get(password_variable(service)) or None for service in SCHEMAS}


def scram_verifier(
    password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS
) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677).

    Only ASCII: PostgreSQL normalises other passwords with SASLprep, which is not
    reproduced here (and the passwords go into URLs, where letters and digits are safest).
    """
    if not password.isascii():
        raise ValueError("database passwords must be ASCII (letters and digits are safest)")
    salt = os.urandom(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    b64 = base64.b64encode
    return (
        f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}"
        f"${b64(stored_key).decode()}:{b64(server_key).decode()}"
    )


def verifier_matches(verifier: str | None, password: str) -> bool:
    """Whether a stored SCRAM verifier was made from ``password`` (False for md5 or none)."""
    match = re.fullmatch(r"SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)", verifier or "")
    if not match:
        return False
    iterations, salt = int(match[1]), base64.b64decode(match[2])
    expected = scram_verifier(password, salt=salt, iterations=iterations)
    return hmac.compare_digest(expected, verifier or "")


@dataclass(frozen=True, slots=True)
class _Ddl:
    """One statement: a ``format()`` template and its arguments."""

    template: str
    args: tuple[str, ...] = ()


class RolesApplier:
    """The steps of one ``snab-db roles`` run on one open connection, inside a transaction."""

    def __init__(self, conn: asyncpg.Connection, prefix: str) -> None:
        self.conn = conn
        self.prefix = prefix
        self.report: list[str] = []

    async def run(self, ddl: _Ddl) -> None:
        statement = await self.conn.fetchval(
            "SELECT format($1, VARIADIC $2::text[])", ddl.template, list(ddl.args)
        )
        await self.conn.execute(statement)

    async def apply(self, passwords: Mapping[str, str | None]) -> list[str]:
        superuser = bool(
            await self.conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        )
        for service in SCHEMAS:
            await self.ensure_role(service, passwords.get(service), superuser)
        await self.harden_database()
        for service, schema in SCHEMAS.items():
            await self.ensure_schema(service, schema)
        return self.report

    async def ensure_role(self, service: str, password: str | None, superuser: bool) -> None:
        role = role_name(service, self.prefix)
        current = await self.conn.fetchrow("SELECT * FROM pg_roles WHERE rolname = $1", role)
        verifier = scram_verifier(password) if password else None
        if current is None:
            login = "LOGIN PASSWORD %L" if verifier else "NOLOGIN"
            await self.run(
                _Ddl(
                    f"CREATE ROLE %I {login} NOSUPERUSER NOCREATEDB NOCREATEROLE "
                    "NOREPLICATION NOBYPASSRLS",
                    (role, verifier) if verifier else (role,),
                )
            )
            self.report.append(
                f"{role}: created"
                if verifier
                else f"{role}: created without login ({password_variable(service)} is not set)"
            )
        else:
            changes = [
                "NO" + attribute[3:].upper() for attribute in _NO_ATTRIBUTES if current[attribute]
            ]
            if verifier and not current["rolcanlogin"]:
                changes.append("LOGIN")
            if verifier and not (superuser and await self._same_password(role, password or "")):
                changes.append("PASSWORD %L")
            if changes:
                args = (role, verifier) if verifier and "PASSWORD %L" in changes else (role,)
                await self.run(_Ddl("ALTER ROLE %I " + " ".join(changes), args))
                shown = [c.replace(" %L", "") for c in changes]
                self.report.append(f"{role}: updated ({', '.join(shown)})")
            elif verifier:
                self.report.append(f"{role}: unchanged")
            else:
                self.report.append(
                    f"{role}: {password_variable(service)} is not set, "
                    "login and password left as they were"
                )
        if not superuser:
            # A CREATEROLE admin must be able to SET ROLE to hand the role its schema
            # (PostgreSQL 16 makes the creator a member without SET; 15 knows no SET).
            version = await self.conn.fetchval("SELECT current_setting('server_version_num')")
            right = "SET" if int(version) >= 160000 else "MEMBER"
            member = await self.conn.fetchval(
                "SELECT pg_has_role(current_user, $1, $2)", role, right
            )
            if not member:
                await self.run(_Ddl("GRANT %I TO CURRENT_USER", (role,)))
        await self.run(_Ddl("ALTER ROLE %I SET search_path TO %I", (role, SCHEMAS[service])))
        others = [role_name(s, self.prefix) for s in SCHEMAS if s != service]
        for group in await self.conn.fetch(
            "SELECT DISTINCT roleid::regrole::text AS name FROM pg_auth_members"
            " WHERE member = $1::regrole AND roleid::regrole::text = ANY($2)",
            role,
            others,
        ):
            # Membership in another service's role would open its schema.
            await self.run(_Ddl("REVOKE %I FROM %I", (group["name"], role)))
            self.report.append(f"{role}: no longer a member of {group['name']}")

    async def _same_password(self, role: str, password: str) -> bool:
        stored = await self.conn.fetchval(
            "SELECT rolpassword FROM pg_authid WHERE rolname = $1", role
        )
        return verifier_matches(stored, password)

    async def harden_database(self) -> None:
        """Only the roles granted here connect; nobody else creates in ``public``."""
        database = await self.conn.fetchval("SELECT current_database()")
        await self.run(_Ddl("REVOKE ALL ON DATABASE %I FROM PUBLIC", (database,)))
        public = await self.conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")
        if public:
            await self.run(_Ddl("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
        for service in SCHEMAS:
            role = role_name(service, self.prefix)
            await self.run(
                _Ddl("REVOKE CREATE, TEMPORARY ON DATABASE %I FROM %I", (database, role))
            )
            await self.run(_Ddl("GRANT CONNECT ON DATABASE %I TO %I", (database, role)))
            if public:
                await self.run(_Ddl("REVOKE ALL ON SCHEMA public FROM %I", (role,)))

    async def ensure_schema(self, service: str, schema: str) -> None:
        role = role_name(service, self.prefix)
        owner = await self.conn.fetchval(
            "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = $1", schema
        )
        if owner is None:
            await self.run(_Ddl("CREATE SCHEMA %I AUTHORIZATION %I", (schema, role)))
            self.report.append(f"{schema}: schema created, owned by {role}")
        elif owner != await self.conn.fetchval("SELECT $1::regrole::text", role):
            await self.run(_Ddl("ALTER SCHEMA %I OWNER TO %I", (schema, role)))
            self.report.append(f"{schema}: schema handed from {owner} to {role}")
        moved = await self._reassign_objects(schema, role)
        if moved:
            self.report.append(f"{schema}: {moved} object(s) handed to {role}")
        others = [role_name(s, self.prefix) for s in SCHEMAS if s != service]
        for grant in await self.conn.fetch(_FOREIGN_GRANTS, schema, others):
            grantee = grant["grantee"] or "PUBLIC"
            template = "%s" if grantee == "PUBLIC" else "%I"
            await self.run(
                _Ddl(f"REVOKE ALL ON {grant['kind']} %s FROM {template}", (grant["name"], grantee))
            )

    async def _reassign_objects(self, schema: str, role: str) -> int:
        """Tables, views, sequences, types and functions of the schema that another role
        owns (e.g. created by migrations run as the admin before the roles existed)."""
        rows = await self.conn.fetch(
            """
            SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                     WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END
                   AS kind, format('%I.%I', n.nspname, c.relname) AS name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relowner <> $2::regrole
              AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              -- sequences of identity and serial columns follow their table
              AND NOT (c.relkind = 'S' AND EXISTS (
                SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
            UNION ALL
            SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                   format('%I.%I', n.nspname, t.typname)
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = $1 AND t.typowner <> $2::regrole
              AND (t.typtype IN ('e', 'd', 'r')
                   OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class
                                            WHERE oid = t.typrelid) = 'c'))
            UNION ALL
            SELECT 'ROUTINE', p.oid::regprocedure::text
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = $1 AND p.proowner <> $2::regrole
            """,
            schema,
            role,
        )
        for row in rows:
            # ``name`` is already quoted by format('%I.%I') / regprocedure.
            await self.run(_Ddl(f"ALTER {row['kind']} %s OWNER TO %I", (row["name"], role)))
        return len(rows)


def asyncpg_dsn(database_url: str) -> str:
    """DATABASE_URL (``postgresql://`` or ``postgresql+asyncpg://``) as asyncpg takes it."""
    return "postgresql://" + to_async_url(database_url).removeprefix("postgresql+asyncpg://")


async def apply_roles(
    database_url: str, passwords: Mapping[str, str | None], prefix: str = ""
) -> list[str]:
    """Create or update every service's role and schema; returns what was done, one line
    per change (never a password)."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError("the role prefix may hold only a-z, 0-9 and _ (20 at most)")
    for service, password in passwords.items():
        if password and not password.isascii():
            raise ValueError(f"{password_variable(service)} must be ASCII (e.g. hex)")
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _LOCK_KEY)
            return await RolesApplier(conn, prefix).apply(passwords)
    finally:
        await conn.close()
