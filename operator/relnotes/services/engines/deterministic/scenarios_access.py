"""Scenarios for who and what may reach a resource: network rules, DNS, TLS and IAM.

They use the tools an engineer would reach for first (``nc``, ``dig``, ``openssl s_client``,
``aws iam simulate-principal-policy``) and name the values from the summary.
"""

from relnotes.models.result import Scenario
from relnotes.services.engines.deterministic.facts import Facts
from relnotes.services.engines.deterministic.scenario_base import describe, rollback, scenario

__all__ = ["dns", "iam", "network_rule", "tls"]

_ANYWHERE = ("0.0.0.0/0", "::/0")
_TLS_FLAGS = {"1.0": "-tls1", "1.1": "-tls1_1", "1.2": "-tls1_2", "1.3": "-tls1_3"}


def network_rule(facts: Facts) -> list[Scenario]:
    """Traffic from inside the range connects, traffic from outside is rejected, rollback."""
    found = facts.found
    cidr = found.new or "the allowed range"
    port = found.subject or "the port"
    probe = (
        f"nc -vz <host> {port.removeprefix('port ')}"
        if port.startswith("port ")
        else ("ssh -v <host>" if port.upper() == "SSH" else "nc -vz <host> <port>")
    )
    inside = scenario(
        f"Connect on {port} from {cidr}",
        [
            f"From a host inside {cidr}, run `{probe}`",
            f"Confirm {describe(facts)} shows the rule for {cidr}",
        ],
        f"The connection on {port} from {cidr} succeeds",
    )
    outside = scenario(
        f"{port[:1].upper() + port[1:]} is rejected from outside {cidr}",
        [
            f"From a host outside {cidr}, run `{probe}`",
            "Check VPC Flow Logs for REJECT records from that host",
        ],
        "The connection times out and the flow logs show REJECT",
    )
    if cidr in _ANYWHERE and found.enabled:
        exposure = scenario(
            f"Exposure review for {port} open to {cidr}",
            [
                f"From a host on the internet, run `{probe}`",
                f"List what listens on {port} behind {describe(facts)}",
                "Record who approved exposing it to the internet",
            ],
            f"Only the intended service answers on {port} and the exposure is approved",
        )
        return [exposure, inside, rollback(facts, found.old, found.new, f"the rule for {port}")]
    if cidr in _ANYWHERE:
        outside = scenario(
            f"{port[:1].upper() + port[1:]} from the internet is rejected",
            [
                f"From a host on the internet, run `{probe}`",
                "Check VPC Flow Logs for REJECT records from that host",
            ],
            "The connection times out and the flow logs show REJECT",
        )
        inside = scenario(
            f"Intended clients still connect on {port}",
            [
                f"Read the remaining rules with {describe(facts)}",
                f"From a host in an allowed range, run `{probe}`",
            ],
            "Hosts in the remaining allowed ranges still connect",
        )
    ordered = [inside, outside] if found.enabled else [outside, inside]
    return [*ordered, rollback(facts, found.old, found.new, f"the rule for {port}")]


def dns(facts: Facts) -> list[Scenario]:
    """Resolution with ``dig``, TTL expiry, clients reach the service."""
    found = facts.found
    record = found.name or "the record"
    ttl = found.values[-1] if found.values else None
    answer = found.new or "the new value"
    steps = [
        f"Run `dig +short {record}`",
        f"Run `dig {record}` against the zone's authoritative name servers",
    ]
    expiry_steps = [f"Run `dig {record}` and read the TTL in the answer section"]
    if len(found.values) == 2:
        expiry_steps.append(
            f"Wait for the old TTL ({found.values[0]}) to pass, then query cached resolvers"
        )
    return [
        scenario(f"{record} resolves to {answer}", steps, f"Both queries return {answer}"),
        scenario(
            "TTL expiry",
            expiry_steps,
            f"The TTL is {ttl} and cached resolvers return the new answer after expiry"
            if ttl
            else "Cached resolvers return the new answer once the previous TTL expires",
        ),
        scenario(
            f"Clients reach the service through {record}",
            [
                f"Run `curl -sSI https://{record}` from outside the network"
                if found.name
                else "Request the service by its DNS name from outside the network",
                "Watch the service's request count for the new traffic",
            ],
            "Requests succeed and arrive at the new endpoint",
        ),
        rollback(facts, None, found.new, "the DNS record"),
    ]


def tls(facts: Facts) -> list[Scenario]:
    """Handshake checks with ``openssl s_client``; older protocols refused; certificate dates."""
    found = facts.found
    host = found.name or "<endpoint>"
    if found.new:
        number = found.new[-3:]
        flag = _TLS_FLAGS.get(number, "-tls1_2")
        older = {"1.3": "-tls1_2", "1.2": "-tls1_1", "1.1": "-tls1"}.get(number)
        checks = [
            scenario(
                f"TLS handshake with {found.new}",
                [f"Run `openssl s_client -connect {host}:443 {flag}`"],
                f"The handshake completes with {found.new}",
            )
        ]
        if older:
            checks.append(
                scenario(
                    f"Protocols older than {found.new} are refused",
                    [f"Run `openssl s_client -connect {host}:443 {older}`"],
                    "The handshake fails with a protocol version alert",
                )
            )
        checks.append(
            scenario(
                "Existing clients still connect",
                [
                    "Watch ClientTLSNegotiationErrorCount on the load balancer",
                    "Check client libraries and SDKs support the new minimum",
                ],
                "No rise in TLS negotiation errors",
            )
        )
        return checks
    return [
        scenario(
            f"The new certificate is served for {host}",
            [
                f"Run `openssl s_client -connect {host}:443 -servername {host}`",
                "Pipe the output to `openssl x509 -noout -subject -dates`",
            ],
            "The subject matches the host name and the expiry date is the new one",
        ),
        scenario(
            "The certificate chain validates",
            [f"Run `curl -sSv https://{host}` and check the verification result"],
            "curl reports the certificate as verified",
        ),
        rollback(facts, None, None, "the certificate"),
    ]


def _rotation(facts: Facts, principal: str) -> list[Scenario]:
    """Rotated keys or secrets: the new credential works, the old one does not."""
    return [
        scenario(
            f"The new credential for {principal} works",
            [
                "Run `aws sts get-caller-identity` (or the application's login) with the new one",
                "Confirm the applications picked it up from their secret store",
            ],
            "Calls with the new credential succeed",
        ),
        scenario(
            f"The old credential for {principal} is refused",
            [
                "Repeat the call with the previous credential",
                "Confirm `aws iam list-access-keys` or the secret's versions show it inactive",
            ],
            "The old credential fails with an authentication or AccessDenied error",
        ),
        scenario(
            "Workloads keep working",
            ["Search CloudTrail and application logs for AccessDenied after the change"],
            "No unexpected AccessDenied errors",
        ),
    ]


def iam(facts: Facts) -> list[Scenario]:
    """Allowed calls succeed, denied calls fail (AWS CLI), workloads keep working."""
    found = facts.found
    actions = [v for v in found.values if ":" in v and not v.startswith("arn:")]
    action = actions[0] if actions else (f"the actions in {found.new}" if found.new else None)
    action = action or "the affected action"
    principal = found.name or found.subject or "the principal"
    revoked = found.verb in ("removed", "revoked", "detached", "restricted")
    if found.verb == "rotated" or "rotation" in facts.summary.lower():
        return _rotation(facts, principal)
    simulate = (
        f"Run `aws iam simulate-principal-policy --policy-source-arn <{principal} ARN> "
        f"--action-names {action}`"
    )
    return [
        scenario(
            f"{principal} can {'no longer ' if revoked else ''}call {action}",
            [simulate, f"Call {action} as {principal} with the AWS CLI"],
            "The simulation reports a deny and the call fails with AccessDenied"
            if revoked
            else "The simulation reports allowed and the call succeeds",
        ),
        scenario(
            f"Access outside the change is still denied for {principal}",
            ["Call an action the policy does not grant as the same principal"],
            "The call fails with AccessDenied",
        ),
        scenario(
            "Workloads keep working",
            ["Search CloudTrail and application logs for AccessDenied after the change"],
            "No unexpected AccessDenied errors",
        ),
    ]
