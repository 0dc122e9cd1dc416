"""ArgoCD: the ReleaseNote health check, the project's allow-lists, a CRD that outlives the app.

The health check is run the way ArgoCD runs it: the Lua script with the object as the global
``obj`` (Lua 5.1, as ArgoCD's gopher-lua, when lupa ships it), against the cases in
``health_test.yaml`` laid out as argo-cd's own ``resource_customizations`` tests. The component
that installs it is rendered over a stand-in ``argocd-cm`` to show the key lands, verbatim.
"""

import importlib
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from tests.tools import REPO, kustomize

Manifest = dict[str, Any]
Rendered = dict[str, list[Manifest]]

ARGOCD = REPO / "manifests" / "argocd"
HEALTH = ARGOCD / "health" / "relnotes.io" / "ReleaseNote"
HEALTH_KEY = "resource.customizations.health.relnotes.io_ReleaseNote"
CRD = REPO / "crds" / "releasenotes.relnotes.io.yaml"


def _lua_runtime() -> Any:
    """A Lua 5.1 runtime (ArgoCD's dialect) if lupa has one, else lupa's default Lua."""
    try:
        module = importlib.import_module("lupa.lua51")
    except ImportError:
        module = importlib.import_module("lupa")
    return module.LuaRuntime(unpack_returned_tuples=True)


def run_health(obj: Manifest) -> dict[str, str]:
    """health.lua's verdict on ``obj``: {"status": ..., "message": ...}."""
    lua = _lua_runtime()
    lua.globals().obj = lua.table_from(obj, recursive=True)
    script = HEALTH.joinpath("health.lua").read_text(encoding="utf-8")
    result = lua.execute(script)
    return {key: str(value) for key, value in dict(result).items()}


def _cases() -> list[tuple[str, dict[str, str]]]:
    tests = yaml.safe_load(HEALTH.joinpath("health_test.yaml").read_text(encoding="utf-8"))
    return [(case["inputPath"], case["healthStatus"]) for case in tests["tests"]]


@pytest.mark.parametrize(("input_path", "expected"), _cases())
def test_health_check_case(input_path: str, expected: dict[str, str]) -> None:
    """Each testdata object gets exactly the status and message health_test.yaml expects."""
    obj = yaml.safe_load(HEALTH.joinpath(input_path).read_text(encoding="utf-8"))
    assert run_health(obj) == expected


def test_health_cases_cover_every_testdata_file_and_status() -> None:
    """No orphaned testdata, and every status the script can return is exercised."""
    cases = _cases()
    files = {f"testdata/{p.name}" for p in HEALTH.joinpath("testdata").glob("*.yaml")}
    assert files == {path for path, _ in cases}
    assert {expected["status"] for _, expected in cases} == {"Healthy", "Progressing", "Degraded"}


@pytest.mark.parametrize("input_path", [path for path, _ in _cases()])
def test_health_testdata_are_valid_release_notes(input_path: str) -> None:
    """The cases are objects the CRD accepts (spec and status), not shapes made up to pass."""
    crd = yaml.safe_load(CRD.read_text(encoding="utf-8"))
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    obj = yaml.safe_load(HEALTH.joinpath(input_path).read_text(encoding="utf-8"))
    jsonschema.validate(obj, schema)
    assert obj["apiVersion"] == f"{crd['spec']['group']}/{crd['spec']['versions'][0]['name']}"


def test_ready_for_an_old_generation_is_not_healthy() -> None:
    """Guard the guard: the same Ready status flips to Progressing when the spec moves on."""
    obj = yaml.safe_load(HEALTH.joinpath("testdata/healthy_ready.yaml").read_text("utf-8"))
    assert run_health(obj)["status"] == "Healthy"
    obj["metadata"]["generation"] += 1
    assert run_health(obj)["status"] == "Progressing"


def test_health_component_merges_the_script_into_argocd_cm(kubectl: Path, tmp_path: Path) -> None:
    """The Component adds the key, byte for byte the tested file, and keeps argocd-cm's others."""
    (tmp_path / "argocd-cm.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "argocd-cm", "namespace": "argocd"},
                "data": {"url": "https://argocd.example.com"},
            }
        ),
        encoding="utf-8",
    )
    component = os.path.relpath(ARGOCD / "health", tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        yaml.safe_dump({"resources": ["argocd-cm.yaml"], "components": [component]}),
        encoding="utf-8",
    )
    (config_map,) = list(yaml.safe_load_all(kustomize(tmp_path, kubectl)))
    assert config_map["metadata"]["name"] == "argocd-cm"
    assert config_map["data"]["url"] == "https://argocd.example.com"
    assert config_map["data"][HEALTH_KEY] == HEALTH.joinpath("health.lua").read_text("utf-8")


# --- the CRD outlives the Application ------------------------------------------------------


@pytest.mark.parametrize("name", ["base", "kind", "aws"])
def test_crd_is_never_pruned_or_deleted_by_argocd(name: str, rendered: Rendered) -> None:
    """Deleting the Application (resources finalizer) or the file must keep every ReleaseNote."""
    (crd,) = [o for o in rendered[name] if o["kind"] == "CustomResourceDefinition"]
    options = crd["metadata"]["annotations"]["argocd.argoproj.io/sync-options"].split(",")
    assert {"Prune=false", "Delete=false", "ServerSideApply=true"} <= set(options)


# --- project and application ---------------------------------------------------------------


def _load(name: str) -> Manifest:
    loaded: Manifest = yaml.safe_load((ARGOCD / name).read_text(encoding="utf-8"))
    return loaded


def test_application_uses_the_dedicated_project() -> None:
    """Not `default`: the project's allow-lists are what bound the Application."""
    app, project = _load("application.yaml"), _load("appproject.yaml")
    assert app["spec"]["project"] == project["metadata"]["name"] == "relnotes"
    assert app["spec"]["source"]["repoURL"] in project["spec"]["sourceRepos"]
    assert {
        "server": app["spec"]["destination"]["server"],
        "namespace": app["spec"]["destination"]["namespace"],
    } in project["spec"]["destinations"]
    assert "*" not in str(project["spec"]["sourceRepos"] + project["spec"]["destinations"])


def _group(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def test_project_allow_lists_are_exactly_what_renders(rendered: Rendered) -> None:
    """Every kind the aws overlay (with monitoring) syncs is allowed, and nothing more."""
    project = _load("appproject.yaml")["spec"]
    cluster_allowed = {(k["group"], k["kind"]) for k in project["clusterResourceWhitelist"]}
    namespaced_allowed = {(k["group"], k["kind"]) for k in project["namespaceResourceWhitelist"]}
    cluster_scoped = {"Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"}
    rendered_kinds = {
        (_group(obj["apiVersion"]), obj["kind"])
        for name in ("aws", "aws+monitoring")
        for obj in rendered[name]
    }
    # CronJob: the view branch's export job (manifests/base/export-cronjob.yaml) when merged.
    expected_extra = {("batch", "CronJob")}
    assert {k for k in rendered_kinds if k[1] in cluster_scoped} == cluster_allowed
    assert {k for k in rendered_kinds if k[1] not in cluster_scoped} | expected_extra == (
        namespaced_allowed
    )
    assert ("", "Secret") not in namespaced_allowed
    assert {"group": "", "kind": "Secret"} in project["namespaceResourceBlacklist"]


def test_migrate_hook_matches_the_readmes(rendered: Rendered) -> None:
    """The Job is a Sync hook in wave -1, and both READMEs say so (not PreSync)."""
    job = next(o for o in rendered["aws"] if o["kind"] == "Job")
    annotations = job["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/hook"] == "Sync"
    assert annotations["argocd.argoproj.io/sync-wave"] == "-1"
    for readme in (REPO / "README.md", REPO / "manifests" / "README.md"):
        text = " ".join(readme.read_text(encoding="utf-8").split())
        assert "Sync hook" in text, readme
        assert "PreSync Job" not in text, readme
