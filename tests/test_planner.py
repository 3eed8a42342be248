"""The endpoint planner: the seed's rules hold over every combination, and policies stay tight."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awsfacts import (
    ECS_ENDPOINT_POLICY_ACTIONS,
    ECS_TRIO,
    EndpointType,
    LaunchType,
    Workload,
    is_post_line_region,
    required_endpoints,
    service_name,
)
from ecs_privatelink.config import EXTRA_ENDPOINT_CHOICES
from ecs_privatelink.planner import EXTRA_REASON, SSM_REASON, EndpointSpec, endpoint_policy, plan_endpoints
from ecs_privatelink.pricing import INTERFACE_ENDPOINT_HOURLY, estimate_monthly_cost

ACCOUNT = "123456789012"
# Older and post-line commercial Regions, China (its cn.com. prefix), GovCloud.
REGIONS = (
    "us-east-1",
    "eu-central-1",
    "ap-northeast-1",
    "ca-west-1",
    "ap-southeast-7",
    "mx-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
)

workloads = st.builds(
    Workload,
    launch_type=st.sampled_from(LaunchType),
    private_ecr_images=st.booleans(),
    secrets_manager=st.booleans(),
    awslogs=st.booleans(),
    service_connect=st.booleans(),
)
regions = st.sampled_from(REGIONS)
extras = st.lists(st.sampled_from(EXTRA_ENDPOINT_CHOICES), max_size=5)
accounts = st.sampled_from([ACCOUNT, None])


def keys(plan: list[EndpointSpec]) -> list[str]:
    return [spec.key for spec in plan]


@given(regions, workloads, extras, accounts)
def test_launch_type_and_features_bring_their_endpoints(region, workload, extra, account):
    planned = set(keys(plan_endpoints(region, workload, extra, account)))
    if workload.launch_type is LaunchType.EC2:
        assert set(ECS_TRIO) <= planned  # C1
    if workload.service_connect:
        assert "ecs-agent" in planned  # C9
    if workload.private_ecr_images:
        assert {"ecr.api", "ecr.dkr", "s3"} <= planned  # C6
    if workload.secrets_manager:
        assert "secretsmanager" in planned  # C7
    if workload.awslogs:
        assert "logs" in planned  # C8
    assert set(extra) <= planned


@given(regions, workloads, extras, accounts)
def test_post_line_regions_get_the_ecs_trio_all_or_nothing(region, workload, extra, account):
    planned = set(keys(plan_endpoints(region, workload, extra, account)))
    if is_post_line_region(region):
        assert planned & set(ECS_TRIO) in (set(), set(ECS_TRIO))  # C2


@given(regions, workloads, extras, accounts)
def test_fargate_without_service_connect_gets_no_ecs_endpoint_unless_asked(region, workload, extra, account):
    planned = set(keys(plan_endpoints(region, workload, extra, account)))
    if (
        workload.launch_type is LaunchType.FARGATE
        and not workload.service_connect
        and not set(extra) & set(ECS_TRIO)
    ):
        assert not planned & set(ECS_TRIO)  # C14


@given(regions, workloads, extras, accounts)
def test_plan_is_ordered_unique_and_explained(region, workload, extra, account):
    plan = plan_endpoints(region, workload, extra, account)
    planned = keys(plan)
    assert len(planned) == len(set(planned))
    trio = [key for key in planned if key in ECS_TRIO]
    assert trio == [key for key in ECS_TRIO if key in trio]  # C11 order
    assert planned[: len(trio)] == trio  # the trio comes first
    for spec in plan:
        assert spec.reasons, spec.key
        assert len(spec.reason_text) == len(spec.reasons)
        assert (EXTRA_REASON in spec.reasons) == (spec.key in extra)


@given(regions, workloads, accounts)
def test_without_extras_the_plan_is_exactly_what_awsfacts_requires(region, workload, account):
    plan = plan_endpoints(region, workload, (), account)
    assert [(spec.key, spec.reasons) for spec in plan] == [
        (need.key, need.considerations) for need in required_endpoints(region, workload)
    ]


@given(regions, workloads, extras, accounts)
def test_each_endpoint_has_its_partition_name_type_and_private_dns(region, workload, extra, account):
    for spec in plan_endpoints(region, workload, extra, account):
        assert spec.service_name == service_name(spec.key, region)
        if spec.key == "s3":
            assert (spec.type, spec.private_dns) == (EndpointType.GATEWAY, False)
        else:
            assert (spec.type, spec.private_dns) == (EndpointType.INTERFACE, True)


@given(regions, workloads, extras, accounts)
def test_no_policy_lets_any_principal_do_anything_unconditionally(region, workload, extra, account):
    for spec in plan_endpoints(region, workload, extra, account):
        assert spec.policy["Version"] == "2012-10-17"
        for statement in spec.policy["Statement"]:
            assert statement["Effect"] == "Allow"
            wildcard = statement["Principal"] == "*" and "*" in statement["Action"]
            assert not (wildcard and "Condition" not in statement), spec.key
            assert not any(action == "*" for action in statement["Action"]), spec.key


@given(regions, workloads, extras)
def test_restrict_to_account_conditions_every_statement_but_the_layer_bucket(region, workload, extra):
    for spec in plan_endpoints(region, workload, extra, ACCOUNT):
        for statement in spec.policy["Statement"]:
            if spec.key == "s3":
                assert "Condition" not in statement
            else:
                assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
    for spec in plan_endpoints(region, workload, extra, None):
        assert all("Condition" not in statement for statement in spec.policy["Statement"])


def test_dev_plan_fargate_with_private_ecr_and_awslogs():
    workload = Workload(LaunchType.FARGATE, private_ecr_images=True, awslogs=True)
    plan = plan_endpoints("us-east-1", workload, (), ACCOUNT)
    assert [(spec.key, spec.service_name, spec.reasons) for spec in plan] == [
        ("ecr.api", "com.amazonaws.us-east-1.ecr.api", ("C6",)),
        ("ecr.dkr", "com.amazonaws.us-east-1.ecr.dkr", ("C6",)),
        ("s3", "com.amazonaws.us-east-1.s3", ("C6",)),
        ("logs", "com.amazonaws.us-east-1.logs", ("C8",)),
    ]


def test_prod_plan_ec2_in_a_post_line_region():
    workload = Workload(
        LaunchType.EC2, private_ecr_images=True, secrets_manager=True, awslogs=True, service_connect=True
    )
    plan = plan_endpoints("ca-west-1", workload, ("ssm",), ACCOUNT)
    assert [(spec.key, spec.reasons) for spec in plan] == [
        ("ecs-agent", ("C1", "C9", "C2")),
        ("ecs-telemetry", ("C1", "C2")),
        ("ecs", ("C1", "C2")),
        ("ecr.api", ("C6",)),
        ("ecr.dkr", ("C6",)),
        ("s3", ("C6",)),
        ("secretsmanager", ("C7",)),
        ("logs", ("C8",)),
        ("ssm", (EXTRA_REASON,)),
    ]


def test_china_names_ecr_with_the_cn_prefix_and_keeps_the_others():
    workload = Workload(LaunchType.EC2, private_ecr_images=True, awslogs=True)
    names = {
        spec.key: spec.service_name for spec in plan_endpoints("cn-north-1", workload, ("sts", "monitoring"))
    }
    assert names == {
        "ecs-agent": "com.amazonaws.cn-north-1.ecs-agent",
        "ecs-telemetry": "com.amazonaws.cn-north-1.ecs-telemetry",
        "ecs": "com.amazonaws.cn-north-1.ecs",
        "ecr.api": "cn.com.amazonaws.cn-north-1.ecr.api",
        "ecr.dkr": "cn.com.amazonaws.cn-north-1.ecr.dkr",
        "s3": "com.amazonaws.cn-north-1.s3",
        "logs": "com.amazonaws.cn-north-1.logs",
        "sts": "cn.com.amazonaws.cn-north-1.sts",
        "monitoring": "cn.com.amazonaws.cn-north-1.monitoring",
    }


def test_an_extra_already_required_keeps_one_endpoint_with_both_reasons():
    plan = plan_endpoints("us-east-1", Workload(LaunchType.FARGATE, awslogs=True), ("logs", "logs"))
    assert [(spec.key, spec.reasons) for spec in plan] == [("logs", ("C8", EXTRA_REASON))]


def test_an_ecs_extra_in_a_post_line_region_brings_the_whole_trio():
    plan = plan_endpoints("ap-southeast-7", Workload(LaunchType.FARGATE), ("kms", "ecs"))
    assert [(spec.key, spec.reasons) for spec in plan] == [
        ("ecs-agent", ("C2",)),
        ("ecs-telemetry", ("C2",)),
        ("ecs", (EXTRA_REASON, "C2")),
        ("kms", (EXTRA_REASON,)),
    ]


def test_an_ecs_extra_in_an_older_region_stays_alone():
    plan = plan_endpoints("us-east-1", Workload(LaunchType.FARGATE), ("ecs",))
    assert [(spec.key, spec.reasons) for spec in plan] == [("ecs", (EXTRA_REASON,))]


@pytest.mark.parametrize(
    ("region", "ssm_keys"),
    [
        ("us-east-1", ["ssm", "ssmmessages", "ec2messages"]),
        ("ca-west-1", ["ssm", "ssmmessages", "ec2messages"]),  # opened December 2023
        ("ap-southeast-7", ["ssm", "ssmmessages"]),  # opened in 2025: no ec2messages
    ],
)
def test_ssm_managed_instances_add_the_endpoints_ssm_agent_needs_where_the_region_has_them(region, ssm_keys):
    workload = Workload(LaunchType.EC2)
    plain = plan_endpoints(region, workload)
    managed = plan_endpoints(region, workload, ("ssm", "kms"), ssm_managed_instances=True)
    assert [(spec.key, spec.reasons) for spec in managed[len(plain) :]] == [
        ("ssm", (SSM_REASON, EXTRA_REASON)),
        *((key, (SSM_REASON,)) for key in ssm_keys[1:]),
        ("kms", (EXTRA_REASON,)),
    ]
    assert managed[: len(plain)] == plain
    assert managed[-2].reason_text == [
        "ssmManagedInstances: Systems Manager manages the container instances (Run Command, Session Manager)"
    ]


@pytest.mark.parametrize("key", ECS_TRIO)
def test_ecs_endpoint_policies_allow_their_documented_actions(key):
    assert endpoint_policy(key, "us-east-1", ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": {
                    "ecs-agent": "AllowEcsAgent",
                    "ecs-telemetry": "AllowEcsTelemetry",
                    "ecs": "AllowEcs",
                }[key],
                "Effect": "Allow",
                "Principal": "*",
                "Action": list(ECS_ENDPOINT_POLICY_ACTIONS[key]),
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
            }
        ],
    }
    assert endpoint_policy("ecs", "us-east-1", ACCOUNT)["Statement"][0]["Action"] == ["ecs:*"]
    assert endpoint_policy("ecs-telemetry", "us-east-1", None)["Statement"][0]["Action"] == [
        "ecs:Poll",
        "ecs:StartTelemetrySession",
    ]


def test_s3_gateway_policy_reads_only_the_regions_ecr_layer_bucket():
    assert endpoint_policy("s3", "cn-north-1", ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowS3",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*",
            }
        ],
    }


@pytest.mark.parametrize(
    ("key", "action"),
    [("ecr.api", "ecr:*"), ("ecr.dkr", "ecr:*"), ("logs", "logs:*"), ("monitoring", "cloudwatch:*")],
)
def test_other_policies_allow_only_their_service(key, action):
    statement = endpoint_policy(key, "us-east-1", None)["Statement"][0]
    assert (statement["Principal"], statement["Action"], statement["Resource"]) == ("*", [action], "*")


def test_monthly_cost_is_endpoints_times_zones_times_730_hours():
    rate = INTERFACE_ENDPOINT_HOURLY["us-east-1"].usd
    assert estimate_monthly_cost("us-east-1", 3, 2) == round(3 * 2 * 730 * rate, 2) == 43.8
    assert estimate_monthly_cost("ap-northeast-1", 8, 3) == round(8 * 3 * 730 * 0.014, 2)
    assert estimate_monthly_cost("us-east-1", 0, 2) == 0


def test_monthly_cost_is_unknown_for_a_region_without_a_recorded_price():
    assert estimate_monthly_cost("ca-west-1", 7, 3) is None


def test_every_recorded_price_says_where_it_comes_from():
    for region, rate in INTERFACE_ENDPOINT_HOURLY.items():
        assert rate.usd > 0, region
        assert rate.source and rate.recorded, region
