"""``terraform test`` (terraform/tests/*.tftest.hcl): what moto cannot create.

The ElastiCache replication group, the EKS access entries and managed
add-ons, and every variable validation that guards a security property are
asserted by Terraform's own test framework: against a mocked provider, or
(for the Redis AUTH token, whose ephemeral generator mocks cannot stand in
for) against the real provider aimed at a moto server on 127.0.0.1 with
the ElastiCache resources overridden.
"""

from __future__ import annotations

import re

import pytest

from .moto_stack import MotoServer
from .tf_helpers import INIT_TIMEOUT_S, TERRAFORM_DIR, TEST_ROOT, Terraform, copy_terraform_tree

TEST_TIMEOUT_S = 240
# Every module that moto cannot fully create has a test file.
TEST_FILES = ("eks.tftest.hcl", "rds.tftest.hcl", "redis.tftest.hcl")


def test_every_test_file_runs(
    terraform: Terraform, moto: MotoServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """All run blocks pass, and none is skipped or missing."""
    present = sorted(p.name for p in (TERRAFORM_DIR / TEST_ROOT).glob("*.tftest.hcl"))
    assert present == sorted(TEST_FILES)
    root = copy_terraform_tree(tmp_path_factory.mktemp("tf-test")) / TEST_ROOT
    terraform.run(["init", "-backend=false", "-input=false", "-no-color"], root, INIT_TIMEOUT_S)
    runs = sum(
        len(re.findall(r'^run "', (root / name).read_text(encoding="utf-8"), re.MULTILINE))
        for name in TEST_FILES
    )
    env_terraform = Terraform(
        binary=terraform.binary, env={**terraform.env, "AWS_ENDPOINT_URL": moto.endpoint}
    )
    proc = env_terraform.run(["test", "-no-color"], root, TEST_TIMEOUT_S)
    assert f"Success! {runs} passed, 0 failed." in proc.stdout, proc.stdout[-4000:]
    assert "skip" not in proc.stdout, proc.stdout[-4000:]
