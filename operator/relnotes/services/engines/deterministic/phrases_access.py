"""Clauses for who and what may reach a resource, and for cost measures.

For customers (``plain``) these drop CIDRs, ports, ARNs, policy actions and amounts: they are
internal detail, while "restricted network access to the production environment" is the gist.
"""

from relnotes.services.engines.deterministic.clause import Clause, from_to, join, location, resource
from relnotes.services.engines.deterministic.facts import Facts

__all__ = ["cost", "dns", "iam", "network_rule", "tls"]

_CASUAL = {"opened": "opened up", "restricted": "locked down", "closed": "closed off"}
_GRANTS = ("granted", "allowed", "added", "attached")
_TAKES = ("removed", "revoked", "detached")


def network_rule(facts: Facts, plain: bool) -> Clause:
    """ "Opened port 443 from 10.0.0.0/16 on the production security group sg-0abc"."""
    found = facts.found
    verb = found.verb or "updated"
    if plain:
        where = f"the {facts.environment} environment" if facts.environment else "the service"
        return Clause(verb, "network access", f"to {where}", _CASUAL.get(verb, verb))
    subject = found.subject or "the network rule"
    if found.values:
        subject = f"{subject} ({found.values[0]})"
    if found.old:
        cidr = from_to(found.old, found.new)
    elif found.new:
        narrow = verb in ("restricted", "limited", "scoped")
        cidr = f"{found.relation or ('to' if narrow else 'from')} {found.new}"
    else:
        cidr = ""
    if found.name:
        where = join("on the", facts.environment, "security group", found.name)
    else:
        where = location(facts)
    watch = "rejected connections in VPC Flow Logs and client errors"
    return Clause(verb, subject, join(cidr, where), _CASUAL.get(verb, verb), watch=watch)


def dns(facts: Facts, plain: bool) -> Clause:
    """ "Lowered the TTL of the production CNAME record api.example.com from 300 to 60"."""
    found = facts.found
    zone = "Route 53" if facts.service and facts.service.key == "route53" else None
    record = join("the", facts.environment, zone, found.subject, "record", found.name)
    watch = "resolution from several resolvers until the old TTL expires"
    ttl = (
        from_to(found.values[0], found.values[1])
        if len(found.values) == 2
        else (f"to {found.values[0]}" if found.values else "")
    )
    if plain:
        target = f"DNS for {found.name}" if found.name else join("the", facts.environment, "DNS")
        reason = "to a new endpoint" if found.new else "so future changes take effect faster"
        return Clause("updated", target, reason if (found.new or ttl) else "", "updated")
    if found.new:
        verb = (
            "pointed"
            if found.verb in ("pointed", "moved", "switched", "updated", None)
            else found.verb
        )
        rest = join(f"to {found.new}", f"with TTL {ttl.removeprefix('to ')}" if ttl else None)
        return Clause(verb, record, rest, verb, watch=watch)
    if ttl:
        verb = found.verb if found.verb in ("lowered", "raised", "reduced", "increased") else "set"
        return Clause(verb, f"the TTL of {record}", ttl, verb, watch=watch)
    return Clause(found.verb or "updated", record, "", found.verb or "updated", watch=watch)


def tls(facts: Facts, plain: bool) -> Clause:
    """ "Raised the minimum TLS version on the production load balancer to TLS 1.2"."""
    found = facts.found
    where = location(facts, plain=plain)
    watch = "handshake failures from older clients"
    if found.new:
        if plain:
            return Clause(
                "strengthened",
                "connection security",
                join(where, f"by requiring {found.new}"),
                "tightened",
            )
        policy = f"using {found.values[0]}" if found.values else None
        if found.verb in ("enforced", "required") and not found.old:
            rest = join("as the minimum version", where, policy)
            return Clause(found.verb, found.new, rest, found.verb, watch=watch)
        target = join("the minimum TLS version", where)
        verb = found.verb if found.verb in ("raised", "upgraded", "set") else "raised"
        return Clause(verb, target, join(from_to(found.old, found.new), policy), verb, watch=watch)
    verb = found.verb or "updated"
    subject = "the security certificate" if plain else f"the {found.subject or 'TLS configuration'}"
    target = join(subject, f"for {found.name}" if found.name else None)
    return Clause(
        verb, target, where, verb, watch=None if plain else "certificate expiry and chain errors"
    )


def iam(facts: Facts, plain: bool) -> Clause:
    """ "Granted s3:GetObject to the production IAM role ci-deployer"."""
    found = facts.found
    verb = found.verb or "updated"
    if plain:
        tighter = verb in (*_TAKES, "restricted", "scoped", "tightened", "rotated")
        where = f"for the {facts.environment} environment" if facts.environment else None
        verb = "tightened" if tighter else "updated"
        return Clause(verb, "access controls", where or "", verb, plural=True)
    subject = found.subject or "access configuration"
    if found.name and found.relation and not subject.endswith(found.relation):
        principal = join("the", facts.environment, subject, "for the", found.name, found.relation)
    else:
        principal = join("the", facts.environment, subject, found.name)
    actions = [v for v in found.values if ":" in v and not v.startswith("arn:")]
    arns = [v for v in found.values if v.startswith("arn:")]
    days = [v for v in found.values if v not in actions and v not in arns]
    on = f"on {', '.join(arns)}" if arns else None
    every = f"every {days[0]}" if days else None
    watch = "AccessDenied errors in CloudTrail and application logs"
    if found.new and verb in _GRANTS + _TAKES:
        to = "to" if verb in _GRANTS else "from"
        return Clause(verb, f"the {found.new} policy", join(on, to, principal), verb, watch=watch)
    if actions and verb in _GRANTS + _TAKES:
        to = "to" if verb in _GRANTS else "from"
        permission = f"the {' and '.join(actions)} permission{'s' if len(actions) > 1 else ''}"
        return Clause(verb, permission, join(on, to, principal), verb, watch=watch)
    rest = join(f"for {' and '.join(actions)}" if actions else None, on, every)
    return Clause(verb, principal, rest, verb, watch=watch)


def cost(facts: Facts, plain: bool) -> Clause:
    """ "Right-sized the production EC2 instances from m5.2xlarge to m5.xlarge (40%)"."""
    found = facts.found
    measure = found.subject or "cost reduction"
    if plain:
        where = f"for the {facts.environment} environment" if facts.environment else None
        return Clause("reduced", "infrastructure costs", where or "", "trimmed", plural=True)
    figures = [v for v in found.values if not v[:1].isalpha() or v.endswith("-year")]
    classes = [v for v in found.values if v not in figures]
    amounts = f"({', '.join(figures)})" if figures else None
    watch = "Cost Explorer over the next billing cycle"
    if found.new and measure in ("right-sizing", "Graviton migration", "cost reduction"):
        target = resource(facts, noun="instances") or "the instances"
        return Clause(
            "right-sized",
            target,
            join(from_to(found.old, found.new), amounts),
            "trimmed",
            watch=watch,
        )
    if measure == "Spot capacity":
        target = resource(facts, noun="workloads") or "the workloads"
        return Clause(
            "moved",
            target,
            join("to Spot capacity", amounts),
            "moved",
            watch="Spot interruption notices and pending pods",
        )
    if measure == "lifecycle rules":
        transition = f"transitioning objects to {classes[0]}" if classes else None
        after = next((f"after {v}" for v in figures if "day" in v), None)
        rest = join(location(facts), transition, after)
        return Clause(
            found.verb or "added",
            "lifecycle rules",
            rest,
            "added",
            plural=True,
            watch="retrieval requests for objects that moved",
        )
    where = resource(facts)
    if measure == "cost reduction" and where:
        verb = found.verb or "changed"
        return Clause(verb, where, join("to reduce cost", amounts), verb, watch=watch)
    said = found.name or measure
    plural = said.lower().endswith("s")
    target = said if plural or measure == "cost reduction" else f"a {said}"
    verb = found.verb or "applied"
    return Clause(verb, target, join(location(facts), amounts), verb, plural=plural, watch=watch)
