"""RBAC: exactly what kopf and relnotes call, as an allow-list with the caller of each grant.

The operator runs kopf cluster-wide and standalone (base/operator.yaml). What kopf calls in that
mode is read from kopf itself where it decides: it lists and watches namespaces only when it
serves namespace patterns, it posts events to core v1 (not events.k8s.io), and it watches CRDs.
A kopf upgrade that changes any of that fails here instead of in a cluster.
"""

import inspect
import re
from typing import Any

from kopf._cogs.structs import references
from kopf._core.reactor import observation

Manifest = dict[str, Any]
Rendered = dict[str, list[Manifest]]
Grant = tuple[str, str, str]

# (apiGroup, resource, verb) -> who calls it.
OPERATOR_ALLOW_LIST: dict[Grant, str] = {
    ("relnotes.io", "releasenotes", "list"): "kopf's watch starts with a LIST; the history sweep",
    ("relnotes.io", "releasenotes", "watch"): "kopf's watch of ReleaseNotes",
    ("relnotes.io", "releasenotes/status", "patch"): "results, conditions and kopf's progress",
    ("", "events", "create"): "kopf.info/kopf.warn and handler outcomes (core v1 events)",
    ("apiextensions.k8s.io", "customresourcedefinitions", "list"): "kopf's resource scan",
    ("apiextensions.k8s.io", "customresourcedefinitions", "watch"): "kopf's CRD observer",
}


def _find(objects: list[Manifest], kind: str, name: str) -> Manifest:
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def _grants(role: Manifest) -> set[Grant]:
    return {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }


def test_operator_role_is_exactly_the_allow_list(rendered: Rendered) -> None:
    """Nothing missing (the operator would fail) and nothing extra (free privilege)."""
    role = _find(rendered["base"], "ClusterRole", "relnotes-operator")
    assert not [
        rule for rule in role["rules"] if "resourceNames" in rule or "nonResourceURLs" in rule
    ]
    assert _grants(role) == set(OPERATOR_ALLOW_LIST)
    binding = _find(rendered["base"], "ClusterRoleBinding", "relnotes-operator")
    assert binding["roleRef"]["name"] == "relnotes-operator"
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "relnotes-operator", "namespace": "relnotes"}
    ]


def test_no_other_process_has_kubernetes_rights(rendered: Rendered) -> None:
    """Only the operator's account is bound to anything; the people roles bind no one."""
    subjects = [
        subject
        for obj in rendered["aws"]
        if obj["kind"] in {"ClusterRoleBinding", "RoleBinding"}
        for subject in obj["subjects"]
    ]
    assert subjects == [
        {"kind": "ServiceAccount", "name": "relnotes-operator", "namespace": "relnotes"}
    ]


def test_the_operator_runs_cluster_wide_and_standalone(rendered: Rendered) -> None:
    """The allow-list holds for this mode only: no -n patterns (namespaces), no peering."""
    operator = _find(rendered["aws"], "Deployment", "relnotes-operator")
    args = operator["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--standalone" in args
    assert not {"-n", "--namespace", "--peering"} & set(args)


def test_kopf_watches_namespaces_only_for_namespace_patterns() -> None:
    """Cluster-wide, kopf neither lists nor watches namespaces (hence no grant for them)."""
    source = inspect.getsource(observation.namespace_observer)
    guards = re.findall(r"if not settings\.scanning\.disabled and not clusterwide:", source)
    assert len(guards) == 2, "kopf's namespace observer changed: re-check the namespaces grant"


def test_kopf_posts_core_v1_events_and_watches_crds() -> None:
    """events.k8s.io is excluded by kopf itself; CRDs are apiextensions.k8s.io's."""
    events, crds = references.EVENTS, references.CRDS
    assert (events.group, events.version, events.any_name) == ("", "v1", "events")
    assert (crds.group, crds.any_name) == ("apiextensions.k8s.io", "customresourcedefinitions")


def test_people_get_releasenotes_through_the_built_in_roles(rendered: Rendered) -> None:
    """view reads ReleaseNotes; edit/admin also write them; nobody's role writes status."""
    view = _find(rendered["base"], "ClusterRole", "relnotes-releasenotes-view")
    assert view["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-view"] == "true"
    assert {verb for _, _, verb in _grants(view)} == {"get", "list", "watch"}
    edit = _find(rendered["base"], "ClusterRole", "relnotes-releasenotes-edit")
    labels = edit["metadata"]["labels"]
    assert labels["rbac.authorization.k8s.io/aggregate-to-edit"] == "true"
    assert labels["rbac.authorization.k8s.io/aggregate-to-admin"] == "true"
    assert {(g, r) for g, r, _ in _grants(edit)} == {("relnotes.io", "releasenotes")}
    assert {"create", "update", "patch", "delete"} <= {verb for _, _, verb in _grants(edit)}
    for role in (view, edit):
        assert all(group == "relnotes.io" for group, _, _ in _grants(role))
        writes = {r for _, r, v in _grants(role) if v not in {"get", "list", "watch"}}
        assert "releasenotes/status" not in writes
