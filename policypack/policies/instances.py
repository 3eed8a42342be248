"""Policies on EC2 container instances: agent version (C10) and endpoint creation order (C11)."""

import itertools
import re

from pulumi_policy import EnforcementLevel, Severity

from awsfacts import ECS_OPTIMIZED_AMI_PARAMETER_PREFIX, ECS_TRIO

from .base import Report, stack_policy
from .model import EC2_INSTANCE, LAUNCH_TEMPLATE, Resource, Stack
from .props import as_str, is_unknown
from .settings import (
    DEFAULT_MINIMUM_AGENT_VERSION,
    LAUNCH_TYPE_SCHEMA,
    MINIMUM_AGENT_VERSION_SCHEMA,
    REGION_SCHEMA,
    Settings,
    parse_version,
)
from .topology import endpoints_in, region_of
from .workloads import decode_user_data, ecs_container_instance_groups, vpc_workloads

# Where user data pins an agent: the agent image tag or the ecs-init package version.
_PINNED_AGENT = re.compile(r"(?:amazon-ecs-agent:v?|ecs-init-)(\d+\.\d+\.\d+)")
_RECOMMENDED_AMI = f"resolve:ssm:{ECS_OPTIMIZED_AMI_PARAMETER_PREFIX}amazon-linux-2023/recommended/image_id"


def _version_text(version: tuple[int, int, int]) -> str:
    return ".".join(str(part) for part in version)


def _check_image(resource: Resource, image_prop: str, settings: Settings, report: Report) -> None:
    minimum = _version_text(settings.minimum_agent_version)
    pinned = _PINNED_AGENT.search(decode_user_data(resource.get("userData")))
    if pinned is not None:
        version = parse_version(pinned[1])
        if version is not None and version < settings.minimum_agent_version:
            report.violation(
                f"Upgrade the ECS agent that {resource.label} pins in its user data from {pinned[1]} to "
                f"{minimum} or later (C10): older agents cannot use the ECS VPC endpoints.",
                resource,
            )
        return
    image = as_str(resource.get(image_prop))
    if is_unknown(image):
        report.cannot_check(f"The AMI of {resource.label} is not known yet (C10).")
    elif not (isinstance(image, str) and ECS_OPTIMIZED_AMI_PARAMETER_PREFIX in image):
        report.violation(
            f"Use the ECS-optimized AMI through its SSM parameter for {resource.label} ({image_prop} "
            f'"{_RECOMMENDED_AMI}"), or make sure AMI {image or "(none)"} runs ECS agent {minimum} or later '
            "(C10): the pack cannot prove its agent version. Restart the agent or reboot instances that "
            "registered before the endpoints existed.",
            resource,
        )


def check_ecs_agent_version(stack: Stack, settings: Settings, report: Report) -> None:
    templates: dict[Resource, None] = {}  # in the order found, once each
    for group in ecs_container_instance_groups(stack):
        templates.update(dict.fromkeys(stack.refs(group, "launchTemplate", LAUNCH_TEMPLATE)))
        templates.update(dict.fromkeys(stack.refs(group, "mixedInstancesPolicy", LAUNCH_TEMPLATE)))
    for template in templates:
        _check_image(template, "imageId", settings, report)
    for instance in stack.of_type(EC2_INSTANCE):
        if "ECS_CLUSTER" in decode_user_data(instance.get("userData")):
            _check_image(instance, "ami", settings, report)


def check_ecs_endpoint_creation_order(stack: Stack, settings: Settings, report: Report) -> None:
    for workload in vpc_workloads(stack, settings):
        if workload.ec2.state is not True:
            continue  # the order matters only to container instances that already run
        region = region_of(workload.vpc, settings)
        trio: dict[str, Resource] = {}
        for endpoint in endpoints_in(stack, workload.vpc, settings):
            key = endpoint.key
            if key in ECS_TRIO and key not in trio and (not isinstance(region, str) or endpoint.same_region):
                trio[key] = endpoint.resource
        for earlier, later in itertools.pairwise(ECS_TRIO):
            if earlier in trio and later in trio and not stack.depends_on(trio[later], trio[earlier]):
                report.violation(
                    f"Make VPC endpoint {trio[later].label} depend on {trio[earlier].label} (C11), e.g. "
                    "with ResourceOptions(depends_on=[...]), so that running container instances see the "
                    "ECS endpoints appear in the order ecs-agent, ecs-telemetry, ecs.",
                    trio[later],
                )


POLICIES = [
    stack_policy(
        name="ecs-agent-version",
        description="ECS container instances provably run ECS agent "
        f"{DEFAULT_MINIMUM_AGENT_VERSION} or later (C10).",
        check=check_ecs_agent_version,
        level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        remediation="Take the AMI from the ECS-optimized AMI SSM parameter; restart the agent or reboot "
        "instances registered before the endpoints existed.",
        config=MINIMUM_AGENT_VERSION_SCHEMA,
    ),
    stack_policy(
        name="ecs-endpoint-creation-order",
        description="With EC2 container instances, the ECS endpoints are created ecs-agent, then "
        "ecs-telemetry, then ecs (C11).",
        check=check_ecs_endpoint_creation_order,
        level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        remediation="Chain the endpoints with depends_on: ecs-telemetry on ecs-agent, ecs on ecs-telemetry.",
        config={**REGION_SCHEMA, **LAUNCH_TYPE_SCHEMA},
    ),
]
