"""Which namespaces the history sweep may list: the ones the operator serves, as kopf reads -n."""

import pytest

from relnotes.controller.sweep import serves


@pytest.mark.parametrize(
    ("namespace", "patterns", "expected"),
    [
        ("anything", (), True),  # cluster-wide
        ("platform", ("platform",), True),
        ("payments", ("platform",), False),
        ("team-a", ("team-*",), True),
        ("team-a", ("team-*,!team-a",), False),
        ("team-b", ("team-*,!team-a",), True),
        ("kube-system", ("!kube-*",), False),  # a leading exclusion includes everything else
        ("platform", ("!kube-*",), True),
        ("payments", ("platform", "pay*"), True),  # any pattern may serve it
    ],
)
def test_serves_follows_kopf_namespace_patterns(
    namespace: str, patterns: tuple[str, ...], expected: bool
) -> None:
    assert serves(namespace, patterns) is expected
