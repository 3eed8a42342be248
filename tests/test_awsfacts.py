"""The shared AWS knowledge: Regions mirror botocore, names follow the partition, needs follow the seed."""

import json
from pathlib import Path

import botocore
import pytest

from awsfacts import (
    CATALOG,
    CONSIDERATIONS,
    ECS_TRIO,
    REGION_PARTITION,
    SERVICE_CONSIDERATION,
    EndpointType,
    LaunchType,
    ServiceName,
    UnknownRegionError,
    Workload,
    ecr_layer_bucket_arn,
    is_post_line_region,
    meant_service,
    parse_service_name,
    partition_of,
    required_endpoints,
    service_name,
)


def test_regions_mirror_botocore_partitions():
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    expected = {
        region: partition["id"]
        for partition in data["partitions"]
        for region in partition["regions"]
        if not region.endswith("-global")
    }
    assert expected == REGION_PARTITION


def test_unknown_region_is_refused_with_the_name():
    with pytest.raises(UnknownRegionError, match="'mars-east-1' is not an AWS Region"):
        partition_of("mars-east-1")


@pytest.mark.parametrize(
    ("key", "region", "expected"),
    [
        ("ecr.dkr", "us-east-1", "com.amazonaws.us-east-1.ecr.dkr"),
        ("ecr.dkr", "cn-north-1", "cn.com.amazonaws.cn-north-1.ecr.dkr"),
        ("ecr.api", "cn-northwest-1", "cn.com.amazonaws.cn-northwest-1.ecr.api"),
        ("logs", "cn-north-1", "com.amazonaws.cn-north-1.logs"),
        ("ecs-agent", "cn-north-1", "com.amazonaws.cn-north-1.ecs-agent"),
        ("s3", "cn-north-1", "com.amazonaws.cn-north-1.s3"),
        ("ecr.dkr", "us-gov-west-1", "com.amazonaws.us-gov-west-1.ecr.dkr"),
    ],
)
def test_service_names_follow_the_partition(key, region, expected):
    assert service_name(key, region) == expected
    parsed = parse_service_name(expected)
    assert parsed is not None
    assert (parsed.region, parsed.key) == (region, key)


def test_parse_rejects_foreign_names():
    assert parse_service_name("com.example.vpce.us-east-1.vpce-svc-0123") is None


@pytest.mark.parametrize(
    "name",
    [
        "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",  # customer and partner PrivateLink
        "com.amazonaws.vpce.cn-north-1.vpce-svc-0123456789abcdef0",
        "com.amazonaws.s3-global.accesspoint",  # S3 Multi-Region Access Points: no Region
    ],
)
def test_parse_leaves_names_without_a_region_to_other_rules(name):
    assert parse_service_name(name) is None


def test_parse_reads_every_partitions_region_shape():
    for region in ("us-gov-west-1", "eusc-de-east-1", "us-isob-east-1", "eu-isoe-west-1", "ap-southeast-5"):
        assert parse_service_name(f"com.amazonaws.{region}.ecs-agent") == ServiceName(
            "com.amazonaws", region, "ecs-agent"
        )


@pytest.mark.parametrize(
    ("service", "keys", "consideration"),
    [
        ("ecs.agent", ("ecs-agent",), "C1"),
        ("ecs.telemetry", ("ecs-telemetry",), "C1"),
        ("ECS_Agent", ("ecs-agent",), "C1"),
        ("ecr-dkr", ("ecr.dkr",), "C6"),
        ("ecr_api", ("ecr.api",), "C6"),
        ("S3", ("s3",), "C6"),
        ("secrets-manager", ("secretsmanager",), "C7"),
        ("Logs", ("logs",), "C8"),
        ("ecs-sc", ("ecs-agent",), "C9"),
        ("ecr", ("ecr.api", "ecr.dkr"), "C6"),
        ("cloudwatch-logs", ("logs",), "C8"),
        ("cloudwatchlogs", ("logs",), "C8"),
        ("secretmanager", ("secretsmanager",), "C7"),
    ],
)
def test_near_misses_name_the_service_meant(service, keys, consideration):
    meant = meant_service(service)
    assert meant is not None
    assert (meant.keys, meant.consideration) == (keys, consideration)


@pytest.mark.parametrize(
    "service",
    [
        "eks",
        "ecr.api",
        "ecr.dkr",
        "ssm",
        "sms",
        "ecs",
        "s3",
        "logs",
        "kms",
        "ecs-fips",
        "ssm-messages",
        "ecsx",
    ],
)
def test_real_services_far_names_and_services_no_consideration_needs_are_not_near_misses(service):
    assert meant_service(service) is None


def test_every_service_consideration_is_a_catalog_service_and_a_consideration():
    assert set(SERVICE_CONSIDERATION) <= set(CATALOG)
    assert set(SERVICE_CONSIDERATION.values()) <= set(CONSIDERATIONS)


def test_layer_bucket_uses_partition_and_region():
    assert ecr_layer_bucket_arn("cn-north-1") == "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"


def test_catalog_keeps_gateway_and_interface_apart():
    assert CATALOG["s3"].type is EndpointType.GATEWAY
    assert all(CATALOG[key].type is EndpointType.INTERFACE for key in ECS_TRIO)


def test_line_regions():
    assert is_post_line_region("ca-west-1")
    assert is_post_line_region("mx-central-1")
    assert not is_post_line_region("us-east-1")


def _keys(region, workload):
    return [(n.key, n.considerations) for n in required_endpoints(region, workload)]


def test_ec2_in_post_line_region_with_everything():
    workload = Workload(LaunchType.EC2, True, True, True, True)
    assert _keys("ca-west-1", workload) == [
        ("ecs-agent", ("C1", "C9", "C2")),
        ("ecs-telemetry", ("C1", "C2")),
        ("ecs", ("C1", "C2")),
        ("ecr.api", ("C6",)),
        ("ecr.dkr", ("C6",)),
        ("s3", ("C6",)),
        ("secretsmanager", ("C7",)),
        ("logs", ("C8",)),
    ]


def test_fargate_needs_no_ecs_endpoints():
    workload = Workload(LaunchType.FARGATE, private_ecr_images=True, awslogs=True)
    assert [k for k, _ in _keys("us-east-1", workload)] == ["ecr.api", "ecr.dkr", "s3", "logs"]


def test_service_connect_on_fargate_old_and_new_region():
    workload = Workload(LaunchType.FARGATE, service_connect=True)
    assert _keys("us-east-1", workload) == [("ecs-agent", ("C9",))]
    assert [k for k, _ in _keys("ca-west-1", workload)] == list(ECS_TRIO)


def test_internet_path_drops_every_requirement():
    # The seed's requirements are for workloads without a path to the public endpoints: with a NAT or a
    # public IP behind an internet gateway, ECR, Secrets Manager, Logs and Service Connect work without them.
    workload = Workload(
        LaunchType.EC2,
        private_ecr_images=True,
        secrets_manager=True,
        awslogs=True,
        service_connect=True,
        internet_path=True,
    )
    assert _keys("us-east-1", workload) == []
    assert _keys("ca-west-1", workload) == []
