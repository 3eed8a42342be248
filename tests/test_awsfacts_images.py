"""Facts the program, the sandbox and the pack share: private ECR images, the C2 rule, Amazon DNS."""

import pytest

from awsfacts import (
    ECS_TRIO,
    PrivateEcrImage,
    UnknownRegionError,
    ecs_trio_bound_by_c2,
    ecs_trio_completion,
    is_amazon_dns_server,
    is_docker_tag,
    is_private_ecr_image,
    parse_private_ecr_image,
    private_ecr_registry,
)

DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize(
    ("image", "parsed"),
    [
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
            PrivateEcrImage("123456789012", "us-east-1", "amazonaws.com", False, "app", "1", None),
        ),
        (
            "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app:1",
            PrivateEcrImage("123456789012", "us-east-1", "amazonaws.com", True, "app", "1", None),
        ),
        (
            f"210987654321.dkr.ecr.cn-northwest-1.amazonaws.com.cn/team/api@{DIGEST}",
            PrivateEcrImage(
                "210987654321", "cn-northwest-1", "amazonaws.com.cn", False, "team/api", None, DIGEST
            ),
        ),
        (  # a pull-through cache repository: <prefix>/<upstream path> in the account's own registry
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27",
            PrivateEcrImage(
                "123456789012", "eu-west-1", "amazonaws.com", False, "docker-hub/library/nginx", "1.27", None
            ),
        ),
        (
            f"123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/my_app.v2:latest@{DIGEST}",
            PrivateEcrImage(
                "123456789012", "us-gov-west-1", "amazonaws.com", False, "my_app.v2", "latest", DIGEST
            ),
        ),
        (  # no tag and no digest: a valid reference (Docker pulls "latest"); the program asks for one
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app",
            PrivateEcrImage("123456789012", "us-east-1", "amazonaws.com", False, "app", None, None),
        ),
    ],
)
def test_private_ecr_images_are_parsed_into_registry_and_repository(image, parsed):
    assert parse_private_ecr_image(image) == parsed
    assert is_private_ecr_image(image) is True


@pytest.mark.parametrize(
    ("image", "private_registry"),
    [
        ("nginx:1.27", False),
        ("public.ecr.aws/nginx/nginx:1.27", False),
        ("docker.io/library/redis:7", False),
        ("123456789012.dkr-ecr.us-east-1.on.aws/app:1", False),  # dual-stack: no PrivateLink, not ours
        ("123456789012.dkr.ecr.us-east-1.amazonaws.eu/app:1", False),
        ("12345.dkr.ecr.us-east-1.amazonaws.com/app:1", False),  # an account id has 12 digits
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", False),  # a registry, no repository
        # The registry is private; the rest is no valid reference, so only the parser refuses it.
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/App:1", True),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app-:1", True),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1", True),  # repository names have 2+ characters
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:-1", True),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\n", True),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abc", True),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com/" + "a" * 257 + ":1", True),
    ],
)
def test_anything_else_is_not_parsed(image, private_registry):
    assert parse_private_ecr_image(image) is None
    assert is_private_ecr_image(image) is private_registry


def test_repository_arns_follow_the_region_partition():
    fips = parse_private_ecr_image("123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com/app:1")
    china = parse_private_ecr_image("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/api:1")
    unknown = parse_private_ecr_image("123456789012.dkr.ecr.xx-test-1.amazonaws.com/app:1")
    assert fips is not None and china is not None and unknown is not None
    assert fips.repository_arn == "arn:aws-us-gov:ecr:us-gov-east-1:123456789012:repository/app"
    assert china.repository_arn == "arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/api"
    with pytest.raises(UnknownRegionError):
        _ = unknown.repository_arn


def test_registry_hosts_follow_the_partition():
    assert private_ecr_registry("123456789012", "us-east-1") == "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    assert (
        private_ecr_registry("123456789012", "cn-north-1")
        == "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"
    )


@pytest.mark.parametrize(
    ("tag", "valid"),
    [("v1", True), ("1.27-alpine_3", True), ("a" * 128, True), ("a" * 129, False), (".v1", False),
     ("-v1", False), ("v1 beta", False), ("", False), ("é", False), ("v1\n", False)],
)  # fmt: skip
def test_docker_tags(tag, valid):
    assert is_docker_tag(tag) is valid


# --- C2 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "keys", "bound", "completion"),
    [
        ("ca-west-1", ["ecs-agent"], ECS_TRIO, ("ecs-telemetry", "ecs")),
        ("ca-west-1", ["ecs", "logs"], ECS_TRIO, ("ecs-agent", "ecs-telemetry")),
        ("ca-west-1", list(ECS_TRIO), ECS_TRIO, ()),
        ("ca-west-1", ["ecr.api", "logs"], (), ()),
        ("ca-west-1", [], (), ()),
        ("ap-southeast-7", ["ecs-telemetry"], ECS_TRIO, ("ecs-agent", "ecs")),
        ("xx-future-1", ["ecs-agent"], ECS_TRIO, ("ecs-telemetry", "ecs")),  # newer than our list: after
        ("us-east-1", ["ecs-agent"], (), ()),  # live before 2023-12-23: each endpoint stands alone
        ("cn-north-1", ["ecs"], (), ()),
    ],
)
def test_c2_binds_the_ecs_trio_only_in_post_line_regions(region, keys, bound, completion):
    assert ecs_trio_bound_by_c2(region, keys) == bound
    assert ecs_trio_completion(region, keys) == completion


def test_c2_reads_any_iterable_of_keys_once():
    assert ecs_trio_completion("ca-west-1", iter(["ecs-agent"])) == ("ecs-telemetry", "ecs")
    assert ecs_trio_completion("ca-west-1", {"ecs-agent": ["C9"]}) == ("ecs-telemetry", "ecs")


# --- Amazon DNS (C4) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "vpc_cidr", "amazon"),
    [
        ("AmazonProvidedDNS", None, True),
        ("amazonprovideddns", None, True),
        ("169.254.169.253", None, True),
        ("fd00:ec2::253", None, True),
        ("10.0.0.2", "10.0.0.0/16", True),  # the VPC's base address plus two
        ("10.0.0.2", None, False),
        ("10.0.0.2", "10.1.0.0/16", False),
        ("8.8.8.8", "10.0.0.0/16", False),
        ("resolver.corp", "10.0.0.0/16", False),
        ("10.0.0.2", "not a cidr", False),
    ],
)
def test_amazon_dns_servers(server, vpc_cidr, amazon):
    assert is_amazon_dns_server(server, vpc_cidr) is amazon
