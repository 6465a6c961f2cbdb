"""One PostgreSQL role per service (``snab-db roles``), on the test run's real server.

The real command runs as a process, every service's real migrations run as that service's
role, and then each role is refused what is not its own: another service's schema,
``public``, new schemas, temporary tables, another role. A second run changes nothing; a
changed password takes effect (on a server of this module's own that checks passwords,
since the shared test server trusts every local login); the orders service runs as its role.

Roles belong to the whole server, not to a database: every role here carries a prefix
unique to the run (``snab-db roles --prefix``), and the module drops its databases and
then its roles at the end, so parallel runs on one server never meet.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import nats
import pytest
from sqlalchemy.engine import make_url

from snab_contracts.rpc.directory import SupplierInput, SuppliersCreate
from snab_kit.bus import BusNames
from snab_kit.embedded import (
    EmbeddedPostgres,
    drop_database,
    ensure_database,
    free_port,
    with_database,
)
from snab_kit.migrations import downgrade, upgrade
from snab_kit.roles import SCHEMAS, asyncpg_dsn, password_variable, role_name
from snab_kit.rpc import RpcClient
from snab_kit.testing import require, wait_for

SNAB_DB = Path(sys.executable).with_name("snab-db")


@dataclass
class Cluster:
    """A server where the test's roles live: its admin URL, the prefix, the passwords."""

    admin_url: str
    prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}_")
    passwords: dict[str, str] = field(
        default_factory=lambda: {s: secrets.token_hex(12) for s in SCHEMAS}
    )
    databases: list[str] = field(default_factory=list)

    def role(self, service: str) -> str:
        return role_name(service, self.prefix)

    def database(self, name: str) -> str:
        """A new database on this server (dropped with the cluster's roles)."""
        url = with_database(self.admin_url, f"{name}_{uuid.uuid4().hex[:8]}")
        ensure_database(url)
        self.databases.append(url)
        return url

    def url(self, database_url: str, service: str, password: str | None = None) -> str:
        """The DATABASE_URL of a service: its own role and password."""
        pw = self.passwords[service] if password is None else password
        return (
            make_url(database_url)
            .set(username=self.role(service), password=pw)
            .render_as_string(hide_password=False)
        )

    def roles_command(self, database_url: str, cwd: Path) -> list[str]:
        """Run the real ``snab-db roles``; returns its output lines."""
        require(SNAB_DB.exists(), f"{SNAB_DB} is missing: run `make .venv/.synced`")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DB_PASSWORD_")}
        env["DATABASE_URL"] = database_url
        env.update({password_variable(s): pw for s, pw in self.passwords.items()})
        result = subprocess.run(
            [str(SNAB_DB), "roles", "--prefix", self.prefix],
            env=env,
            cwd=cwd,  # no .env nor .data/run.env of the repository
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        for pw in self.passwords.values():
            assert pw not in result.stdout + result.stderr, "a password was printed"
        return result.stdout.splitlines()

    def drop(self) -> None:
        for url in self.databases:
            drop_database(url)

        async def drop_roles() -> None:
            conn = await asyncpg.connect(asyncpg_dsn(with_database(self.admin_url, "postgres")))
            try:
                for service in SCHEMAS:
                    await conn.execute(f'DROP ROLE IF EXISTS "{self.role(service)}"')
            finally:
                await conn.close()

        asyncio.run(drop_roles())


def _migrate_as_roles(cluster: Cluster, database_url: str) -> None:
    for service in SCHEMAS:
        upgrade(f"snab_{service}.migrations", cluster.url(database_url, service))


@dataclass
class Deployed:
    cluster: Cluster
    database_url: str
    first_run: list[str]
    workdir: Path


@pytest.fixture(scope="module")
def deployed(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    """A database of its own: ``snab-db roles``, then every service migrated as its role."""
    cluster = Cluster(admin_url=database_url)
    workdir = tmp_path_factory.mktemp("db-roles")
    try:
        url = cluster.database("snab_roles")
        first_run = cluster.roles_command(url, workdir)
        _migrate_as_roles(cluster, url)
        yield Deployed(cluster, url, first_run, workdir)
    finally:
        cluster.drop()


async def _connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(asyncpg_dsn(url))


async def _refused(conn: asyncpg.Connection, statement: str) -> str:
    with pytest.raises(asyncpg.InsufficientPrivilegeError) as refused:
        await conn.execute(statement)
    return str(refused.value)


# -- the table of schemas -----------------------------------------------------------------


def test_the_kit_schema_table_matches_every_service() -> None:
    for service, schema in SCHEMAS.items():
        tables = importlib.import_module(f"snab_{service}.db.tables")
        assert (tables.SCHEMA, tables.metadata.schema) == (schema, schema), service


def test_a_password_the_command_cannot_hash_is_refused_without_being_shown(
    tmp_path: Path,
) -> None:
    require(SNAB_DB.exists(), f"{SNAB_DB} is missing: run `make .venv/.synced`")
    password = "пароль-" + secrets.token_hex(4)
    result = subprocess.run(
        [str(SNAB_DB), "roles"],
        env={**os.environ, "DB_PASSWORD_MAIL": password, "DATABASE_URL": "postgresql://x@y/z"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "DB_PASSWORD_MAIL must be ASCII" in result.stderr
    assert password not in result.stdout + result.stderr


# -- what each role may do -------------------------------------------------------------------


def test_first_run_creates_every_role_and_schema(deployed: Deployed) -> None:
    for service, schema in SCHEMAS.items():
        role = deployed.cluster.role(service)
        assert f"{role}: created" in deployed.first_run
        assert f"{schema}: schema created, owned by {role}" in deployed.first_run


async def test_each_role_owns_its_schema_and_has_nothing_else(deployed: Deployed) -> None:
    admin = await _connect(deployed.database_url)
    try:
        database = await admin.fetchval("SELECT current_database()")
        for service, schema in SCHEMAS.items():
            role = deployed.cluster.role(service)
            attributes = await admin.fetchrow(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication,"
                " rolbypassrls, rolconfig FROM pg_roles WHERE rolname = $1",
                role,
            )
            assert attributes is not None, role
            assert attributes["rolcanlogin"], role
            assert not any(attributes[k] for k in list(attributes.keys())[1:6]), attributes
            assert attributes["rolconfig"] == [f"search_path={schema}"]
            owners = await admin.fetch(
                "SELECT DISTINCT relowner::regrole::text AS owner FROM pg_class"
                " WHERE relnamespace = $1::regnamespace",
                schema,
            )
            assert [row["owner"] for row in owners] == [role], schema
            tables = await admin.fetchval(
                "SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema
            )
            assert tables >= 3, f"{schema}: migrations made no tables"  # outbox, inbox, version

            def may(check: str, *args: str, role: str = role) -> Any:
                return admin.fetchval(f"SELECT {check}", role, *args)

            assert await may("has_database_privilege($1, $2, 'CONNECT')", database)
            assert not await may("has_database_privilege($1, $2, 'CREATE')", database)
            assert not await may("has_database_privilege($1, $2, 'TEMPORARY')", database)
            assert await may("has_schema_privilege($1, $2, 'USAGE,CREATE')", schema)
            assert not await may("has_schema_privilege($1, 'public', 'USAGE')")
            assert not await may("has_schema_privilege($1, 'public', 'CREATE')")
            for other in SCHEMAS.values():
                if other != schema:
                    assert not await may("has_schema_privilege($1, $2, 'USAGE')", other)
                    assert not await may("has_schema_privilege($1, $2, 'CREATE')", other)
    finally:
        await admin.close()


async def test_the_orders_role_reads_and_writes_its_own_tables(deployed: Deployed) -> None:
    conn = await _connect(deployed.cluster.url(deployed.database_url, "orders"))
    try:
        assert await conn.fetchval("SELECT current_user") == deployed.cluster.role("orders")
        assert await conn.fetchval("SHOW search_path") == "orders"
        event = uuid.uuid4()
        await conn.execute(
            "INSERT INTO outbox (id, subject, payload) VALUES ($1, 'order.created', '\\x00')",
            event,
        )
        await conn.execute("UPDATE orders.outbox SET published_at = now() WHERE id = $1", event)
        assert await conn.fetchval(
            "SELECT published_at IS NOT NULL FROM orders.outbox WHERE id = $1", event
        )
        await conn.execute("DELETE FROM orders.outbox WHERE id = $1", event)
        # It owns its schema: it can change it (what its migrations do).
        await conn.execute("CREATE TABLE orders.scratch (n int); DROP TABLE orders.scratch")
    finally:
        await conn.close()


async def test_the_orders_role_is_refused_everything_else(deployed: Deployed) -> None:
    conn = await _connect(deployed.cluster.url(deployed.database_url, "orders"))
    try:
        message = await _refused(conn, "SELECT * FROM mail.outbox")
        assert "permission denied for schema mail" in message
        message = await _refused(conn, "SELECT * FROM mail.inbound_messages")
        assert "permission denied for schema mail" in message
        message = await _refused(
            conn, "INSERT INTO parser.inbox VALUES ('x', gen_random_uuid(), 's')"
        )
        assert "permission denied for schema parser" in message
        message = await _refused(conn, "CREATE TABLE mail.stolen (n int)")
        assert "permission denied for schema mail" in message
        message = await _refused(conn, "CREATE TABLE public.stolen (n int)")
        assert "permission denied for schema public" in message
        message = await _refused(conn, "CREATE SCHEMA stolen")
        assert "permission denied for database" in message
        message = await _refused(conn, "CREATE TEMPORARY TABLE stolen (n int)")
        assert "permission denied to create temporary tables" in message
        message = await _refused(conn, f'SET ROLE "{deployed.cluster.role("mail")}"')
        assert "permission denied to set role" in message
        message = await _refused(conn, "ALTER SCHEMA mail OWNER TO CURRENT_USER")
        assert "must be owner of schema mail" in message
    finally:
        await conn.close()


async def test_a_second_run_changes_nothing(deployed: Deployed) -> None:
    async def snapshot() -> list[Any]:
        conn = await _connect(deployed.database_url)
        try:
            roles = [deployed.cluster.role(s) for s in SCHEMAS]
            return [
                await conn.fetch(
                    "SELECT rolname, rolcanlogin, rolpassword, rolsuper, rolcreatedb,"
                    " rolcreaterole FROM pg_authid WHERE rolname = ANY($1) ORDER BY 1",
                    roles,
                ),
                await conn.fetch(
                    "SELECT setrole::regrole::text, setconfig FROM pg_db_role_setting"
                    " WHERE setrole::regrole::text = ANY($1) ORDER BY 1",
                    roles,
                ),
                await conn.fetch(
                    "SELECT datacl::text FROM pg_database WHERE datname = current_database()"
                ),
                await conn.fetch(
                    "SELECT nspname, nspowner::regrole::text, nspacl::text FROM pg_namespace"
                    " WHERE nspname = ANY($1) ORDER BY 1",
                    [*SCHEMAS.values(), "public"],
                ),
                await conn.fetch(
                    "SELECT c.oid::regclass::text, relowner::regrole::text, relacl::text"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE nspname = ANY($1) ORDER BY 1",
                    list(SCHEMAS.values()),
                ),
            ]
        finally:
            await conn.close()

    before = await snapshot()
    lines = await asyncio.to_thread(
        deployed.cluster.roles_command, deployed.database_url, deployed.workdir
    )
    assert lines == [f"{deployed.cluster.role(s)}: unchanged" for s in SCHEMAS]
    assert await snapshot() == before


async def test_a_grant_of_another_services_role_is_taken_back(deployed: Deployed) -> None:
    cluster = deployed.cluster
    orders, mail = cluster.role("orders"), cluster.role("mail")
    admin = await _connect(deployed.database_url)
    try:
        await admin.execute(f'GRANT "{mail}" TO "{orders}"')
        lines = await asyncio.to_thread(
            cluster.roles_command, deployed.database_url, deployed.workdir
        )
        assert f"{orders}: no longer a member of {mail}" in lines
        assert not await admin.fetchval("SELECT pg_has_role($1, $2, 'MEMBER')", orders, mail)
    finally:
        await admin.close()
    conn = await _connect(cluster.url(deployed.database_url, "orders"))
    try:
        message = await _refused(conn, "SELECT * FROM mail.outbox")
        assert "permission denied for schema mail" in message
    finally:
        await conn.close()


# -- an existing deployment: schemas migrated by the admin before the roles existed -----------


async def test_schemas_made_by_the_admin_are_handed_to_the_roles(deployed: Deployed) -> None:
    cluster = deployed.cluster
    url = await asyncio.to_thread(cluster.database, "snab_adopt")
    await asyncio.to_thread(upgrade, "snab_orders.migrations", url)  # as the admin
    lines = await asyncio.to_thread(cluster.roles_command, url, deployed.workdir)
    role = cluster.role("orders")
    assert f"orders: schema handed from {make_url(url).username} to {role}" in lines
    conn = await _connect(url)
    try:
        owners = await conn.fetch(
            "SELECT DISTINCT relowner::regrole::text AS owner FROM pg_class"
            " WHERE relnamespace = 'orders'::regnamespace"
        )
        assert [row["owner"] for row in owners] == [role]
    finally:
        await conn.close()
    # The role can now run the service's migrations both ways.
    as_role = cluster.url(url, "orders")
    await asyncio.to_thread(downgrade, "snab_orders.migrations", as_role, "-1")
    await asyncio.to_thread(upgrade, "snab_orders.migrations", as_role)


# -- passwords, on a server that checks them ---------------------------------------------------


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """An embedded PostgreSQL of this module's own where only its admin is trusted: every
    other login must give its password (scram-sha-256), so a wrong one is refused.

    Its directory is not under pytest's temporary root, which pytest keeps private to the
    user, while the server may run as a user of its own (pgserver does so under root)."""
    workdir = Path(tempfile.mkdtemp(prefix="snab-pg-scram-"))
    server = EmbeddedPostgres(workdir / "pg")
    try:
        url = server.start()
    except Exception as exc:
        require(False, f"no embedded PostgreSQL (pgserver) for the password test: {exc}")
    admin = make_url(url).username or "postgres"

    async def check_passwords() -> None:
        conn = await _connect(url)
        try:
            hba = Path(await conn.fetchval("SHOW hba_file"))
            hba.write_text(
                f"local all {admin} trust\n"
                "local all all scram-sha-256\n"
                f"host all {admin} 127.0.0.1/32 trust\n"
                "host all all 127.0.0.1/32 scram-sha-256\n"
            )
            assert await conn.fetchval("SELECT pg_reload_conf()")
            await asyncio.sleep(0.5)  # the postmaster reloads on SIGHUP, asynchronously
            errors = await conn.fetchval(
                "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL"
            )
            assert errors == 0
        finally:
            await conn.close()

    try:
        asyncio.run(check_passwords())
        yield url
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


async def test_passwords_are_checked_and_a_changed_one_takes_effect(
    password_server: str, tmp_path: Path
) -> None:
    cluster = Cluster(admin_url=password_server)
    url = await asyncio.to_thread(cluster.database, "snab_pw")
    try:
        await asyncio.to_thread(cluster.roles_command, url, tmp_path)
        old = cluster.passwords["orders"]
        conn = await _connect(cluster.url(url, "orders"))
        assert await conn.fetchval("SELECT current_user") == cluster.role("orders")
        await conn.close()
        with pytest.raises(asyncpg.InvalidPasswordError):
            await _connect(cluster.url(url, "orders", password="wrong"))
        # Another role's password does not open this one.
        with pytest.raises(asyncpg.InvalidPasswordError):
            await _connect(cluster.url(url, "orders", password=cluster.passwords["mail"]))

        cluster.passwords["orders"] = new = secrets.token_hex(12)
        lines = await asyncio.to_thread(cluster.roles_command, url, tmp_path)
        assert f"{cluster.role('orders')}: updated (PASSWORD)" in lines
        assert f"{cluster.role('mail')}: unchanged" in lines
        with pytest.raises(asyncpg.InvalidPasswordError):
            await _connect(cluster.url(url, "orders", password=old))
        conn = await _connect(cluster.url(url, "orders", password=new))
        await conn.close()
    finally:
        await asyncio.to_thread(cluster.drop)


async def test_a_role_without_a_password_cannot_log_in(
    password_server: str, tmp_path: Path
) -> None:
    cluster = Cluster(admin_url=password_server)
    url = await asyncio.to_thread(cluster.database, "snab_nopw")
    cluster.passwords.pop("notifier")
    try:
        lines = await asyncio.to_thread(cluster.roles_command, url, tmp_path)
        role = cluster.role("notifier")
        assert f"{role}: created without login (DB_PASSWORD_NOTIFIER is not set)" in lines
        assert f"notifier: schema created, owned by {role}" in lines
        with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
            await _connect(cluster.url(url, "notifier", password="anything"))
    finally:
        await asyncio.to_thread(cluster.drop)


# -- a real service as its role ----------------------------------------------------------------


@pytest.fixture
def orders_process(
    deployed: Deployed, nats_url: str, bus: BusNames, tmp_path: Path
) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": deployed.cluster.url(deployed.database_url, "orders"),
        "NATS_URL": nats_url,
        "BUS_NAMESPACE": bus.namespace,
        "ORDERS_HTTP_PORT": str(port),
        "STORAGE_DIR": str(tmp_path / "storage"),
    }
    log = tmp_path / "orders.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "snab_orders"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield port
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if os.environ.get("KEEP_SERVICE_LOG"):
            print(log.read_text(errors="replace"))


def _health(port: int) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            body: dict[str, Any] = json.loads(response.read())
            return body
    except OSError:
        return None


async def test_the_orders_service_runs_as_its_own_role(
    deployed: Deployed, orders_process: int, nats_url: str, bus: BusNames
) -> None:
    async def healthy() -> dict[str, Any] | None:
        body = await asyncio.to_thread(_health, orders_process)
        return body if body and body.get("status") == "ok" else None

    health = await wait_for(healthy, timeout=60, interval=0.3)
    assert health["status"] == "ok", health

    nc = await nats.connect(nats_url)
    try:
        created = await RpcClient(nc, bus, timeout=15).call(
            SuppliersCreate(
                supplier=SupplierInput(company="ООО «Крепёж»", emails=["sales@krepezh.example"])
            )
        )
    finally:
        await nc.drain()
    conn = await _connect(deployed.cluster.url(deployed.database_url, "orders"))
    try:
        company = await conn.fetchval(
            "SELECT company FROM orders.suppliers WHERE id = $1", created.supplier_id
        )
        assert company == "ООО «Крепёж»"
    finally:
        await conn.close()


async def test_an_admin_with_createrole_only_can_run_it(
    password_server: str, tmp_path: Path
) -> None:
    """Managed PostgreSQL gives no superuser: an admin with CREATEROLE that owns the
    database is enough (it cannot read stored verifiers, so it sets every password)."""
    cluster = Cluster(admin_url=password_server)
    manager = f"{cluster.prefix}manager"
    manager_password = secrets.token_hex(12)
    conn = await _connect(password_server)
    try:
        await conn.execute(
            f"CREATE ROLE \"{manager}\" LOGIN CREATEROLE PASSWORD '{manager_password}'"
        )
    finally:
        await conn.close()
    try:
        url = await asyncio.to_thread(cluster.database, "snab_managed")
        conn = await _connect(url)
        try:
            await conn.execute(f'ALTER DATABASE "{make_url(url).database}" OWNER TO "{manager}"')
        finally:
            await conn.close()
        as_manager = (
            make_url(url)
            .set(username=manager, password=manager_password)
            .render_as_string(hide_password=False)
        )
        lines = await asyncio.to_thread(cluster.roles_command, as_manager, tmp_path)
        assert f"orders: schema created, owned by {cluster.role('orders')}" in lines
        lines = await asyncio.to_thread(cluster.roles_command, as_manager, tmp_path)
        assert f"{cluster.role('orders')}: updated (PASSWORD)" in lines

        await asyncio.to_thread(upgrade, "snab_orders.migrations", cluster.url(url, "orders"))
        conn = await _connect(cluster.url(url, "orders"))
        try:
            assert await conn.fetchval("SELECT count(*) FROM orders.outbox") == 0
            message = await _refused(conn, "CREATE TABLE mail.stolen (n int)")
            assert "permission denied for schema mail" in message
        finally:
            await conn.close()
    finally:
        await asyncio.to_thread(cluster.drop)
        conn = await _connect(password_server)
        try:
            await conn.execute(f'DROP ROLE IF EXISTS "{manager}"')
        finally:
            await conn.close()
