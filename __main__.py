"""A private VPC for Amazon ECS with the PrivateLink endpoints its launch type and features need,
and (with ``workload``) the ECS service itself, whose real inputs decide the endpoints."""

import pulumi
import pulumi_aws as aws

from components.config import NAMESPACE, choose_availability_zones, ignored_flags, read_stack_config
from components.endpoints import PrivateLinkEndpoints, PrivateLinkEndpointsArgs
from components.network import PrivateNetwork, PrivateNetworkArgs
from components.planner import endpoint_set_digest, plan_endpoints
from components.pricing import estimate_monthly_cost
from components.workload import EcsWorkload, EcsWorkloadArgs, family_name

# Everything is validated before the first resource is registered.
config = read_stack_config()
zones = choose_availability_zones(config, aws.get_availability_zones(state="available").names)
workload_config = config.workload_config
# The workload needs the account for its image URL and trust policies; the policies for restrictToAccount.
needs_account = config.restrict_to_account or workload_config is not None
caller_account = aws.get_caller_identity().account_id if needs_account else None
account_id = caller_account if config.restrict_to_account else None
# config.workload: derived from the workload's image, secrets, logs and Service Connect when it is on.
plan = plan_endpoints(config.region, config.workload, config.extra_endpoints, account_id)
for flag in ignored_flags(config):
    pulumi.log.warn(f"{flag} is ignored: with {NAMESPACE}:workload the endpoints follow the workload itself.")
if workload_config is not None and not workload_config.image.private_ecr:
    pulumi.log.warn(
        f"Image {workload_config.image.reference} is not in a private ECR registry: this VPC has no path to "
        "a public registry, so tasks cannot pull it. Mirror it into ECR (e.g. a pull through cache rule)."
    )

network = PrivateNetwork("private", PrivateNetworkArgs(vpc_cidr=config.vpc_cidr, availability_zones=zones))
endpoints = PrivateLinkEndpoints(
    "privatelink",
    PrivateLinkEndpointsArgs(
        vpc_id=network.vpc_id,
        subnet_ids_by_az=network.subnet_ids_by_az,
        subnet_cidrs=network.subnet_cidrs,
        route_table_ids=network.route_table_ids,
        plan=plan,
    ),
)

workload = None
if workload_config is not None:
    assert caller_account is not None
    workload = EcsWorkload(
        "app",
        EcsWorkloadArgs(
            config=workload_config,
            launch_type=config.launch_type,
            region=config.region,
            partition=config.partition,
            account_id=caller_account,
            family=family_name(pulumi.get_project(), pulumi.get_stack()),
            vpc_id=network.vpc_id,
            subnet_ids=list(network.subnet_ids_by_az.values()),
            endpoint_security_group_id=endpoints.security_group_id,
            endpoints=endpoints.endpoints,
            endpoint_set_digest=endpoint_set_digest(plan),
        ),
    )

interface_count = sum(1 for spec in plan if spec.is_interface)
monthly_cost = estimate_monthly_cost(config.region, interface_count, len(zones))
if monthly_cost is None:
    pulumi.log.warn(f"No endpoint price is recorded for {config.region}; estimatedMonthlyCostUsd is null.")

pulumi.export("vpcId", network.vpc_id)
pulumi.export("privateSubnetIds", list(network.subnet_ids_by_az.values()))
pulumi.export("routeTableIds", network.route_table_ids)
pulumi.export("endpointSecurityGroupId", endpoints.security_group_id)
pulumi.export(
    "endpoints",
    {
        spec.key: {
            "id": endpoints.endpoints[spec.key].id,
            "serviceName": spec.service_name,
            "dnsName": endpoints.private_dns_names[spec.key],
        }
        for spec in plan
    },
)
pulumi.export("launchType", config.launch_type.value)
pulumi.export(
    "plan",
    [
        {
            "endpoint": spec.key,
            "serviceName": spec.service_name,
            "type": spec.type.value,
            "reasons": spec.reason_text,
        }
        for spec in plan
    ],
)
pulumi.export("estimatedMonthlyCostUsd", monthly_cost)
if workload is not None:
    pulumi.export("clusterName", workload.cluster_name)
    pulumi.export("serviceName", workload.service_name)
    pulumi.export("taskDefinitionArn", workload.task_definition_arn)
    pulumi.export("repositoryUrl", workload.repository_url)
