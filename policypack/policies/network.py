"""Network policy (C5): interface endpoints admit HTTPS from the tasks and instances that use them."""

from pulumi_policy import EnforcementLevel, Severity

from awsfacts import ECS_TRIO

from .base import Report, stack_policy
from .model import Resource, Stack
from .props import UNKNOWN, as_str, is_unknown
from .settings import Settings
from .topology import (
    Endpoint,
    Ingress,
    admits_https,
    endpoint_security_groups,
    endpoints,
    https_sources_cover,
    ingress_rules,
    maps_public_ip,
    subnets_of,
)
from .workloads import Consumer, VpcWorkload, vpc_workloads

# Interface endpoints that ECS tasks (through their own network interface on Fargate) and container
# instances (the agent pulls images, fetches secrets and ships logs) call.
_TASK_SERVICES = ("ecr.api", "ecr.dkr", "logs", "secretsmanager")


def _private_cidrs(stack: Stack, vpc: Resource) -> list[str]:
    """CIDRs of the VPC's private subnets; the VPC's own CIDR when no subnet CIDR is known."""

    def compute() -> list[str]:
        cidrs = [
            cidr
            for subnet in subnets_of(stack, vpc)
            if maps_public_ip(subnet) is False
            for cidr in [as_str(subnet.get("cidrBlock"))]
            if isinstance(cidr, str)
        ]
        vpc_cidr = as_str(vpc.get("cidrBlock"))
        return cidrs or ([vpc_cidr] if isinstance(vpc_cidr, str) else [])

    return stack.memo(("private-cidrs", vpc.urn), compute)


def _callers(workload: VpcWorkload | None, endpoint: Endpoint) -> list[Consumer]:
    """The consumers whose calls to this endpoint's service resolve to it (private DNS on)."""
    key = endpoint.key
    if workload is None or endpoint.private_dns is not True or key is None:
        return []
    callers: list[Consumer] = []
    for consumer in workload.consumers:
        if consumer.candidate:
            continue  # an assumed workload: its security groups are not known
        if consumer.instances:
            wanted = key in ECS_TRIO or key in _TASK_SERVICES
        elif consumer.fargate.state is True and consumer.ec2.state is False:
            wanted = key in _TASK_SERVICES or (
                key == "ecs-agent" and consumer.features.service_connect.state is True
            )
        else:
            wanted = False  # tasks on EC2 reach these services through their instance
        if wanted:
            callers.append(consumer)
    return callers


def _consumer_cidrs(consumer: Consumer, vpc: Resource) -> list[str]:
    cidrs = [as_str(subnet.get("cidrBlock")) for subnet in consumer.subnets]
    if consumer.subnets and consumer.subnets_complete and all(isinstance(cidr, str) for cidr in cidrs):
        return [cidr for cidr in cidrs if isinstance(cidr, str)]
    vpc_cidr = as_str(vpc.get("cidrBlock"))
    return [vpc_cidr] if isinstance(vpc_cidr, str) else []  # its subnets lie somewhere in the VPC


def _check_callers(
    endpoint: Endpoint, vpc: Resource, callers: list[Consumer], rules: list[Ingress], report: Report
) -> None:
    resource = endpoint.resource
    for consumer in callers:
        admitted = admits_https(rules, _consumer_cidrs(consumer, vpc), consumer.group_keys)
        if admitted is False and consumer.groups_unknown:
            admitted = UNKNOWN
        if is_unknown(admitted):
            report.cannot_check(
                f"Whether VPC endpoint {resource.label} admits TCP 443 from {consumer.label} is not known "
                "yet (C5)."
            )
        elif not admitted:
            names = ", ".join(group.label for group in consumer.security_groups) or "none"
            report.violation(
                f"Allow inbound TCP 443 to VPC endpoint {resource.label} from {consumer.label} (C5): add a "
                f"rule whose source is its security group ({names}) or its subnets' CIDRs, so that it "
                f"reaches {endpoint.key} through the endpoint its private DNS name resolves to.",
                resource,
            )


def _check_endpoint(stack: Stack, endpoint: Endpoint, workload: VpcWorkload | None, report: Report) -> None:
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
    if attached.external:
        return  # a group of another stack may well admit it
    rules: list[Ingress] = []
    for group in groups:
        group_rules = ingress_rules(stack, group)
        if is_unknown(group_rules):
            report.cannot_check(f"The ingress rules of security group {group.label} are not known yet (C5).")
            return
        rules += group_rules
    callers = _callers(workload, endpoint)
    if callers and isinstance(vpc, Resource):
        _check_callers(endpoint, vpc, callers, rules, report)
        return
    # No caller in this stack: the subnets that may hold callers, with any group source trusted.
    cidrs = _private_cidrs(stack, vpc) if isinstance(vpc, Resource) else []
    allowed = (
        https_sources_cover(rules, cidrs) if cidrs else any(rule.allows_https() is True for rule in rules)
    )
    if is_unknown(allowed):
        report.cannot_check(f"Whether VPC endpoint {resource.label} admits TCP 443 is not known yet (C5).")
    elif not allowed:
        sources = f"{', '.join(cidrs)} ({where})" if cidrs else where
        names = ", ".join(group.label for group in groups)
        report.violation(
            f"Allow inbound TCP 443 from {sources} in security group {names} of VPC endpoint "
            f"{resource.label} (C5), so that tasks can reach {endpoint.key or endpoint.service_name} "
            "through it.",
            resource,
        )


def check_endpoint_security_group_https(stack: Stack, settings: Settings, report: Report) -> None:
    by_vpc = {workload.vpc.urn: workload for workload in vpc_workloads(stack, settings)}
    for endpoint in endpoints(stack, settings):
        if is_unknown(endpoint.endpoint_type):
            report.cannot_check(f"The type of VPC endpoint {endpoint.resource.label} is not known yet (C5).")
        elif endpoint.endpoint_type == "Interface" and endpoint.service is not None:
            vpc = endpoint.vpc
            _check_endpoint(
                stack, endpoint, by_vpc.get(vpc.urn) if isinstance(vpc, Resource) else None, report
            )


POLICIES = [
    stack_policy(
        name="endpoint-security-group-https",
        description="Security groups of interface endpoints allow inbound TCP 443 from the tasks and "
        "container instances that use them, or from the private subnets (C5).",
        check=check_endpoint_security_group_https,
        level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation="Add an ingress rule for TCP 443 from the tasks' (or instances') security group, or from "
        "their subnets' CIDRs (or the VPC CIDR), to the endpoint's security group.",
    ),
]
