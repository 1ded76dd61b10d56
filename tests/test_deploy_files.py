"""The deployment files hang together. There is no Docker engine on the build machine, so the
compose stack is not started here: these tests check what can be checked without it — every
file parses, everything a service mounts or builds exists, ports and settings agree with the
code and the docs, Grafana's provisioning names data sources the dashboards use and gets every
value it reads from the environment, and the read-only user's SQL parses on ClickHouse."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest
import yaml

from clickstream.config import Settings
from clickstream.warehouse import Warehouse
from clickstream.warehouse.statements import split_statements
from tests.support.dashboards import CLICKHOUSE_PLUGIN, GRAFANA, ROOT, load_dashboards, variables

DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
PROVISIONING = GRAFANA / "provisioning"
DATASOURCE_FILES = {path.name: path for path in (PROVISIONING / "datasources").glob("*.yaml")}


def _mounts(service: dict[str, Any]) -> list[tuple[Path, str]]:
    """(host path, container path) of the service's bind mounts."""
    found = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            found.append(((DEPLOY / source).resolve(), target))
    return found


def _strings(node: Any) -> list[str]:
    """Every string value in a parsed YAML document (comments are gone by then)."""
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return [node] if isinstance(node, str) else []


def _environment(service: dict[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in service.get("environment", {}).items()}


def test_the_stack_has_what_the_issue_lists() -> None:
    assert {"kafka", "clickhouse", "collector", "worker", "prometheus", "grafana"} <= set(SERVICES)
    kafka = SERVICES["kafka"]["image"]
    assert re.fullmatch(r"apache/kafka:4\.\d+\.\d+", kafka)
    version = SERVICES["clickhouse"]["image"].split(":")[1]
    assert tuple(int(part) for part in version.split(".")[:2]) >= (24, 8), "ClickHouse 24.8+"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_everything_a_service_mounts_exists(name: str) -> None:
    for source, target in _mounts(SERVICES[name]):
        assert source.exists(), f"{name} mounts {source}, which does not exist"
        assert target.startswith("/")
    for volume in SERVICES[name].get("volumes", []):
        source = volume.split(":")[0]
        if not source.startswith("."):
            assert source in COMPOSE["volumes"], f"{name}: named volume {source} not declared"


def test_the_image_builds_from_files_that_exist() -> None:
    for name in ("collector", "worker"):
        build = SERVICES[name]["build"]
        context = (DEPLOY / build["context"]).resolve()
        assert context == ROOT
        dockerfile = (context / build["dockerfile"]).read_text()
        for line in dockerfile.splitlines():
            if line.startswith("COPY "):
                for source in line.split()[1:-1]:
                    assert (context / source).exists(), source
        assert 'ENTRYPOINT ["clickstream"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "data" in ignored


def test_collector_and_worker_use_the_documented_settings_and_ports() -> None:
    settings = {f"CLICKSTREAM_{name.upper()}" for name in Settings.__dataclass_fields__}
    settings |= {"CLICKSTREAM_ALLOWED_ORIGINS"}  # read by the collector itself
    for name in ("collector", "worker"):
        environment = _environment(SERVICES[name])
        assert set(environment) <= settings, set(environment) - settings
        assert environment["CLICKSTREAM_KAFKA"] == "kafka:9092"
    collector = SERVICES["collector"]["command"]
    assert collector[:1] == ["serve"] and collector[collector.index("--port") + 1] == "8000"
    assert "8000:8000" in SERVICES["collector"]["ports"]
    worker = SERVICES["worker"]["command"]
    assert worker[worker.index("--metrics-port") + 1] == "9108"
    assert worker[worker.index("--metrics-host") + 1] == "0.0.0.0"
    url = _environment(SERVICES["worker"])["CLICKSTREAM_CLICKHOUSE"]
    assert re.fullmatch(r"clickhouse://clickstream:\$\{\w+:-\w+\}@clickhouse:9000/clickstream", url)
    clickhouse = _environment(SERVICES["clickhouse"])
    assert clickhouse["CLICKHOUSE_USER"] == "clickstream"


def test_prometheus_scrapes_the_collector_and_worker_ports() -> None:
    (config_path, _), *_ = _mounts(SERVICES["prometheus"])
    config = yaml.safe_load(config_path.read_text())
    targets = {
        (sd["names"][0], sd["port"])
        for job in config["scrape_configs"]
        for sd in job["dns_sd_configs"]
    }
    assert targets == {("collector", 8000), ("worker", 9108)}


@pytest.mark.parametrize("name", ["grafana", "grafana-embedded"])
def test_grafana_gets_the_plugin_and_every_value_its_provisioning_reads(name: str) -> None:
    service = SERVICES[name]
    environment = _environment(service)
    plugin, version = environment["GF_INSTALL_PLUGINS"].split()
    assert plugin == CLICKHOUSE_PLUGIN and re.fullmatch(r"4\.\d+\.\d+", version)
    provisioned = [source for source, _ in _mounts(service) if "provisioning" in str(source)]
    texts: list[str] = []
    for source in provisioned:
        for path in sorted(source.glob("*.yaml")) if source.is_dir() else [source]:
            texts += _strings(yaml.safe_load(path.read_text()))
    datasource_files = [s for s in provisioned if s.parent.name == "datasources"]
    assert len(datasource_files) == 1, "one ClickHouse default per Grafana"
    wanted = {match for text in texts for match in re.findall(r"\$\{?(\w+)", text)}
    assert wanted <= set(environment), f"{name} lacks {wanted - set(environment)}"
    dashboards = environment["CLICKSTREAM_DASHBOARDS"]
    assert any(target == dashboards for _, target in _mounts(service))
    home = environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert Path(home).parent.as_posix() == dashboards
    assert (GRAFANA / "dashboards" / Path(home).name).exists()


def _datasources(file_name: str) -> list[dict[str, Any]]:
    return yaml.safe_load(DATASOURCE_FILES[file_name].read_text())["datasources"]


def test_the_server_data_source_is_native_and_the_embedded_one_http() -> None:
    server = {d["uid"]: d for d in _datasources("server.yaml")}
    embedded = {d["uid"]: d for d in _datasources("embedded.yaml")}
    assert server["clickstream-clickhouse"]["jsonData"]["protocol"] == "native"
    assert server["clickstream-clickhouse"]["jsonData"]["username"] == "$CLICKHOUSE_ANALYST_USER"
    assert embedded["clickstream-embedded"]["jsonData"]["protocol"] == "http"
    assert embedded["clickstream-embedded"]["jsonData"]["username"] == "$CLICKSTREAM_SQL_USER"
    assert server["clickstream-prometheus"]["type"] == "prometheus"
    for sources in (server, embedded):
        assert [d["isDefault"] for d in sources.values() if d.get("isDefault")] == [True]
        for source in sources.values():
            assert "password" not in source.get("jsonData", {}), "secrets go in secureJsonData"
    grafana = _environment(SERVICES["grafana"])
    assert (
        grafana["CLICKHOUSE_HOST"] == "clickhouse" and grafana["CLICKHOUSE_NATIVE_PORT"] == "9000"
    )
    assert grafana["CLICKHOUSE_ANALYST_USER"] == "analyst"
    embedded_grafana = _environment(SERVICES["grafana-embedded"])
    assert embedded_grafana["CLICKSTREAM_SQL_HOST"] == "127.0.0.1"
    assert embedded_grafana["CLICKSTREAM_SQL_PORT"] == "${CLICKSTREAM_SQL_PORT:-8123}", "SPEC §11"
    assert SERVICES["grafana-embedded"]["network_mode"] == "host"


def test_dashboards_default_to_the_provisioned_data_sources() -> None:
    uids = {d["uid"]: d["type"] for f in DATASOURCE_FILES for d in _datasources(f)}
    for dashboard in load_dashboards().values():
        for variable in variables(dashboard):
            if variable["type"] == "datasource":
                assert uids[variable["current"]["value"]] == variable["query"]


def test_the_dashboard_provider_reads_the_dashboard_folder() -> None:
    config = yaml.safe_load((PROVISIONING / "dashboards" / "clickstream.yaml").read_text())
    (provider,) = config["providers"]
    assert provider["type"] == "file" and provider["options"]["path"] == "$CLICKSTREAM_DASHBOARDS"


def test_the_analyst_user_is_read_only_yet_can_take_the_plugins_settings() -> None:
    root = ElementTree.parse(DEPLOY / "clickhouse" / "users.d" / "analyst.xml").getroot()
    assert root.tag == "clickhouse"
    profile = root.find("profiles/analyst")
    assert profile is not None and profile.findtext("readonly") == "1"
    for setting in ("max_execution_time", "limit"):
        assert profile.find(f"constraints/{setting}/changeable_in_readonly") is not None
    user = root.find("users/analyst")
    assert user is not None and user.findtext("profile") == "analyst"
    assert user.find("password").get("from_env") == "CLICKHOUSE_ANALYST_PASSWORD"
    assert [q.text for q in user.findall("grants/query")] == ["GRANT SELECT ON clickstream.*"]
    clickhouse = _environment(SERVICES["clickhouse"])
    assert "CLICKHOUSE_ANALYST_PASSWORD" in clickhouse
    grafana = _environment(SERVICES["grafana"])
    assert grafana["CLICKHOUSE_ANALYST_PASSWORD"] == clickhouse["CLICKHOUSE_ANALYST_PASSWORD"]


def test_the_analyst_sql_parses_on_clickhouse(chdb_session_warehouse: Warehouse) -> None:
    text = (DEPLOY / "clickhouse" / "analyst.sql").read_text()
    statements = split_statements(text)
    formatted = [
        chdb_session_warehouse.query("SELECT formatQuery({q:String})", {"q": s}).scalar()
        for s in statements
    ]
    assert formatted[0].startswith("CREATE SETTINGS PROFILE IF NOT EXISTS `analyst`")
    assert "readonly = 1" in formatted[0]
    assert "max_execution_time = 60 MAX 600 CHANGEABLE_IN_READONLY" in formatted[0]
    assert "limit CHANGEABLE_IN_READONLY" in formatted[0]
    assert formatted[1].startswith("CREATE USER IF NOT EXISTS analyst")
    assert formatted[2] == "GRANT SELECT ON clickstream.* TO analyst"
