"""A private VPC for Amazon ECS with the PrivateLink endpoints its launch type and features need."""

import pulumi
import pulumi_aws as aws

from components.config import choose_availability_zones, read_stack_config
from components.endpoints import PrivateLinkEndpoints, PrivateLinkEndpointsArgs
from components.network import PrivateNetwork, PrivateNetworkArgs
from components.planner import plan_endpoints
from components.pricing import estimate_monthly_cost

# Everything is validated before the first resource is registered.
config = read_stack_config()
zones = choose_availability_zones(config, aws.get_availability_zones(state="available").names)
account_id = aws.get_caller_identity().account_id if config.restrict_to_account else None
plan = plan_endpoints(config.region, config.workload, config.extra_endpoints, account_id)

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
