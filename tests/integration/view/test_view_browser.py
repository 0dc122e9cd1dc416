"""The view in headless Chromium: index, a note and the changelog at 1280 px and 390 px, light and
dark; title, note text, inline code, no horizontal overflow on a phone, no console errors (a CSP
violation is one). Screenshots are kept under $RELNOTES_ARTIFACTS (default .artifacts/view)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from cdp import chromium
from servers import PostgresServer
from tests.tools import missing_tool
from view_server import relnotes_view

from relnotes.models.result import (
    Category,
    GeneratedNote,
    NoteDraft,
    Provenance,
    Risk,
    Scenario,
    TokenUsage,
)
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.storage.database import build_pool
from relnotes.storage.migrations import apply_migrations
from relnotes.storage.note_store import NoteRef, NoteStore

REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = Path(os.environ.get("RELNOTES_ARTIFACTS", REPO / ".artifacts")) / "view"
NOTE_TEXT = "Moved the orders database from `db.r6g.large` to `db.r6g.xlarge` during the window."

NOTES = [
    (
        "data",
        "orders-db",
        "1.4.0",
        Category.DATABASE,
        Risk.MEDIUM,
        NOTE_TEXT,
        "Resize the orders RDS instance to db.r6g.xlarge",
    ),
    (
        "platform",
        "redis-upgrade",
        "1.4.0",
        Category.CACHE,
        Risk.LOW,
        "Upgraded the session cache to Redis 7.2 with `cluster-mode` unchanged.",
        "Upgrade ElastiCache Redis from 7.0 to 7.2",
    ),
    (
        "platform",
        "eks-1-31",
        "1.3.2",
        Category.KUBERNETES,
        Risk.HIGH,
        "Upgraded the EKS control plane to 1.31; node groups follow in the next window.",
        "Upgrade EKS to 1.31",
    ),
    (
        "network",
        "edge-sg",
        None,
        Category.SECURITY,
        Risk.HIGH,
        "Opened TCP 443 from the ALB security group to the view pods only.",
        "Allow 443 from the ALB security group to the view",
    ),
]


def _note(text: str, category: Category, risk: Risk) -> GeneratedNote:
    scenarios = [
        Scenario(
            title="Check the endpoint",
            steps=["Run `aws rds describe-db-instances`", "Connect with `psql` and run `SELECT 1`"],
            expected="The instance is available.",
        ),
        Scenario(
            title="Roll back",
            steps=["Apply the previous class with Terraform"],
            expected="The previous class is restored within the window.",
        ),
    ]
    draft = NoteDraft(release_note=text, test_scenarios=scenarios, category=category, risk=risk)
    provenance = Provenance(
        provider="deterministic",
        model="relnotes-deterministic",
        prompt_version="rn-2026-11-23",
        usage=TokenUsage(prompt_tokens=412, completion_tokens=168),
        latency_ms=12,
    )
    return GeneratedNote(draft=draft, provenance=provenance)


async def _seed(database: str) -> None:
    await apply_migrations(database)
    pool = build_pool(database)
    await pool.open(wait=True, timeout=10)
    store = NoteStore(pool)
    try:
        for namespace, name, version, category, risk, text, summary in NOTES:
            spec = ReleaseNoteSpec.model_validate(
                {
                    "changeSummary": summary,
                    "component": name,
                    "environment": "prod",
                    "links": ["https://github.com/example/infra/pull/42"],
                    **({"version": version} if version else {}),
                }
            )
            ref = NoteRef(f"uid-{name}", 1, namespace, name)
            await store.begin(ref, spec, "k")
            await store.record(ref, spec, _note(text, category, risk), cache_key="k", hit=False)
        spec = ReleaseNoteSpec.model_validate({"changeSummary": "Rotate the Redis AUTH token"})
        await store.fail(
            NoteRef("uid-rotate", 1, "platform", "redis-auth"),
            spec,
            "ModelNotFound: the model gpt-9 does not exist",
        )
    finally:
        await pool.close()


PAGES = [
    ("index", "/notes", "Release notes", "Moved the orders database"),
    ("note", "/notes/data/orders-db", "data/orders-db", "Moved the orders database"),
    ("changelog", "/changelog", "Changelog", "Upgraded the EKS control plane"),
]


@pytest.mark.timeout(240)
async def test_pages_in_chromium(postgres_server: PostgresServer, database: str) -> None:
    if shutil.which("chromium") is None:
        missing_tool("chromium is not installed (scripts/install-system-deps.sh)")
    await _seed(database)
    with relnotes_view(database) as base:
        async with chromium() as browser:
            for width, dark in ((1280, False), (390, False), (1280, True), (390, True)):
                for label, path, title, text in PAGES:
                    where = f"{label} at {width}px{' dark' if dark else ''}"
                    await browser.open(base + path, width=width, dark=dark)
                    assert title in await browser.evaluate("document.title"), where
                    assert text in await browser.evaluate("document.body.innerText"), where
                    overflow = await browser.evaluate(
                        "document.documentElement.scrollWidth"
                        " - document.documentElement.clientWidth"
                    )
                    assert overflow <= 0, f"{where}: {overflow}px of horizontal overflow"
                    background = await browser.evaluate(
                        "getComputedStyle(document.body).backgroundColor"
                    )
                    assert background == ("rgb(20, 23, 26)" if dark else "rgb(255, 255, 255)"), (
                        where
                    )
                    suffix = f"{width}{'-dark' if dark else ''}"
                    await browser.screenshot(ARTIFACTS / f"{label}-{suffix}.png")
                    await asyncio.sleep(0)
            await browser.open(base + "/notes/data/orders-db", width=1280, dark=False)
            codes = await browser.evaluate(
                "[...document.querySelectorAll('blockquote code')].map(c => c.textContent)"
            )
            assert codes == ["db.r6g.large", "db.r6g.xlarge"]
            stamp = await browser.evaluate("document.querySelector('time').title")
            assert stamp.endswith("+00:00")
            assert "T" in stamp
            assert browser.errors == [], browser.errors
