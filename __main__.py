"""A private VPC for Amazon ECS with the PrivateLink endpoints its launch type and features need,
and (with ``workload``) the ECS service itself, whose real inputs decide the endpoints."""

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from awsfacts import EndpointType
from ecs_privatelink.config import (
    choose_availability_zones,
    config_warnings,
    read_raw_config,
    read_stack_config,
)
from ecs_privatelink.endpoints import check_placement
from ecs_privatelink.environment import build_environment, needs_caller_account
from ecs_privatelink.planner import plan_endpoints
from ecs_privatelink.pricing import estimate_monthly_cost
from ecs_privatelink.workload import family_name
from ecs_privatelink.workload_config import check_size_limits


def offered_zones(service_name: str) -> Sequence[str]:
    return aws.ec2.get_vpc_endpoint_service(
        service_name=service_name, service_type=EndpointType.INTERFACE.value
    ).availability_zones


# Everything is validated, and looked up, before the first resource is registered: a failure here
# leaves nothing half-built.
config = read_stack_config()
for warning in config_warnings(read_raw_config(), config):
    pulumi.log.warn(warning)
family = family_name(pulumi.get_project(), pulumi.get_stack())
if config.workload_config is not None:
    check_size_limits(config.workload_config, config.region, config.partition, family)
zones = choose_availability_zones(config, aws.get_availability_zones(state="available").names)
subnet_zones = (
    list(zones)
    if config.existing_network is None
    else [aws.ec2.get_subnet(id=subnet).availability_zone for subnet in config.existing_network.subnet_ids]
)
check_placement(
    plan_endpoints(
        config.region,
        config.workload,
        config.extra_endpoints,
        ssm_managed_instances=config.ssm_managed_instances,
    ),
    subnet_zones,
    offered_zones,
)
caller_account = aws.get_caller_identity().account_id if needs_caller_account(config) else None
environment = build_environment(config, zones, caller_account, family=family)
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
