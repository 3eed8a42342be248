"""Policies on VPC endpoints themselves: Region, private DNS, type, policy document, duplicates."""

import fnmatch
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

import awsfacts
from awsfacts import CATALOG, ECS_ENDPOINT_POLICY_ACTIONS, EndpointType, UnknownRegionError

from .base import Report, resource_and_stack_policy, resource_policy, stack_policy
from .model import VPC_ENDPOINT, VPC_ENDPOINT_POLICY, Resource, Stack
from .props import as_str, is_unknown, listify, parse_json
from .settings import REGION_SCHEMA, Settings
from .topology import Endpoint, endpoint_of, endpoints

# The consideration that makes each interface service matter to an ECS workload.
_WHY_INTERFACE: dict[str, str] = {
    "ecs-agent": "C1",
    "ecs-telemetry": "C1",
    "ecs": "C1",
    "ecr.api": "C6",
    "ecr.dkr": "C6",
    "secretsmanager": "C7",
    "logs": "C8",
}


def _expected_name(key: str, region: str) -> str | None:
    try:
        return awsfacts.service_name(key, region) if key in CATALOG else None
    except UnknownRegionError:
        return None


def check_endpoint_same_region(resource: Resource, settings: Settings, report: Report) -> None:
    endpoint = endpoint_of(None, resource, settings)
    if is_unknown(endpoint.service_name):
        report.cannot_check(f"The service name of VPC endpoint {resource.label} is not known yet (C3).")
        return
    if is_unknown(endpoint.region):
        report.cannot_check(f"The Region of VPC endpoint {resource.label} is not known yet (C3).")
        return
    service, region = endpoint.service, endpoint.region
    if service is None or not isinstance(region, str):
        return  # not an AWS service name (e.g. a partner service), or no Region anywhere
    if service.region != region:
        replacement = _expected_name(service.key, region) or f"{service.prefix}.{region}.{service.key}"
        report.violation(
            f"Delete VPC endpoint {resource.label} and create one for {replacement} instead (C3): its "
            f"service {endpoint.service_name} belongs to {service.region}, but the endpoint is in {region} "
            "and endpoints do not serve requests for another Region (a leftover of a template copied from "
            "another Region?).",
            resource,
        )
        return
    expected = _expected_name(service.key, region)
    if service.key != "s3" and expected is not None and expected != endpoint.service_name:
        report.violation(
            f"Use the service name {expected} for VPC endpoint {resource.label} (C3): "
            f"{endpoint.service_name} is not how the {awsfacts.partition_of(region)} partition names "
            f"{service.key}.",
            resource,
        )


def _is_interface_service(endpoint: Endpoint) -> bool:
    key = endpoint.key
    return key is not None and key in CATALOG and CATALOG[key].type is EndpointType.INTERFACE


def _private_dns_applies(endpoint: Endpoint, report: Report) -> bool:
    """Whether the endpoint is an interface endpoint of a service that should resolve privately."""
    if is_unknown(endpoint.service_name) or is_unknown(endpoint.endpoint_type):
        label = endpoint.resource.label
        report.cannot_check(f"The service or type of VPC endpoint {label} is not known yet (C4).")
        return False
    key = endpoint.key
    if key is None or not _is_interface_service(endpoint) or not CATALOG[key].private_dns:
        return False
    # A wrongly typed endpoint is ecs-endpoints-are-interface's finding.
    return endpoint.endpoint_type == EndpointType.INTERFACE.value


def _report_private_dns(endpoint: Endpoint, report: Report) -> None:
    label = endpoint.resource.label
    if is_unknown(endpoint.private_dns):
        report.cannot_check(f"Whether VPC endpoint {label} has private DNS is not known yet (C4).")
    elif endpoint.private_dns is not True:
        report.violation(
            f"Enable private DNS on VPC endpoint {label} (C4) so that tasks resolve {endpoint.key} to the "
            "endpoint instead of the public address.",
            endpoint.resource,
        )


def check_endpoint_private_dns(resource: Resource, settings: Settings, report: Report) -> None:
    """Per resource: what the endpoint says about its own private DNS."""
    endpoint = endpoint_of(None, resource, settings)
    if endpoint.private_dns_set_on_endpoint and _private_dns_applies(endpoint, report):
        _report_private_dns(endpoint, report)


def check_endpoint_private_dns_in_stack(stack: Stack, settings: Settings, report: Report) -> None:
    """Over the stack: endpoints that leave it unset, unless an EndpointPrivateDns turns it on."""
    for endpoint in endpoints(stack, settings):
        if not endpoint.private_dns_set_on_endpoint and _private_dns_applies(endpoint, report):
            _report_private_dns(endpoint, report)


def check_ecs_endpoints_are_interface(resource: Resource, settings: Settings, report: Report) -> None:
    endpoint = endpoint_of(None, resource, settings)
    if is_unknown(endpoint.service_name) or is_unknown(endpoint.endpoint_type):
        report.cannot_check(f"The service or type of VPC endpoint {resource.label} is not known yet (C1).")
        return
    key = endpoint.key
    if key not in _WHY_INTERFACE or endpoint.endpoint_type != EndpointType.GATEWAY.value:
        return
    report.violation(
        f'Set vpcEndpointType to "Interface" on VPC endpoint {resource.label} ({_WHY_INTERFACE[key]}): '
        f"{key} is served only by interface endpoints, and Pulumi creates a Gateway endpoint when no type "
        "is set.",
        resource,
    )


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))


def check_endpoint_policy_valid(resource: Resource, settings: Settings, report: Report) -> None:
    raw = resource.get("policy")
    if raw is None:
        return  # no policy: the endpoint's default full-access policy
    document = parse_json(raw)
    if is_unknown(document):
        report.cannot_check(f"The endpoint policy of {resource.label} is not known yet (C12).")
        return
    statements = listify(document.get("Statement")) if isinstance(document, dict) else []
    if not statements or not all(isinstance(statement, dict) for statement in statements):
        report.violation(
            f"Fix the endpoint policy of {resource.label} (C12): it must be a JSON object with a Statement "
            "list of objects, each with Effect, Principal, Action and Resource.",
            resource,
        )
        return
    for index, statement in enumerate(statements):
        if statement.get("Effect") not in ("Allow", "Deny") or not (
            "Action" in statement or "NotAction" in statement
        ):
            report.violation(
                f"Fix statement {index} of the endpoint policy of {resource.label} (C12): give it an Effect "
                "of Allow or Deny and an Action.",
                resource,
            )
        elif (
            statement.get("Effect") == "Allow"
            and _everyone(statement.get("Principal", "*"))
            and any(action in ("*", "*:*") for action in listify(statement.get("Action")))
            and not statement.get("Condition")
        ):
            report.violation(
                f"Narrow statement {index} of the endpoint policy of {resource.label} (C12): it allows every "
                "action to every principal, which is the same as no policy; name the principals, actions and "
                "resources the workload needs.",
                resource,
            )
    if resource.type == VPC_ENDPOINT:
        _check_ecs_actions(resource, settings, statements, report)


def _check_ecs_actions(resource: Resource, settings: Settings, statements: list[Any], report: Report) -> None:
    key = endpoint_of(None, resource, settings).key
    required = [action for action in ECS_ENDPOINT_POLICY_ACTIONS.get(key or "", ()) if "*" not in action]
    allowed = [
        pattern
        for statement in statements
        if isinstance(statement, dict) and statement.get("Effect") == "Allow"
        for pattern in listify(statement.get("Action"))
        if isinstance(pattern, str)
    ]
    missing = [action for action in required if not any(_matches(pattern, action) for pattern in allowed)]
    if missing:
        report.violation(
            f"Allow {' and '.join(missing)} in the endpoint policy of {resource.label} (C12): the ECS "
            f"container agent calls {'them' if len(missing) > 1 else 'it'} through the {key} endpoint.",
            resource,
        )


def check_no_duplicate_private_dns_endpoints(stack: Stack, settings: Settings, report: Report) -> None:
    first_by_service: dict[tuple[str, str], Endpoint] = {}
    for endpoint in endpoints(stack, settings):
        if endpoint.endpoint_type != EndpointType.INTERFACE.value or endpoint.private_dns is not True:
            continue
        vpc = endpoint.vpc
        vpc_key = vpc.urn if isinstance(vpc, Resource) else as_str(endpoint.resource.get("vpcId"))
        if not isinstance(endpoint.service_name, str) or not isinstance(vpc_key, str):
            continue
        first = first_by_service.setdefault((vpc_key, endpoint.service_name), endpoint)
        if first is endpoint:
            continue
        where = vpc.label if isinstance(vpc, Resource) else vpc_key
        report.violation(
            f"Delete VPC endpoint {endpoint.resource.label} or turn off its private DNS (C15): VPC {where} "
            f"already has endpoint {first.resource.label} with private DNS for {endpoint.service_name}, and "
            "AWS rejects a second one.",
            endpoint.resource,
        )


_MANDATORY, _ADVISORY = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY

POLICIES = [
    resource_policy(
        name="endpoint-same-region",
        description="VPC endpoints name a service of their own Region and partition (C3).",
        resource_types=[VPC_ENDPOINT],
        check=check_endpoint_same_region,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Create the endpoint for com.amazonaws.<the endpoint's Region>.<service> and delete "
        "endpoints copied from another Region.",
        config=REGION_SCHEMA,
    ),
    resource_and_stack_policy(
        name="endpoint-private-dns",
        description="Interface endpoints of ECS-related services have private DNS enabled (C4).",
        resource_types=[VPC_ENDPOINT],
        resource_check=check_endpoint_private_dns,
        stack_check=check_endpoint_private_dns_in_stack,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Set privateDnsEnabled=True on the endpoint (or with an aws.vpc.EndpointPrivateDns).",
    ),
    resource_policy(
        name="ecs-endpoints-are-interface",
        description="ECS, ECR, Secrets Manager and Logs endpoints are of type Interface, not Gateway (C1, "
        "C9).",
        resource_types=[VPC_ENDPOINT],
        check=check_ecs_endpoints_are_interface,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation='Set vpcEndpointType="Interface" with subnets and a security group.',
    ),
    resource_policy(
        name="endpoint-policy-valid",
        description="Endpoint policies are valid JSON, not allow-all, and allow what the ECS agent calls "
        "(C12).",
        resource_types=[VPC_ENDPOINT, VPC_ENDPOINT_POLICY],
        check=check_endpoint_policy_valid,
        level=_ADVISORY,
        severity=Severity.MEDIUM,
        remediation="Write the policy with json.dumps; name principals and actions; allow ecs:Poll on "
        "ecs-agent and ecs:Poll plus ecs:StartTelemetrySession on ecs-telemetry.",
    ),
    stack_policy(
        name="no-duplicate-private-dns-endpoints",
        description="A VPC has at most one private-DNS interface endpoint per service (C15).",
        check=check_no_duplicate_private_dns_endpoints,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Keep one endpoint per service and VPC; share it between workloads.",
    ),
]
