"""Policies on VPC endpoints themselves: Region, private DNS, type, policy document, duplicates."""

import fnmatch
import json
import re
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

import awsfacts
from awsfacts import (
    CATALOG,
    ECS_ENDPOINT_POLICY_ACTIONS,
    SERVICE_CONSIDERATION,
    EndpointType,
    UnknownRegionError,
)

from .base import Report, resource_and_stack_policy, resource_policy, stack_policy
from .model import VPC_ENDPOINT, VPC_ENDPOINT_POLICY, Resource, Stack
from .props import as_str, is_unknown, listify, parse_json
from .settings import LAUNCH_TYPE_SCHEMA, REGION_SCHEMA, Settings
from .topology import Endpoint, endpoint_of, endpoints, private_zone_serves
from .workloads import vpc_workloads


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
    service_region = resource.get("serviceRegion")
    if is_unknown(service_region):
        report.cannot_check(f"The serviceRegion of VPC endpoint {resource.label} is not known yet (C3).")
        return
    if isinstance(service_region, str) and service_region:
        # A cross-Region endpoint (PrivateLink for AWS services in another Region): the name follows it.
        if service.region != service_region:
            report.violation(
                f"Name the service of VPC endpoint {resource.label} for its serviceRegion {service_region} "
                f"(C3): {endpoint.service_name} belongs to {service.region}.",
                resource,
            )
        return
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


def fix_endpoint_same_region(resource: Resource, settings: Settings) -> dict[str, Any]:
    """The service name for the endpoint's own Region, when only the Region or the China prefix is off.

    Only catalog services (the pack knows they exist in every Region of the partition) and only within one
    partition: a name from another partition is a copied template the author must look at. An endpoint
    with ``serviceRegion`` set is a cross-Region endpoint on purpose and is left as it is.
    """
    if resource.get("serviceRegion") is not None:
        return {}
    endpoint = endpoint_of(None, resource, settings)
    service, region = endpoint.service, endpoint.region
    if service is None or not isinstance(region, str) or is_unknown(endpoint.service_name):
        return {}
    try:
        same_partition = awsfacts.partition_of(service.region) == awsfacts.partition_of(region)
    except UnknownRegionError:
        return {}
    expected = _expected_name(service.key, region)
    if not same_partition or service.key == "s3" or expected is None or expected == endpoint.service_name:
        return {}
    return {"serviceName": expected}


def check_endpoint_service_name_known(resource: Resource, settings: Settings, report: Report) -> None:
    """A near miss of an ECS-related service name (ecs.agent, ecr-dkr, ecs-sc) that AWS rejects."""
    endpoint = endpoint_of(None, resource, settings)
    service = endpoint.service
    if service is None:
        return  # unknown (endpoint-same-region says so), not an AWS service name, or no name at all
    meant = awsfacts.meant_service(service.key)
    if meant is None:
        return
    region = endpoint.region if isinstance(endpoint.region, str) else service.region
    names = [_expected_name(key, region) or f"{service.prefix}.{region}.{key}" for key in meant.keys]
    use = f"the service name {names[0]}" if len(names) == 1 else f"the service names {' and '.join(names)}"
    hint = f" {meant.hint}" if meant.hint else ""
    report.violation(
        f"Use {use} for VPC endpoint {resource.label} ({meant.consideration}): {endpoint.service_name} is "
        f"not a service AWS offers, so creating the endpoint fails.{hint}",
        resource,
    )


def _is_interface_service(endpoint: Endpoint) -> bool:
    key = endpoint.key
    return key is not None and key in CATALOG and CATALOG[key].type is EndpointType.INTERFACE


def _private_dns_applies(endpoint: Endpoint) -> bool:
    """Whether the endpoint is an interface endpoint of a service ECS tasks, agents or image pulls use."""
    key = endpoint.key
    if key is None or key not in SERVICE_CONSIDERATION or not _is_interface_service(endpoint):
        return False
    # A wrongly typed endpoint is ecs-endpoints-are-interface's finding.
    return CATALOG[key].private_dns and endpoint.endpoint_type == EndpointType.INTERFACE.value


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


def check_endpoint_private_dns(stack: Stack, settings: Settings, report: Report) -> None:
    """Endpoints that ECS workloads of their VPC use resolve privately: private DNS on the endpoint (or
    an EndpointPrivateDns), or a Route 53 private hosted zone of the VPC that serves the name (the
    pattern of centralised endpoints). VPCs that run no ECS are left alone (shared-services hubs)."""
    runs_ecs = {workload.vpc.urn: bool(workload.consumers) for workload in vpc_workloads(stack, settings)}
    any_ecs = any(runs_ecs.values())
    for endpoint in endpoints(stack, settings):
        if is_unknown(endpoint.service_name) or is_unknown(endpoint.endpoint_type):
            label = endpoint.resource.label
            report.cannot_check(f"The service or type of VPC endpoint {label} is not known yet (C4).")
            continue
        if not _private_dns_applies(endpoint) or endpoint.private_dns is True:
            continue
        vpc, key = endpoint.vpc, endpoint.key
        if isinstance(vpc, Resource):
            region = endpoint.region if isinstance(endpoint.region, str) else None
            if not runs_ecs.get(vpc.urn, False):
                continue
            if key is not None and region is not None and private_zone_serves(stack, vpc, key, region):
                continue
        elif not any_ecs:
            continue  # a VPC of another stack, and nothing here runs ECS in it
        _report_private_dns(endpoint, report)


def fix_endpoint_private_dns(resource: Resource, settings: Settings) -> dict[str, Any]:
    """Private DNS on an interface endpoint of a service ECS uses that leaves it unset (Pulumi's default
    is off). An explicit ``privateDnsEnabled: false`` is a decision (a hub served by a private hosted zone,
    or another endpoint of the service in the VPC has it: C15) and stays; the stack check judges it."""
    endpoint = endpoint_of(None, resource, settings)
    if is_unknown(endpoint.service_name) or is_unknown(endpoint.endpoint_type):
        return {}
    if endpoint.private_dns_set_on_endpoint or not _private_dns_applies(endpoint):
        return {}
    return {"privateDnsEnabled": True}


def _needs_interface_type(endpoint: Endpoint) -> bool:
    key = endpoint.key
    return (
        key in SERVICE_CONSIDERATION
        and CATALOG[key].type is EndpointType.INTERFACE
        and endpoint.endpoint_type == EndpointType.GATEWAY.value
    )


def fix_ecs_endpoints_are_interface(resource: Resource, settings: Settings) -> dict[str, Any]:
    """Type Interface for an ECS, ECR, Logs or Secrets Manager endpoint typed (or defaulted to) Gateway:
    AWS offers no gateway endpoint for them, so the Gateway type can never be meant. An endpoint with route
    tables is left alone: it was written as a gateway, and an interface endpoint takes subnets instead."""
    endpoint = endpoint_of(None, resource, settings)
    if is_unknown(endpoint.service_name) or is_unknown(endpoint.endpoint_type):
        return {}
    if not _needs_interface_type(endpoint) or resource.get("routeTableIds") not in (None, []):
        return {}
    return {"vpcEndpointType": EndpointType.INTERFACE.value}


def check_ecs_endpoints_are_interface(resource: Resource, settings: Settings, report: Report) -> None:
    endpoint = endpoint_of(None, resource, settings)
    if is_unknown(endpoint.service_name) or is_unknown(endpoint.endpoint_type):
        report.cannot_check(f"The service or type of VPC endpoint {resource.label} is not known yet (C1).")
        return
    key = endpoint.key
    if key is None or not _needs_interface_type(endpoint):
        return
    why = SERVICE_CONSIDERATION[key]
    report.violation(
        f'Set vpcEndpointType to "Interface" on VPC endpoint {resource.label} ({why}): '
        f"{key} is served only by interface endpoints, and Pulumi creates a Gateway endpoint when no type "
        "is set.",
        resource,
    )


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))


_EVERY_SERVICE_ACTION = re.compile(r"^[A-Za-z0-9-]+:\*$")  # "logs:*": every action of one service


def _is_aws_service_endpoint(resource: Resource, settings: Settings) -> bool:
    """False for endpoints of PrivateLink partner and customer services, whose policies are theirs."""
    endpoint = endpoint_of(None, resource, settings)
    return not isinstance(endpoint.service_name, str) or endpoint.service is not None


def _check_allow_statement(resource: Resource, index: int, statement: dict[str, Any], report: Report) -> None:
    where = f"statement {index} of the endpoint policy of {resource.label}"
    if "NotAction" in statement:
        report.violation(
            f"Replace NotAction in {where} with the list of actions the workload needs (C12): an Allow "
            "with NotAction allows every action it does not name, including every action added later.",
            resource,
        )
        return
    if not _everyone(statement.get("Principal", "*")):
        return
    actions = [action for action in listify(statement.get("Action")) if isinstance(action, str)]
    every_resource = "*" in listify(statement.get("Resource", "*"))
    conditioned = bool(statement.get("Condition"))
    if any(action in ("*", "*:*") for action in actions):
        if not conditioned:
            report.violation(
                f"Narrow {where} (C12): it allows every action to every principal, which is the same as no "
                "policy; name the principals, actions and resources the workload needs.",
                resource,
            )
        elif every_resource:
            report.violation(
                f"Narrow {where} (C12): it allows every action on every resource to every principal its "
                "condition admits; the condition limits who, not what, so name the actions and resources "
                "the workload needs.",
                resource,
            )
        return
    service_wide = [action for action in actions if _EVERY_SERVICE_ACTION.match(action)]
    if service_wide and every_resource and not conditioned:
        report.violation(
            f"Narrow {where} (C12): it allows {' and '.join(service_wide)} on every resource to every "
            "principal of any account; add a condition such as aws:PrincipalAccount, or name the "
            "principals, actions and resources the workload needs.",
            resource,
        )


def check_endpoint_policy_valid(resource: Resource, settings: Settings, report: Report) -> None:
    """Per resource: the policy document an endpoint or a VpcEndpointPolicy carries."""
    raw = resource.get("policy")
    if raw is None:
        if resource.type == VPC_ENDPOINT_POLICY:
            report.violation(
                f"Give the endpoint policy {resource.label} a policy document (C12): without one its "
                "endpoint gets AWS's default policy, which allows every action of every principal on every "
                "resource.",
                resource,
            )
        return  # an endpoint without a policy: the stack check looks for a separate VpcEndpointPolicy
    if resource.type == VPC_ENDPOINT and not _is_aws_service_endpoint(resource, settings):
        return
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
        elif statement.get("Effect") == "Allow":
            _check_allow_statement(resource, index, statement, report)
    if resource.type == VPC_ENDPOINT:
        _check_ecs_actions(resource, settings, statements, report)


def check_endpoint_policy_present(stack: Stack, settings: Settings, report: Report) -> None:
    """Over the stack: endpoints of AWS catalog services with no policy, inline or separate."""
    with_separate_policy: set[str] = set()
    unresolved_separate_policy = False
    for separate in stack.of_type(VPC_ENDPOINT_POLICY):
        targets = stack.refs(separate, "vpcEndpointId", VPC_ENDPOINT)
        with_separate_policy.update(target.urn for target in targets)
        if not targets and stack.points_at_something_unknown(separate, "vpcEndpointId"):
            unresolved_separate_policy = True
    for endpoint in endpoints(stack, settings):
        resource = endpoint.resource
        if resource.get("policy") is not None or resource.urn in with_separate_policy:
            continue
        if is_unknown(endpoint.service_name):
            report.cannot_check(f"The service name of VPC endpoint {resource.label} is not known yet (C12).")
            continue
        service = endpoint.service
        if service is None or service.key not in CATALOG:
            continue  # partner, customer or other services: their policies are not ours to judge
        if unresolved_separate_policy:
            report.cannot_check(
                f"Whether an aws:ec2/vpcEndpointPolicy gives VPC endpoint {resource.label} a policy is not "
                "known yet (C12)."
            )
            continue
        report.violation(
            f"Attach an endpoint policy to VPC endpoint {resource.label} (C12): without one the endpoint "
            f"allows every action of every principal on every resource of {service.key}; allow only the "
            "actions the workload needs, for principals of your account (aws:PrincipalAccount).",
            resource,
        )


def _actions_of(statements: list[Any], effect: str) -> list[str]:
    return [
        pattern
        for statement in statements
        if isinstance(statement, dict) and statement.get("Effect") == effect
        for pattern in listify(statement.get("Action"))
        if isinstance(pattern, str)
    ]


def _missing_ecs_actions(key: str | None, statements: list[Any]) -> list[str]:
    required = [action for action in ECS_ENDPOINT_POLICY_ACTIONS.get(key or "", ()) if "*" not in action]
    allowed = _actions_of(statements, "Allow")
    return [action for action in required if not any(_matches(pattern, action) for pattern in allowed)]


def fix_ecs_endpoint_policy_actions(resource: Resource, settings: Settings) -> dict[str, Any]:
    """An Allow statement for the agent's missing actions, appended to an ecs-agent or ecs-telemetry
    endpoint's own JSON policy. Left alone: policies not known yet, not JSON, without a Statement list,
    and those that Deny one of the actions (an Allow would not override the Deny)."""
    if resource.type != VPC_ENDPOINT or not isinstance(resource.get("policy"), str):
        return {}
    document = parse_json(resource.get("policy"))
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list):
        return {}
    statements = document["Statement"]
    if not all(isinstance(statement, dict) for statement in statements):
        return {}
    missing = _missing_ecs_actions(endpoint_of(None, resource, settings).key, statements)
    denials = [statement for statement in statements if statement.get("Effect") == "Deny"]
    if not missing or any("NotAction" in statement for statement in denials):
        return {}
    if any(_matches(pattern, action) for pattern in _actions_of(denials, "Deny") for action in missing):
        return {}
    allow = {"Sid": "EcsAgent", "Effect": "Allow", "Principal": "*", "Action": missing, "Resource": "*"}
    return {"policy": json.dumps({**document, "Statement": [*statements, allow]})}


def _check_ecs_actions(resource: Resource, settings: Settings, statements: list[Any], report: Report) -> None:
    key = endpoint_of(None, resource, settings).key
    missing = _missing_ecs_actions(key, statements)
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
        tags=["endpoints", "region"],
        fix=fix_endpoint_same_region,
    ),
    resource_policy(
        name="endpoint-service-name-known",
        description="VPC endpoints name a service AWS offers, not a near miss of one (ecs.agent, ecr-dkr, "
        "ecs-sc) (C1, C6-C9).",
        resource_types=[VPC_ENDPOINT],
        check=check_endpoint_service_name_known,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Use the service name the message gives, e.g. com.amazonaws.<Region>.ecs-agent; Service "
        "Connect uses ecs-agent and ECR needs ecr.api and ecr.dkr.",
        config=REGION_SCHEMA,
        tags=["endpoints"],
    ),
    # Before endpoint-private-dns: its remediation applies to interface endpoints, which this one makes.
    resource_policy(
        name="ecs-endpoints-are-interface",
        description="ECS, ECR, Secrets Manager and Logs endpoints are of type Interface, not Gateway (C1, "
        "C9).",
        resource_types=[VPC_ENDPOINT],
        check=check_ecs_endpoints_are_interface,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation='Set vpcEndpointType="Interface" with subnets and a security group.',
        tags=["endpoints"],
        fix=fix_ecs_endpoints_are_interface,
    ),
    stack_policy(
        name="endpoint-private-dns",
        description="Interface endpoints that ECS workloads of their VPC use resolve privately: private DNS "
        "on, or a Route 53 private hosted zone of the VPC serving the name (C4).",
        check=check_endpoint_private_dns,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Set privateDnsEnabled=True on the endpoint (or with an aws.vpc.EndpointPrivateDns), or "
        "serve its name to the VPC from a Route 53 private hosted zone.",
        config={**REGION_SCHEMA, **LAUNCH_TYPE_SCHEMA},
        tags=["dns"],
        fix=fix_endpoint_private_dns,
        fix_types=[VPC_ENDPOINT],
    ),
    resource_and_stack_policy(
        name="endpoint-policy-valid",
        description="Endpoints of AWS services have a policy, valid JSON, not allow-all, that allows what "
        "the ECS agent calls (C12).",
        resource_types=[VPC_ENDPOINT, VPC_ENDPOINT_POLICY],
        resource_check=check_endpoint_policy_valid,
        stack_check=check_endpoint_policy_present,
        level=_ADVISORY,
        severity=Severity.MEDIUM,
        remediation="Attach a policy written with json.dumps; name principals (or limit them with "
        "aws:PrincipalAccount), actions and resources; allow ecs:Poll on ecs-agent and ecs:Poll plus "
        "ecs:StartTelemetrySession on ecs-telemetry.",
        tags=["endpoint-policy", "iam"],
        fix=fix_ecs_endpoint_policy_actions,
    ),
    stack_policy(
        name="no-duplicate-private-dns-endpoints",
        description="A VPC has at most one private-DNS interface endpoint per service (C15).",
        check=check_no_duplicate_private_dns_endpoints,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Keep one endpoint per service and VPC; share it between workloads.",
        tags=["dns"],
    ),
]
