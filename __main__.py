"""A private VPC for Amazon ECS with the PrivateLink endpoints its launch type and features need,
and (with ``workload``) the ECS service itself, whose real inputs decide the endpoints."""

import pulumi
import pulumi_aws as aws

from ecs_privatelink.config import choose_availability_zones, read_stack_config
from ecs_privatelink.environment import build_environment, needs_caller_account
from ecs_privatelink.pricing import estimate_monthly_cost
from ecs_privatelink.workload import family_name

# Everything is validated before the first resource is registered.
config = read_stack_config()
zones = choose_availability_zones(config, aws.get_availability_zones(state="available").names)
caller_account = aws.get_caller_identity().account_id if needs_caller_account(config) else None
environment = build_environment(
    config, zones, caller_account, family=family_name(pulumi.get_project(), pulumi.get_stack())
)
plan, endpoints, workload = environment.plan, environment.endpoints, environment.workload

interface_count = sum(1 for spec in plan if spec.is_interface)
# An existing network is priced as one subnet per AZ (an endpoint has one interface per AZ).
zone_count = len(zones) if config.existing_network is None else len(config.existing_network.subnet_ids)
monthly_cost = estimate_monthly_cost(config.region, interface_count, zone_count)
if monthly_cost is None:
    pulumi.log.warn(
        f"No endpoint price is recorded for {config.region}; estimatedMonthlyCostUsd is not exported."
    )

pulumi.export("vpcId", environment.vpc_id)
pulumi.export("privateSubnetIds", environment.subnet_ids)
pulumi.export("routeTableIds", environment.route_table_ids)
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
