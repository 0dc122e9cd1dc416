"""The monitoring component: scrape targets that exist, alerts that fire when they should.

The PrometheusRule is checked and unit-tested by promtool (Debian's ``prometheus`` package,
installed by scripts/install-system-deps.sh) on exactly what kustomize renders; the PodMonitors
must select real pods on real ports that a NetworkPolicy opens to the monitoring namespace; and
every metric the rules and the dashboard read is one CONTRACTS.md names for the operator and
the view, or one the model-service really exports.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.tools import REPO, find_tool, missing_tool

Manifest = dict[str, Any]
Rendered = dict[str, list[Manifest]]

COMPONENT = REPO / "manifests" / "components" / "monitoring"
RULES_TEST = Path(__file__).parent / "prometheus" / "relnotes_rules_test.yaml"
MONITORING_LABEL = {"relnotes.io/monitoring": "true"}

# CONTRACTS.md: the operator's and the view's metrics (their branches implement them).
CONTRACT_METRICS = {
    "relnotes_operator_reconciles_total",
    "relnotes_operator_generation_seconds",
    "relnotes_operator_model_calls_total",
    "relnotes_operator_cache_hits_total",
    "relnotes_operator_coalesced_waits_total",
    "relnotes_operator_lock_wait_seconds",
    "relnotes_operator_store_errors_total",
    "relnotes_note_ready",
    "relnotes_view_requests_total",
    "relnotes_view_request_seconds",
    "relnotes_view_cache_hits_total",
    "relnotes_view_redis_cache_hits_total",
    "relnotes_view_store_errors_total",
}


def _model_service_metrics() -> set[str]:
    """What modelservice/metrics.py registers, with the suffixes Prometheus exposes."""
    source = (REPO / "operator" / "relnotes" / "modelservice" / "metrics.py").read_text("utf-8")
    names = set()
    for kind, name in re.findall(r'(Counter|Histogram|Gauge)\(\s*"([a-z_]+)"', source):
        names.add(f"{name}_total" if kind == "Counter" else name)
    return names


@pytest.fixture(scope="module")
def promtool() -> Path:
    tool = find_tool("promtool", "PROMTOOL", [])
    if tool is None:
        missing_tool(
            "promtool not found (apt-get install prometheus; scripts/install-system-deps.sh)"
        )
    return tool


def _only(objects: list[Manifest], kind: str) -> list[Manifest]:
    return [o for o in objects if o["kind"] == kind]


@pytest.fixture(scope="module")
def rules_dir(rendered: Rendered, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered PrometheusRule's groups as a rules file, beside the promtool test cases."""
    (rule,) = _only(rendered["aws+monitoring"], "PrometheusRule")
    directory = tmp_path_factory.mktemp("rules")
    (directory / "relnotes_rules.yaml").write_text(yaml.safe_dump(rule["spec"]), "utf-8")
    shutil.copy(RULES_TEST, directory / RULES_TEST.name)
    return directory


def _promtool(promtool: Path, directory: Path, *args: str) -> None:
    result = subprocess.run(
        [str(promtool), *args],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_check_rules(promtool: Path, rules_dir: Path) -> None:
    _promtool(promtool, rules_dir, "check", "rules", "relnotes_rules.yaml")


def test_promtool_test_rules(promtool: Path, rules_dir: Path) -> None:
    """Each alert fires on the series it is for, at the time it should, and not before."""
    _promtool(promtool, rules_dir, "test", "rules", RULES_TEST.name)


def test_every_alert_has_a_promtool_case(rendered: Rendered) -> None:
    (rule,) = _only(rendered["aws+monitoring"], "PrometheusRule")
    alerts = {r["alert"] for group in rule["spec"]["groups"] for r in group["rules"]}
    cases = yaml.safe_load(RULES_TEST.read_text(encoding="utf-8"))["tests"]
    tested = {
        check["alertname"]
        for case in cases
        for check in case["alert_rule_test"]
        if check["exp_alerts"]
    }
    assert alerts == tested
    assert {
        "RelnotesReleaseNoteNotReady",
        "RelnotesModelErrorRatioHigh",
        "RelnotesStoreUnavailable",
    } <= alerts


def _metric_names(expressions: list[str]) -> set[str]:
    names = set()
    for expr in expressions:
        for name in re.findall(r"\b(relnotes_[a-z_]+)", expr):
            names.add(re.sub(r"_(bucket|sum|count)$", "", name))
    return names


def test_rules_and_dashboard_read_only_metrics_that_exist(rendered: Rendered) -> None:
    """A renamed metric makes an alert silently never fire: every name must be known."""
    known = CONTRACT_METRICS | _model_service_metrics()
    (rule,) = _only(rendered["aws+monitoring"], "PrometheusRule")
    rule_exprs = [r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]]
    dashboard = json.loads((COMPONENT / "dashboard.json").read_text(encoding="utf-8"))
    panel_exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = _metric_names(rule_exprs + panel_exprs)
    assert used <= known, sorted(used - known)
    assert CONTRACT_METRICS - {"relnotes_view_cache_hits_total"} <= _metric_names(panel_exprs)


def test_dashboard_is_shipped_for_the_grafana_sidecar(rendered: Rendered) -> None:
    (config_map,) = [
        o
        for o in rendered["aws+monitoring"]
        if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "relnotes-grafana-dashboard"
    ]
    assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(config_map["data"]["relnotes.json"])
    assert dashboard["uid"] == "relnotes"
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])


def test_pod_monitors_scrape_real_ports_that_network_policies_open(rendered: Rendered) -> None:
    """Each PodMonitor selects a Deployment's pods on a named port of theirs, and a policy
    admits Prometheus from the labelled monitoring namespace to exactly that port."""
    objects = rendered["aws+monitoring"]
    policies = _only(objects, "NetworkPolicy")
    monitors = _only(objects, "PodMonitor")
    assert {m["metadata"]["name"] for m in monitors} == {
        "relnotes-operator",
        "relnotes-view",
        "relnotes-model-service",
    }
    for monitor in monitors:
        selector = monitor["spec"]["selector"]["matchLabels"]
        (deployment,) = [
            d
            for d in _only(objects, "Deployment")
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
        assert endpoint["path"] == "/metrics"
        port = ports[endpoint["port"]]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        admitted = [
            p
            for p in policies
            if p["spec"]["podSelector"].get("matchLabels", {}).items() <= labels.items()
            for rule in p["spec"].get("ingress", [])
            for peer in rule.get("from", [])
            if peer.get("namespaceSelector", {}).get("matchLabels") == MONITORING_LABEL
            and any(x["port"] == port for x in rule["ports"])
        ]
        assert admitted, f"no policy admits scrapes of {deployment['metadata']['name']}:{port}"
    assert not [p for p in _only(rendered["aws"], "NetworkPolicy") if "scrape" in str(p)], (
        "scrapes are opened only with the monitoring component"
    )


def test_note_ready_keeps_the_resource_namespace(rendered: Rendered) -> None:
    """relnotes_note_ready{namespace} is the ReleaseNote's: honorLabels on the operator's."""
    (monitor,) = [
        m
        for m in _only(rendered["aws+monitoring"], "PodMonitor")
        if m["metadata"]["name"] == "relnotes-operator"
    ]
    assert monitor["spec"]["podMetricsEndpoints"][0]["honorLabels"] is True
