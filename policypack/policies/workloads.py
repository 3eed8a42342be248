"""What runs in each VPC: launch types and the features that need endpoints (C1, C6–C9, C14).

Evidence is kept as resource labels so messages can say *why* an endpoint is needed. Every fact
is three-valued: seen (``yes``), possibly (``maybe``: an unknown value could mean it), or absent.
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from awsfacts import LaunchType, Need, Workload, required_endpoints

from .model import (
    AUTOSCALING_GROUP,
    EC2_INSTANCE,
    ECR_REPOSITORY,
    ECS_CAPACITY_PROVIDER,
    ECS_CLUSTER,
    ECS_CLUSTER_CAPACITY_PROVIDERS,
    ECS_SERVICE,
    ECS_TASK_DEFINITION,
    LAUNCH_TEMPLATE,
    SECRETS,
    SECURITY_GROUP,
    SUBNET,
    VPC,
    Resource,
    Stack,
)
from .props import UNKNOWN, as_bool, as_dict, as_list, as_str, field_of, is_unknown, parse_json, strings
from .settings import Settings
from .topology import Unknowable, internet_path, vpc_of

_FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
_PRIVATE_ECR_IMAGE = re.compile(r"^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/")


@dataclass
class Signal:
    yes: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)

    def add(self, state: bool | Unknowable, label: str) -> None:
        target = self.maybe if is_unknown(state) else self.yes if state else None
        if target is not None and label not in target:
            target.append(label)

    def merge(self, other: "Signal") -> None:
        for label in other.yes:
            self.add(True, label)
        for label in other.maybe:
            self.add(UNKNOWN, label)

    @property
    def state(self) -> bool | Unknowable:
        return True if self.yes else UNKNOWN if self.maybe else False


@dataclass
class Features:
    private_ecr_images: Signal = field(default_factory=Signal)
    secrets_manager: Signal = field(default_factory=Signal)
    awslogs: Signal = field(default_factory=Signal)
    service_connect: Signal = field(default_factory=Signal)

    def merge(self, other: "Features") -> None:
        self.private_ecr_images.merge(other.private_ecr_images)
        self.secrets_manager.merge(other.secrets_manager)
        self.awslogs.merge(other.awslogs)
        self.service_connect.merge(other.service_connect)


@dataclass(eq=False)
class VpcWorkload:
    vpc: Resource
    ec2: Signal = field(default_factory=Signal)
    fargate: Signal = field(default_factory=Signal)
    features: Features = field(default_factory=Features)
    task_subnets: list[Resource] = field(default_factory=list)
    internet: bool | Unknowable = False

    def workload(self, *, definite: bool) -> Workload:
        """The workload for ``required_endpoints``: what surely runs (definite) or possibly runs."""

        def flag(signal: Signal) -> bool:
            return signal.state is True if definite else signal.state is not False

        launch_type = LaunchType.EC2 if flag(self.ec2) else LaunchType.FARGATE if flag(self.fargate) else None
        return Workload(
            launch_type=launch_type,
            private_ecr_images=flag(self.features.private_ecr_images),
            secrets_manager=flag(self.features.secrets_manager),
            awslogs=flag(self.features.awslogs),
            service_connect=flag(self.features.service_connect),
            # Surely needed only when surely no internet path; possibly needed unless surely one.
            internet_path=self.internet is not False if definite else self.internet is True,
        )

    def needs(self, region: str, *, definite: bool) -> list[Need]:
        return required_endpoints(region, self.workload(definite=definite))


def decode_user_data(value: object) -> str:
    """User data as text: launch templates take it base64-encoded, instances as plain text."""
    text = as_str(value)
    if not isinstance(text, str):
        return ""
    try:
        return text + "\n" + base64.b64decode(text, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return text


def task_features(task: Resource, stack: Stack) -> Features:
    """Features of a task definition's containers, from its container definitions JSON.

    At preview the JSON is often unknown as a whole; the resources it was computed from (an ECR
    repository, a Secrets Manager secret) still tell what it holds.
    """
    features = Features()
    label = f"task definition {task.label}"
    referenced = stack.dependencies(task, "containerDefinitions")
    repositories = [resource for resource in referenced if resource.type == ECR_REPOSITORY]
    has_secret = any(resource.type in SECRETS for resource in referenced)
    containers = parse_json(task.get("containerDefinitions"))
    if is_unknown(containers):
        features.private_ecr_images.add(True if repositories else UNKNOWN, label)
        features.secrets_manager.add(True if has_secret else UNKNOWN, label)
        features.awslogs.add(UNKNOWN, label)
        return features
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, dict):
            continue
        image = as_str(container.get("image"))
        if is_unknown(image):
            features.private_ecr_images.add(True if repositories else UNKNOWN, label)
        else:
            features.private_ecr_images.add(_is_private_ecr_image(image, repositories), label)
        secret_sources = [field_of(secret, "valueFrom") for secret in _list(container.get("secrets"))]
        secret_sources.append(field_of(container.get("repositoryCredentials"), "credentialsParameter"))
        log_options = _list(field_of(container.get("logConfiguration"), "secretOptions"))
        secret_sources += [field_of(option, "valueFrom") for option in log_options]
        driver = as_str(field_of(container.get("logConfiguration"), "logDriver"))
        features.awslogs.add(UNKNOWN if is_unknown(driver) else driver == "awslogs", label)
        for source in secret_sources:
            text = as_str(source)
            if is_unknown(text):
                features.secrets_manager.add(True if has_secret else UNKNOWN, label)
            elif text is not None:
                features.secrets_manager.add(
                    ":secretsmanager:" in text or bool(stack.find(text, *SECRETS)), label
                )
    return features


def _is_private_ecr_image(image: str | None, repositories: list[Resource]) -> bool:
    if image is None:
        return False
    if _PRIVATE_ECR_IMAGE.match(image):
        return True
    urls = [as_str(repository.get("repositoryUrl")) for repository in repositories]
    return any(isinstance(url, str) and image.startswith(url) for url in urls)


def _list(value: object) -> list[Any]:
    items = as_list(value)
    return [UNKNOWN] if is_unknown(items) else items


def _only_vpc(stack: Stack) -> Resource | None:
    vpcs = stack.of_type(VPC)
    return vpcs[0] if len(vpcs) == 1 else None


def _vpcs_of_subnets(stack: Stack, subnets: list[Resource]) -> list[Resource]:
    vpcs: list[Resource] = []
    for subnet in subnets:
        vpc = vpc_of(stack, subnet)
        if isinstance(vpc, Resource) and vpc not in vpcs:
            vpcs.append(vpc)
    return vpcs


def _asg_subnets(stack: Stack, group: Resource) -> list[Resource]:
    return stack.refs(group, "vpcZoneIdentifiers", SUBNET)


def _provider_groups(stack: Stack, provider: Resource) -> list[Resource]:
    return stack.refs(provider, "autoScalingGroupProvider", AUTOSCALING_GROUP, path=("autoScalingGroupArn",))


def _strategy_launch_type(stack: Stack, owner: Resource, prop: str, strategies: list[Any]) -> Signal:
    """EC2 (yes) when a strategy names a non-Fargate capacity provider; maybe when unknown."""
    ec2 = Signal()
    for strategy in strategies:
        provider = as_str(field_of(strategy, "capacityProvider"))
        if isinstance(provider, str) and provider not in _FARGATE_PROVIDERS:
            ec2.add(True, f"capacity provider '{provider}'")
        elif is_unknown(provider):
            named = stack.refs(owner, prop, ECS_CAPACITY_PROVIDER)
            ec2.add(True if named else UNKNOWN, f"capacity provider of {owner.label}")
    return ec2


def _uses_fargate(strategies: list[Any]) -> bool:
    return any(
        isinstance(strategy, dict) and strategy.get("capacityProvider") in _FARGATE_PROVIDERS
        for strategy in strategies
    )


def _service_launch_type(stack: Stack, service: Resource, task: Resource | None) -> tuple[Signal, Signal]:
    """(EC2, Fargate) signals of one service, the way ECS picks a launch type."""
    ec2, fargate = Signal(), Signal()
    label = f"service {service.label}"
    launch_type = as_str(service.get("launchType"))
    if is_unknown(launch_type):
        ec2.add(UNKNOWN, label)
        return ec2, fargate
    if launch_type is not None:
        ec2.add(launch_type == "EC2", label)
        fargate.add(launch_type == "FARGATE", label)
        return ec2, fargate
    for owner, prop in _strategy_owners(stack, service):
        strategies = _list(owner.get(prop))
        if strategies:
            ec2 = _strategy_launch_type(stack, owner, prop, strategies)
            fargate.add(_uses_fargate(strategies), label)
            return ec2, fargate
    compatibilities = strings(task.get("requiresCompatibilities")) if task is not None else []
    if is_unknown(compatibilities):
        ec2.add(UNKNOWN, label)
    elif compatibilities == ["FARGATE"]:
        fargate.add(True, label)
    elif stack.refs(service, "cluster", ECS_CLUSTER):
        ec2.add(True, label)  # ECS's default when neither a type nor a strategy is given
    else:
        ec2.add(UNKNOWN, label)  # a cluster of another stack may have a default strategy
    return ec2, fargate


def _strategy_owners(stack: Stack, service: Resource) -> list[tuple[Resource, str]]:
    """The service's own capacity provider strategy, then its cluster's default strategy."""
    owners = [(service, "capacityProviderStrategies")]
    clusters = stack.refs(service, "cluster", ECS_CLUSTER)
    for attachment in stack.of_type(ECS_CLUSTER_CAPACITY_PROVIDERS):
        if any(cluster in clusters for cluster in stack.refs(attachment, "clusterName", ECS_CLUSTER)):
            owners.append((attachment, "defaultCapacityProviderStrategies"))
    return owners


def _is_ecs_instance_template(template: Resource) -> bool:
    image = as_str(template.get("imageId"))
    if isinstance(image, str) and "/aws/service/ecs/" in image:
        return True
    return "ECS_CLUSTER" in decode_user_data(template.get("userData"))


def ecs_container_instance_groups(stack: Stack) -> list[Resource]:
    """Auto Scaling groups that run ECS container instances."""
    groups: list[Resource] = []
    for provider in stack.of_type(ECS_CAPACITY_PROVIDER):
        groups += [group for group in _provider_groups(stack, provider) if group not in groups]
    for group in stack.of_type(AUTOSCALING_GROUP):
        templates = stack.refs(group, "launchTemplate", LAUNCH_TEMPLATE) + stack.refs(
            group, "mixedInstancesPolicy", LAUNCH_TEMPLATE
        )
        if group not in groups and any(_is_ecs_instance_template(template) for template in templates):
            groups.append(group)
    return groups


def vpc_workloads(stack: Stack, settings: Settings) -> list[VpcWorkload]:
    """One entry per VPC of the stack, with what runs in it."""
    return stack.memo(("workloads", settings), lambda: _vpc_workloads(stack, settings))


def _vpc_workloads(stack: Stack, settings: Settings) -> list[VpcWorkload]:
    workloads = {vpc.urn: VpcWorkload(vpc) for vpc in stack.of_type(VPC)}
    only_vpc = _only_vpc(stack)

    def place(vpcs: list[Resource]) -> list[VpcWorkload]:
        if not vpcs and only_vpc is not None:
            vpcs = [only_vpc]
        return [workloads[vpc.urn] for vpc in vpcs if vpc.urn in workloads]

    used_tasks: list[Resource] = []
    for service in stack.of_type(ECS_SERVICE):
        tasks = stack.refs(service, "taskDefinition", ECS_TASK_DEFINITION)
        used_tasks += tasks
        task = tasks[0] if tasks else None
        subnets = stack.refs(service, "networkConfiguration", SUBNET, path=("subnets",))
        vpcs = _vpcs_of_subnets(stack, subnets)
        if not vpcs:
            for group in stack.refs(
                service, "networkConfiguration", SECURITY_GROUP, path=("securityGroups",)
            ):
                vpc = vpc_of(stack, group)
                if isinstance(vpc, Resource) and vpc not in vpcs:
                    vpcs.append(vpc)
        ec2, fargate = _service_launch_type(stack, service, task)
        features = task_features(task, stack) if task is not None else Features()
        connect = as_dict(service.get("serviceConnectConfiguration"))
        enabled = UNKNOWN if is_unknown(connect) else as_bool(connect.get("enabled"))
        features.service_connect.add(
            UNKNOWN if is_unknown(enabled) else enabled is True, f"service {service.label}"
        )
        for workload in place(vpcs):
            workload.ec2.merge(ec2)
            workload.fargate.merge(fargate)
            workload.features.merge(features)
            workload.task_subnets += [subnet for subnet in subnets if subnet not in workload.task_subnets]

    for task in stack.of_type(ECS_TASK_DEFINITION):
        if task in used_tasks:
            continue  # standalone tasks (run by schedulers) count in the stack's only VPC
        for workload in place([]):
            workload.features.merge(task_features(task, stack))
            compatibilities = strings(task.get("requiresCompatibilities"))
            workload.fargate.add(
                not is_unknown(compatibilities) and compatibilities == ["FARGATE"],
                f"task definition {task.label}",
            )

    for group in ecs_container_instance_groups(stack):
        for workload in place(_vpcs_of_subnets(stack, _asg_subnets(stack, group))):
            workload.ec2.add(True, f"Auto Scaling group {group.label}")
    for instance in stack.of_type(EC2_INSTANCE):
        if "ECS_CLUSTER" in decode_user_data(instance.get("userData")):
            for workload in place(_vpcs_of_subnets(stack, stack.refs(instance, "subnetId", SUBNET))):
                workload.ec2.add(True, f"instance {instance.label}")

    for workload in workloads.values():
        _apply_settings(workload, settings)
        workload.internet = internet_path(stack, workload.vpc)
    return list(workloads.values())


def _apply_settings(workload: VpcWorkload, settings: Settings) -> None:
    if settings.launch_type is not None:
        label = f"policy config launchType {settings.launch_type.value}"
        workload.ec2, workload.fargate = Signal(), Signal()
        (workload.ec2 if settings.launch_type is LaunchType.EC2 else workload.fargate).add(True, label)
    assumptions = (
        (settings.assume_private_ecr_images, workload.features.private_ecr_images, "assumePrivateEcrImages"),
        (settings.assume_secrets_manager, workload.features.secrets_manager, "assumeSecretsManagerSecrets"),
        (settings.assume_awslogs, workload.features.awslogs, "assumeAwslogs"),
        (settings.assume_service_connect, workload.features.service_connect, "assumeServiceConnect"),
    )
    for assumed, signal, key in assumptions:
        if assumed:
            signal.add(True, f"policy config {key}")
