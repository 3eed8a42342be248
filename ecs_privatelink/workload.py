"""EcsWorkload: an ECS service in the private subnets that reaches AWS only through the VPC endpoints.

Cluster (Container Insights), ECR repository, log group, secrets, task execution and task roles, task
definition, the service with its security group, optional Service Connect, and for the EC2 launch type
the container instances (``Ec2Capacity``).
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from .hardening import DEFAULT_HARDENING, Hardening
from .taskiam import execution_role_policy, trust_policy
from .workload_config import WorkloadConfig, secret_base_arn

CONTAINER_NAME = "app"
PORT_NAME = "app"  # names the port mapping that Service Connect publishes
TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"


class WorkloadPlanError(pulumi.RunError):
    """The endpoint plan lacks an endpoint the workload's configuration needs."""


@dataclass
class EcsWorkloadArgs:
    # Plain values decide which resources exist; Inputs wire them to the network and the endpoints.
    config: WorkloadConfig
    launch_type: LaunchType
    region: str
    partition: str
    account_id: str
    family: str  # base of the AWS names: cluster, repository, log group, task family, service
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    endpoint_security_group_id: pulumi.Input[str]
    endpoints: Mapping[str, aws.ec2.VpcEndpoint]  # by catalog key, as planned for this workload
    endpoint_set_digest: str
    hardening: Hardening = DEFAULT_HARDENING


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


class EcsWorkload(pulumi.ComponentResource):
    cluster_name: pulumi.Output[str]
    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    repository_url: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: EcsWorkloadArgs, opts: pulumi.ResourceOptions | None = None):
        check_plan(
            args.config,
            args.launch_type,
            args.region,
            list(args.endpoints),
            args.hardening.ssm_managed_instances,
        )  # before anything is registered
        super().__init__("ecs-privatelink:index:EcsWorkload", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        config, hardening = args.config, args.hardening
        # Stateful resources (images, logs, secrets) outlive a mistaken `pulumi destroy` when protected.
        stateful = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=hardening.protect))
        endpoint_resources: list[pulumi.Resource] = list(args.endpoints.values())

        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=args.family,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            opts=child,
        )
        repository = aws.ecr.Repository(
            f"{name}-repository",
            name=args.family,
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
            lambda repo: f"{private_ecr_registry(args.account_id, args.region)}/{repo}"
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
            name=f"/ecs/{args.family}",
            retention_in_days=config.log_retention_days,
            kms_key_id=config.log_kms_key_arn,
            opts=stateful,
        )

        secret_arns: dict[str, pulumi.Input[str]] = {}
        for variable, arn in config.secrets:
            if arn is None:
                secret_name = f"{args.family}/{variable}"
                secret = aws.secretsmanager.Secret(
                    f"{name}-secret-{variable}",  # variable names are unique, and case matters
                    name=secret_name,
                    description=created_secret_note(variable, args.family),
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
            assume_role_policy=json.dumps(trust_policy(TASKS_PRINCIPAL, args.account_id)),
            opts=child,
        )
        ecr_endpoint_ids = (
            [args.endpoints["ecr.api"].id, args.endpoints["ecr.dkr"].id] if config.image.private_ecr else []
        )
        policy_document = pulumi.Output.all(
            log_group.arn,
            pulled_repository_arn,
            pulumi.Output.all(*ecr_endpoint_ids),
            pulumi.Output.all(*secret_arns.values()),
        ).apply(
            lambda values: json.dumps(
                execution_role_policy(
                    region=args.region,
                    partition=args.partition,
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
            assume_role_policy=json.dumps(trust_policy(TASKS_PRINCIPAL, args.account_id)),
            opts=child,
        )

        egress = [
            aws.ec2.SecurityGroupEgressArgs(
                description="HTTPS to the VPC endpoints",
                protocol="tcp",
                from_port=HTTPS_PORT,
                to_port=HTTPS_PORT,
                security_groups=[args.endpoint_security_group_id],
            )
        ]
        if "s3" in args.endpoints:
            # ECR image layers come from S3 through the gateway endpoint, addressed by its prefix list.
            s3 = aws.ec2.get_prefix_list_output(
                name=service_name("s3", args.region), opts=pulumi.InvokeOptions(parent=self)
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
            vpc_id=args.vpc_id,
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
                    "awslogs-region": args.region,
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
            family=args.family,
            network_mode="awsvpc",
            requires_compatibilities=[args.launch_type.value],
            cpu=str(config.cpu),
            memory=str(config.memory),
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            opts=child,
        )

        service_options: dict[str, Any] = {}
        if args.launch_type is LaunchType.EC2:
            capacity = Ec2Capacity(
                f"{name}-capacity",
                Ec2CapacityArgs(
                    cluster_name=cluster.name,
                    capacity_provider_name=f"cp-{args.family}",
                    region=args.region,
                    partition=args.partition,
                    account_id=args.account_id,
                    instance_type=config.instance_type,
                    min_size=config.min_size,
                    max_size=config.max_size,
                    vpc_id=args.vpc_id,
                    subnet_ids=args.subnet_ids,
                    egress=egress,
                    endpoints=endpoint_resources,
                    endpoint_set_digest=args.endpoint_set_digest,
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
                description=f"Service Connect namespace of {args.family}",
                opts=child,
            )
            service_options["service_connect_configuration"] = aws.ecs.ServiceServiceConnectConfigurationArgs(
                enabled=True,
                namespace=namespace.arn,
                services=[
                    aws.ecs.ServiceServiceConnectConfigurationServiceArgs(
                        port_name=PORT_NAME,
                        discovery_name=args.family,
                        client_alias=[
                            aws.ecs.ServiceServiceConnectConfigurationServiceClientAliasArgs(
                                port=config.container_port, dns_name=args.family
                            )
                        ],
                    )
                ],
                log_configuration=aws.ecs.ServiceServiceConnectConfigurationLogConfigurationArgs(
                    log_driver="awslogs",
                    options={
                        "awslogs-group": log_group.name,
                        "awslogs-region": args.region,
                        "awslogs-stream-prefix": "service-connect",
                    },
                ),
            )

        service = aws.ecs.Service(
            f"{name}-service",
            name=args.family,
            cluster=cluster.arn,
            task_definition=task_definition.arn,
            desired_count=config.desired_count,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(args.subnet_ids),
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
                pulumi.ResourceOptions(
                    depends_on=[execution_policy, *endpoint_resources, *service_dependencies]
                ),
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
