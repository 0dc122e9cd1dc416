"""How truthfully the deterministic writer restates real change lines nobody here wrote.

Runs the writer on every line of ``tests/corpus/change_lines.toml`` (engineers' audience,
neutral tone, three scenarios) and reports, per case and in aggregate:

- fact recall in the note alone: every fact-like token of the summary (versions, numbers, sizes,
  CIDRs, identifiers with dots, slashes, underscores, digits or inner capitals, backticked
  names, named services) must appear in the note;
- clauses kept: each clause of the summary (split at commas, semicolons, "and", "&", "+") has at
  least 80% of its content words in the note;
- verb kept: when the summary opens with a known verb, the note holds that verb's past tense;
- invented: fact-like tokens in the note or the scenarios that the spec does not contain, and
  scenario commands for a tool the spec gives no reason for (``aws`` without an AWS service,
  ``kubectl`` without Kubernetes, ``redis-cli`` without Redis, ...);
- leftover prefixes: commit types, ``[scope]``, PR numbers or emoji left in the note;
- the share of category "other".

Targets: recall >= 0.95, verb kept 100%, invented 0, leftover prefixes 0, "other" <= 25%.
``tests/unit/services/engines/deterministic/test_engine_quality.py`` asserts them.

    .venv/bin/python bench/engine_quality.py [--cases]
"""

import argparse
import hashlib
import random
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from relnotes.models.result import Category
from relnotes.models.spec import ReleaseNoteSpec
from relnotes.services.engines.deterministic import write_draft
from relnotes.services.engines.deterministic.clean import clean
from relnotes.services.engines.deterministic.verbs import PAST, past_of_form

__all__ = [
    "CORPUS",
    "Case",
    "Report",
    "evaluate",
    "fact_tokens",
    "graded_sample",
    "load_corpus",
    "load_grades",
]

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "change_lines.toml"
GRADE_SEED, GRADED = 11, 25
TARGETS = {"recall": 0.95, "verb_kept": 1.0, "invented": 0, "leftover": 0, "other": 0.25}

_SERVICES = (
    r"AWS|RDS|EKS|S3|EC2|ALB|NLB|ELB|IAM|KMS|VPC|NAT|Route ?53|CloudFront|CloudWatch|CloudTrail"
    r"|Lambda|ElastiCache|Aurora|Postgres(?:QL)?|MySQL|Redis|Kafka|Kubernetes|K8s|Helm|Terraform"
    r"|Argo ?CD|Datadog|Grafana|Prometheus|Fastly|GitHub|ECR|SNS|SQS|DynamoDB|EBS|EFS|WAF|ACM"
    r"|Secrets Manager|OpenSearch|Loki|Tempo|Jenkins|Docker|Azure|GCP|Packer|Nix(?:OS)?|Zulip"
    r"|QuickSight|Keycloak|Homebrew|Concourse|Cost Explorer|Savings Plans?"
    r"|production|prod|staging|stage|development|dev|qa|uat"  # environments count as facts
)
_FACT = re.compile(
    rf"(?<![\w.-])(?i:{_SERVICES})(?![\w-])"
    r"|\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}"
    r"|`[^`]+`"
    r"|(?<![\w-])[\w@~^><=-]*\d[\w.@/~^-]*[\w]"
    r"|(?<![\w-])\d(?![\w-])"
    r"|(?<![\w-])[A-Za-z][\w-]*(?:[./_][\w-]+)+"
    r"|(?<![\w-])[a-z]+[A-Z]\w*",
)
#: A command's tool, and the words in the spec that justify reaching for it.
_TOOLS = {
    "aws": r"aws|rds|eks|s3|ec2|alb|elb|nlb|iam|kms|vpc|route ?53|cloudfront|cloudwatch|lambda"
    r"|elasticache|aurora|ebs|efs|ecr|sns|sqs|dynamodb|acm|waf|secrets manager|savings plans?"
    r"|spot|asg|nat|security group|sg-|arn:",
    "kubectl": r"k8s|kubernetes|eks|pods?|deployments?|nodes?|node groups?|replicas?|clusters?",
    "pluto": r"k8s|kubernetes|eks",
    "redis-cli": r"redis|valkey|elasticache",
    "psql": r"postgres|rds|aurora",
    "mysql": r"mysql|mariadb",
    "terraform": r"terraform|tf|tags?|\w\.tf\b",
    "helm": r"helm|charts?",
    "dig": r"dns|records?|domains?|fqdns?|cname|route ?53",
}
_ENV_NAMES = (
    (r"\bprod\b", "production"),
    (r"\bdev\b", "development"),
    (r"\bstag(?:e|ing)\b", "staging"),
)
_COMMAND = re.compile(r"`([^`]+)`")
_NOT_FACTS = frozenset({"e.g", "i.e"})
_CASE_SENSITIVE_FACT = re.compile(r"[a-z]+[A-Z]\w*")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "with",
        "from",
        "by",
        "at",
        "as",
        "is",
        "it",
        "its",
        "be",
        "this",
        "that",
    ]
)
_LEFTOVER = re.compile(
    r"^(?:feat|fix|chore|docs?|ci|build|refactor|perf|tests?|style|revert|deps)\b[(!:]"
    r"|^\[[^\]]+\]|\(#\d+\)|(?<!\w)#\d+\b|^[\w.-]+:\s|[\u2600-\u27bf\U0001f300-\U0001faff]",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"\s*(?:[,;]|\s(?:and|&|\+)\s)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    text: str
    source: str
    note: str
    category: str
    risk: str
    recall: float
    clauses: float
    verb_kept: bool | None
    invented: tuple[str, ...]
    leftover: bool


@dataclass(frozen=True)
class Report:
    cases: tuple[Case, ...]

    def aggregate(self) -> dict[str, float]:
        cases, verbs = self.cases, [c.verb_kept for c in self.cases if c.verb_kept is not None]
        return {
            "recall": sum(c.recall for c in cases) / len(cases),
            "clauses": sum(c.clauses for c in cases) / len(cases),
            "verb_kept": sum(verbs) / len(verbs) if verbs else 1.0,
            "invented": sum(len(c.invented) for c in cases),
            "leftover": sum(c.leftover for c in cases),
            "other": sum(c.category == Category.OTHER for c in cases) / len(cases),
        }


def load_corpus(path: Path = CORPUS) -> list[dict[str, str]]:
    """The corpus lines: ``text``, ``source``, ``kind``."""
    lines: list[dict[str, str]] = tomllib.loads(path.read_text(encoding="utf-8"))["line"]
    return lines


def load_grades(path: Path = CORPUS) -> list[dict[str, object]]:
    """The hand grades: ``index``, ``grade`` (0-2) and ``reason`` for each sampled line."""
    grades: list[dict[str, object]] = tomllib.loads(path.read_text(encoding="utf-8"))["grade"]
    return grades


def output_digest(text: str) -> str:
    """A short digest of the draft graded for ``text``: a grade holds only while it matches."""
    spec = ReleaseNoteSpec.model_validate({"changeSummary": text})
    return hashlib.sha256(write_draft(spec).model_dump_json().encode()).hexdigest()[:16]


def graded_sample(count: int) -> list[int]:
    """Indexes of the corpus lines graded by hand: ``GRADED`` picked with ``GRADE_SEED``."""
    return sorted(random.Random(GRADE_SEED).sample(range(count), GRADED))


def fact_tokens(text: str) -> list[str]:
    """Fact-like tokens of ``text``, as written."""
    return [
        m.group().strip("`") if m.group().startswith("`") else m.group()
        for m in _FACT.finditer(text)
    ]


def _contains(haystack: str, token: str) -> bool:
    if _CASE_SENSITIVE_FACT.fullmatch(token):
        return token in haystack
    return token.lower() in haystack.lower()


def _words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9][\w.-]*", re.sub(r"\bprod\b", "production", text.lower()))
    return [PAST.get(w, w) for w in (w.rstrip(".-") for w in words) if w not in _STOP]


def _clause_kept(clause: str, note: str) -> bool:
    words, said = _words(clause), set(_words(note))
    kept = sum(w in said for w in words)
    return not words or kept / len(words) >= 0.8


def _invented(note: str, scenarios: str, given: str) -> list[str]:
    """Fact-like tokens the spec does not hold, and commands for tools it gives no reason for."""
    commands = _COMMAND.findall(scenarios)
    prose = _COMMAND.sub(" ", f"{note} {scenarios}")
    values = [t for c in commands for t in fact_tokens(c) if re.search(r"\d", t)]
    found = [t for t in (*fact_tokens(prose), *values) if t not in _NOT_FACTS]
    found = [t for t in found if not _contains(given, t)]
    for command in commands:
        pattern = _TOOLS.get(command.split()[0])
        if pattern and not re.search(pattern, given, re.IGNORECASE):
            found.append(command)
    return found


def score(text: str, source: str = "") -> Case:
    """One corpus line through the writer, and its measurements."""
    spec = ReleaseNoteSpec.model_validate({"changeSummary": text})
    draft = write_draft(spec)
    note = draft.release_note
    cleaned = clean(text).text
    facts = fact_tokens(cleaned)
    recall = sum(_contains(note, f) for f in facts) / len(facts) if facts else 1.0
    clauses = [c for c in _CLAUSES.split(cleaned) if c.strip()]
    kept = sum(_clause_kept(c, note) for c in clauses) / len(clauses) if clauses else 1.0
    verb = past_of_form(cleaned)
    scenarios = " ".join(
        f"{s.title} {' '.join(s.steps)} {s.expected}" for s in draft.test_scenarios
    )
    # an environment's full name is not an invention: "prod" is production, "dev" development
    named = [full for short, full in _ENV_NAMES if re.search(short, text, re.IGNORECASE)]
    given = " ".join((text, *named))
    invented = tuple(dict.fromkeys(_invented(note, scenarios, given)))
    return Case(
        text=text,
        source=source,
        note=note,
        category=draft.category.value,
        risk=draft.risk.value,
        recall=recall,
        clauses=kept,
        verb_kept=None if verb is None else verb[0].lower() in note.lower(),
        invented=invented,
        leftover=_LEFTOVER.search(note) is not None,
    )


def evaluate(path: Path = CORPUS) -> Report:
    """Every corpus line scored."""
    return Report(tuple(score(line["text"], line["source"]) for line in load_corpus(path)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", action="store_true", help="print every case, not only misses")
    args = parser.parse_args()
    report = evaluate()
    for case in report.cases:
        miss = case.recall < 1 or case.clauses < 1 or case.verb_kept is False
        if args.cases or miss or case.invented or case.leftover:
            print(
                f"{case.recall:.2f} {case.clauses:.2f} {case.verb_kept} {case.category:13}"
                f" {case.risk:6} {case.text!r}\n    -> {case.note}"
                + (f"\n    invented: {', '.join(case.invented)}" if case.invented else "")
            )
    totals = report.aggregate()
    print(f"\n{len(report.cases)} cases")
    for name, value in totals.items():
        target = TARGETS.get(name)
        print(f"  {name:10} {value:.3f}" + (f"  (target {target})" if target is not None else ""))
    grades = [int(str(g["grade"])) for g in load_grades()]
    print(f"  hand grades of {len(grades)} sampled outputs: mean {sum(grades) / len(grades):.2f}/2")
    missed = [name for name, target in TARGETS.items() if not _meets(name, totals[name], target)]
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")
    raise SystemExit(1 if missed else 0)


def _meets(name: str, value: float, target: float) -> bool:
    """Recall and verb kept are floors; invented, leftovers and the "other" share are ceilings."""
    return value >= target if name in ("recall", "verb_kept") else value <= target


if __name__ == "__main__":
    main()
