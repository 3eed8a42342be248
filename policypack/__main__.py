import gc

from pulumi_policy import EnforcementLevel, PolicyPack

from policies import POLICIES

# The analyzer builds hundreds of thousands of short-lived objects per AnalyzeStack (the policy SDK
# converts the whole stack once per stack policy). With Python's default thresholds the cyclic
# collector rescans them all the time: ~23% of a 5,000-resource AnalyzeStack (docs/benchmarks.md).
gc.freeze()  # what is loaded now lives as long as the process
gc.set_threshold(50_000, 20, 100)

PolicyPack(
    name="ecs-privatelink",
    policies=POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
    description="Amazon ECS in a private VPC over AWS PrivateLink endpoints (considerations C1-C15).",
    display_name="ECS over PrivateLink",
    provider="aws",
    tags=["aws", "ecs", "privatelink", "vpc-endpoints"],
)
