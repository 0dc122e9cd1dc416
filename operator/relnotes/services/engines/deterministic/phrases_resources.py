"""Clauses for changes to a resource's shape: size, version, switches, counts, place, storage.

Each builder takes ``plain`` for customers: the same gist and environment without internal
identifiers (instance classes become "a larger size"), and never a value the input lacks.
"""

from relnotes.services.engines.deterministic.classify import Topic, toggle_topic
from relnotes.services.engines.deterministic.clause import (
    Clause,
    from_to,
    join,
    location,
    resource,
    size_rank,
)
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.scenarios_toggle import PLURAL_FEATURES

__all__ = [
    "instance_class",
    "observability",
    "region",
    "scaling",
    "storage",
    "tags",
    "toggle",
    "version",
]

_BENEFITS = {
    Topic.AVAILABILITY: "for higher availability",
    Topic.PROTECTION: "to guard against accidental deletion",
    Topic.ENCRYPTION: "for stronger data protection",
    Topic.VERSIONING: "so earlier versions of files can be restored",
    Topic.BACKUPS: "for better recoverability",
    Topic.LOGGING: "for better visibility",
}
_WATCH = {
    Topic.AVAILABILITY: "failover events and replica lag",
    Topic.PROTECTION: "automation that deletes or replaces resources",
    Topic.EXPOSURE: "unexpected inbound traffic and access errors",
    Topic.ENCRYPTION: "client connection errors and latency",
    Topic.CREDENTIALS: "authentication failures in application logs",
    Topic.LOGGING: "log volume and ingestion cost",
}


def instance_class(facts: Facts, plain: bool) -> Clause:
    """ "Resized the production RDS instance from db.t3.micro to db.t3.small"."""
    found = facts.found
    old, new = size_rank(found.old), size_rank(found.new)
    direction = 0 if old is None or new is None else (new > old) - (new < old)
    if plain:
        target = resource(facts, plain=True, noun="servers") or "the servers"
        if direction > 0:
            return Clause(
                "upgraded", target, "to a larger size for faster performance", "beefed up"
            )
        if direction < 0:
            return Clause("resized", target, "to a smaller size to reduce cost", "trimmed")
        return Clause("moved", target, "to a different instance type", "moved")
    target = resource(facts, noun="instances") or "the instances"
    known = ("upgraded", "downgraded", "resized", "migrated")
    if found.subject:
        target = f"the {found.subject} of {target}"
        known = ("increased", "reduced", "raised", "lowered")
    verb = found.verb if found.verb in known and found.verb else "resized"
    casual = {1: "bumped", -1: "trimmed"}.get(direction, "moved")
    watch = "CPU, memory and connection counts after the restart"
    return Clause(verb, target, from_to(found.old, found.new), casual, watch=watch)


def version(facts: Facts, plain: bool) -> Clause:
    """ "Upgraded Postgres on the production RDS instance from 15.4 to 15.6"."""
    found = facts.found
    engine = found.subject or "the engine"
    verb = found.verb if found.verb in ("upgraded", "downgraded", "patched") else "upgraded"
    where = resource(facts, plain=plain)
    same = facts.service is not None and engine.lower() == facts.service.short.lower()
    if where and same:
        target = where
    elif where:
        target = f"{engine} {'for' if plain else 'on'} {where}"
    else:
        target = join(engine, f"in {facts.environment}" if facts.environment else None)
    watch = "error rates, latency and restarts after the upgrade"
    return Clause(verb, target, from_to(found.old, found.new), "bumped", watch=watch)


def toggle(facts: Facts, plain: bool) -> Clause:
    """ "Enabled Multi-AZ on the production RDS instance"."""
    found = facts.found
    feature = found.subject or "a feature"
    topic = toggle_topic(feature)[0]
    benefit = _BENEFITS.get(topic) if plain and found.enabled else None
    plural = feature.lower().endswith(PLURAL_FEATURES)
    verb, casual = ("enabled", "switched on") if found.enabled else ("disabled", "switched off")
    rest = join(location(facts, plain=plain, preposition="for" if plain else "on"), benefit)
    return Clause(verb, feature, rest, casual, plural, _WATCH.get(topic, "errors after the switch"))


def scaling(facts: Facts, plain: bool) -> Clause:
    """ "Scaled the production app node group from 3 to 6 nodes"."""
    found = facts.found
    unit = found.name or ""
    if unit.split(" ", 1)[0].lower() in ("min", "max", "minimum", "maximum", "desired"):
        counts = join(unit, from_to(found.old, found.new))
    else:
        repeated = facts.service is not None and facts.service.label.endswith(unit)
        counts = join(from_to(found.old, found.new), unit if found.new and not repeated else None)
    limits = ", ".join(found.values)
    rest = join(counts, f"with {limits}" if counts and limits else None) or f"to {limits}"
    watch = "pending pods, node readiness and instance quotas"
    if plain:
        fewer = bool(found.old and found.new and int(found.new) < int(found.old))
        where = resource(facts, plain=True, noun="service") or "the service"
        verb = ("reduced" if fewer else "increased") if found.new else "adjusted"
        return Clause(verb, f"capacity for {where}", rest, verb)
    if found.subject:
        target = join("the", facts.environment, found.subject)
    else:
        target = resource(facts, noun="capacity") or "capacity"
    known = ("scaled", "increased", "reduced", "decreased", "set")
    verb = found.verb if found.verb in known and found.verb else ("scaled" if found.new else "set")
    return Clause(verb, target, rest, verb, watch=watch)


def region(facts: Facts, plain: bool) -> Clause:
    """ "Moved the production RDS instance from us-east-1 to eu-west-1"."""
    found = facts.found
    verb = found.verb or "moved"
    if found.subject == "Availability Zone":
        where = resource(facts, plain=plain)
        if where and found.relation == "in":
            return Clause(verb, where, f"in {found.new}", verb, watch="cross-zone traffic")
        preposition = {"added": "to", "extended": "to", "expanded": "to"}.get(verb, "from")
        rest = f"{preposition} {where}" if where else location(facts, plain=plain)
        return Clause(
            verb,
            f"Availability Zone {found.new}",
            rest,
            verb,
            watch="subnet capacity and cross-zone traffic",
        )
    target = resource(facts, plain=plain, noun="workload") or "the workload"
    return Clause(
        verb,
        target,
        from_to(found.old, found.new),
        verb,
        watch="cross-region latency and replication lag",
    )


def storage(facts: Facts, plain: bool) -> Clause:
    """ "Migrated the production EBS volumes from gp2 to gp3 with 3000 IOPS"."""
    found = facts.found
    where = resource(facts, plain=plain)
    if plain:
        own = facts.service is not None and facts.service.plain.endswith("storage")
        target = where if own and where else f"storage for {where}" if where else "storage"
        grows = found.old is not None and found.old[:1].isdigit()
        return Clause(
            "upgraded", target, "for more capacity" if grows else "for better performance"
        )
    own = facts.service is not None and facts.service.key in ("ebs", "s3")
    target = where if own and where else join(where, "storage") if where else "storage"
    extra = ", ".join(found.values)
    rest = join(from_to(found.old, found.new), f"with {extra}" if found.old and extra else None)
    rest = rest or (f"to {extra}" if extra else "")
    return Clause(
        found.verb or "updated",
        target,
        rest,
        found.verb or "updated",
        watch="disk queue depth, IOPS and the modification progress",
    )


def observability(facts: Facts, plain: bool) -> Clause:
    """ "Added a CloudWatch alarm on CPUUtilization above 80% for the production RDS instance"."""
    found = facts.found
    subject = found.subject or "monitoring"
    where = location(facts, plain=plain, preposition="for")
    if plain:
        return Clause("improved", "monitoring", where, "improved")
    article = (
        "a "
        if subject.endswith(("alarm", "dashboard")) and found.verb in ("added", "created")
        else ""
    )
    target = (
        f"{article}{subject}"
        if article
        else (f"the {subject}" if subject[0].islower() else subject)
    )
    metrics = " ".join(found.values)
    rest = join(f"on {metrics}" if metrics else None, from_to(found.old, found.new), where)
    return Clause(
        found.verb or "updated",
        target,
        rest,
        found.verb or "updated",
        watch="alarm state changes and missing data",
    )


def tags(facts: Facts, plain: bool) -> Clause:
    """ "Updated tags on the production RDS instance (team=payments)"."""
    found = facts.found
    pairs = None if plain else (f"({', '.join(found.values)})" if found.values else None)
    where = location(facts, plain=plain, preposition="to" if found.verb == "added" else "on")
    return Clause(
        found.verb or "updated",
        "resource tags",
        join(where, pairs),
        "tidied up",
        plural=True,
        watch="cost-allocation reports",
    )
