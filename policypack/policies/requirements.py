"""Policies on which endpoints a VPC's workloads need (C1, C2, C6–C9, C14).

What is needed comes from ``awsfacts.required_endpoints`` only. It is asked twice per VPC: for
what surely runs there (missing endpoints are violations) and for what possibly runs there given
unknown values (missing endpoints are only "could not be checked yet" notes).
"""

from collections.abc import Callable

from pulumi_policy import EnforcementLevel, Severity

import awsfacts
from awsfacts import ECS_TRIO, EndpointType, Need, UnknownRegionError, is_post_line_region

from .base import Report, stack_policy
from .model import Resource, Stack
from .props import is_unknown
from .settings import (
    CENTRALISED_ENDPOINTS_SCHEMA,
    LAUNCH_TYPE_SCHEMA,
    REGION_SCHEMA,
    TRANSIT_GATEWAY_EGRESS_SCHEMA,
    Settings,
    assume_schema,
)
from .topology import (
    Endpoint,
    endpoint_route_tables,
    endpoints,
    endpoints_in,
    has_route_tables,
    private_zone_serves,
    region_of,
    route_tables_of_subnet,
)
from .workloads import Consumer, Signal, VpcWorkload, vpc_workloads


def _name(key: str, region: str) -> str:
    try:
        return awsfacts.service_name(key, region)
    except UnknownRegionError:
        return f"com.amazonaws.{region}.{key}"


def _evidence(signal: Signal) -> str:
    labels = signal.yes or signal.maybe
    return ", ".join(labels[:3]) + (" and others" if len(labels) > 3 else "")


def _merged(consumers: list[Consumer], pick: Callable[[Consumer], Signal]) -> Signal:
    merged = Signal()
    for consumer in consumers:
        merged.merge(pick(consumer))
    return merged


def _no_path(consumers: list[Consumer]) -> str:
    """Why the consumers have no internet path, as the end of a message ("... and have no ...")."""
    gateway_subnets = [label for c in consumers for label in c.reach.gateway_without_public_ip]
    if not gateway_subnets:
        return "have no internet path (no default route to a NAT or internet gateway)"
    subnets = ", ".join(sorted(set(gateway_subnets)))  # sorted: dependency order varies between runs
    return (
        f"have no internet path: subnets {subnets} route to an internet gateway, but without a public IP "
        "(assignPublicIp, associatePublicIpAddress) nothing reaches the internet through it"
    )


class _VpcEndpoints:
    """The endpoints of one VPC that serve its own Region, by catalog key, and the services whose
    endpoint name a private hosted zone associated with the VPC serves (centralised endpoints)."""

    def __init__(self, stack: Stack, workload: VpcWorkload, region: str, settings: Settings) -> None:
        self._stack, self._vpc, self._region = stack, workload.vpc, region
        found = endpoints_in(stack, workload.vpc, settings)
        self.by_key: dict[str, list[Endpoint]] = {}
        for endpoint in found:
            if endpoint.same_region and endpoint.key is not None:
                self.by_key.setdefault(endpoint.key, []).append(endpoint)
        # An endpoint whose service or Region is unknown might be the one that is missing.
        self.uncertain = any(
            is_unknown(endpoint.service_name) or is_unknown(endpoint.region) for endpoint in found
        )

    def has(self, key: str) -> bool:
        candidates = self.by_key.get(key, [])
        if key == "s3":  # ECR layers need the gateway; an S3 interface endpoint does not serve them
            return any(endpoint.endpoint_type == EndpointType.GATEWAY.value for endpoint in candidates)
        return bool(candidates) or private_zone_serves(self._stack, self._vpc, key, self._region)


Explain = Callable[[VpcWorkload, Need, list[Consumer], str], str]


def _vpc_region(workload: VpcWorkload, settings: Settings, report: Report, consideration: str) -> str | None:
    region = region_of(workload.vpc, settings)
    if is_unknown(region):
        if workload.consumers:
            report.cannot_check(f"The Region of VPC {workload.vpc.label} is not known yet ({consideration}).")
        return None
    return region if isinstance(region, str) else None


def _possible_note(workload: VpcWorkload, need: Need, consumers: list[Consumer], consideration: str) -> str:
    transit = [consumer for consumer in consumers if consumer.reach.transit]
    if transit:
        who = ", ".join(consumer.label for consumer in transit[:3])
        return (
            f"Whether {who} in VPC {workload.vpc.label} reach AWS's public endpoints through the transit "
            f"gateway (or other network) their subnets' default route points at is not known "
            f"({consideration}): create the {need.key} endpoint unless that route leads to an internet "
            "egress, and state which with the policy config transitGatewayEgress ('internet' or 'none')."
        )
    return (
        f"Whether VPC {workload.vpc.label} needs the {need.key} endpoint is not known yet ({consideration})."
    )


def _central_endpoints_may_serve(need: Need, consumers: list[Consumer], settings: Settings) -> bool:
    """Interface endpoints of a hub VPC can serve consumers whose subnets all route there (a gateway
    endpoint cannot: it serves only its own VPC's route tables)."""
    return (
        need.key != "s3"
        and settings.centralised_endpoints != "none"
        and bool(consumers)
        and all(consumer.reach.other_networks for consumer in consumers)
    )


def _central_note(workload: VpcWorkload, need: Need, region: str, consideration: str) -> str:
    return (
        f"Whether an endpoint for {_name(need.key, region)} in another VPC serves VPC {workload.vpc.label} "
        f"is not known ({consideration}): its subnets route to another network (a transit gateway or "
        "peering) and it has no such endpoint of its own. Create the endpoint here unless centralised "
        "endpoints and a private hosted zone associated with this VPC serve it, and state which with the "
        "policy config centralisedEndpoints ('shared' or 'none')."
    )


def _check_needs(
    stack: Stack, settings: Settings, report: Report, consideration: str, explain: Explain
) -> None:
    for workload in vpc_workloads(stack, settings):
        if not workload.consumers:
            continue
        region = _vpc_region(workload, settings, report, consideration)
        if region is None:
            continue
        present = _VpcEndpoints(stack, workload, region, settings)
        sure = [
            (need, consumers)
            for need, consumers in workload.needs(region, definite=True)
            if consideration in need.considerations
        ]
        for need, consumers in sure:
            if present.has(need.key):
                continue
            if _central_endpoints_may_serve(need, consumers, settings):
                if settings.centralised_endpoints == "unknown":
                    report.cannot_check(_central_note(workload, need, region, consideration))
                continue
            if present.uncertain:
                report.cannot_check(
                    f"Whether VPC {workload.vpc.label} has the {need.key} endpoint is not known yet "
                    f"({consideration})."
                )
            else:
                report.violation(explain(workload, need, consumers, region), workload.vpc)
        sure_keys = {need.key for need, _ in sure}
        for need, consumers in workload.needs(region, definite=False):
            if (
                consideration in need.considerations
                and need.key not in sure_keys
                and not present.has(need.key)
            ):
                report.cannot_check(_possible_note(workload, need, consumers, consideration))


def _create(need: Need, region: str, workload: VpcWorkload) -> str:
    return f"Create an interface VPC endpoint for {_name(need.key, region)} in VPC {workload.vpc.label}"


def check_ecs_endpoints_for_ec2(stack: Stack, settings: Settings, report: Report) -> None:
    _check_needs(
        stack,
        settings,
        report,
        "C1",
        lambda workload, need, consumers, region: (
            f"{_create(need, region, workload)} (C1): EC2 container instances there "
            f"({_evidence(_merged(consumers, lambda c: c.ec2))}) cannot reach ECS without it: they "
            f"{_no_path(consumers)}."
        ),
    )


def _explain_ecr(workload: VpcWorkload, need: Need, consumers: list[Consumer], region: str) -> str:
    evidence = _evidence(_merged(consumers, lambda c: c.features.private_ecr_images))
    if need.key == "s3":
        return (
            f"Create a Gateway VPC endpoint for {_name('s3', region)} in VPC {workload.vpc.label} and "
            "associate it with the tasks' route tables (C6): layers of the private ECR images of "
            f"{evidence} are served from S3, an S3 interface endpoint does not serve them, and "
            f"the tasks {_no_path(consumers)}."
        )
    return (
        f"{_create(need, region, workload)} (C6): tasks there pull private ECR images ({evidence}) and "
        f"{_no_path(consumers)}."
    )


def check_ecr_endpoints_for_private_images(stack: Stack, settings: Settings, report: Report) -> None:
    _check_needs(stack, settings, report, "C6", _explain_ecr)
    _check_s3_route_tables(stack, settings, report)


def _check_s3_route_tables(stack: Stack, settings: Settings, report: Report) -> None:
    """The S3 gateway serves only the route tables it is associated with: those of the tasks' subnets."""
    for workload in vpc_workloads(stack, settings):
        region = region_of(workload.vpc, settings)
        if not isinstance(region, str) or not workload.consumers:
            continue
        gateways = [
            endpoint
            for endpoint in _VpcEndpoints(stack, workload, region, settings).by_key.get("s3", [])
            if endpoint.endpoint_type == EndpointType.GATEWAY.value
        ]
        if not gateways:
            continue
        served = [table for gateway in gateways for table in endpoint_route_tables(stack, gateway.resource)]
        unserved: dict[str, list[Resource]] = {}  # route table URN -> the task subnets it routes
        for need, consumers in workload.needs(region, definite=True):
            if need.key != "s3":
                continue
            for consumer in consumers:
                for subnet in workload.network_subnets(consumer):
                    tables = route_tables_of_subnet(stack, subnet)
                    for table in [] if is_unknown(tables) else tables:
                        if table not in served and subnet not in unserved.get(table.urn, []):
                            unserved.setdefault(table.urn, []).append(subnet)
        for table_urn, subnets in unserved.items():
            report.violation(
                f"Associate S3 gateway endpoint {gateways[0].resource.label} with route table "
                f"{stack.by_urn[table_urn].label} (C6): tasks in subnets "
                f"{', '.join(sorted(subnet.label for subnet in subnets))} pull private ECR images whose "
                "layers come from S3.",
                gateways[0].resource,
            )


def check_secretsmanager_endpoint_for_secrets(stack: Stack, settings: Settings, report: Report) -> None:
    _check_needs(
        stack,
        settings,
        report,
        "C7",
        lambda workload, need, consumers, region: (
            f"{_create(need, region, workload)} (C7): tasks there read Secrets Manager secrets "
            f"({_evidence(_merged(consumers, lambda c: c.features.secrets_manager))}) and "
            f"{_no_path(consumers)}."
        ),
    )


def check_logs_endpoint_for_awslogs(stack: Stack, settings: Settings, report: Report) -> None:
    _check_needs(
        stack,
        settings,
        report,
        "C8",
        lambda workload, need, consumers, region: (
            f"{_create(need, region, workload)} (C8): tasks there use the awslogs log driver "
            f"({_evidence(_merged(consumers, lambda c: c.features.awslogs))}) and {_no_path(consumers)}."
        ),
    )


def check_ecs_agent_endpoint_for_service_connect(stack: Stack, settings: Settings, report: Report) -> None:
    _check_needs(
        stack,
        settings,
        report,
        "C9",
        lambda workload, need, consumers, region: (
            f"{_create(need, region, workload)} (C9): Service Connect "
            f"({_evidence(_merged(consumers, lambda c: c.features.service_connect))}) manages its Envoy "
            f"proxies through it, and the tasks {_no_path(consumers)}."
        ),
    )


def check_ecs_endpoints_all_or_none(stack: Stack, settings: Settings, report: Report) -> None:
    for workload in vpc_workloads(stack, settings):
        region = _vpc_region(workload, settings, report, "C2")
        if region is None or not is_post_line_region(region):
            continue
        present = _VpcEndpoints(stack, workload, region, settings)
        have = [key for key in ECS_TRIO if present.has(key)]
        needed = [need.key for need, _ in workload.needs(region, definite=True)]
        missing = [key for key in awsfacts.ecs_trio_bound_by_c2(region, [*have, *needed]) if key not in have]
        if not missing:
            continue
        if present.uncertain:
            report.cannot_check(f"Which ECS endpoints VPC {workload.vpc.label} has is not known yet (C2).")
            continue
        names = ", ".join(_name(key, region) for key in missing)
        why = f"with only {', '.join(have)}" if have else "with none of them"
        report.violation(
            f"Create the VPC endpoints for {names} in VPC {workload.vpc.label} (C2): in {region}, a Region "
            "introduced on or after 2023-12-23, the ecs-agent, ecs-telemetry and ecs endpoints work only "
            f"as a set, and {why} ECS traffic silently goes to the public endpoints.",
            workload.vpc,
        )


def check_no_unneeded_ecs_endpoints(stack: Stack, settings: Settings, report: Report) -> None:
    for workload in vpc_workloads(stack, settings):
        if workload.fargate.state is not True or workload.ec2.state is not False:
            continue  # only a VPC known to run nothing but Fargate can do without them
        region = region_of(workload.vpc, settings)
        if not isinstance(region, str):
            continue
        wanted = {need.key for need, _ in workload.needs(region, definite=False)}
        present = _VpcEndpoints(stack, workload, region, settings)
        for key in ECS_TRIO:
            if key in wanted:
                continue
            for endpoint in present.by_key.get(key, []):
                report.violation(
                    f"Delete VPC endpoint {endpoint.resource.label} (C14): VPC {workload.vpc.label} runs "
                    f"only Fargate tasks ({_evidence(workload.fargate)}), which do not use the {key} "
                    "endpoint, and each interface endpoint is billed per Availability Zone and hour.",
                    endpoint.resource,
                )


def check_public_images_reachable(stack: Stack, settings: Settings, report: Report) -> None:
    for workload in vpc_workloads(stack, settings):
        region = region_of(workload.vpc, settings)
        where = f" in {region}" if isinstance(region, str) else ""
        for consumer in workload.consumers:
            images = consumer.features.public_images.yes
            if consumer.reach.internet is not False or not images:
                continue
            fix = (
                "set assignPublicIp"
                if consumer.reach.gateway_without_public_ip and consumer.fargate.state is True
                else "give the subnets a NAT gateway route"
            )
            report.violation(
                f"Make image {', '.join(images)} of {consumer.label} reachable (C6): its tasks "
                f"{_no_path([consumer])}, no VPC endpoint serves a public registry, and the tasks fail with "
                f"CannotPullContainerError; {fix}, or copy the image to a private ECR repository{where} (an "
                "ECR pull-through cache does it) and create the ECR endpoints.",
                consumer.resource or workload.vpc,
            )


def check_s3_gateway_route_tables(stack: Stack, settings: Settings, report: Report) -> None:
    for endpoint in endpoints(stack, settings):
        if endpoint.key != "s3" or endpoint.endpoint_type != EndpointType.GATEWAY.value:
            continue
        if has_route_tables(stack, endpoint.resource) is False:
            report.violation(
                f"Associate S3 gateway endpoint {endpoint.resource.label} with the route tables of the "
                "subnets that use it (C6): a gateway endpoint serves only the route tables it is associated "
                "with, and this one has none, so it serves nothing (ECR image layers included).",
                endpoint.resource,
            )


_MANDATORY = EnforcementLevel.MANDATORY
_WORKLOAD_CONFIG = {**REGION_SCHEMA, **LAUNCH_TYPE_SCHEMA, **TRANSIT_GATEWAY_EGRESS_SCHEMA}
# The policies that require endpoints for what the workload uses.
_NEEDS_CONFIG = {**_WORKLOAD_CONFIG, **CENTRALISED_ENDPOINTS_SCHEMA}

POLICIES = [
    stack_policy(
        name="ecs-endpoints-for-ec2",
        description="VPCs without an internet path that run EC2 container instances have the ecs-agent, "
        "ecs-telemetry and ecs endpoints (C1).",
        check=check_ecs_endpoints_for_ec2,
        level=_MANDATORY,
        severity=Severity.CRITICAL,
        remediation="Create interface endpoints com.amazonaws.<region>.ecs-agent, .ecs-telemetry and .ecs.",
        config=_NEEDS_CONFIG,
    ),
    stack_policy(
        name="ecs-endpoints-all-or-none",
        description="In Regions introduced on or after 2023-12-23 a VPC has all three ECS endpoints or "
        "none (C2).",
        check=check_ecs_endpoints_all_or_none,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Create the missing ECS endpoints of the trio (or delete all three when nothing needs "
        "them).",
        config=_WORKLOAD_CONFIG,
    ),
    stack_policy(
        name="ecr-endpoints-for-private-images",
        description="VPCs whose tasks pull private ECR images have ecr.api, ecr.dkr and the S3 gateway on "
        "the tasks' route tables (C6).",
        check=check_ecr_endpoints_for_private_images,
        level=_MANDATORY,
        severity=Severity.CRITICAL,
        remediation="Create interface endpoints ecr.api and ecr.dkr and a Gateway endpoint for s3 associated "
        "with the tasks' route tables.",
        config={**_NEEDS_CONFIG, **assume_schema("assumePrivateEcrImages", "pull private ECR images")},
    ),
    stack_policy(
        name="secretsmanager-endpoint-for-secrets",
        description="VPCs whose tasks read Secrets Manager secrets have the secretsmanager endpoint (C7).",
        check=check_secretsmanager_endpoint_for_secrets,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Create the interface endpoint com.amazonaws.<region>.secretsmanager.",
        config={
            **_NEEDS_CONFIG,
            **assume_schema("assumeSecretsManagerSecrets", "read Secrets Manager secrets"),
        },
    ),
    stack_policy(
        name="logs-endpoint-for-awslogs",
        description="VPCs without an internet path whose tasks use the awslogs driver have the logs "
        "endpoint (C8).",
        check=check_logs_endpoint_for_awslogs,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Create the interface endpoint com.amazonaws.<region>.logs.",
        config={**_NEEDS_CONFIG, **assume_schema("assumeAwslogs", "use the awslogs log driver")},
    ),
    stack_policy(
        name="ecs-agent-endpoint-for-service-connect",
        description="VPCs with Service Connect services have the ecs-agent endpoint (C9).",
        check=check_ecs_agent_endpoint_for_service_connect,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Create the interface endpoint com.amazonaws.<region>.ecs-agent (there is no ecs-sc "
        "endpoint).",
        config={**_NEEDS_CONFIG, **assume_schema("assumeServiceConnect", "use Service Connect")},
    ),
    stack_policy(
        name="public-image-needs-internet",
        description="Tasks without an internet path do not use images from public registries, which no VPC "
        "endpoint serves (C6).",
        check=check_public_images_reachable,
        level=_MANDATORY,
        severity=Severity.HIGH,
        remediation="Give the tasks a public IP or a NAT route, or pull the image from a private ECR "
        "repository in the Region through the ECR endpoints.",
        config=_WORKLOAD_CONFIG,
    ),
    stack_policy(
        name="s3-gateway-route-tables",
        description="S3 gateway endpoints are associated with at least one route table (C6).",
        check=check_s3_gateway_route_tables,
        level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        remediation="Pass the route tables of the tasks' subnets as routeTableIds, or add "
        "VpcEndpointRouteTableAssociation resources.",
    ),
    stack_policy(
        name="no-unneeded-ecs-endpoints",
        description="Fargate-only VPCs do not pay for ECS endpoints they do not use (C14).",
        check=check_no_unneeded_ecs_endpoints,
        level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        remediation="Delete the ECS endpoints unless EC2 capacity, Service Connect or the C2 rule needs "
        "them.",
        config={**_WORKLOAD_CONFIG, **assume_schema("assumeServiceConnect", "use Service Connect")},
    ),
]
