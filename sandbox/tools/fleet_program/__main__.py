"""Benchmark fixture: N private ECS environments, each built by the project's own composition.

Config: ``ecs-privatelink-fleet:stamps`` (N) and ``aws:region``. Every stamp is the dev stack's shape
(Fargate workload from a private ECR repository, awslogs) in 2 AZs, with a VPC CIDR of its own,
10.<i>.0.0/16, and names of its own.
"""

import pulumi
import pulumi_aws as aws

from ecs_privatelink.config import choose_availability_zones, parse_config
from ecs_privatelink.environment import build_environment
from ecs_privatelink.workload import family_name

stamps = pulumi.Config().require_int("stamps")
if not 1 <= stamps <= 256:
    raise pulumi.RunError(f"stamps must be 1 to 256 (one 10.<i>.0.0/16 each), not {stamps}")
available_zones = aws.get_availability_zones(state="available").names
account_id = aws.get_caller_identity().account_id

for index in range(stamps):
    name = f"stamp{index:03d}"
    config = parse_config(aws.config.region, {"workload": True, "vpcCidr": f"10.{index}.0.0/16"})
    build_environment(
        config,
        choose_availability_zones(config, available_zones),
        account_id,
        family=family_name(pulumi.get_project(), name),
        prefix=f"{name}-",
    )

pulumi.export("stamps", stamps)
