"""``relnotes export`` (the console script) to a directory and to S3 (moto on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from servers import free_port
from view_server import RELNOTES, seed_notes


@pytest.fixture
def moto_s3() -> Iterator[dict[str, str]]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    try:
        yield env
    finally:
        server.stop()


def _export(database: str, destination: str, extra: dict[str, str] | None = None) -> int:
    env = {**os.environ, "RELNOTES_DATABASE_URL": database, **(extra or {})}
    result = subprocess.run(
        [RELNOTES, "export", destination], env=env, capture_output=True, timeout=120, check=False
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return result.returncode


def test_export_to_a_directory(database: str, tmp_path: Path) -> None:
    seed_notes(database, 4)
    site = tmp_path / "site"
    assert _export(database, str(site)) == 0
    for path in (
        "index.html",
        "notes/index.html",
        "changelog/index.html",
        "changelog.md",
        "feed.atom",
        "notes/platform/note-2/index.html",
        "notes/platform/note-2.md",
        "notes/platform/failed/index.html",
    ):
        assert (site / path).is_file(), path
    assert "Upgraded Redis to 7.2." in (site / "notes/platform/note-2/index.html").read_text()
    document = json.loads((site / "notes/platform/note-2.json").read_text())
    assert document["note"]["name"] == "note-2"
    assert (site / "changelog.md").read_text().startswith("# Changelog")
    assert not list(site.rglob(".*.tmp"))


def test_export_to_s3_and_its_failures(database: str, moto_s3: dict[str, str]) -> None:
    seed_notes(database, 3)
    s3 = boto3.client(
        "s3",
        endpoint_url=moto_s3["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket="docs")
    assert _export(database, "s3://docs/site", moto_s3) == 0
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="docs")["Contents"]}
    assert {"site/feed.atom", "site/changelog/index.html", "site/notes/platform/note-1.md"} <= keys
    page = s3.get_object(Bucket="docs", Key="site/notes/platform/note-1/index.html")
    assert page["ContentType"].startswith("text/html")
    assert b"Upgraded Redis" in page["Body"].read()
    assert _export(database, "s3://missing-bucket/site", moto_s3) == 1
    assert _export(database, "s3:///nothing", moto_s3) == 2
    assert _export("host=127.0.0.1 port=1 dbname=x user=x connect_timeout=1", "s3://docs") == 1
