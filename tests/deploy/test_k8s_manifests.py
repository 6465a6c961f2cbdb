"""The Kubernetes manifests in deploy/k8s deploy what the code and the compose file expect.

No cluster is needed: ``kubectl kustomize`` renders the base and the production overlay,
kubernetes-validate checks every object against the schemas of a real Kubernetes
release, and each Deployment's environment (ConfigMap, Secret, dependent ``$(VARS)``) is
fed to that service's settings class, as the kubelet would build it.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from snab_kit.settings import ServiceSettings, nats_servers
from snab_kit.storage import S3Storage, make_storage
from snab_kit.testing import require
from tests.deploy.deploy_support import (
    DEPLOY,
    SERVICES,
    load_script,
    service_settings,
    settings_env_names,
)

K8S = DEPLOY / "k8s"
BASE = K8S / "base"
PRODUCTION = K8S / "overlays" / "production"
SECRET_EXAMPLE = BASE / "secret.example.yaml"
COMPOSE_FILE = DEPLOY / "compose" / "docker-compose.yml"
README = K8S / "README.md"

# A recent release and the newest one kubernetes-validate ships schemas for.
KUBERNETES_VERSIONS = ("1.33.0", "latest")
PRODUCTION_REPLICAS = {
    "mail": 2,
    "parser": 2,
    "orders": 2,
    "documents": 2,
    "notifier": 1,
    "gateway": 2,
}
PRODUCTION_IMAGE = "registry.example.ru/snab:1.0.0"
NATS_SERVERS = 3
RUN_AS_USER = 10001  # the image's user `snab`
_DEPENDENT = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


# -- helpers ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def yaml() -> ModuleType:
    import yaml as module

    return module


@pytest.fixture(scope="module")
def kubectl() -> str:
    found = shutil.which("kubectl")
    require(
        found is not None,
        "kubectl is not installed (Debian package kubernetes-client, see .ci/install-deps): "
        "the Kubernetes manifests in deploy/k8s were not rendered",
    )
    assert found is not None
    return found


def kustomize(kubectl: str, yaml: ModuleType, path: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [kubectl, "kustomize", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"kubectl kustomize {path}:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def base(kubectl: str, yaml: ModuleType) -> list[dict[str, Any]]:
    return kustomize(kubectl, yaml, BASE)


@pytest.fixture(scope="module")
def production(kubectl: str, yaml: ModuleType) -> list[dict[str, Any]]:
    return kustomize(kubectl, yaml, PRODUCTION)


@pytest.fixture(scope="module")
def base_files(yaml: ModuleType) -> dict[str, list[dict[str, Any]]]:
    """Every object file of the base, each loaded on its own (no kustomize)."""
    files: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(BASE.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            files[path.name] = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return files


@pytest.fixture(scope="module")
def example_secret(yaml: ModuleType) -> dict[str, str]:
    """The example Secret's keys, each with a value of its own (to see which one is used),
    letters and digits as the README asks, long enough for SECRET_KEY."""
    secret = yaml.safe_load(SECRET_EXAMPLE.read_text())
    return {key: hashlib.sha256(key.encode()).hexdigest() for key in secret["stringData"]}


@pytest.fixture(scope="module")
def healthcheck() -> ModuleType:
    return load_script("healthcheck")


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def container(workload: dict[str, Any]) -> dict[str, Any]:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, workload["metadata"]["name"]
    result: dict[str, Any] = containers[0]
    return result


def probe_port(probe: dict[str, Any], ports: dict[str, int]) -> int:
    action = probe.get("httpGet") or probe.get("tcpSocket")
    assert action is not None, probe
    port = action["port"]
    return ports[port] if isinstance(port, str) else int(port)


def kubelet_env(
    spec: dict[str, Any], config: dict[str, str], secret: dict[str, str]
) -> dict[str, str]:
    """The environment the kubelet gives ``spec`` (a container): envFrom first, then env in
    order, each ``$(NAME)`` replaced by a variable defined before it."""
    env: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        assert source["configMapRef"]["name"] == "snab-config", source
        env.update(config)
    for item in spec.get("env", []):
        if "value" in item:
            value = _DEPENDENT.sub(lambda m: env.get(m.group(1), m.group(0)), item["value"])
            assert "$(" not in value, f"{item['name']}: {item['value']} refers to an unset variable"
            env[item["name"]] = value
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            assert ref["name"] == "snab-secrets", item
            assert ref["key"] in secret, f"{ref['key']} is not in {SECRET_EXAMPLE.name}"
            env[item["name"]] = secret[ref["key"]]
    return env


def secret_keys(spec: dict[str, Any]) -> set[str]:
    return {
        item["valueFrom"]["secretKeyRef"]["key"]
        for item in spec.get("env", [])
        if "valueFrom" in item
    }


def migrate_steps(command: list[str]) -> list[str]:
    assert command[:2] == ["sh", "-ec"], command
    return [line.strip() for line in command[2].splitlines() if line.strip()]


# -- the files --------------------------------------------------------------------------------


def test_base_files_hold_whole_objects_and_kustomize_renders_exactly_them(
    base: list[dict[str, Any]], base_files: dict[str, list[dict[str, Any]]], yaml: ModuleType
) -> None:
    listed = yaml.safe_load((BASE / "kustomization.yaml").read_text())["resources"]
    assert set(listed) == set(base_files) - {SECRET_EXAMPLE.name}
    # The real Secret is created by hand: applying the base never overwrites it.
    assert SECRET_EXAMPLE.name not in listed
    from_files = {(o["kind"], o["metadata"]["name"]) for name in listed for o in base_files[name]}
    assert {(o["kind"], o["metadata"]["name"]) for o in base} == from_files
    for name, objects in base_files.items():
        for obj in objects:
            assert obj["apiVersion"] and obj["kind"] and obj["metadata"]["name"], name
            # The overlay picks the namespace.
            assert "namespace" not in obj["metadata"], f"{name}: {obj['metadata']['name']}"


def assert_valid(objects: list[dict[str, Any]], version: str) -> None:
    """Every object against the schemas of Kubernetes ``version``, unknown fields refused."""
    import kubernetes_validate

    release = kubernetes_validate.latest_version() if version == "latest" else version
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, release, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = "/".join(str(part) for part in exc.absolute_path)
            pytest.fail(
                f"{obj['kind']}/{obj['metadata']['name']} (Kubernetes {release}) at {where}: "
                f"{exc.message}"
            )


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_each_base_file_is_valid_kubernetes_on_its_own(
    version: str, base_files: dict[str, list[dict[str, Any]]]
) -> None:
    assert_valid([obj for objects in base_files.values() for obj in objects], version)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_rendered_base_and_overlay_are_valid_kubernetes(
    version: str, base: list[dict[str, Any]], production: list[dict[str, Any]]
) -> None:
    assert_valid([*base, *production], version)


def test_example_secret_holds_only_placeholders(yaml: ModuleType) -> None:
    secret = yaml.safe_load(SECRET_EXAMPLE.read_text())
    assert secret["kind"] == "Secret" and secret["metadata"]["name"] == "snab-secrets"
    for key, value in secret["stringData"].items():
        assert str(value).startswith("change-me"), key


# -- each service -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SERVICES))
def test_service_deployment(
    name: str,
    base: list[dict[str, Any]],
    healthcheck: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    module = SERVICES[name]
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    port = healthcheck.port_for(module)
    deployment = find(base, "Deployment", name)
    pod = deployment["spec"]["template"]
    spec = container(deployment)

    assert spec["image"] == container(find(base, "Job", "snab-migrate"))["image"]
    assert spec["image"] == "snab:latest"  # compose's default SNAB_IMAGE
    assert spec["command"] == ["python", "-m", module]
    ports = {p["name"]: p["containerPort"] for p in spec["ports"]}
    assert list(ports.values()) == [port]

    readiness = spec["readinessProbe"]
    assert readiness["httpGet"]["path"] == "/health"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert probe_port(spec[probe], ports) == port, probe
    # A dependency down makes /health fail; that must not get the pod killed quickly.
    liveness = spec["livenessProbe"]
    if "httpGet" in liveness:
        assert liveness["periodSeconds"] * liveness["failureThreshold"] >= 120

    resources = spec["resources"]
    for kind in ("cpu", "memory"):
        assert resources["requests"][kind] and resources["limits"][kind], kind

    security = spec["securityContext"]
    # Service links would set GATEWAY_PORT=tcp://... (the Service `gateway`) in every pod.
    assert pod["spec"]["enableServiceLinks"] is False
    assert pod["spec"]["automountServiceAccountToken"] is False
    pod_security = pod["spec"]["securityContext"]
    assert pod_security["runAsNonRoot"] is True and pod_security["runAsUser"] == RUN_AS_USER
    assert security["runAsNonRoot"] is True and security["runAsUser"] == RUN_AS_USER
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"]["drop"] == ["ALL"]
    assert security["seccompProfile"]["type"] == "RuntimeDefault"
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    tmp = [m for m in spec["volumeMounts"] if m["mountPath"] == "/tmp"]
    assert tmp and "emptyDir" in volumes[tmp[0]["name"]]

    assert spec["envFrom"] == [{"configMapRef": {"name": "snab-config"}}]
    keys = secret_keys(spec)
    upper = name.upper()
    assert {f"DB_PASSWORD_{upper}", f"NATS_{upper}_PASSWORD"} <= keys
    others = {s.upper() for s in SERVICES} - {upper}
    for other in others:
        assert f"DB_PASSWORD_{other}" not in keys and f"NATS_{other}_PASSWORD" not in keys
    assert not keys & {"POSTGRES_PASSWORD", "NATS_ADMIN_PASSWORD", "NATS_DESK_PASSWORD"}

    # The init container waits for this service's schema, logged in as the service.
    (init,) = pod["spec"]["initContainers"]
    assert init["image"] == spec["image"]
    assert init["command"][-2:] == [module, name]
    assert init["securityContext"] == security
    assert {m["mountPath"] for m in init["volumeMounts"]} == {"/tmp"}
    secret = {key: key.lower() for key in keys}
    config = find(base, "ConfigMap", "snab-config")["data"]
    main_env = kubelet_env(spec, config, secret)
    assert kubelet_env(init, config, secret)["DATABASE_URL"] == main_env["DATABASE_URL"]

    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"

    service = find(base, "Service", name)
    assert service["spec"]["type"] == "ClusterIP"
    labels = pod["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (service_port,) = service["spec"]["ports"]
    assert service_port["port"] == port
    assert ports[service_port["targetPort"]] == port


@pytest.mark.parametrize("name", list(SERVICES))
def test_deployment_environment_configures_the_service(
    name: str,
    base: list[dict[str, Any]],
    example_secret: dict[str, str],
    healthcheck: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The settings class reads the environment the kubelet builds: the service listens
    on its port, logs in to PostgreSQL as its own role and to every NATS server as its
    own user, and stores objects in S3."""
    module = SERVICES[name]
    monkeypatch.chdir(tmp_path)
    port = healthcheck.port_for(module)
    config = find(base, "ConfigMap", "snab-config")["data"]
    spec = container(find(base, "Deployment", name))
    env = kubelet_env(spec, config, example_secret)
    settings_class = service_settings(module)

    # Every variable set for the container is read by the service, or is a password the
    # container's DATABASE_URL or NATS_URL is built from.
    referenced = {ref for item in spec["env"] for ref in _DEPENDENT.findall(item.get("value", ""))}
    unread = {item["name"] for item in spec["env"]} - settings_env_names(settings_class)
    assert not unread - referenced, (
        f"{name}: not settings of {settings_class.__name__}: {unread - referenced}"
    )

    with pytest.MonkeyPatch.context() as patch:
        for key in [*config, *settings_env_names(settings_class), "DATABASE_URL", "NATS_URL"]:
            patch.delenv(key, raising=False)
        for key, value in env.items():
            patch.setenv(key, value)
        settings = settings_class(_env_file=None)

    assert settings.http_host == "0.0.0.0"
    assert settings.http_port == port
    assert settings.log_format == "json"
    database = urlsplit(settings.database_url)
    assert (database.hostname, database.port, database.path) == ("postgres", 5432, "/snab")
    assert database.username == f"snab_{name}"
    assert database.password == example_secret[f"DB_PASSWORD_{name.upper()}"]
    servers = [urlsplit(url) for url in settings.nats_servers]
    assert len({(s.hostname, s.port) for s in servers}) == NATS_SERVERS
    for server in servers:
        assert server.scheme == "nats" and server.port == 4222
        assert server.username == name
        assert server.password == example_secret[f"NATS_{name.upper()}_PASSWORD"]
    if name == "mail":
        # Outgoing mail without SMTP_SERVER is written there: a writable volume, not the
        # read-only image.
        mounts = [Path(m["mountPath"]) for m in spec["volumeMounts"]]
        assert any(settings.mail_outbox_dir.is_relative_to(m) for m in mounts)
    storage = make_storage(settings)
    assert isinstance(storage, S3Storage)
    assert storage.client.meta.endpoint_url == config["S3_ENDPOINT_URL"]
    assert settings.s3_secret_key.get_secret_value() == example_secret["S3_SECRET_KEY"]


def test_config_map_holds_only_settings_and_agrees_with_compose(
    base: list[dict[str, Any]], yaml: ModuleType
) -> None:
    config = find(base, "ConfigMap", "snab-config")["data"]
    read = settings_env_names(ServiceSettings)
    for module in SERVICES.values():
        read |= settings_env_names(service_settings(module))
    assert set(config) <= read, f"read by no service: {set(config) - read}"
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    for key, value in compose["x-snab-environment"].items():
        if "$" not in str(value):  # the literal settings: listen addresses, ports, logs
            assert config.get(key) == str(value), key
    secret = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$")
    assert not [key for key in config if secret.search(key)]


def test_each_role_is_named_after_its_service_schema() -> None:
    """`snab-db roles` names a role snab_<schema>; the Deployments use snab_<service>."""
    for name, module in SERVICES.items():
        schema = importlib.import_module(f"{module}.db.tables").SCHEMA
        assert schema == name, module


@pytest.mark.parametrize("name", list(SERVICES))
def test_init_container_waits_until_the_job_migrated_the_schema(
    name: str, base: list[dict[str, Any]], fresh_database_url: str
) -> None:
    """The wait-for-schema command, run on a real PostgreSQL: it waits while the schema is
    missing and ends with 0 once the service's migrations reached their head."""
    from snab_kit.migrations import upgrade

    module = SERVICES[name]
    (init,) = find(base, "Deployment", name)["spec"]["template"]["spec"]["initContainers"]
    command = init["command"]
    assert command[0] == "python"
    env = {**os.environ, "DATABASE_URL": fresh_database_url}
    proc = subprocess.Popen(
        [sys.executable, *command[1:]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"schema {name}: " in first and "waiting for" in first, first
        assert proc.poll() is None
        upgrade(f"{module}.migrations", fresh_database_url)
        assert proc.wait(timeout=60) == 0, proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- the migrate Job ----------------------------------------------------------------------------


def test_migrate_job_runs_the_compose_steps_and_creates_the_roles(
    base: list[dict[str, Any]], example_secret: dict[str, str], yaml: ModuleType
) -> None:
    job = find(base, "Job", "snab-migrate")
    spec = container(job)
    steps = migrate_steps(spec["command"])
    config = find(base, "ConfigMap", "snab-config")["data"]
    env = kubelet_env(spec, config, example_secret)
    assert steps[0] == "snab-bus migrate"
    assert steps[1] == "snab-db roles"
    for name, module in SERVICES.items():
        # Each schema is migrated by its own role, which owns it.
        step = f'DATABASE_URL="${name.upper()}_DATABASE_URL" python -m {module} migrate'
        assert steps.index(step) > steps.index("snab-db roles")
        role_url = urlsplit(env[f"{name.upper()}_DATABASE_URL"])
        assert role_url.username == f"snab_{name}"
        assert role_url.password == example_secret[f"DB_PASSWORD_{name.upper()}"]
    assert steps[-1] == "python /app/init_storage.py"
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    compose_steps = migrate_steps(compose["services"]["migrate"]["command"])
    assert steps == [step.replace("$$", "$") for step in compose_steps]

    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")
    assert spec["securityContext"]["runAsNonRoot"] is True
    # The owner of the database creates the roles, with the services' passwords.
    database = urlsplit(env["DATABASE_URL"])
    assert (database.hostname, database.port, database.path) == ("postgres", 5432, "/snab")
    assert database.password == example_secret["POSTGRES_PASSWORD"]
    for name in SERVICES:
        key = f"DB_PASSWORD_{name.upper()}"
        assert env[key] == example_secret[key]
    servers = [urlsplit(url) for url in nats_servers(env["NATS_URL"])]
    assert {s.username for s in servers} == {"admin"}
    assert len(servers) == NATS_SERVERS
    assert env["BUS_REPLICAS"] == str(NATS_SERVERS)


# -- the production overlay ---------------------------------------------------------------------


def test_production_overlay_sets_namespace_image_and_replicas(
    production: list[dict[str, Any]],
) -> None:
    namespaces = [o for o in production if o["kind"] == "Namespace"]
    assert [n["metadata"]["name"] for n in namespaces] == ["snab"]
    for obj in production:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "snab", obj["metadata"]["name"]
    assert container(find(production, "Job", "snab-migrate"))["image"] == PRODUCTION_IMAGE
    budgets = {o["metadata"]["name"]: o for o in production if o["kind"] == "PodDisruptionBudget"}
    for name, replicas in PRODUCTION_REPLICAS.items():
        deployment = find(production, "Deployment", name)
        assert deployment["spec"]["replicas"] == replicas, name
        assert container(deployment)["image"] == PRODUCTION_IMAGE, name
        if replicas > 1:
            selector = budgets[name]["spec"]["selector"]["matchLabels"]
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            assert selector.items() <= labels.items(), name
    # The two steps of the README: `-l 'app.kubernetes.io/component in (config,migrate)'`
    # applies exactly the namespace, the ConfigMap and the Job; then everything else.
    first = {
        (o["kind"], o["metadata"]["name"])
        for o in production
        if o["metadata"]["labels"]["app.kubernetes.io/component"] in ("config", "migrate")
    }
    assert first == {("Namespace", "snab"), ("ConfigMap", "snab-config"), ("Job", "snab-migrate")}
    assert "-l 'app.kubernetes.io/component in (config,migrate)'" in README.read_text()
    for obj in production:
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "snab"
    notifier = find(production, "Deployment", "notifier")
    # Telegram gives bot updates to one poller: never two notifiers, not even in a rollout.
    assert notifier["spec"]["strategy"]["type"] == "Recreate"
