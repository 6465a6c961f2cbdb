"""The production deployment files in deploy/ are consistent with the code they deploy.

No Docker engine is needed: the compose file, Prometheus and Grafana files are parsed and
cross-checked against the services' settings and metrics; nats.conf runs in a real
nats-server; promtool checks the Prometheus files when it is installed.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import httpx
import nats
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from dotenv import dotenv_values
from prometheus_client import CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase

from snab_kit import metrics as kit_metrics
from snab_kit.access import ACCESS, password_variable
from snab_kit.bus import STREAMS, BusNames, migrate_url
from snab_kit.embedded import free_port, nats_binary, port_open
from snab_kit.roles import SCHEMAS as DB_SCHEMAS
from snab_kit.roles import password_variable as db_password_variable
from snab_kit.roles import role_name as db_role_name
from snab_kit.storage import S3Storage, make_storage
from snab_kit.testing import require, wait_for
from tests.deploy.deploy_support import DEPLOY, ROOT, SERVICES, load_script, service_settings

COMPOSE_FILE = DEPLOY / "compose" / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / "compose" / ".env.example"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
DOCKERIGNORE = DEPLOY / "docker" / "Dockerfile.dockerignore"
PROMETHEUS = DEPLOY / "prometheus" / "prometheus.yml"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
ALERT_TESTS = DEPLOY / "prometheus" / "tests" / "alerts_test.yml"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "snab.json"
GRAFANA_DATASOURCE = DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_DASHBOARDS = DEPLOY / "grafana" / "provisioning" / "dashboards" / "snab.yml"
NATS_CONF = DEPLOY / "nats" / "nats.conf"
NATS_CLUSTER_CONF = DEPLOY / "nats" / "cluster" / "nats.conf"

PORT_VARIABLES = (
    "HTTP_HOST",
    "HTTP_PORT",
    "GATEWAY_HOST",
    "GATEWAY_PORT",
    "MAIL_HTTP_PORT",
    "PARSER_HTTP_PORT",
    "ORDERS_HTTP_PORT",
    "DOCUMENTS_HTTP_PORT",
    "NOTIFIER_HTTP_PORT",
)
METRIC_NAME = re.compile(r"\b(?:snab|faststream)_[a-z0-9_]+\b")


# -- helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def healthcheck() -> ModuleType:
    return load_script("healthcheck")


@pytest.fixture(scope="module")
def init_storage() -> ModuleType:
    return load_script("init_storage")


@pytest.fixture(scope="module")
def yaml() -> ModuleType:
    try:
        import yaml as module
    except ImportError:
        module = None
    require(
        module is not None,
        "PyYAML is not installed: add pyyaml to [dependency-groups] dev of pyproject.toml",
    )
    assert module is not None
    return module


@pytest.fixture(scope="module")
def compose(yaml: ModuleType) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return data


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No stray settings: no .env in the working directory, no port variables."""
    monkeypatch.chdir(tmp_path)
    for name in PORT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


_INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}`` and ``$$``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group(1), match.group(2), match.group(3)
        value = variables.get(name)
        unset = value is None or (op is not None and op.startswith(":") and value == "")
        if op in (":-", "-"):
            return arg if unset else str(value)
        if op in (":?", "?"):
            if unset:
                raise KeyError(f"{name} is required: {arg}")
            return str(value)
        return "" if value is None else value

    return _INTERPOLATION.sub(replace, value)


def env_example() -> dict[str, str]:
    return {k: v for k, v in dotenv_values(ENV_EXAMPLE).items() if v is not None}


def distinct_passwords() -> dict[str, str]:
    """.env.example with a different value for every password, so that a service given
    another's password (they are all ``change-me-hex`` there) is told apart."""
    return {
        key: f"{key.lower().replace('_', '')}x" if "PASSWORD" in key else value
        for key, value in env_example().items()
    }


def container_env(
    compose: dict[str, Any], service: str, variables: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment a container gets: env_file (.env.example here), then environment."""
    variables = env_example() if variables is None else variables
    env = dict(variables)
    environment = compose["services"][service].get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    for key, raw in environment.items():
        env[key] = interpolate(str(raw), variables)
    return env


def series_names(metric: MetricWrapperBase) -> set[str]:
    names: set[str] = set()
    for family in metric.describe():
        if family.type == "counter":
            names.add(f"{family.name}_total")
        elif family.type == "histogram":
            names.update(f"{family.name}_{suffix}" for suffix in ("bucket", "sum", "count"))
        else:
            names.add(family.name)
    return names


def kit_series() -> set[str]:
    names: set[str] = set()
    for value in vars(kit_metrics).values():
        if isinstance(value, MetricWrapperBase):
            names |= series_names(value)
    return names


def faststream_series() -> set[str]:
    from faststream.nats.prometheus import NatsPrometheusMiddleware

    registry = CollectorRegistry()
    NatsPrometheusMiddleware(registry=registry, app_name="probe")
    names: set[str] = set()
    for family in registry.collect():
        if family.type == "counter":
            names.add(f"{family.name}_total")
        elif family.type == "histogram":
            names.update(f"{family.name}_{suffix}" for suffix in ("bucket", "sum", "count"))
        else:
            names.add(family.name)
    return names


_DEFINITION = re.compile(r"\b(Counter|Gauge|Histogram|Summary)\(\s*(?:name=)?\"(snab_[a-z0-9_]+)\"")


def service_series() -> set[str]:
    """Metrics the services define in their own code (read from source: no imports)."""
    names: set[str] = set()
    for path in (ROOT / "services").glob("*/src/**/*.py"):
        for kind, name in _DEFINITION.findall(path.read_text(encoding="utf-8")):
            if kind == "Counter":
                names.add(name if name.endswith("_total") else f"{name}_total")
            elif kind in ("Histogram", "Summary"):
                names.update(f"{name}_{suffix}" for suffix in ("bucket", "sum", "count"))
            else:
                names.add(name)
    return names


def dashboard_exprs(dashboard: dict[str, Any]) -> list[str]:
    exprs: list[str] = []

    def walk(panels: list[dict[str, Any]]) -> None:
        for panel in panels:
            exprs.extend(t["expr"] for t in panel.get("targets", []) if t.get("expr"))
            walk(panel.get("panels", []))

    walk(dashboard["panels"])
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        exprs.append(query["query"] if isinstance(query, dict) else str(query))
    return exprs


def promtool() -> str:
    found = shutil.which("promtool")
    require(
        found is not None,
        "promtool is not installed (Debian package 'prometheus', see .ci/install-deps): "
        "Prometheus config and alert rules were not checked",
    )
    assert found is not None
    return found


# -- compose ------------------------------------------------------------------------------------


def test_every_service_runs_from_the_image_with_env_file_and_healthcheck(
    compose: dict[str, Any], healthcheck: ModuleType, clean_env: pytest.MonkeyPatch
) -> None:
    services = compose["services"]
    for name, module in SERVICES.items():
        svc = services[name]
        port = healthcheck.port_for(module)
        assert svc["command"] == ["python", "-m", module], name
        assert svc["image"] == services["migrate"]["image"], name
        assert svc["build"]["dockerfile"] == "deploy/docker/Dockerfile", name
        assert (COMPOSE_FILE.parent / svc["build"]["context"]).resolve() == ROOT, name
        env_files = svc["env_file"] if isinstance(svc["env_file"], list) else [svc["env_file"]]
        assert ".env" in env_files, name
        assert svc["healthcheck"]["test"] == ["CMD", "python", "/app/healthcheck.py", str(port)]
        assert svc["restart"] == "unless-stopped", name


def test_migrate_runs_before_every_service(compose: dict[str, Any]) -> None:
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["command"][:2] == ["sh", "-ec"]
    steps = [line.strip() for line in migrate["command"][2].splitlines() if line.strip()]
    assert steps[:2] == ["snab-bus migrate", "snab-db roles"]
    for name, module in SERVICES.items():
        # Each schema is migrated by its own service's role (checked in the next test).
        assert f'DATABASE_URL="$${name.upper()}_DATABASE_URL" python -m {module} migrate' in steps
    assert "python /app/init_storage.py" in steps
    for server in ("nats", "postgres"):
        assert migrate["depends_on"][server]["condition"] == "service_healthy"
    for name in SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_compose_environment_configures_each_service(
    compose: dict[str, Any], clean_env: pytest.MonkeyPatch, healthcheck: ModuleType
) -> None:
    for name, module in SERVICES.items():
        expected_port = healthcheck.port_for(module)
        env = container_env(compose, name)
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            settings = service_settings(module)(_env_file=None)
            assert settings.http_host == "0.0.0.0", name
            assert settings.http_port == expected_port, name
            database = urlsplit(settings.database_url)
            assert (database.hostname, database.port) == ("postgres", 5432), name
            assert database.username == db_role_name(name), name
            bus = urlsplit(settings.nats_url)
            # Each service logs in as its own NATS user (deploy/nats/users.conf).
            assert (bus.hostname, bus.port, bus.username) == ("nats", 4222, name), name
            assert bus.password == env_example()[password_variable(name)]
            storage = make_storage(settings)
            assert isinstance(storage, S3Storage), name
            assert storage.client.meta.endpoint_url == "http://minio:9000"


def test_each_service_and_its_migrations_log_in_to_postgres_as_its_own_role(
    compose: dict[str, Any],
) -> None:
    """``snab-db roles`` (the migrate job's second step, as the admin) makes the roles; the
    job then migrates each schema as its service's role, with the URL the service gets."""
    variables = distinct_passwords()
    migrate = container_env(compose, "migrate", variables)
    admin = urlsplit(migrate["DATABASE_URL"])
    assert (admin.username, admin.password) == ("snab", variables["POSTGRES_PASSWORD"])
    assert admin.path == "/snab"
    for name in SERVICES:
        url = container_env(compose, name, variables)["DATABASE_URL"]
        database = urlsplit(url)
        assert database.username == db_role_name(name), name
        assert database.password == variables[db_password_variable(name)], name
        assert (database.hostname, database.port, database.path) == ("postgres", 5432, "/snab")
        assert migrate[f"{name.upper()}_DATABASE_URL"] == url, name
        # No other database password reaches the service, though it reads the whole .env.
        others = {variables["POSTGRES_PASSWORD"]} | {
            variables[db_password_variable(s)] for s in DB_SCHEMAS if s != name
        }
        env = container_env(compose, name, variables)
        leaked = {key for key, value in env.items() if any(pw in value for pw in others)}
        assert not leaked, f"{name} holds another database password in {leaked}"
    assert set(SERVICES) == set(DB_SCHEMAS), "a service without a database role"


def test_required_variables_are_in_env_example_and_secrets_are_not_committed(
    compose: dict[str, Any],
) -> None:
    text = COMPOSE_FILE.read_text()
    required = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", text))
    assert {"POSTGRES_PASSWORD", "S3_SECRET_KEY", "SECRET_KEY"} <= required
    assert {password_variable(user) for user in ACCESS} <= required
    assert {db_password_variable(service) for service in DB_SCHEMAS} <= required
    example = env_example()
    assert not required - {k for k, v in example.items() if v}, "missing in .env.example"
    secret = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$")
    for name, svc in compose["services"].items():
        environment = svc.get("environment") or {}
        for key, value in environment.items():
            if secret.search(key) and value != "":  # "" takes a .env secret away
                assert str(value).startswith("${"), f"{name}: {key} must come from .env"


def test_servers_keep_data_on_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    volumes = set(compose["volumes"])
    mounts = {
        "nats": "/data",
        "postgres": "/var/lib/postgresql/data",
        "minio": "/data",
        "prometheus": "/prometheus",
        "grafana": "/var/lib/grafana",
    }
    for name, target in mounts.items():
        named = [v.split(":")[0] for v in services[name]["volumes"] if v.split(":")[1] == target]
        assert named and named[0] in volumes, name
    assert interpolate(services["postgres"]["image"], {}) == "postgres:16"
    command = [interpolate(part, {}) for part in services["nats"]["command"]]
    assert command == ["-c", "/etc/nats/nats.conf"]
    assert any(
        v.startswith("../nats/nats.conf:/etc/nats/nats.conf") for v in services["nats"]["volumes"]
    )


def test_the_cluster_profile_runs_three_nodes_the_services_know(
    compose: dict[str, Any],
) -> None:
    """COMPOSE_PROFILES=cluster with the three settings .env.example names: three nodes on
    nats/cluster/nats.conf, each with its own name and volume, and every service given all three."""
    services = compose["services"]
    example = ENV_EXAMPLE.read_text()
    cluster = dict(re.findall(r"^# (NATS_CONFIG|NATS_HOSTS|BUS_REPLICAS)=(\S+)$", example, re.M))
    assert set(cluster) == {"NATS_CONFIG", "NATS_HOSTS", "BUS_REPLICAS"}
    assert "# COMPOSE_PROFILES=cluster" in example
    nodes = ["nats", "nats-2", "nats-3"]
    assert [services[n].get("profiles") for n in nodes] == [None, ["cluster"], ["cluster"]]
    names, volumes = set(), set()
    for node in nodes:
        command = [interpolate(part, cluster) for part in services[node]["command"]]
        assert command == ["-c", "/etc/nats/cluster/nats.conf"], node
        names.add(services[node]["environment"]["NATS_SERVER_NAME"])
        volumes |= {v.split(":")[0] for v in services[node]["volumes"] if v.endswith(":/data")}
    assert len(names) == 3 and len(volumes) == 3 and volumes <= set(compose["volumes"])
    routes = re.findall(r"nats-route://([\w-]+):6222", NATS_CLUSTER_CONF.read_text())
    assert sorted(routes) == sorted(nodes)
    hosts = [part.split(":")[0] for part in cluster["NATS_HOSTS"].split(",")]
    assert sorted(hosts) == sorted(nodes)
    for name in SERVICES:
        url = interpolate(services[name]["environment"]["NATS_URL"], {**env_example(), **cluster})
        assert url.count(",") == 2 and url.endswith(cluster["NATS_HOSTS"]), name


# -- Dockerfile --------------------------------------------------------------------------------


def test_dockerfile_installs_every_workspace_member() -> None:
    text = DOCKERFILE.read_text()
    copies = set(re.findall(r"^COPY (\S+/pyproject\.toml) ", text, re.MULTILINE))
    members = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("libs/*/pyproject.toml")}
    members |= {p.relative_to(ROOT).as_posix() for p in ROOT.glob("services/*/pyproject.toml")}
    assert copies == members
    packages = set(re.findall(r"--package (\S+?)\"?(?=\s|$)", text))
    services = {
        tomllib.loads(p.read_text())["project"]["name"]
        for p in ROOT.glob("services/*/pyproject.toml")
    }
    assert packages == services | {"snab-cli"}  # the services, and `snab` for operators
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, re.MULTILINE)
    assert "uv sync --frozen --no-dev" in text
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
    ):
        assert package in text
    users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*healthcheck\.py", text, re.MULTILINE)


def test_dockerignore_lets_every_copied_file_in() -> None:
    text = DOCKERFILE.read_text()
    sources = [
        src
        for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.MULTILINE)
        for src in line.split()[:-1]
    ]
    allowed = [
        line[1:].strip() for line in DOCKERIGNORE.read_text().splitlines() if line.startswith("!")
    ]
    for src in sources:
        assert (ROOT / src).exists(), src
        assert any(src == a or src.startswith(a.rstrip("/") + "/") for a in allowed), src


# -- Prometheus --------------------------------------------------------------------------------


def test_prometheus_scrapes_every_service_port(
    yaml: ModuleType,
    compose: dict[str, Any],
    healthcheck: ModuleType,
    clean_env: pytest.MonkeyPatch,
) -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    scraped: set[tuple[str, int]] = set()
    for job in config["scrape_configs"]:
        for sd in job.get("dns_sd_configs", []):
            scraped |= {(name, int(sd["port"])) for name in sd["names"]}
        for static in job.get("static_configs", []):
            for target in static["targets"]:
                host, port = target.rsplit(":", 1)
                scraped.add((host, int(port)))
    for name, module in SERVICES.items():
        assert (name, healthcheck.port_for(module)) in scraped, name
    for host, _ in scraped:
        assert host == "localhost" or host in compose["services"], host
    for rule_file in config["rule_files"]:
        assert (PROMETHEUS.parent / rule_file).is_file()
    mounted = [
        v for v in compose["services"]["prometheus"]["volumes"] if v.startswith("../prometheus:")
    ]
    assert mounted == ["../prometheus:/etc/prometheus:ro"]


def test_alert_rules_cover_the_operations_metrics(yaml: ModuleType) -> None:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    known = kit_series() | faststream_series() | service_series()
    used: set[str] = set()
    for rule in rules:
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        names = set(METRIC_NAME.findall(rule["expr"]))
        assert names <= known, f"{rule['alert']}: unknown metrics {names - known}"
        used |= names
    exprs = " ".join(rule["expr"] for rule in rules)
    assert "up == 0" in exprs
    for metric in (
        "snab_dlq_messages_total",
        "snab_outbox_lag_seconds",
        "snab_messages_handled_total",
        "snab_health_check_ok",
        "snab_rpc_handled_total",
    ):
        assert metric in used, metric


def test_promtool_accepts_config_and_rules_and_alerts_fire() -> None:
    tool = promtool()
    for args in (
        ["check", "config", str(PROMETHEUS)],
        ["check", "rules", str(ALERTS)],
        ["test", "rules", str(ALERT_TESTS)],
    ):
        result = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"promtool {' '.join(args)}:\n{result.stdout}{result.stderr}"


# -- Grafana -----------------------------------------------------------------------------------


def test_dashboard_shows_every_kit_metric_and_nothing_unknown() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = dashboard_exprs(dashboard)
    referenced = {name for expr in exprs for name in METRIC_NAME.findall(expr)}
    kit = kit_series()
    known = kit | faststream_series() | service_series()
    assert referenced <= known, f"unknown metrics: {referenced - known}"
    families = {name for name in kit if not name.endswith(("_sum", "_count"))}
    families = {n for n in families if not (n.endswith("_bucket") and f"{n[:-7]}_count" not in kit)}
    assert families <= referenced, f"not on the dashboard: {families - referenced}"
    assert any(name.startswith("faststream_") for name in referenced)


def test_dashboard_layout_and_datasource(yaml: ModuleType) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    datasource = yaml.safe_load(GRAFANA_DATASOURCE.read_text())["datasources"][0]
    ids: list[int] = []
    cells: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        ids.append(panel["id"])
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps another panel"
                cells.add((x, y))
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == datasource["uid"], panel["title"]
            assert panel["targets"], panel["title"]
    assert len(ids) == len(set(ids))
    assert datasource["type"] == "prometheus"
    assert urlsplit(datasource["url"]).hostname == "prometheus"


def test_grafana_provisioning_matches_the_compose_mounts(
    yaml: ModuleType, compose: dict[str, Any]
) -> None:
    provider = yaml.safe_load(GRAFANA_DASHBOARDS.read_text())["providers"][0]
    volumes = dict(
        v.rsplit(":", 1)[0].split(":", 1)
        for v in compose["services"]["grafana"]["volumes"]
        if v.startswith("..")
    )
    assert volumes["../grafana/dashboards"] == provider["options"]["path"]
    assert volumes["../grafana/provisioning"] == "/etc/grafana/provisioning"
    for source in volumes:
        assert (COMPOSE_FILE.parent / source).is_dir()


# -- NATS ------------------------------------------------------------------------------------


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[tuple[str, int, str]]:
    """nats-server running deploy/nats/nats.conf, only the data folder moved to tmp_path."""
    conf = NATS_CONF.read_text()
    assert "store_dir: /data\n" in conf
    (tmp_path / "nats.conf").write_text(
        conf.replace("store_dir: /data\n", f'store_dir: "{tmp_path}"\n')
    )
    shutil.copy(NATS_CONF.with_name("users.conf"), tmp_path / "users.conf")
    port, monitor, password = free_port(), free_port(), "s3cr3tpass"
    passwords = {password_variable(user): f"{password}-{user}" for user in ACCESS}
    log = open(tmp_path / "nats.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            nats_binary(),
            "-c",
            str(tmp_path / "nats.conf"),
            "-a",
            "127.0.0.1",
            "-p",
            str(port),
            "-m",
            str(monitor),
        ],
        env={**os.environ, **passwords},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"nats://admin:{password}-admin@127.0.0.1:{port}", monitor, f"nats://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


async def test_nats_config_gives_durable_jetstream_behind_a_password(
    nats_server: tuple[str, int, str],
) -> None:
    url, monitor, anonymous = nats_server
    await wait_for(lambda: port_open("127.0.0.1", monitor), timeout=15)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{monitor}") as http:
        health = await wait_for(
            lambda: http.get("/healthz", params={"js-enabled-only": "true"}), timeout=15
        )
        assert health.status_code == 200
        varz = (await http.get("/varz")).json()
    assert varz["jetstream"]["config"]["sync_always"] is True
    assert varz["max_payload"] == 8 * 1024 * 1024

    done = await migrate_url(url, BusNames())
    assert {f"stream {spec.name}: created" for spec in STREAMS} <= set(done)

    with pytest.raises(Exception, match=r"(?i)authoriz"):
        await nats.connect(
            anonymous, connect_timeout=2, max_reconnect_attempts=0, allow_reconnect=False
        )


# -- scripts copied into the image -----------------------------------------------------------


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args: Any) -> None:
        pass


def test_healthcheck_exit_status_follows_health(healthcheck: ModuleType) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script = str(DEPLOY / "docker" / "healthcheck.py")

    def run() -> int:
        return subprocess.run(
            [sys.executable, script, str(port)], capture_output=True, timeout=30
        ).returncode

    try:
        _Health.status = 200
        assert run() == 0
        _Health.status = 503
        assert run() == 1
    finally:
        _Health.status = 200
        server.shutdown()
        server.server_close()
    assert run() == 1


def test_healthcheck_finds_the_port_from_the_service_settings(
    healthcheck: ModuleType, clean_env: pytest.MonkeyPatch
) -> None:
    assert healthcheck.service_module(["python", "-m", "snab_orders"]) == "snab_orders"
    assert (
        healthcheck.service_module(
            ["/sbin/docker-init", "--", "python", "-m", "snab_gateway", "serve"]
        )
        == "snab_gateway"
    )
    with pytest.raises(LookupError):
        healthcheck.service_module(["sh", "-ec", "snab-bus migrate"])
    assert healthcheck.port_for("snab_orders") == 8103
    assert healthcheck.port_for("snab_gateway") == 8000
    clean_env.setenv("ORDERS_HTTP_PORT", "9103")
    assert healthcheck.port_for("snab_orders") == 9103


def _s3() -> S3Storage:
    return S3Storage(
        endpoint_url="http://minio.test:9000",
        bucket="snab",
        access_key="snab",
        secret_key="secret-key",
        region="us-east-1",
    )


def test_init_storage_creates_a_missing_bucket_once(init_storage: ModuleType) -> None:
    storage = _s3()
    with Stubber(storage.client) as stub:
        stub.add_client_error(
            "head_bucket", "404", http_status_code=404, expected_params={"Bucket": "snab"}
        )
        stub.add_response("create_bucket", {}, expected_params={"Bucket": "snab"})
        assert init_storage.ensure_bucket(storage, 0) == "bucket snab: created"
        stub.assert_no_pending_responses()
    with Stubber(storage.client) as stub:
        stub.add_response("head_bucket", {}, expected_params={"Bucket": "snab"})
        assert init_storage.ensure_bucket(storage, 0) == "bucket snab: exists"
    with Stubber(storage.client) as stub:
        stub.add_client_error("head_bucket", "403", http_status_code=403)
        with pytest.raises(ClientError):
            init_storage.ensure_bucket(storage, 0)


async def test_cluster_config_forms_one_jetstream_cluster_keeping_three_copies(
    tmp_path: Path,
) -> None:
    """Three nats-server processes on deploy/nats/cluster/nats.conf (route hosts and the data
    folder pointed at this machine): one cluster, and `snab-bus migrate --replicas 3`
    gives every stream a copy on each node."""
    conf = NATS_CLUSTER_CONF.read_text()
    nodes = {"nats": "nats-1", "nats-2": "nats-2", "nats-3": "nats-3"}
    routes = {host: free_port() for host in nodes}
    for host, port in routes.items():
        assert f"nats-route://{host}:6222" in conf
        conf = conf.replace(f"nats-route://{host}:6222", f"nats-route://127.0.0.1:{port}")
    shutil.copy(NATS_CONF.with_name("users.conf"), tmp_path / "users.conf")  # ../users.conf
    (tmp_path / "cluster").mkdir()
    password = "s3cr3tpass"
    passwords = {password_variable(user): f"{password}-{user}" for user in ACCESS}
    urls, procs = [], []
    try:
        for host, server_name in nodes.items():
            config = tmp_path / "cluster" / f"{host}.conf"
            config.write_text(
                conf.replace("store_dir: /data\n", f'store_dir: "{tmp_path / host}"\n')
            )
            port = free_port()
            urls.append(f"nats://admin:{password}-admin@127.0.0.1:{port}")
            procs.append(
                subprocess.Popen(
                    [
                        nats_binary(),
                        "-c",
                        str(config),
                        "-a",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "-m",
                        str(free_port()),
                        "--cluster",
                        f"nats://127.0.0.1:{routes[host]}",
                    ],
                    env={**os.environ, **passwords, "NATS_SERVER_NAME": server_name},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        done = await wait_for(lambda: _migrate_or_none(urls), timeout=30)
        assert {f"stream {spec.name}: created" for spec in STREAMS} <= set(done)
        nc = await nats.connect(servers=urls)
        try:
            for spec in STREAMS:
                info = await nc.jetstream().stream_info(spec.name)
                assert info.config.num_replicas == 3
                assert info.cluster is not None and info.cluster.name == "snab"
                peers = {info.cluster.leader} | {r.name for r in info.cluster.replicas or []}
                assert peers == set(nodes.values()), spec.name
        finally:
            await nc.close()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


async def _migrate_or_none(urls: list[str]) -> list[str] | None:
    try:
        return await migrate_url(urls, BusNames(), replicas=3)
    except Exception:
        return None
