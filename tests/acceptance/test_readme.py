"""The README, executed: its cluster walkthrough against the running system, its demo through
the installed console script. What it shows is what the product prints (AGE aside)."""

from __future__ import annotations

import re
import shlex
import subprocess

from tests.acceptance.helpers import create_namespace, rows
from tests.acceptance.system import System
from tests.tools import RELNOTES, REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```(\w+)\n(.*?)\n```", re.S)


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def table(text: str) -> list[dict[str, str]]:
    """Rows of a ``kubectl get`` table, without the AGE column (it depends on when you look)."""
    return [{k: v for k, v in row.items() if k != "AGE"} for row in rows(text)]


def test_using_it_in_a_cluster_prints_what_the_readme_shows(cluster: System) -> None:
    blocks = BLOCK.findall(section("Using it in a cluster"))
    printed = ""
    checked = 0
    started = False
    for language, body in blocks:
        if language == "text":  # the output of the command block before it
            assert printed, "an output block follows no command"
            assert printed.splitlines()[0].split() == body.splitlines()[0].split()
            assert table(printed) == table(body)
            checked += 1
            continue
        if language != "sh":
            continue
        for line in body.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            assert words[0] == "kubectl", f"the walkthrough runs {line!r}"
            if words[1:3] == ["create", "namespace"]:
                create_namespace(cluster, words[3])  # kubectl's protobuf request, see there
                continue
            printed = cluster.kubectl.shell(line)
            if not started and cluster.can_start():  # the kubelet starts what can run
                cluster.start()
                started = True
    assert checked == 2


def test_the_demo_prints_the_readme_block_through_the_console_script() -> None:
    sample = re.search(r"^SAMPLE \?= (\S+)$", (REPO / "Makefile").read_text(), re.M)
    assert sample, "the Makefile's demo sample"
    recipe = re.search(
        r"^demo:.*\n\t\$\(BIN\)/relnotes (.+)$", (REPO / "Makefile").read_text(), re.M
    )
    assert recipe, "the Makefile's demo recipe"
    argv = shlex.split(recipe.group(1).replace("$(SAMPLE)", sample.group(1)))
    result = subprocess.run(
        [RELNOTES, *argv], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    assert f"```markdown\n{result.stdout.rstrip()}\n```" in README
