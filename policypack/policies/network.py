"""Network policy (C5): interface endpoints admit HTTPS from the subnets that use them."""

from pulumi_policy import EnforcementLevel, Severity

from .base import Report, stack_policy
from .model import Resource, Stack
from .props import as_bool, as_str, is_unknown
from .settings import Settings
from .topology import (
    Endpoint,
    Ingress,
    endpoint_security_groups,
    endpoints,
    https_sources_cover,
    ingress_rules,
    subnets_of,
)


def _private_cidrs(stack: Stack, vpc: Resource) -> list[str]:
    """CIDRs of the VPC's private subnets; the VPC's own CIDR when no subnet CIDR is known."""
    cidrs = [
        cidr
        for subnet in subnets_of(stack, vpc)
        if as_bool(subnet.get("mapPublicIpOnLaunch")) is not True
        for cidr in [as_str(subnet.get("cidrBlock"))]
        if isinstance(cidr, str)
    ]
    vpc_cidr = as_str(vpc.get("cidrBlock"))
    return cidrs or ([vpc_cidr] if isinstance(vpc_cidr, str) else [])


def _check_endpoint(stack: Stack, endpoint: Endpoint, report: Report) -> None:
    resource, vpc = endpoint.resource, endpoint.vpc
    attached = endpoint_security_groups(stack, resource)
    if attached.unknown:
        report.cannot_check(f"The security groups of VPC endpoint {resource.label} are not known yet (C5).")
        return
    groups = attached.groups
    where = f"the private subnets of VPC {vpc.label}" if isinstance(vpc, Resource) else "the private subnets"
    if not groups and not attached.external:
        report.violation(
            f"Attach a security group that allows inbound TCP 443 from {where} to VPC endpoint "
            f"{resource.label} (C5): without one the VPC's default group applies, which admits only its own "
            "members.",
            resource,
        )
        return
    rules: list[Ingress] = []
    for group in groups:
        group_rules = ingress_rules(stack, group)
        if is_unknown(group_rules):
            report.cannot_check(f"The ingress rules of security group {group.label} are not known yet (C5).")
            return
        rules += group_rules
    cidrs = _private_cidrs(stack, vpc) if isinstance(vpc, Resource) else []
    allowed = (
        https_sources_cover(rules, cidrs) if cidrs else any(rule.allows_https() is True for rule in rules)
    )
    if is_unknown(allowed):
        report.cannot_check(f"Whether VPC endpoint {resource.label} admits TCP 443 is not known yet (C5).")
    elif not allowed and not attached.external:  # a group of another stack may well admit it
        sources = f"{', '.join(cidrs)} ({where})" if cidrs else where
        names = ", ".join(group.label for group in groups)
        report.violation(
            f"Allow inbound TCP 443 from {sources} in security group {names} of VPC endpoint "
            f"{resource.label} (C5), so that tasks can reach {endpoint.key or endpoint.service_name} "
            "through it.",
            resource,
        )


def check_endpoint_security_group_https(stack: Stack, settings: Settings, report: Report) -> None:
    for endpoint in endpoints(stack, settings):
        if is_unknown(endpoint.endpoint_type):
            report.cannot_check(f"The type of VPC endpoint {endpoint.resource.label} is not known yet (C5).")
        elif endpoint.endpoint_type == "Interface" and endpoint.service is not None:
            _check_endpoint(stack, endpoint, report)


POLICIES = [
    stack_policy(
        name="endpoint-security-group-https",
        description="Security groups of interface endpoints allow inbound TCP 443 from the private subnets "
        "(C5).",
        check=check_endpoint_security_group_https,
        level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation="Add an ingress rule for TCP 443 from the private subnets' CIDRs (or the VPC CIDR, or "
        "the tasks' security group) to the endpoint's security group.",
    ),
]
