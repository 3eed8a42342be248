from pulumi_policy import EnforcementLevel, PolicyPack

from policies import POLICIES

PolicyPack(
    name="ecs-privatelink",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
    description="Amazon ECS in a private VPC over AWS PrivateLink endpoints (considerations C1-C15).",
    display_name="ECS over PrivateLink",
    provider="aws",
    tags=["aws", "ecs", "privatelink", "vpc-endpoints"],
)
