"""moto server and dev-root plumbing for the apply/destroy test.

Everything here talks to 127.0.0.1 only: moto listens on a free loopback
port, Terraform's provider endpoints and boto3 clients point at it, and the
credentials are fake.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

REGION = "ap-south-1"
# Services the dev root calls. Each gets an endpoint override to moto.
ENDPOINT_SERVICES: tuple[str, ...] = (
    "acm",
    "autoscaling",
    "logs",
    "dynamodb",
    "ec2",
    "ecr",
    "eks",
    "elasticache",
    "iam",
    "kms",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sts",
)
MOTO_START_TIMEOUT_S = 30.0
MOTO_STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def moto_command() -> list[str] | None:
    """How to start moto in server mode: MOTO_SERVER, this interpreter, or PATH."""
    explicit = os.environ.get("MOTO_SERVER")
    if explicit:
        return [explicit] if Path(explicit).is_file() else None
    if importlib.util.find_spec("moto") and importlib.util.find_spec("flask"):
        return [sys.executable, "-m", "moto.server"]
    found = shutil.which("moto_server")
    return [found] if found else None


@dataclass
class MotoServer:
    """A moto server process on 127.0.0.1 that the test owns and stops."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def endpoint(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = MOTO_START_TIMEOUT_S) -> None:
        """Poll the moto API until it answers; bounded in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"moto exited early:\n{self.log_path.read_text(errors='replace')}"
                )
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2):  # noqa: S310 (fixed http://127.0.0.1 URL)
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise TimeoutError(f"moto did not answer on {self.endpoint} within {timeout}s")

    def stop(self) -> None:
        """Terminate, then kill if it does not exit in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=MOTO_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=MOTO_STOP_TIMEOUT_S)

    def client(self, service: str) -> Any:
        """A boto3 client bound to this server with fake credentials."""
        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def start_moto(command: list[str], log_dir: Path) -> MotoServer:
    """Start moto on a free loopback port with the settings the dev root needs.

    MOTO_IAM_LOAD_MANAGED_POLICIES: moto knows AWS-managed policies (e.g.
    AmazonEKSClusterPolicy) only when asked to load them.
    MOTO_ACM_VALIDATION_WAIT=0: moto turns a DNS-validated certificate ISSUED
    after this many seconds (default 60), standing in for real DNS validation.
    """
    port = free_port()
    log_path = log_dir / "moto.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        {
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
            "MOTO_ACM_VALIDATION_WAIT": "0",
            "AWS_DEFAULT_REGION": REGION,
        }
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = MotoServer(process=process, port=port, log_path=log_path)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


def provider_override(endpoint: str) -> str:
    """A *_override.tf that swaps the S3 backend for a local one and aims the
    provider at moto. Only the test's copy of the root gets this file."""
    endpoints = "\n".join(f'    {svc} = "{endpoint}"' for svc in ENDPOINT_SERVICES)
    return f"""# Written by tests/terraform: never commit.
terraform {{
  backend "local" {{}}
}}

provider "aws" {{
  region                      = "{REGION}"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


def settings_override(values: Mapping[str, object]) -> str:
    """A *_override.tf that merges test values into the env root's ``settings``.

    The roots take their settings as one object from terraform.tfvars; a
    tfvars file of the test would replace that object whole, so the test
    merges its few attributes over it in the module call instead.
    """
    literal = json.dumps(json.dumps(dict(values), sort_keys=True))
    return f"""# Written by tests/terraform: never commit.
module "stack" {{
  settings = merge(var.settings, jsondecode({literal}))
}}
"""
