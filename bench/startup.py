"""Start-up: ``relnotes render`` of one sample and ``relnotes --help`` against bare Python.

Each command is started as the user starts it (the installed console script, offline, with no
RELNOTES_* or OPENAI_* variables, and from compiled bytecode as an installed wheel runs: a
PYTHONDONTWRITEBYTECODE in the caller's environment would make every round compile relnotes'
own sources again), and timed from ``exec`` to exit; the baseline is the same
interpreter running ``import pydantic, yaml``, the two libraries no relnotes command can start
without. Rounds interleave the commands (a shared machine's load hits them alike) and the ratios
are medians of per-round ratios. Targets (exit 1 when one is missed): render <= 2.5x, --help <=
1.5x. Every loop is bounded by --rounds.

For information, "floor" is what any render must do before relnotes' own code runs: import
argparse, logging and asyncio (the CLI, its logs, the drafting service's event loop) and build
and validate one one-field pydantic model (``import pydantic`` is lazy: the first model imports
pydantic's schema machinery and scans every installed distribution for pydantic plugins).

    .venv/bin/python bench/startup.py --rounds 15
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "rds-instance-class.yaml"
RELNOTES = str(Path(sys.executable).parent / "relnotes")
FLOOR = """
import argparse, asyncio, logging, yaml
from pydantic import BaseModel
class Floor(BaseModel):
    x: int
Floor(x=1)
"""
COMMANDS = {
    "baseline": [sys.executable, "-c", "import pydantic, yaml"],
    "render": [RELNOTES, "render", str(SAMPLE)],
    "--help": [RELNOTES, "--help"],
    "floor": [sys.executable, "-c", FLOOR],
}
TARGETS = {"render": 2.5, "--help": 1.5}


def offline_env() -> dict[str, str]:
    """The caller's environment without anything that would make render reach a model, and
    without PYTHONDONTWRITEBYTECODE, so the warm-up round leaves the bytecode the rounds read."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELNOTES_", "OPENAI_")) and k != "PYTHONDONTWRITEBYTECODE"
    }


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15, choices=range(3, 51))
    args = parser.parse_args()
    env = offline_env()
    for command in COMMANDS.values():  # warm the page cache and the bytecode caches
        timed(command, env)
    seconds: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.rounds):
        for name, command in COMMANDS.items():
            seconds[name].append(timed(command, env))
    print(f"{args.rounds} interleaved rounds; medians")
    for name, runs in seconds.items():
        print(f"{name:9} {statistics.median(runs) * 1000:7.0f} ms")

    def ratio(name: str) -> float:
        pairs = zip(seconds[name], seconds["baseline"], strict=True)
        return statistics.median(run / base for run, base in pairs)

    met = True
    for name, limit in TARGETS.items():
        ok = ratio(name) <= limit
        met &= ok
        verdict = "OK" if ok else "MISSED"
        print(f"{name:9} / baseline {ratio(name):5.2f} (target <= {limit}) {verdict}")
    print(f"{'floor':9} / baseline {ratio('floor'):5.2f} (information: no target)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
