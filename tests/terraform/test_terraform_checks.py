"""Static checks of terraform/: formatting, validation, conventions, checkov.

These are cheap (seconds) and catch most mistakes before the moto apply:
a root that does not validate, an undocumented variable, a module missing
its versions.tf, a password variable or a secret output creeping in, or a
checkov finding that nobody justified.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from tests.tools import find_checkov, missing_tool

from .moto_stack import provider_override
from .tf_helpers import (
    INIT_TIMEOUT_S,
    OVERLAY_OUTPUTS,
    REPO_ROOT,
    ROOTS,
    STACK,
    TERRAFORM_DIR,
    TEST_ROOT,
    Terraform,
    copy_terraform_tree,
    find_terraform,
    settings_attributes,
)

MODULES = ("network", "eks", "irsa", "rds", "redis", "s3_docs", "ecr", "dns", "acm", "secrets")
ENVS = ("dev", "prod")
# Files of an env root that must be the same in dev and prod but for the env name.
ENV_ROOT_FILES = ("main.tf", "outputs.tf", "providers.tf", "versions.tf", "backend.tf")
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
CHECKOV_TIMEOUT_S = 420
# Nothing listens on the discard port: a provider call that should not happen fails at once.
NOWHERE = "http://127.0.0.1:9"
BLOCK_RE = re.compile(r'^(variable|output) "([^"]+)" \{\n(.*?)^\}', re.MULTILINE | re.DOTALL)
# Outputs of the env roots beyond the overlay's: what bring-up needs
# (terraform/README.md, "From apply to kubectl get rn").
BRINGUP_OUTPUTS = frozenset(
    {
        "vpc_id",
        "cluster_endpoint",
        "cluster_version",
        "node_group_names",
        "export_role_arn",
        "cluster_autoscaler_role_arn",
        "helm_values",
    }
)
# Variables whose whole type is their domain, and why.
UNVALIDATED_BY_DESIGN = {
    "tags": "any string map is a valid tag set",
    "description": "free text (modules/kms: what the key encrypts)",
}
SKIP_RE = re.compile(r"#\s*checkov:skip=(CKV2?_[A-Z0-9_]+)(:?)(.*)$")


def tf_files() -> list[Path]:
    """Every .tf file we own (never anything under a .terraform dir)."""
    return sorted(p for p in TERRAFORM_DIR.rglob("*.tf") if ".terraform" not in p.parts)


def blocks(kind: str) -> list[tuple[Path, str, str]]:
    """(file, name, body) of every top-level ``variable``/``output`` block.

    Files are fmt-clean (checked below), so a block ends at the first ``}``
    in column 0: a regex is enough, no HCL parser needed.
    """
    found: list[tuple[Path, str, str]] = []
    for path in tf_files():
        for match in BLOCK_RE.finditer(path.read_text(encoding="utf-8")):
            if match.group(1) == kind:
                found.append((path, match.group(2), match.group(3)))
    return found


def declared_outputs(root: Path) -> set[str]:
    """Names of the outputs declared by a root or module directory."""
    names: set[str] = set()
    for path in root.glob("*.tf"):
        names.update(
            re.findall(r'^output "([^"]+)"', path.read_text(encoding="utf-8"), re.MULTILINE)
        )
    return names


def test_fmt_check(terraform: Terraform) -> None:
    """Unformatted HCL fails CI before anyone reviews it (read-only check)."""
    terraform.run(["fmt", "-check", "-recursive", "-diff", "-no-color"], TERRAFORM_DIR, 120)


@pytest.mark.parametrize("root", ROOTS)
def test_validate(root: str, initialized_roots: dict[str, Path], terraform: Terraform) -> None:
    """Every root must validate with the pinned provider (5.100.0 via the mirror)."""
    proc = terraform.run(["validate", "-json", "-no-color"], initialized_roots[root], 180)
    result = json.loads(proc.stdout)
    assert result["valid"], result
    assert result["warning_count"] == 0, result["diagnostics"]


def test_module_layout() -> None:
    """Each module has the four conventional files; modules/stack composes them
    all, and both env roots are that stack."""
    for module in (*MODULES, "stack", "kms"):
        for name in MODULE_FILES:
            assert (TERRAFORM_DIR / "modules" / module / name).is_file(), f"{module}/{name} missing"
    stack = (STACK / "main.tf").read_text(encoding="utf-8")
    for module in MODULES:
        assert f'source = "../{module}"' in stack, f"modules/stack does not use {module}"
    for env in ENVS:
        main = (TERRAFORM_DIR / "envs" / env / "main.tf").read_text(encoding="utf-8")
        assert 'source = "../../modules/stack"' in main, f"{env} does not use modules/stack"
        assert f'environment = "{env}"' in main, f"{env} passes another environment"


def test_kms_keys_come_from_the_kms_module() -> None:
    """One key recipe (rotation, root-admin policy, optional Logs grant): every
    other module and root asks modules/kms for its key."""
    makers = [
        str(path.relative_to(TERRAFORM_DIR))
        for path in tf_files()
        if 'resource "aws_kms_key"' in path.read_text(encoding="utf-8")
    ]
    assert makers == ["modules/kms/main.tf"], makers


def test_env_roots_differ_only_in_the_environment_name() -> None:
    """dev and prod are one stack: their root files may differ only by the env
    name (settings live in terraform.tfvars), so they cannot drift apart."""
    for name in ENV_ROOT_FILES:
        dev = (TERRAFORM_DIR / "envs" / "dev" / name).read_text(encoding="utf-8")
        prod = (TERRAFORM_DIR / "envs" / "prod" / name).read_text(encoding="utf-8")
        assert dev.replace("dev", "prod") == prod, f"envs/dev/{name} and envs/prod/{name} drifted"
    for env in ENVS:
        root = TERRAFORM_DIR / "envs" / env
        extra = sorted(p.name for p in root.glob("*.tf") if p.name not in ENV_ROOT_FILES)
        assert not extra, f"envs/{env} has more than a thin root: {extra}"


def test_env_outputs_pass_through_the_stack() -> None:
    """Each root output is the stack output of the same name."""
    stack_outputs = declared_outputs(STACK)
    for env in ENVS:
        text = (TERRAFORM_DIR / "envs" / env / "outputs.tf").read_text(encoding="utf-8")
        for _, name, body in (b for b in blocks("output") if b[0].parent.name == env):
            assert f"value       = module.stack.{name}\n" in body, f"{env} output {name}"
            assert name in stack_outputs, f"modules/stack has no output {name}"
        assert text.count("module.stack.") == len(declared_outputs(TERRAFORM_DIR / "envs" / env))


@pytest.mark.parametrize("env", ENVS)
def test_tfvars_set_only_known_settings(env: str) -> None:
    """Terraform drops unknown object attributes silently when it converts the
    root's ``settings`` to the stack's type: a misspelt key would leave prod on
    a default. Catch it here instead."""
    tfvars = (TERRAFORM_DIR / "envs" / env / "terraform.tfvars").read_text(encoding="utf-8")
    assert re.search(r"^settings = \{$", tfvars, re.MULTILINE), "settings object missing"
    keys = set(re.findall(r"^  ([a-z0-9_]+)\s*=", tfvars, re.MULTILINE))
    known = settings_attributes()
    assert len(known) > 20, "could not read the settings type"
    assert keys <= known, f"unknown settings in envs/{env}/terraform.tfvars: {keys - known}"


def test_every_variable_and_output_is_described() -> None:
    """Undocumented inputs/outputs are how a module turns into tribal knowledge."""
    missing = [
        f"{path.relative_to(REPO_ROOT)}: {kind} {name}"
        for kind in ("variable", "output")
        for path, name, body in blocks(kind)
        if not re.search(r'^\s*description\s*=\s*"[^"]{8,}', body, re.MULTILINE)
    ]
    assert not missing, "missing or trivial description:\n" + "\n".join(missing)


def test_no_secret_variables_or_outputs() -> None:
    """No password/token variables, and no output marked sensitive or named like a secret value.

    Secrets are generated by AWS (RDS-managed master password, Secrets Manager
    random token) and referenced by ARN only.
    """
    bad_vars = [
        name
        for _, name, _ in blocks("variable")
        if re.search(r"password|passwd|token|api_key|secret_value", name)
        # A version counter or an ARN names a secret, it does not hold one.
        and not name.endswith(("_version", "_arn", "_arns"))
    ]
    assert not bad_vars, f"secret-looking variables: {bad_vars}"
    for _, name, body in blocks("output"):
        assert "sensitive" not in body, (
            f"output {name} is sensitive: outputs must not carry secrets"
        )
        assert not re.search(r"password|token$|secret_string", name), f"output {name} looks secret"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_env_outputs_match_overlay_contract(env: str) -> None:
    """Each env root has every output the manifests' aws overlay reads, plus
    the bring-up values of terraform/README.md and nothing else."""
    assert declared_outputs(TERRAFORM_DIR / "envs" / env) == OVERLAY_OUTPUTS | BRINGUP_OUTPUTS


@pytest.mark.parametrize("root", [*ROOTS, TEST_ROOT])
def test_lock_file_is_committed_for_the_mirror_provider(root: str) -> None:
    """Each root (and the `terraform test` root) commits its lock file
    (hashicorp/aws 5.100.0, the mirror's build); every init in these tests
    verifies the provider against it."""
    lock = (TERRAFORM_DIR / root / ".terraform.lock.hcl").read_text(encoding="utf-8")
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock
    assert 'version     = "5.100.0"' in lock
    assert re.search(r'"h1:[A-Za-z0-9+/=]{44}"', lock), "no package hash"
    ignored = (TERRAFORM_DIR / ".gitignore").read_text(encoding="utf-8")
    assert ".terraform.lock.hcl" not in ignored


def test_variables_with_a_narrower_domain_are_validated() -> None:
    """A variable whose valid values are fewer than its type's has a validation
    block, so a wrong value fails at plan time with a message naming it."""
    unvalidated = [
        f"{path.relative_to(REPO_ROOT)}: {name}"
        for path, name, body in blocks("variable")
        if "validation {" not in body
        and not re.search(r"^  type\s+= (bool|any)$", body, re.MULTILINE)
        and name not in UNVALIDATED_BY_DESIGN
    ]
    assert not unvalidated, "variables without validation:\n" + "\n".join(unvalidated)


def test_envs_use_remote_state_with_locking() -> None:
    """State lives in S3 with DynamoDB locking, one key per environment."""
    for env in ("dev", "prod"):
        backend = (TERRAFORM_DIR / "envs" / env / "backend.tf").read_text(encoding="utf-8")
        assert 'backend "s3"' in backend
        assert f'key            = "relnotes/{env}/terraform.tfstate"' in backend
        assert "dynamodb_table" in backend
        assert "encrypt        = true" in backend
    bootstrap = (TERRAFORM_DIR / "bootstrap" / "main.tf").read_text(encoding="utf-8")
    assert 'resource "aws_dynamodb_table" "lock"' in bootstrap
    assert 'hash_key     = "LockID"' in bootstrap


@pytest.mark.parametrize("env", ENVS)
def test_env_settings_fit_the_stack(env: str, terraform: Terraform, tmp_path: Path) -> None:
    """Each terraform.tfvars converts to the types of modules/stack and the
    modules it feeds (validate does not read tfvars, and only dev is applied).

    ``terraform console`` evaluates the configuration with the tfvars but
    reads no data source and creates nothing; it reports conversion errors on
    stderr (with exit code 0, hence the check of stderr).
    """
    root = copy_terraform_tree(tmp_path) / "envs" / env
    (root / "zz_test_override.tf").write_text(provider_override(NOWHERE), encoding="utf-8")
    terraform.run(["init", "-input=false", "-no-color"], root, INIT_TIMEOUT_S)
    proc = terraform.run(
        ["console", "-no-color"], root, 120, stdin="jsonencode(module.stack.tags)\n"
    )
    assert "Error" not in proc.stderr, proc.stderr[-4000:]
    tags = json.loads(json.loads(proc.stdout.strip()))
    assert tags["Environment"] == env
    assert tags["Owner"] == "platform-team"
    assert tags["Stack"] == f"d32-release-{env}"


def test_provider_pin_accepts_mirror_version() -> None:
    """Every versions.tf pins hashicorp/aws to a range containing 5.100.0."""
    for path in tf_files():
        text = path.read_text(encoding="utf-8")
        if "required_providers" not in text:
            continue
        assert 'version = ">= 5.70, < 6.0"' in text, f"{path}: unexpected aws provider constraint"


def test_prod_is_stricter_than_dev() -> None:
    """prod: NAT per AZ, Multi-AZ DB, deletion protection, replica, nothing force-destroyed."""
    prod = (TERRAFORM_DIR / "envs" / "prod" / "terraform.tfvars").read_text(encoding="utf-8")
    dev = (TERRAFORM_DIR / "envs" / "dev" / "terraform.tfvars").read_text(encoding="utf-8")
    for line in (
        "single_nat_gateway = false",
        "rds_multi_az              = true",
        "rds_deletion_protection   = true",
        "redis_num_cache_clusters = 2",
        "force_destroy_data             = false",
    ):
        assert line in prod, line
    assert "single_nat_gateway = true" in dev


def test_checkov_skips_have_reasons() -> None:
    """A skip without a reason is a silenced finding, not a decision."""
    for path in tf_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = SKIP_RE.search(line)
            if match:
                check, colon, reason = match.groups()
                where = f"{path.relative_to(REPO_ROOT)}:{number}: {check}"
                assert colon, f"{where} skipped without a reason"
                assert len(reason.strip()) >= 20, f"{where} skipped without a real reason"


def test_checkov_passes() -> None:
    """checkov (terraform framework, offline) must report zero failed checks."""
    checkov = find_checkov()
    if checkov is None:
        missing_tool("checkov not found (set CHECKOV, or make .tools/checkov, or put it on PATH)")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
    proc = subprocess.run(
        [
            checkov,
            "--directory",
            str(TERRAFORM_DIR),
            "--framework",
            "terraform",
            "--skip-download",
            "--quiet",
            "--compact",
            "--output",
            "json",
            "--skip-path",
            r"\.terraform",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHECKOV_TIMEOUT_S,
        check=False,
    )
    assert proc.returncode in (0, 1), (
        f"checkov crashed (rc={proc.returncode}):\n{proc.stderr[-4000:]}"
    )
    report = json.loads(proc.stdout)
    reports = report if isinstance(report, list) else [report]
    failed = [
        f"{check['check_id']} {check['resource']} {check['file_path']}:{check['file_line_range']}"
        for item in reports
        for check in item.get("results", {}).get("failed_checks", [])
    ]
    assert not failed, "checkov failures:\n" + "\n".join(failed)
    assert proc.returncode == 0, proc.stdout[-4000:]
    passed = sum(item.get("summary", {}).get("passed", 0) for item in reports)
    assert passed > 100, f"checkov evaluated suspiciously few checks ({passed})"


def test_missing_tool_skips_on_a_laptop_but_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI must never turn green by skipping the infrastructure tests."""
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        missing_tool("terraform CLI not found")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        missing_tool("terraform CLI not found")


def test_explicit_tool_paths_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    """TERRAFORM / CHECKOV pointing nowhere means 'missing', not 'fall back silently'."""
    monkeypatch.setenv("TERRAFORM", "/nonexistent/terraform")
    monkeypatch.setenv("CHECKOV", "/nonexistent/checkov")
    assert find_terraform() is None
    assert find_checkov() is None
