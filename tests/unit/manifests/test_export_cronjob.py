"""The static export CronJob: suspended where no bucket exists, publishing to the docs bucket
(from Terraform's outputs) with the argv the console script takes, where one does."""

from typing import Any

from tests.aws_overlay import read_env


def _export(objects: list[dict[str, Any]]) -> dict[str, Any]:
    found = [
        o for o in objects if o["kind"] == "CronJob" and o["metadata"]["name"] == "relnotes-export"
    ]
    assert len(found) == 1
    return found[0]


def test_export_runs_only_where_the_docs_bucket_exists(rendered: dict[str, list[Any]]) -> None:
    assert _export(rendered["base"])["spec"]["suspend"] is True
    assert _export(rendered["kind"])["spec"]["suspend"] is True
    job = _export(rendered["aws"])
    assert job["spec"]["suspend"] is False
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"] == ["export", "$(RELNOTES_EXPORT_DESTINATION)"]
    env = {item["name"]: item.get("value") for item in container["env"]}
    assert env["RELNOTES_EXPORT_DESTINATION"] == f"s3://{read_env()['docs_bucket_name']}/site"
    assert pod["automountServiceAccountToken"] is False  # S3 through IRSA, no Kubernetes API
    policies = [
        o
        for o in rendered["aws"]
        if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "relnotes-export"
    ]
    ports = {p["port"] for rule in policies[0]["spec"]["egress"] for p in rule["ports"]}
    assert ports == {5432, 443}
