"""EcsWorkload: an ECS service in the private subnets that reaches AWS only through the VPC endpoints.

Cluster (Container Insights), ECR repository, log group, secrets, task execution and task roles, task
definition, the service with its security group, optional Service Connect, and for the EC2 launch type
the container instances (``Ec2Capacity``).
"""

import functools
import json
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, Required, TypedDict, cast

import pulumi
import pulumi_aws as aws

from awsfacts import (
    HTTPS_PORT,
    LaunchType,
    private_ecr_registry,
    required_endpoints,
    service_name,
    ssm_managed_instance_endpoints,
)

from .capacity import Ec2Capacity, Ec2CapacityArgs
from .config import parse_launch_type, parse_region
from .configerror import boolean
from .hardening import HARDENING_DEFAULTS, Hardening, parse_hardening
from .taskiam import execution_role_policy, trust_policy
from .workload_config import (
    WORKLOAD_DEFAULTS,
    WorkloadConfig,
    check_size_limits,
    parse_workload_config,
    secret_base_arn,
)

CONTAINER_NAME = "app"
PORT_NAME = "app"  # names the port mapping that Service Connect publishes
TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"


class WorkloadPlanError(pulumi.RunError):
    """The endpoint plan lacks an endpoint the workload's configuration needs."""


class EcsWorkloadArgs(TypedDict, total=False):
    """What the service runs and where. Plain fields decide which resources exist; they take the stack
    configuration's defaults and are checked as it is. Inputs wire the service to the network."""

    account_id: Required[str]
    """The AWS account the service runs in: its ECR registry and the roles' trust policies name it."""
    family: Required[str]
    """Base of the AWS names: cluster, ECR repository, log group /ecs/<family>, task family, service."""
    vpc_id: Required[pulumi.Input[str]]
    """The VPC of the subnets, for the service's security group."""
    subnet_ids: Required[pulumi.Input[list[pulumi.Input[str]]]]
    """Private subnets the tasks (and with EC2 the container instances) run in."""
    endpoint_security_group_id: Required[pulumi.Input[str]]
    """The VPC endpoints' security group: the tasks' only HTTPS egress besides S3."""
    endpoint_ids: Required[pulumi.Input[dict[str, pulumi.Input[str]]]]
    """VPC endpoint id by service short name (PrivateLinkEndpoints' endpointIds); it must hold the
    endpoints the workload needs, and the service starts only after they exist."""
    endpoint_set_digest: NotRequired[pulumi.Input[str]]
    """Fingerprint of the endpoint set (EC2; PrivateLinkEndpoints' endpointSetDigest): a new value replaces
    the container instances (C10)."""
    region: NotRequired[str]
    """The Region; defaults to the AWS provider's (aws:region)."""
    launch_type: NotRequired[str]
    """ECS launch type, FARGATE (default) or EC2 (container instances in an Auto Scaling group)."""
    image: NotRequired[str]
    """Container image; empty (default): the workload's own ECR repository at image_tag."""
    image_tag: NotRequired[str]
    """Tag of the image in the workload's own ECR repository (default v1)."""
    cpu: NotRequired[int]
    """Task CPU units (default 256); Fargate allows only its task sizes."""
    memory: NotRequired[int]
    """Task memory in MiB (default 512); Fargate allows only its task sizes."""
    desired_count: NotRequired[int]
    """Number of tasks the service keeps running (default 2)."""
    container_port: NotRequired[int]
    """Port the container listens on (default 8080)."""
    secrets: NotRequired[dict[str, str]]
    """Environment variable name -> Secrets Manager secret ARN; an empty ARN: the stack creates the
    secret empty, named <family>/<name>."""
    secrets_kms_key_arn: NotRequired[str]
    """KMS key of the secrets (created ones are encrypted with it); empty: AWS managed key."""
    log_retention_days: NotRequired[int]
    """Days CloudWatch Logs keeps the containers' logs (default 30)."""
    log_kms_key_arn: NotRequired[str]
    """KMS key of the log group; empty: CloudWatch Logs' own encryption."""
    service_connect: NotRequired[bool]
    """Publish the service with ECS Service Connect (default false); needs the ecs-agent endpoint."""
    service_connect_namespace: NotRequired[str]
    """Cloud Map HTTP namespace of Service Connect (default internal)."""
    instance_type: NotRequired[str]
    """EC2 instance type of the container instances (EC2 launch type; default t3.medium)."""
    min_size: NotRequired[int]
    """Fewest container instances (EC2 launch type; default 1)."""
    max_size: NotRequired[int]
    """Most container instances (EC2 launch type; default 3)."""
    readonly_root_filesystem: NotRequired[bool]
    """Containers get a read-only root filesystem (default true, Security Hub ECS.5)."""
    container_user: NotRequired[str]
    """User the container runs as (default 1000; never root); empty: the image's own USER."""
    ecr_keep_images: NotRequired[int]
    """ECR lifecycle policy: keep this many newest images, expire untagged ones (default 30; 0: none)."""
    ecr_kms_key_arn: NotRequired[str]
    """KMS key of the ECR repository; empty: ECR's default AES-256 encryption."""
    protect: NotRequired[bool]
    """Protect the stateful resources (repository, log group, secrets) from deletion (default false)."""
    instance_role_policy: NotRequired[str]
    """Container instances' role (EC2): scoped (default; the agent's actions on this workload's resources)
    or managed (AmazonEC2ContainerServiceforEC2Role)."""
    ssm_managed_instances: NotRequired[bool]
    """Systems Manager manages the container instances (EC2; default false): AmazonSSMManagedInstanceCore,
    and the ssm, ssmmessages (and ec2messages) endpoints must be among endpoint_ids."""


# The plain fields and the stack configuration keys they stand for: one validation for both.
CONFIG_KEYS: dict[str, str] = {
    "image": "image",
    "image_tag": "imageTag",
    "cpu": "cpu",
    "memory": "memory",
    "desired_count": "desiredCount",
    "container_port": "containerPort",
    "secrets": "secrets",
    "secrets_kms_key_arn": "secretsKmsKeyArn",
    "log_retention_days": "logRetentionDays",
    "log_kms_key_arn": "logKmsKeyArn",
    "service_connect_namespace": "serviceConnectNamespace",
    "instance_type": "instanceType",
    "min_size": "minSize",
    "max_size": "maxSize",
    "readonly_root_filesystem": "readonlyRootFilesystem",
    "container_user": "containerUser",
    "ecr_keep_images": "ecrKeepImages",
    "ecr_kms_key_arn": "ecrKmsKeyArn",
    "protect": "protect",
    "instance_role_policy": "instanceRolePolicy",
    "ssm_managed_instances": "ssmManagedInstances",
}


_INTEGER_FIELDS = frozenset(
    field for field, hint in EcsWorkloadArgs.__annotations__.items() if hint == NotRequired[int]
)


@dataclass(frozen=True)
class WorkloadSettings:
    """EcsWorkloadArgs' plain fields, validated."""

    config: WorkloadConfig
    hardening: Hardening
    launch_type: LaunchType
    region: str
    partition: str


def workload_settings(args: EcsWorkloadArgs, default_region: str | None) -> WorkloadSettings:
    """Validate the plain fields as the stack configuration is (same defaults, same messages)."""
    raw: dict[str, object] = {**WORKLOAD_DEFAULTS, **HARDENING_DEFAULTS}
    for field, value in args.items():
        if field in CONFIG_KEYS:
            # Numbers cross the wire as floats, and the SDK (3.272.0) hands them on so: whole ones are ints.
            if field in _INTEGER_FIELDS and isinstance(value, float) and value.is_integer():
                value = int(value)
            raw[CONFIG_KEYS[field]] = value
    region, partition = parse_region(args.get("region") or default_region)
    launch_type = parse_launch_type(args.get("launch_type", LaunchType.FARGATE.value))
    service_connect = boolean("serviceConnect", args.get("service_connect", False))
    return WorkloadSettings(
        config=parse_workload_config(raw, region, partition, launch_type, service_connect),
        hardening=parse_hardening(raw, region, partition),
        launch_type=launch_type,
        region=region,
        partition=partition,
    )


def ecs_workload_args(
    config: WorkloadConfig,
    hardening: Hardening,
    *,
    launch_type: LaunchType,
    region: str,
    account_id: str,
    family: str,
    vpc_id: pulumi.Input[str],
    subnet_ids: list[pulumi.Input[str]],
    endpoint_security_group_id: pulumi.Input[str],
    endpoint_ids: dict[str, pulumi.Input[str]],
    endpoint_set_digest: str,
) -> EcsWorkloadArgs:
    """The arguments for a validated configuration: ``workload_settings`` gives it back unchanged."""
    return EcsWorkloadArgs(
        account_id=account_id,
        family=family,
        vpc_id=vpc_id,
        subnet_ids=subnet_ids,
        endpoint_security_group_id=endpoint_security_group_id,
        endpoint_ids=endpoint_ids,
        endpoint_set_digest=endpoint_set_digest,
        region=region,
        launch_type=launch_type.value,
        image=config.image.reference or "",
        image_tag=config.image.tag,
        cpu=config.cpu,
        memory=config.memory,
        desired_count=config.desired_count,
        container_port=config.container_port,
        secrets={variable: arn or "" for variable, arn in config.secrets},
        secrets_kms_key_arn=config.secrets_kms_key_arn or "",
        log_retention_days=config.log_retention_days,
        log_kms_key_arn=config.log_kms_key_arn or "",
        service_connect=config.service_connect,
        service_connect_namespace=config.service_connect_namespace,
        instance_type=config.instance_type,
        min_size=config.min_size,
        max_size=config.max_size,
        readonly_root_filesystem=hardening.readonly_root_filesystem,
        container_user=hardening.container_user or "",
        ecr_keep_images=hardening.ecr_keep_images,
        ecr_kms_key_arn=hardening.ecr_kms_key_arn or "",
        protect=hardening.protect,
        instance_role_policy=hardening.instance_role_policy.value,
        ssm_managed_instances=hardening.ssm_managed_instances,
    )


UNTAGGED_IMAGE_DAYS = 7  # an untagged image is a failed or superseded push


def ecr_lifecycle_policy(keep_images: int) -> dict[str, Any]:
    """ECR.3: untagged images go after a week, and only the newest ``keep_images`` images stay."""
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images after {UNTAGGED_IMAGE_DAYS} days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": UNTAGGED_IMAGE_DAYS,
                },
                "action": {"type": "expire"},
            },
            {
                # "any" must be the last rule (highest priority number).
                "rulePriority": 2,
                "description": f"Keep the {keep_images} newest images",
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": keep_images,
                },
                "action": {"type": "expire"},
            },
        ]
    }


def put_secret_value_command(secret_name: str) -> str:
    return f"aws secretsmanager put-secret-value --secret-id {secret_name} --secret-string '<value>'"


def created_secret_note(variable: str, family: str) -> str:
    """The description of a secret the stack creates: it starts empty, and how to fill it."""
    return (
        f"{variable} of the {family} tasks. Created empty: put its value before the tasks start "
        f"({put_secret_value_command(f'{family}/{variable}')})."
    )


def family_name(project: str, stack: str) -> str:
    """The base of the workload's AWS names: letters, digits, '-' and '_' suit ECS, ECR and IAM alike."""
    return re.sub(r"[^a-z0-9_-]", "-", f"{project}-{stack}".lower())


def check_plan(
    config: WorkloadConfig,
    launch_type: LaunchType,
    region: str,
    endpoint_keys: Sequence[str],
    ssm_managed_instances: bool = False,
) -> None:
    """The plan covers what the workload uses (the plan derives from it; this guards the wiring)."""
    needed = {need.key for need in required_endpoints(region, config.uses(launch_type))}
    if ssm_managed_instances and launch_type is LaunchType.EC2:
        needed.update(ssm_managed_instance_endpoints(region))
    missing = sorted(needed - set(endpoint_keys))
    if missing:
        raise WorkloadPlanError(
            f"The workload needs the endpoints {', '.join(missing)}, which are not planned."
        )


def _checked_endpoint_ids(
    config: WorkloadConfig, launch_type: LaunchType, region: str, ssm_managed: bool, ids: dict[str, str]
) -> dict[str, str]:
    check_plan(config, launch_type, region, list(ids), ssm_managed)
    return ids


def _endpoint_id(
    ids: pulumi.Input[dict[str, pulumi.Input[str]]], checked: pulumi.Output[dict[str, str]], key: str
) -> pulumi.Input[str]:
    """One endpoint's id; from a known map the id itself, so what uses it depends on that endpoint only."""
    if isinstance(ids, Mapping):
        return ids[key]
    return checked.apply(operator.itemgetter(key))


def _after(ids: pulumi.Output[Any]) -> pulumi.Resource:
    """A depends_on entry on the resources behind ``ids``: depends_on takes an Output's resources, and
    this Output resolves to no resource of its own (None). Typed as the Resource depends_on lists hold."""
    return cast(pulumi.Resource, ids.apply(lambda _: None))


class EcsWorkload(pulumi.ComponentResource):
    """An ECS service in private subnets that reaches AWS only through the VPC endpoints: cluster, ECR
    repository, log group, secrets, task roles, task definition, service and, for EC2, its instances."""

    cluster_name: pulumi.Output[str]
    """The ECS cluster's name."""
    service_name: pulumi.Output[str]
    """The ECS service's name."""
    task_definition_arn: pulumi.Output[str]
    """ARN of the task definition revision the service runs."""
    repository_url: pulumi.Output[str]
    """URL of the workload's own ECR repository (push images here)."""
    security_group_id: pulumi.Output[str]
    """The tasks' security group."""

    def __init__(self, name: str, args: EcsWorkloadArgs, opts: pulumi.ResourceOptions | None = None):
        settings = workload_settings(args, aws.config.region)
        config, hardening = settings.config, settings.hardening
        launch_type, region, partition = settings.launch_type, settings.region, settings.partition
        account_id, family = args["account_id"], args["family"]
        endpoint_ids, subnet_ids = args["endpoint_ids"], args["subnet_ids"]
        # Before anything is registered: with the endpoints' keys known here, the plan is checked now.
        if isinstance(endpoint_ids, Mapping):
            check_plan(config, launch_type, region, list(endpoint_ids), hardening.ssm_managed_instances)
        check_size_limits(config, region, partition, family)
        needed = {need.key for need in required_endpoints(region, config.uses(launch_type))}
        super().__init__("ecs-privatelink:index:EcsWorkload", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Stateful resources (images, logs, secrets) outlive a mistaken `pulumi destroy` when protected.
        stateful = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=hardening.protect))
        # Known only later (another component's output): the plan is checked once the ids resolve.
        checked_ids = pulumi.Output.from_input(endpoint_ids).apply(
            functools.partial(
                _checked_endpoint_ids, config, launch_type, region, hardening.ssm_managed_instances
            )
        )
        after_endpoints = _after(checked_ids)

        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=family,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            opts=child,
        )
        repository = aws.ecr.Repository(
            f"{name}-repository",
            name=family,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=(
                [
                    aws.ecr.RepositoryEncryptionConfigurationArgs(
                        encryption_type="KMS", kms_key=hardening.ecr_kms_key_arn
                    )
                ]
                if hardening.ecr_kms_key_arn is not None
                else None
            ),
            opts=stateful,
        )
        if hardening.ecr_keep_images:
            aws.ecr.LifecyclePolicy(
                f"{name}-repository-lifecycle",
                repository=repository.name,
                policy=json.dumps(ecr_lifecycle_policy(hardening.ecr_keep_images)),
                opts=child,
            )
        repository_url = repository.name.apply(
            lambda repo: f"{private_ecr_registry(account_id, region)}/{repo}"
        )
        image: pulumi.Input[str] = (
            repository_url.apply(lambda url: f"{url}:{config.image.tag}")
            if config.image.reference is None
            else config.image.reference
        )
        pulled_repository_arn: pulumi.Input[str] | None = (
            repository.arn if config.image.in_stack_repository else config.image.repository_arn
        )

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/ecs/{family}",
            retention_in_days=config.log_retention_days,
            kms_key_id=config.log_kms_key_arn,
            opts=stateful,
        )

        secret_arns: dict[str, pulumi.Input[str]] = {}
        for variable, arn in config.secrets:
            if arn is None:
                secret_name = f"{family}/{variable}"
                secret = aws.secretsmanager.Secret(
                    f"{name}-secret-{variable}",  # variable names are unique, and case matters
                    name=secret_name,
                    description=created_secret_note(variable, family),
                    kms_key_id=config.secrets_kms_key_arn,
                    opts=stateful,
                )
                # Tasks cannot start on a secret without a value: say so where the deploy is read.
                pulumi.log.info(
                    f"Secret {secret_name} starts empty: tasks that read {variable} fail until you run "
                    f"{put_secret_value_command(secret_name)}",
                    secret,
                )
                secret_arns[variable] = secret.arn
            else:
                secret_arns[variable] = arn

        execution_role = aws.iam.Role(
            f"{name}-execution-role",
            description="ECS task execution: image pulls through the VPC endpoints, logs, declared secrets",
            assume_role_policy=json.dumps(trust_policy(TASKS_PRINCIPAL, account_id)),
            opts=child,
        )
        ecr_endpoint_ids = (
            [_endpoint_id(endpoint_ids, checked_ids, key) for key in ("ecr.api", "ecr.dkr")]
            if config.image.private_ecr
            else []
        )
        policy_document = pulumi.Output.all(
            log_group.arn,
            pulled_repository_arn,
            pulumi.Output.all(*ecr_endpoint_ids),
            pulumi.Output.all(*secret_arns.values()),
        ).apply(
            lambda values: json.dumps(
                execution_role_policy(
                    region=region,
                    partition=partition,
                    log_group_arn=values[0],
                    ecr_repository_arn=values[1],
                    ecr_endpoint_ids=values[2],
                    secret_arns=[secret_base_arn(arn) for arn in values[3]],
                    secrets_kms_key_arn=config.secrets_kms_key_arn,
                )
            )
        )
        execution_policy = aws.iam.RolePolicy(
            f"{name}-execution-policy", role=execution_role.id, policy=policy_document, opts=child
        )
        # The application's own AWS permissions: none until it needs some.
        task_role = aws.iam.Role(
            f"{name}-task-role",
            description="ECS task role of the application; no permissions by default",
            assume_role_policy=json.dumps(trust_policy(TASKS_PRINCIPAL, account_id)),
            opts=child,
        )

        egress = [
            aws.ec2.SecurityGroupEgressArgs(
                description="HTTPS to the VPC endpoints",
                protocol="tcp",
                from_port=HTTPS_PORT,
                to_port=HTTPS_PORT,
                security_groups=[args["endpoint_security_group_id"]],
            )
        ]
        # Ids not known yet: the endpoints it needs stand in for them (checked once they resolve).
        if "s3" in (endpoint_ids if isinstance(endpoint_ids, Mapping) else needed):
            # ECR image layers come from S3 through the gateway endpoint, addressed by its prefix list.
            s3 = aws.ec2.get_prefix_list_output(
                name=service_name("s3", region), opts=pulumi.InvokeOptions(parent=self)
            )
            egress.append(
                aws.ec2.SecurityGroupEgressArgs(
                    description="HTTPS to S3 through the gateway endpoint",
                    protocol="tcp",
                    from_port=HTTPS_PORT,
                    to_port=HTTPS_PORT,
                    prefix_list_ids=[s3.id],
                )
            )
        service_ingress: list[aws.ec2.SecurityGroupIngressArgs] = []
        service_egress = list(egress)
        if config.service_connect:
            # Service Connect clients are tasks of this service: they call each other on the app's port.
            service_ingress.append(
                aws.ec2.SecurityGroupIngressArgs(
                    description="Service Connect clients of this service",
                    protocol="tcp",
                    from_port=config.container_port,
                    to_port=config.container_port,
                    self=True,
                )
            )
            service_egress.append(
                aws.ec2.SecurityGroupEgressArgs(
                    description="Service Connect calls to this service",
                    protocol="tcp",
                    from_port=config.container_port,
                    to_port=config.container_port,
                    self=True,
                )
            )
        service_group = aws.ec2.SecurityGroup(
            f"{name}-service-sg",
            vpc_id=args["vpc_id"],
            description="ECS tasks: HTTPS to the VPC endpoints and S3 only",
            ingress=service_ingress,
            egress=service_egress,
            tags={"Name": f"{name}-service-sg"},
            opts=child,
        )

        container: dict[str, Any] = {
            "name": CONTAINER_NAME,
            "image": image,
            "essential": True,
            "portMappings": [
                {
                    "name": PORT_NAME,
                    "containerPort": config.container_port,
                    "protocol": "tcp",
                    **({"appProtocol": "http"} if config.service_connect else {}),
                }
            ],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": log_group.name,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": CONTAINER_NAME,
                },
            },
        }
        if hardening.readonly_root_filesystem:
            container["readonlyRootFilesystem"] = True  # ECS.5
        if hardening.container_user is not None:
            container["user"] = hardening.container_user  # never root
        if secret_arns:
            container["secrets"] = [
                {"name": variable, "valueFrom": arn} for variable, arn in secret_arns.items()
            ]
        task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=family,
            network_mode="awsvpc",
            requires_compatibilities=[launch_type.value],
            cpu=str(config.cpu),
            memory=str(config.memory),
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            opts=child,
        )

        service_options: dict[str, Any] = {}
        if launch_type is LaunchType.EC2:
            capacity = Ec2Capacity(
                f"{name}-capacity",
                Ec2CapacityArgs(
                    cluster_name=cluster.name,
                    capacity_provider_name=f"cp-{family}",
                    region=region,
                    partition=partition,
                    account_id=account_id,
                    instance_type=config.instance_type,
                    min_size=config.min_size,
                    max_size=config.max_size,
                    vpc_id=args["vpc_id"],
                    subnet_ids=subnet_ids,
                    egress=egress,
                    endpoints=[after_endpoints],
                    endpoint_set_digest=args.get("endpoint_set_digest", ""),
                    cluster_arn=cluster.arn,
                    log_group_arn=log_group.arn,
                    ecr_repository_arn=pulled_repository_arn,
                    ecr_endpoint_ids=ecr_endpoint_ids,
                    instance_role_policy=hardening.instance_role_policy,
                    ssm_managed=hardening.ssm_managed_instances,
                ),
                opts=child,
            )
            association = aws.ecs.ClusterCapacityProviders(
                f"{name}-capacity-providers",
                cluster_name=cluster.name,
                capacity_providers=[capacity.capacity_provider_name],
                default_capacity_provider_strategies=[
                    aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                        capacity_provider=capacity.capacity_provider_name, weight=1
                    )
                ],
                opts=child,
            )
            service_options["capacity_provider_strategies"] = [
                aws.ecs.ServiceCapacityProviderStrategyArgs(
                    capacity_provider=capacity.capacity_provider_name, weight=1
                )
            ]
            service_dependencies: list[pulumi.Resource] = [association]
        else:
            service_options["launch_type"] = LaunchType.FARGATE.value
            service_dependencies = []

        if config.service_connect:
            namespace = aws.servicediscovery.HttpNamespace(
                f"{name}-namespace",
                name=config.service_connect_namespace,
                description=f"Service Connect namespace of {family}",
                opts=child,
            )
            service_options["service_connect_configuration"] = aws.ecs.ServiceServiceConnectConfigurationArgs(
                enabled=True,
                namespace=namespace.arn,
                services=[
                    aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                        port_name=PORT_NAME,
                        discovery_name=family,
                        client_alias=[
                            aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                                port=config.container_port, dns_name=family
                            )
                        ],
                    )
                ],
                log_configuration=aws.ecs.ServiceServiceConnectConfigurationLogConfigurationArgs(
                    log_driver="awslogs",
                    options={
                        "awslogs-group": log_group.name,
                        "awslogs-region": region,
                        "awslogs-stream-prefix": "service-connect",
                    },
                ),
            )

        service = aws.ecs.Service(
            f"{name}-service",
            name=family,
            cluster=cluster.arn,
            task_definition=task_definition.arn,
            desired_count=config.desired_count,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=subnet_ids,
                security_groups=[service_group.id],
                assign_public_ip=False,
            ),
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=True, rollback=True
            ),
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            **service_options,
            # Tasks start only once they can pull, log and read secrets: after the endpoints and the
            # execution role's permissions exist.
            opts=pulumi.ResourceOptions.merge(
                child,
                pulumi.ResourceOptions(depends_on=[execution_policy, after_endpoints, *service_dependencies]),
            ),
        )

        self.cluster_name = cluster.name
        self.service_name = service.name
        self.task_definition_arn = task_definition.arn
        self.repository_url = repository_url
        self.security_group_id = service_group.id
        self.register_outputs(
            {
                "clusterName": self.cluster_name,
                "serviceName": self.service_name,
                "taskDefinitionArn": self.task_definition_arn,
                "repositoryUrl": self.repository_url,
                "securityGroupId": self.security_group_id,
            }
        )
