"""Rebuild ``change_lines.toml`` from local git mirrors of the source repositories, by its rule.

Usage: ``python tests/corpus/collect.py MIRRORS_DIR > tests/corpus/change_lines.toml`` where
``MIRRORS_DIR/<owner>+<name>/repo`` is a bare clone of each repository. The rule is in ``RULE``;
it was written, and this script run, before the writer's output on any of these lines was seen.
The grades at the end of the TOML file are added by hand afterwards.
"""

import re
import subprocess
import sys
from pathlib import Path

__all__ = ["PROJECTS", "RULE", "TEAM_REPOS", "collect"]

TEAM_REPOS = (
    "rust-lang/simpleinfra",
    "jenkins-infra/kubernetes-management",
    "jenkins-infra/aws",
    "cds-snc/notification-terraform",
    "NixOS/infra",
    "cloud-gov/cg-provision",
)
PROJECTS = ("kubernetes-sigs/external-dns", "fluxcd/flux2", "grafana/helm-charts")
PER_TEAM_REPO, PER_PROJECT = 12, 10

RULE = f"""\
Sources: teams' own infrastructure repositories (Terraform, Helm/Helmfile GitOps, NixOS/DNS):
{", ".join(TEAM_REPOS)}; and public infrastructure projects: {", ".join(PROJECTS)}.
From each repository's newest stored snapshot, walk `git log --no-merges --first-parent` newest
first and take each commit subject as written, except (a) subjects shorter than 5 or longer than
1000 characters, and (b) a subject whose shape (lower-cased, every run of digits and every
hexadecimal word of 7+ characters replaced by '#') equals the shape of one already taken from the
same repository (so one bot's repeated bump counts once). Stop at {PER_TEAM_REPO} lines per team
repository and {PER_PROJECT} per project. Nothing is edited: prefixes, PR numbers, emoji and typos
stay, because the writer must handle them."""

_SHAPE = re.compile(r"\b[0-9a-f]{7,}\b|\d+")


def collect(mirrors: Path, repo: str, limit: int) -> list[tuple[str, str]]:
    """(subject, source) pairs from one repository's mirror, by the rule."""
    git = mirrors / repo.replace("/", "+") / "repo"
    log = subprocess.run(
        ["git", "-C", str(git), "log", "--no-merges", "--first-parent", "--format=%H%x09%s"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    taken: list[tuple[str, str]] = []
    shapes: set[str] = set()
    for line in log.splitlines():
        commit, _, subject = line.partition("\t")
        shape = _SHAPE.sub("#", subject.lower())
        if not 5 <= len(subject) <= 1000 or shape in shapes:
            continue
        shapes.add(shape)
        taken.append((subject, f"https://github.com/{repo}/commit/{commit}"))
        if len(taken) == limit:
            break
    return taken


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(mirrors: Path) -> None:
    out = ["# Real change lines for the deterministic writer; see tests/corpus/collect.py.", ""]
    out += [f'rule = """\n{RULE}"""', ""]
    for repos, limit, kind in (
        (TEAM_REPOS, PER_TEAM_REPO, "team"),
        (PROJECTS, PER_PROJECT, "project"),
    ):
        for repo in repos:
            for subject, source in collect(mirrors, repo, limit):
                out += ["[[line]]", f"text = {_toml(subject)}", f'source = "{source}"']
                out += [f'kind = "{kind}"', ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
