"""Regular expressions for the values infrastructure summaries carry.

They live in one module so every extractor agrees on what, say, an instance class or a CIDR looks
like; each compiles on its first use (``LazyPattern``), once per process. Each pattern captures
text verbatim: the writer repeats what the user wrote instead of reformatting it, which keeps it
from inventing values.
"""

import re

from relnotes.lazy_regex import LazyPattern

__all__ = [
    "ARN",
    "ARROW",
    "CIDR",
    "DAYS",
    "DISABLE_VERB",
    "ENABLE_VERB",
    "ENVIRONMENTS",
    "FROM_TO_COUNT",
    "HOSTNAME",
    "IAM_ACTION",
    "INSTANCE_CLASS",
    "IOPS",
    "LIMIT",
    "MEMORY",
    "METRIC",
    "MONEY",
    "PERCENT",
    "PERIOD_CHANGE",
    "PORT",
    "PROTOCOL",
    "RECORD_TYPE",
    "REGION",
    "REPLICAS",
    "SECURITY_GROUP",
    "SECURITY_POLICY",
    "SIZE",
    "STORAGE_CLASS",
    "TAG_PAIR",
    "THRESHOLD",
    "TLS_VERSION",
    "TOGGLE",
    "TO_COUNT",
    "TTL",
    "VCPU",
    "VERSION_CHANGE",
    "VERSION_CHANGE_SPACED",
    "VERSION_TARGET",
    "VOLUME_TYPE",
]

_I = re.IGNORECASE
ARROW = r"(?:->|→|=>|⇒|\bto\b)"
_VER = r"v?(\d+(?:\.\d+){0,2})"
_UNITS = r"nodes?|replicas?|pods?|instances?|tasks?|workers?|shards?|brokers?|readers?|members?"

#: Environment words in summaries, mapped to one canonical name that contains the short form.
ENVIRONMENTS: tuple[tuple[LazyPattern, str], ...] = (
    (LazyPattern(r"\bprod(?:uction)?\b", _I), "production"),
    (LazyPattern(r"\bstag(?:e|ing)\b", _I), "staging"),
    (LazyPattern(r"\bdev(?:elopment)?\b", _I), "development"),
)

INSTANCE_CLASS = LazyPattern(
    r"\b(?:db\.|cache\.)?[a-z][a-z0-9]*\d[a-z0-9-]*\.(?:nano|micro|small|medium|metal|\d*xlarge|large)\b",
    _I,
)
MEMORY = LazyPattern(
    r"\bfrom\s+(\d+\s*(?:MB|MiB|GB|GiB))\s+(?:->|→|=>|to)\s+(\d+\s*(?:MB|MiB|GB|GiB))", _I
)
VCPU = LazyPattern(r"\bfrom\s+(\d+)\s*vCPUs?\s+to\s+(\d+)(?:\s*vCPUs?)?", _I)

_ENGINES = (
    r"aurora\s+postgres(?:ql)?|aurora\s+mysql|postgres(?:ql)?|mysql|mariadb|redis|valkey|memcached"
    r"|eks|kubernetes|k8s|opensearch|elasticsearch|kafka|msk|mongodb|documentdb|node(?:\.js|js)"
    r"|python|java|golang|terraform|helm|nginx|istio|karpenter|argo\s?cd|coredns|vpc-cni"
)
VERSION_CHANGE = LazyPattern(
    rf"\b(?P<engine>{_ENGINES})\b\s*(?:engine\s+)?(?:version\s+)?(?:from\s+)?{_VER}\s*{ARROW}\s*"
    rf"(?:(?P=engine)\s*)?{_VER}\b",
    _I,
)
#: "EKS cluster control plane from 1.29 to 1.30": words between the engine and dotted versions.
VERSION_CHANGE_SPACED = LazyPattern(
    rf"\b(?P<engine>{_ENGINES})\b[^,;\d]{{1,40}}?\bfrom\s+(?:version\s+)?"
    rf"v?(\d+(?:\.\d+){{1,2}})\s*{ARROW}\s*v?(\d+(?:\.\d+){{1,2}})\b",
    _I,
)
_NOT_A_VERSION = rf"(?![.\d]|\s*(?:{_UNITS}|GiB|GB|MB|%|days?|x\b))"
VERSION_TARGET = LazyPattern(
    rf"\b(?P<engine>{_ENGINES})\b\s+(?:(?:engine\s+)?version\s+)?to\s+{_VER}{_NOT_A_VERSION}"
    rf"|\b(?P<engine2>{_ENGINES})\b[^,;]{{0,40}}?\bto\s+(?:version\s+)?v?(\d+(?:\.\d+){{0,2}})"
    rf"{_NOT_A_VERSION}",
    _I,
)

FROM_TO_COUNT = LazyPattern(rf"\bfrom\s+(\d+)\s+({_UNITS})?\s*{ARROW}\s*(\d+)\s*({_UNITS})?", _I)
REPLICAS = LazyPattern(
    rf"\b((?:(?:min|max)(?:imum)?\s+)?(?:{_UNITS})|desired(?:\s+(?:count|capacity))?)\s*"
    rf"(?:count\s*)?(?:from\s*)?[:=]?\s*(\d+)\s*"
    rf"{ARROW}\s*(\d+)\b",
    _I,
)
TO_COUNT = LazyPattern(rf"\bto\s+(\d+)\s+({_UNITS})\b", _I)
LIMIT = LazyPattern(
    r"\b(?:min(?:imum)?|max(?:imum)?|desired)(?:\s+(?:size|capacity|replicas|count))?"
    r"\s*(?:=|:|of|to)?\s*\d+\b",
    _I,
)

REGION = LazyPattern(
    r"\b(?:us|eu|ap|sa|ca|me|af|il|mx)-(?:gov-)?(?:north|south|east|west|central|northeast"
    r"|southeast|northwest|southwest)-\d[a-z]?\b",
    _I,
)

CIDR = LazyPattern(r"\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b|(?<![\w:])::/0\b")
PORT = LazyPattern(
    r"\b(?:ports?|tcp|udp)\s*(\d{1,5}(?:-\d{1,5})?)(?![./\d])"
    r"|\b(?:opened|open|allowed|allow|closed|close|blocked|block|restricted|restrict|exposed)"
    r"\s+(?:inbound\s+|ingress\s+)?(\d{1,5}(?:-\d{1,5})?)(?![./\d])",
    _I,
)
PROTOCOL = LazyPattern(r"\b(SSH|RDP|HTTPS|HTTP|PostgreSQL|MySQL|Redis|ICMP)\b", _I)
SECURITY_GROUP = LazyPattern(r"\bsg-[0-9a-f]{8,17}\b", _I)

TLS_VERSION = LazyPattern(r"\bTLS\s*v?1\.[0-3]\b", _I)
SECURITY_POLICY = LazyPattern(r"\bELBSecurityPolicy-[\w-]+\b")
HOSTNAME = LazyPattern(
    r"(?<![\w.-])(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|net|org|io|dev|app|cloud|internal|local|tech|ai|co|uk|de|eu|us)\b",
    _I,
)
RECORD_TYPE = LazyPattern(r"\b(CNAME|AAAA|A|ALIAS|MX|TXT|NS|SRV|CAA)\s+records?\b")
TTL = LazyPattern(
    r"\bTTL\b(?:Route\s*53|[^\d]){0,80}?(\d+\s*(?:s|secs?|seconds?|m|mins?|minutes?)?)\b"
    rf"(?:\s*{ARROW}\s*(\d+\s*(?:s|secs?|seconds?|m|mins?|minutes?)?)\b)?",
    _I,
)

ARN = LazyPattern(r"\barn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d*:[^\s,;]*[^\s,;.]", _I)
IAM_ACTION = LazyPattern(r"(?<![\w:])[a-z0-9-]+:(?:[A-Z][A-Za-z0-9]*\*?|\*)(?![\w:])")
PERIOD_CHANGE = LazyPattern(
    rf"\bfrom\s+(\d+(?:\s*(?:days?|months?|years?))?)\s*{ARROW}\s*(\d+\s*(?:days?|months?|years?))\b",
    _I,
)
DAYS = LazyPattern(r"\b(\d+)[\s-]*days?\b", _I)

MONEY = LazyPattern(r"[$€£]\s?\d[\d,]*(?:\.\d+)?\s?[kKmM]?(?:\s*(?:/|per\s+)(?:month|mo|year|yr))?")
PERCENT = LazyPattern(r"\b\d+(?:\.\d+)?\s?%")
STORAGE_CLASS = LazyPattern(
    r"\b(?:Glacier(?:\s+(?:Deep\s+Archive|Instant\s+Retrieval|Flexible\s+Retrieval))?"
    r"|Deep\s+Archive|Standard-IA|One\s+Zone-IA|Intelligent-Tiering)\b",
    _I,
)

VOLUME_TYPE = LazyPattern(r"\b(?:gp2|gp3|io1|io2|st1|sc1)\b", _I)
IOPS = LazyPattern(r"\b\d[\d,]*\s*(?:provisioned\s+)?IOPS\b", _I)
SIZE = LazyPattern(r"\b\d+(?:\.\d+)?\s?(?:GiB|GB|TiB|TB)\b", _I)

METRIC = LazyPattern(
    r"\b[A-Z][A-Za-z]*(?:Utilization|Latency|Count|Errors?|Memory|Connections|Lag|Throttles"
    r"|Invocations|Duration|Space)\b"
)
THRESHOLD = LazyPattern(
    r"(?:\b(?:above|over|exceeds?|below|under)|[<>]=?)\s*\d+(?:\.\d+)?\s?(?:%|ms|s)?", _I
)
TAG_PAIR = LazyPattern(r"\b[A-Za-z][\w:/-]*=[\w:/.-]+")

ENABLE_VERB = r"enabled|enable|enabling|turned\s+on|turn\s+on|switched\s+on|activated|activate"
DISABLE_VERB = (
    r"disabled|disable|disabling|turned\s+off|turn\s+off|switched\s+off|deactivated|deactivate"
)
TOGGLE = LazyPattern(
    rf"\b(?P<verb>{ENABLE_VERB}|{DISABLE_VERB})\s+(?:the\s+)?(?P<feature>[^,.;:()]+?)"
    r"(?=\s+(?:on|for|in|across|to|of|from|with|so|because|and|via)\b|[,.;:()]|$)",
    _I,
)
