"""Benchmark fixture: N private VPC stamps, each built by the project's own components like the dev stack.

Config: ``ecs-privatelink-fleet:stamps`` (N) and ``aws:region``. Every stamp gets the dev stack's plan
(Fargate, private ECR images, awslogs) in 2 AZs and a VPC CIDR of its own, 10.<i>.0.0/16.
"""

from ipaddress import IPv4Network

import pulumi
import pulumi_aws as aws

from components.config import choose_availability_zones, parse_config
from components.endpoints import PrivateLinkEndpoints, PrivateLinkEndpointsArgs
from components.network import PrivateNetwork, PrivateNetworkArgs
from components.planner import plan_endpoints

stamps = pulumi.Config().require_int("stamps")
if not 1 <= stamps <= 256:
    raise pulumi.RunError(f"stamps must be 1 to 256 (one 10.<i>.0.0/16 each), not {stamps}")
config = parse_config(aws.config.region, {})
zones = choose_availability_zones(config, aws.get_availability_zones(state="available").names)
plan = plan_endpoints(config.region, config.workload, (), aws.get_caller_identity().account_id)

for index in range(stamps):
    name = f"stamp{index:03d}"
    network = PrivateNetwork(
        name, PrivateNetworkArgs(vpc_cidr=IPv4Network(f"10.{index}.0.0/16"), availability_zones=zones)
    )
    PrivateLinkEndpoints(
        f"{name}-pl",
        PrivateLinkEndpointsArgs(
            vpc_id=network.vpc_id,
            subnet_ids_by_az=network.subnet_ids_by_az,
            subnet_cidrs=network.subnet_cidrs,
            route_table_ids=network.route_table_ids,
            plan=plan,
        ),
    )

pulumi.export("stamps", stamps)
