"""What runs in each VPC: launch types and the features that need endpoints (C1, C6–C9, C14).

Evidence is kept as resource labels so messages can say *why* an endpoint is needed. Every fact
is three-valued: seen (``yes``), possibly (``maybe``: an unknown value could mean it), or absent.
"""

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from awsfacts import PLAN_ORDER, LaunchType, Need, Workload, is_private_ecr_image, required_endpoints

from .model import (
    AUTOSCALING_GROUP,
    EC2_INSTANCE,
    ECR_REPOSITORY,
    ECS_CAPACITY_PROVIDER,
    ECS_CLUSTER,
    ECS_CLUSTER_CAPACITY_PROVIDERS,
    ECS_SERVICE,
    ECS_TASK_DEFINITION,
    EVENT_TARGET,
    LAUNCH_TEMPLATE,
    LOG_GROUP,
    SECRETS,
    SECURITY_GROUP,
    SUBNETS,
    VPCS,
    Resource,
    Stack,
)
from .props import UNKNOWN, as_bool, as_dict, as_list, as_str, field_of, is_unknown, parse_json, strings
from .settings import Settings
from .topology import (
    Egress,
    Unknowable,
    group_keys,
    maps_public_ip,
    routes_to_other_networks,
    subnet_egress,
    subnets_of,
    vpc_of,
)

_FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


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
    public_images: Signal = field(default_factory=Signal)  # labels are the image references

    def merge(self, other: "Features") -> None:
        self.public_images.merge(other.public_images)
        self.private_ecr_images.merge(other.private_ecr_images)
        self.secrets_manager.merge(other.secrets_manager)
        self.awslogs.merge(other.awslogs)
        self.service_connect.merge(other.service_connect)


@dataclass(frozen=True)
class Reach:
    """Whether a consumer reaches AWS's public endpoints, and why not or why that is not known."""

    internet: bool | Unknowable
    # Subnets routed to an internet gateway that the consumer reaches without a public IP.
    gateway_without_public_ip: tuple[str, ...] = ()
    # Unknown only because of routes to a transit gateway or another network (transitGatewayEgress).
    transit: bool = False
    # Every subnet routes some destination to another network, where centralised endpoints may serve it.
    other_networks: bool = False


@dataclass(eq=False)
class Consumer:
    """Tasks or container instances that reach AWS from the same subnets: an internet path belongs to them.

    ``candidate`` consumers run in *one* of ``subnets`` (a standalone task definition, the policy
    config's assumed workload): they surely lack a path only when every candidate subnet does.
    """

    label: str
    resource: Resource | None = None  # what a violation about it points at
    subnets: list[Resource] = field(default_factory=list)
    subnets_complete: bool = True  # False: some of its subnets are not resources of this stack
    candidate: bool = False
    public_ip: bool | Unknowable | None = False  # None: the subnet's mapPublicIpOnLaunch decides
    security_groups: list[Resource] = field(default_factory=list)
    group_keys: set[str] = field(default_factory=set)  # its groups, also those of other stacks (by id)
    groups_unknown: bool = False
    ec2: Signal = field(default_factory=Signal)
    fargate: Signal = field(default_factory=Signal)
    features: Features = field(default_factory=Features)
    instances: bool = False  # EC2 container instances (their agent pulls images and ships logs)
    reach: Reach = field(default_factory=lambda: Reach(UNKNOWN))

    def workload(self, *, definite: bool) -> Workload:
        """The workload for ``required_endpoints``: what surely runs (definite) or possibly runs."""

        def flag(signal: Signal) -> bool:
            return signal.state is True if definite else signal.state is not False

        launch_type = LaunchType.EC2 if flag(self.ec2) else LaunchType.FARGATE if flag(self.fargate) else None
        internet = self.reach.internet
        return Workload(
            launch_type=launch_type,
            private_ecr_images=flag(self.features.private_ecr_images),
            secrets_manager=flag(self.features.secrets_manager),
            awslogs=flag(self.features.awslogs),
            service_connect=flag(self.features.service_connect),
            # Surely needed only when surely no internet path; possibly needed unless surely one.
            internet_path=internet is not False if definite else internet is True,
        )


@dataclass(eq=False)
class VpcWorkload:
    vpc: Resource
    consumers: list[Consumer] = field(default_factory=list)
    ec2: Signal = field(default_factory=Signal)
    fargate: Signal = field(default_factory=Signal)
    features: Features = field(default_factory=Features)

    def add(self, consumer: Consumer) -> None:
        self.consumers.append(consumer)
        self.ec2.merge(consumer.ec2)
        self.fargate.merge(consumer.fargate)
        self.features.merge(consumer.features)

    def network_subnets(self, consumer: Consumer) -> list[Resource]:
        """Where a consumer's AWS traffic leaves from: tasks on EC2 use their container instances'."""
        if consumer.instances or consumer.ec2.state is not True or consumer.fargate.state is not False:
            return consumer.subnets
        instances = [other for other in self.consumers if other.instances]
        return [subnet for other in instances for subnet in other.subnets] if instances else consumer.subnets

    def needs(self, region: str, *, definite: bool) -> list[tuple[Need, list[Consumer]]]:
        """What the VPC's consumers need, each need with the consumers that need it, in plan order."""
        found: dict[str, tuple[list[str], list[Consumer]]] = {}
        for consumer in self.consumers:
            for need in required_endpoints(region, consumer.workload(definite=definite)):
                reasons, consumers = found.setdefault(need.key, ([], []))
                reasons += [reason for reason in need.considerations if reason not in reasons]
                consumers.append(consumer)
        return [(Need(key, tuple(found[key][0])), found[key][1]) for key in PLAN_ORDER if key in found]


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
        # Unknown only because of the resources it was computed from: when none is a secret, the unknown
        # part is something else (a log group or repository name), so no secret is read through it.
        features.private_ecr_images.add(True if repositories else UNKNOWN, label)
        features.secrets_manager.add(True if has_secret else False if referenced else UNKNOWN, label)
        has_log_group = any(resource.type == LOG_GROUP for resource in referenced)
        features.awslogs.add(True if has_log_group else UNKNOWN, label)
        return features
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, dict):
            continue
        image = as_str(container.get("image"))
        if is_unknown(image):
            features.private_ecr_images.add(True if repositories else UNKNOWN, label)
        else:
            private = _is_private_ecr_image(image, repositories)
            features.private_ecr_images.add(private, label)
            if not private and isinstance(image, str) and public_registry(image) is not None:
                features.public_images.add(True, image)
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
    if is_private_ecr_image(image):
        return True
    urls = [as_str(repository.get("repositoryUrl")) for repository in repositories]
    return any(isinstance(url, str) and image.startswith(url) for url in urls)


# Registries on the internet that no VPC endpoint serves (Docker Hub is the default registry).
_PUBLIC_REGISTRIES = (
    "docker.io", "registry-1.docker.io", "index.docker.io", "public.ecr.aws", "ghcr.io", "quay.io",
    "gcr.io", "mcr.microsoft.com", "registry.k8s.io", "registry.gitlab.com", "nvcr.io",
)  # fmt: skip


def public_registry(image: str) -> str | None:
    """The public registry an image reference names, or None (a private or unrecognised registry)."""
    first, _, rest = image.partition("/")
    if not rest or ("." not in first and ":" not in first and first != "localhost"):
        return "Docker Hub"  # "nginx:1.27", "bitnami/redis": Docker Hub, the default registry
    host = first.lower()
    if host in _PUBLIC_REGISTRIES or host.endswith((".gcr.io", ".pkg.dev")):
        return host
    return None  # maybe a registry inside the network: it may well be reachable


def _list(value: object) -> list[Any]:
    items = as_list(value)
    return [UNKNOWN] if is_unknown(items) else items


def _only_vpc(stack: Stack) -> Resource | None:
    vpcs = stack.of_type(*VPCS)
    return vpcs[0] if len(vpcs) == 1 else None


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
    attachments = {
        attachment: None
        for cluster in stack.refs(service, "cluster", ECS_CLUSTER)
        for attachment in stack.referrers(cluster, "clusterName", ECS_CLUSTER_CAPACITY_PROVIDERS)
    }
    owners += [(attachment, "defaultCapacityProviderStrategies") for attachment in attachments]
    return owners


def _is_ecs_instance_template(template: Resource) -> bool:
    image = as_str(template.get("imageId"))
    if isinstance(image, str) and "/aws/service/ecs/" in image:
        return True
    return "ECS_CLUSTER" in decode_user_data(template.get("userData"))


def ecs_container_instance_groups(stack: Stack) -> list[Resource]:
    """Auto Scaling groups that run ECS container instances."""

    def compute() -> list[Resource]:
        groups: dict[Resource, None] = {}
        for provider in stack.of_type(ECS_CAPACITY_PROVIDER):
            groups.update(dict.fromkeys(_provider_groups(stack, provider)))
        for group in stack.of_type(AUTOSCALING_GROUP):
            if group not in groups and any(
                _is_ecs_instance_template(template) for template in _group_templates(stack, group)
            ):
                groups[group] = None
        return list(groups)

    return stack.memo("ecs-instance-groups", compute)


def vpc_workloads(stack: Stack, settings: Settings) -> list[VpcWorkload]:
    """One entry per VPC of the stack, with the consumers that run in it."""
    return stack.memo(("workloads", settings), lambda: _vpc_workloads(stack, settings))


def _subnets(stack: Stack, resource: Resource, prop: str, *path: str) -> tuple[list[Resource], bool]:
    """The subnets a property names, and whether every one of them is a resource of this stack."""
    found = stack.refs(resource, prop, *SUBNETS, path=tuple(path))
    named = strings(resource.get(prop, *path))
    if is_unknown(named):
        return found, bool(found)
    return found, len(found) >= len(named)


def _groups(stack: Stack, resource: Resource, prop: str, *path: str | int) -> list[Resource]:
    return stack.refs(resource, prop, SECURITY_GROUP, path=tuple(path))


def _add_groups(stack: Stack, consumer: Consumer, owner: Resource, prop: str, *path: str | int) -> None:
    consumer.security_groups += [
        group for group in _groups(stack, owner, prop, *path) if group not in consumer.security_groups
    ]
    keys, unknown = group_keys(stack, owner, prop, *path)
    consumer.group_keys |= keys
    consumer.groups_unknown = consumer.groups_unknown or unknown


def _vpcs_of(stack: Stack, consumer: Consumer) -> list[Resource]:
    vpcs: list[Resource] = []
    for member in [*consumer.subnets, *consumer.security_groups]:
        vpc = vpc_of(stack, member)
        if isinstance(vpc, Resource) and vpc not in vpcs:
            vpcs.append(vpc)
    return vpcs


def _public_ip(value: object) -> bool | Unknowable:
    """ECS's assignPublicIp: a boolean in pulumi-aws, "ENABLED"/"DISABLED" in the ECS API."""
    text = as_str(value)
    if isinstance(text, str) and text.upper() in ("ENABLED", "DISABLED"):
        return text.upper() == "ENABLED"
    flag = as_bool(value)
    return UNKNOWN if is_unknown(flag) else flag is True


def _service_consumer(stack: Stack, service: Resource, task: Resource | None) -> Consumer:
    subnets, complete = _subnets(stack, service, "networkConfiguration", "subnets")
    consumer = Consumer(
        label=f"service {service.label}",
        resource=service,
        subnets=subnets,
        subnets_complete=complete,
        public_ip=_public_ip(field_of(service.get("networkConfiguration"), "assignPublicIp")),
    )
    _add_groups(stack, consumer, service, "networkConfiguration", "securityGroups")
    consumer.ec2, consumer.fargate = _service_launch_type(stack, service, task)
    _ip_of_possible_ec2_tasks(consumer)
    consumer.features = task_features(task, stack) if task is not None else Features()
    connect = as_dict(service.get("serviceConnectConfiguration"))
    enabled = UNKNOWN if is_unknown(connect) else as_bool(connect.get("enabled"))
    consumer.features.service_connect.add(
        UNKNOWN if is_unknown(enabled) else enabled is True, f"service {service.label}"
    )
    return consumer


def _ip_of_possible_ec2_tasks(consumer: Consumer) -> None:
    """Tasks that may run on EC2 reach AWS through their container instance, whose public IP this
    resource does not tell (the stack's instances, if any, decide later: _reach_through_instances)."""
    if not (consumer.fargate.state is True and consumer.ec2.state is False) and consumer.public_ip is False:
        consumer.public_ip = UNKNOWN


def _scheduled_consumer(stack: Stack, target: Resource, task: Resource) -> Consumer:
    """A task that an EventBridge rule runs (``aws.cloudwatch.EventTarget`` with an ``ecsTarget``)."""
    subnets, complete = _subnets(stack, target, "ecsTarget", "networkConfiguration", "subnets")
    network = field_of(target.get("ecsTarget"), "networkConfiguration")
    consumer = Consumer(
        label=f"scheduled task {target.label}",
        resource=target,
        subnets=subnets,
        subnets_complete=complete,
        public_ip=_public_ip(field_of(network, "assignPublicIp")),
        features=task_features(task, stack),
    )
    _add_groups(stack, consumer, target, "ecsTarget", "networkConfiguration", "securityGroups")
    launch_type = as_str(field_of(target.get("ecsTarget"), "launchType"))
    compatibilities = strings(task.get("requiresCompatibilities"))
    fargate = launch_type == "FARGATE" or (
        launch_type is None and not is_unknown(compatibilities) and compatibilities == ["FARGATE"]
    )
    (consumer.fargate if fargate else consumer.ec2).add(
        True if fargate or launch_type == "EC2" else UNKNOWN, consumer.label
    )
    _ip_of_possible_ec2_tasks(consumer)
    return consumer


def _add_template_network(stack: Stack, consumer: Consumer, template: Resource) -> None:
    """A launch template's public IP choice (None: the subnet decides) and security groups."""
    _add_groups(stack, consumer, template, "vpcSecurityGroupIds")
    interfaces = as_list(template.get("networkInterfaces"))
    if is_unknown(interfaces):
        consumer.public_ip = UNKNOWN
        return
    consumer.public_ip = None
    for index, interface in enumerate(interfaces[:1]):
        consumer.public_ip = as_bool(field_of(interface, "associatePublicIpAddress"))
        _add_groups(stack, consumer, template, "networkInterfaces", index, "securityGroups")


def _instance_consumers(stack: Stack) -> list[Consumer]:
    consumers: list[Consumer] = []
    for group in ecs_container_instance_groups(stack):
        subnets, complete = _subnets(stack, group, "vpcZoneIdentifiers")
        consumer = Consumer(
            f"Auto Scaling group {group.label}", group, subnets, complete, public_ip=None, instances=True
        )
        for template in _group_templates(stack, group):
            _add_template_network(stack, consumer, template)
        consumer.ec2.add(True, consumer.label)
        consumers.append(consumer)
    for instance in stack.of_type(EC2_INSTANCE):
        if "ECS_CLUSTER" not in decode_user_data(instance.get("userData")):
            continue
        subnets, complete = _subnets(stack, instance, "subnetId")
        consumer = Consumer(
            f"instance {instance.label}",
            instance,
            subnets,
            complete,
            public_ip=as_bool(instance.get("associatePublicIpAddress")),
            instances=True,
        )
        _add_groups(stack, consumer, instance, "vpcSecurityGroupIds")
        _add_groups(stack, consumer, instance, "securityGroups")
        consumer.ec2.add(True, consumer.label)
        consumers.append(consumer)
    return consumers


def _group_templates(stack: Stack, group: Resource) -> list[Resource]:
    templates = stack.refs(group, "launchTemplate", LAUNCH_TEMPLATE)
    return templates + [
        template
        for template in stack.refs(group, "mixedInstancesPolicy", LAUNCH_TEMPLATE)
        if template not in templates
    ]


def _vpc_workloads(stack: Stack, settings: Settings) -> list[VpcWorkload]:
    workloads = {vpc.urn: VpcWorkload(vpc) for vpc in stack.of_type(*VPCS)}
    only_vpc = _only_vpc(stack)
    placed: list[tuple[Consumer, list[VpcWorkload]]] = []

    def place(consumer: Consumer) -> None:
        vpcs = _vpcs_of(stack, consumer)
        if not vpcs and only_vpc is not None:
            vpcs = [only_vpc]
            consumer.subnets_complete = consumer.subnets_complete and bool(consumer.subnets)
        placed.append((consumer, [workloads[vpc.urn] for vpc in vpcs if vpc.urn in workloads]))

    used_tasks: set[str] = set()
    for service in stack.of_type(ECS_SERVICE):
        tasks = stack.refs(service, "taskDefinition", ECS_TASK_DEFINITION)
        used_tasks.update(task.urn for task in tasks)
        place(_service_consumer(stack, service, tasks[0] if tasks else None))
    for target in stack.of_type(EVENT_TARGET):
        tasks = stack.refs(target, "ecsTarget", ECS_TASK_DEFINITION, path=("taskDefinitionArn",))
        if tasks:
            used_tasks.add(tasks[0].urn)
            place(_scheduled_consumer(stack, target, tasks[0]))
    for consumer in _instance_consumers(stack):
        place(consumer)
    for task in stack.of_type(ECS_TASK_DEFINITION):
        if task.urn in used_tasks or only_vpc is None:
            continue  # standalone tasks (run by schedulers elsewhere) count in the stack's only VPC
        consumer = Consumer(
            f"task definition {task.label}",
            task,
            subnets_of(stack, only_vpc),
            candidate=True,
            public_ip=UNKNOWN,
            features=task_features(task, stack),
        )
        compatibilities = strings(task.get("requiresCompatibilities"))
        consumer.fargate.add(
            not is_unknown(compatibilities) and compatibilities == ["FARGATE"], consumer.label
        )
        placed.append((consumer, [workloads[only_vpc.urn]]))

    for consumer, targets in placed:
        _apply_launch_type(consumer, settings)
        consumer.reach = reach_of(stack, consumer, settings)
        for workload in targets:
            workload.add(consumer)
    for workload in workloads.values():
        _reach_through_instances(workload)
        assumed = _assumed_consumer(stack, workload.vpc, settings)
        if assumed is not None:
            assumed.reach = reach_of(stack, assumed, settings)
            workload.add(assumed)
    return list(workloads.values())


def _reach_through_instances(workload: VpcWorkload) -> None:
    """Tasks on EC2 pull images, fetch secrets and ship logs through their container instance's network."""
    instances = [consumer for consumer in workload.consumers if consumer.instances]
    if not instances:
        return
    combined = _combine([consumer.reach for consumer in instances], candidate=False)
    for consumer in workload.consumers:
        if not consumer.instances and consumer.ec2.state is True and consumer.fargate.state is False:
            consumer.reach = combined


def _apply_launch_type(consumer: Consumer, settings: Settings) -> None:
    if settings.launch_type is None or consumer.instances:
        return
    consumer.ec2, consumer.fargate = Signal(), Signal()
    _declare_launch_type(consumer, settings.launch_type)


def _declare_launch_type(consumer: Consumer, launch_type: LaunchType) -> None:
    label = f"policy config launchType {launch_type.value}"
    (consumer.ec2 if launch_type is LaunchType.EC2 else consumer.fargate).add(True, label)


def _assumed_consumer(stack: Stack, vpc: Resource, settings: Settings) -> Consumer | None:
    """The workload the policy config declares for every VPC (network-only stacks)."""
    consumer = Consumer(
        "the workload the policy config declares",
        None,
        subnets_of(stack, vpc),
        candidate=True,
        public_ip=None,
    )
    if settings.launch_type is not None:
        _declare_launch_type(consumer, settings.launch_type)
    assumptions = (
        (settings.assume_private_ecr_images, consumer.features.private_ecr_images, "assumePrivateEcrImages"),
        (settings.assume_secrets_manager, consumer.features.secrets_manager, "assumeSecretsManagerSecrets"),
        (settings.assume_awslogs, consumer.features.awslogs, "assumeAwslogs"),
        (settings.assume_service_connect, consumer.features.service_connect, "assumeServiceConnect"),
    )
    for assumed, signal, key in assumptions:
        if assumed:
            signal.add(True, f"policy config {key}")
    if (
        consumer.ec2.state is False
        and consumer.fargate.state is False
        and not any(assumed for assumed, _, _ in assumptions)
    ):
        return None
    return consumer


# --- Reach ---------------------------------------------------------------------------------------


def _subnet_reach(stack: Stack, consumer: Consumer, subnet: Resource, settings: Settings) -> Reach:
    egress = subnet_egress(stack, subnet)
    if egress is Egress.NAT:
        return Reach(True)
    other_networks = routes_to_other_networks(stack, subnet)
    if egress is Egress.NONE:
        return Reach(False, other_networks=other_networks)
    if egress is Egress.INTERNET_GATEWAY:
        public_ip = maps_public_ip(subnet) if consumer.public_ip is None else consumer.public_ip
        return Reach(
            public_ip, () if public_ip is not False else (subnet.label,), other_networks=other_networks
        )
    if egress is Egress.TRANSIT:
        declared = settings.transit_gateway_egress
        internet = True if declared == "internet" else False if declared == "none" else UNKNOWN
        return Reach(internet, transit=True, other_networks=other_networks)
    return Reach(UNKNOWN)


def _combine(reaches: list[Reach], *, candidate: bool) -> Reach:
    """Spread consumers lack a path when any subnet does; candidates only when every subnet does."""
    states = [reach.internet for reach in reaches]
    if not states:
        return Reach(UNKNOWN)
    without = [state is False for state in states]
    internet: bool | Unknowable = UNKNOWN
    if all(without) or (not candidate and any(without)):
        internet = False
    elif all(state is True for state in states):
        internet = True
    return Reach(
        internet,
        tuple(label for reach in reaches for label in reach.gateway_without_public_ip),
        transit=is_unknown(internet) and any(reach.transit for reach in reaches),
        other_networks=all(reach.other_networks for reach in reaches),
    )


def reach_of(stack: Stack, consumer: Consumer, settings: Settings) -> Reach:
    reaches = [_subnet_reach(stack, consumer, subnet, settings) for subnet in consumer.subnets]
    if not consumer.subnets_complete:
        reaches.append(Reach(UNKNOWN))
    return _combine(reaches, candidate=consumer.candidate)
