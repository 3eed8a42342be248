"""Stack configuration: the schema in Pulumi.yaml, the shipped stacks, and every refusal."""

import subprocess
import sys
from dataclasses import replace
from ipaddress import IPv4Network
from pathlib import Path

import pytest
import yaml

from awsfacts import LaunchType
from ecs_privatelink.config import (
    DEFAULTS,
    NAMESPACE,
    ConfigError,
    ExistingNetwork,
    StackConfig,
    choose_availability_zones,
    parse_config,
)
from ecs_privatelink.hardening import DEFAULT_HARDENING, Hardening, InstanceRolePolicy
from ecs_privatelink.workload_config import Image, WorkloadConfig
from sandbox.stackconfig import load_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCHEMA_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}


def project_schema() -> dict[str, dict]:
    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())
    return {key.removeprefix(f"{NAMESPACE}:"): spec for key, spec in project["config"].items()}


def shipped_stack(stack: str) -> tuple[str, dict[str, str]]:
    """Region and raw project values of a shipped stack, as the CLI passes them (strings)."""
    config = load_stack_config(PROJECT_DIR, stack).config
    raw = {
        key.removeprefix(f"{NAMESPACE}:"): value for key, value in config.items() if key.startswith(NAMESPACE)
    }
    return config["aws:region"], raw


def test_project_file_declares_the_runtime_and_namespace():
    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())
    assert project["name"] == NAMESPACE
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": "venv", "typechecker": "mypy"},
    }
    assert project["requiredPulumiVersion"] == ">=3.186.0"


def test_the_typechecker_the_cli_runs_passes_on_the_program_directory():
    # pulumi-language-python runs `python -m mypy --exclude <venv> <program dir>` in the program
    # directory before the program (typechecker: mypy): the whole directory, not `make typecheck`'s list.
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--exclude", "venv", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]


def test_schema_declares_exactly_the_keys_the_program_reads_with_the_same_defaults():
    schema = project_schema()
    assert set(schema) == set(DEFAULTS)
    for key, spec in schema.items():
        assert spec["default"] == DEFAULTS[key], key
        assert type(DEFAULTS[key]) is SCHEMA_TYPES[spec["type"]], key
        assert spec["description"].strip(), key
    assert schema["extraEndpoints"]["items"] == {"type": "string"}


def test_schema_defaults_and_missing_keys_parse_to_the_same_config():
    schema_defaults = {key: spec["default"] for key, spec in project_schema().items()}
    assert parse_config("us-east-1", schema_defaults) == parse_config("us-east-1", {})


# The workload every shipped stack gets from the schema defaults.
DEFAULT_WORKLOAD = WorkloadConfig(
    image=Image(reference=None, tag="v1", repository_arn=None),
    cpu=256,
    memory=512,
    desired_count=2,
    container_port=8080,
    secrets=(),
    secrets_kms_key_arn=None,
    log_retention_days=30,
    log_kms_key_arn=None,
    service_connect=False,
    service_connect_namespace="internal",
    instance_type="t3.medium",
    min_size=1,
    max_size=3,
)


def test_dev_stack_file_parses_to_a_fargate_stack_in_us_east_1():
    region, raw = shipped_stack("dev")
    assert parse_config(region, raw) == StackConfig(
        region="us-east-1",
        partition="aws",
        launch_type=LaunchType.FARGATE,
        vpc_cidr=IPv4Network("10.0.0.0/16"),
        az_count=2,
        private_ecr_images=True,
        secrets_manager=False,
        awslogs=True,
        service_connect=False,
        extra_endpoints=(),
        restrict_to_account=True,
        workload_config=DEFAULT_WORKLOAD,
    )


def test_prod_stack_file_parses_to_an_ec2_stack_in_ca_west_1():
    region, raw = shipped_stack("prod")
    assert parse_config(region, raw) == StackConfig(
        region="ca-west-1",
        partition="aws",
        launch_type=LaunchType.EC2,
        vpc_cidr=IPv4Network("10.0.0.0/16"),
        az_count=3,
        private_ecr_images=True,
        secrets_manager=True,
        awslogs=True,
        service_connect=True,
        extra_endpoints=(),
        restrict_to_account=True,
        workload_config=replace(DEFAULT_WORKLOAD, secrets=(("DB_PASSWORD", None),), service_connect=True),
        hardening=replace(DEFAULT_HARDENING, protect=True),
    )


def test_cli_strings_and_native_values_mean_the_same():
    as_strings = {
        "launchType": "ec2",
        "azCount": "3",
        "awslogs": "False",
        "extraEndpoints": '["ssm", "kms", "ssm"]',
        "restrictToAccount": "false",
    }
    native = {
        "launchType": "EC2",
        "azCount": 3,
        "awslogs": False,
        "extraEndpoints": ["ssm", "kms"],
        "restrictToAccount": False,
    }
    parsed = parse_config("eu-west-1", as_strings)
    assert parsed == parse_config("eu-west-1", native)
    assert parsed.extra_endpoints == ("ssm", "kms")  # duplicates dropped, order kept
    assert parsed.launch_type is LaunchType.EC2


def test_workload_carries_the_features_and_never_an_internet_path():
    workload = parse_config("us-east-1", {"serviceConnect": True, "secretsManager": "true"}).workload
    assert (workload.launch_type, workload.service_connect, workload.secrets_manager) == (
        LaunchType.FARGATE,
        True,
        True,
    )
    assert workload.internet_path is False


EXISTING = {
    "existingVpcId": "vpc-0123456789abcdef0",
    "existingSubnetIds": '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]',
    "existingRouteTableIds": '["rtb-0123456789abcdef0"]',
}


def test_an_existing_network_needs_all_three_ids_and_keeps_them_in_order_once_each():
    config = parse_config(
        "us-east-1", {**EXISTING, "existingRouteTableIds": ["rtb-0123456789abcdef0", "rtb-0123456789abcdef0"]}
    )
    assert config.existing_network == ExistingNetwork(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=("subnet-0123456789abcdef0", "subnet-0fedcba9876543210"),
        route_table_ids=("rtb-0123456789abcdef0",),
    )
    assert parse_config("us-east-1", {}).existing_network is None
    # The CLI passes the schema's defaults; empty values mean a VPC of the stack's own.
    empty = {"existingVpcId": "", "existingSubnetIds": "[]", "existingRouteTableIds": "[]"}
    assert parse_config("us-east-1", empty).existing_network is None


@pytest.mark.parametrize(
    ("region", "raw", "message"),
    [
        (
            "us-east-1",
            {"launchType": "LAMBDA"},
            "Invalid ecs-privatelink:launchType 'LAMBDA': allowed values are FARGATE, EC2.",
        ),
        (
            "us-east-1",
            {"vpcCidr": "10.0.0.0/33"},
            "Invalid ecs-privatelink:vpcCidr '10.0.0.0/33': expected an IPv4 CIDR with no host bits set, "
            "such as 10.0.0.0/16.",
        ),
        (
            "us-east-1",
            {"vpcCidr": "10.0.0.1/16"},
            "Invalid ecs-privatelink:vpcCidr '10.0.0.1/16': expected an IPv4 CIDR with no host bits set, "
            "such as 10.0.0.0/16.",
        ),
        (
            "us-east-1",
            {"vpcCidr": "8.8.0.0/16"},
            "Invalid ecs-privatelink:vpcCidr '8.8.0.0/16': the VPC must use a private (RFC 1918) range "
            "inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.",
        ),
        (
            "us-east-1",
            {"vpcCidr": "172.32.0.0/16"},  # just outside 172.16.0.0/12
            "Invalid ecs-privatelink:vpcCidr '172.32.0.0/16': the VPC must use a private (RFC 1918) range "
            "inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.",
        ),
        (
            "us-east-1",
            {"vpcCidr": "10.0.0.0/26"},
            "Invalid ecs-privatelink:vpcCidr '10.0.0.0/26': too small for eight /28 subnet slots "
            "(one per AZ); use a prefix from /16 to /25.",
        ),
        (
            "us-east-1",
            {"vpcCidr": "10.0.0.0/8"},
            "Invalid ecs-privatelink:vpcCidr '10.0.0.0/8': AWS allows VPC CIDRs from /16 down.",
        ),
        ("us-east-1", {"azCount": "0"}, "Invalid ecs-privatelink:azCount '0': allowed values are 1 to 6."),
        ("us-east-1", {"azCount": 7}, "Invalid ecs-privatelink:azCount 7: allowed values are 1 to 6."),
        (
            "us-east-1",
            {"azCount": "two"},
            "Invalid ecs-privatelink:azCount 'two': expected a whole number in ASCII digits (0-9).",
        ),
        (
            "us-east-1",
            {"awslogs": "yes"},
            "Invalid ecs-privatelink:awslogs 'yes': allowed values are true and false.",
        ),
        (
            "us-east-1",
            {"extraEndpoints": "ssm,kms"},
            "Invalid ecs-privatelink:extraEndpoints 'ssm,kms': expected a JSON list of strings such as "
            '["ssm", "kms"].',
        ),
        (
            "us-east-1",
            {"extraEndpoints": '{"ssm": true}'},
            "Invalid ecs-privatelink:extraEndpoints '{\"ssm\": true}': expected a list of strings such as "
            '["ssm", "kms"].',
        ),
        (
            "us-east-1",
            {"existingVpcId": "vpc-0123456789abcdef0", "existingSubnetIds": '["subnet-0123456789abcdef0"]'},
            "ecs-privatelink:existingVpcId is set but ecs-privatelink:existingRouteTableIds is not: "
            "an existing network needs all of ecs-privatelink:existingVpcId, "
            "ecs-privatelink:existingSubnetIds, ecs-privatelink:existingRouteTableIds "
            "(or none, for a VPC of the stack's own).",
        ),
        (
            "us-east-1",
            {**EXISTING, "existingVpcId": "vpc-123"},
            "Invalid ecs-privatelink:existingVpcId 'vpc-123': expected an id such as vpc-0123456789abcdef0.",
        ),
        (
            "us-east-1",
            {**EXISTING, "existingSubnetIds": '["subnet-0123456789abcdef0", "sg-0123456789abcdef0"]'},
            "Invalid ecs-privatelink:existingSubnetIds 'sg-0123456789abcdef0': expected an id such as "
            "subnet-0123456789abcdef0.",
        ),
        (
            "us-east-1",
            {**EXISTING, "existingSubnetIds": "subnet-0123456789abcdef0"},
            "Invalid ecs-privatelink:existingSubnetIds 'subnet-0123456789abcdef0': expected a JSON list of "
            'strings such as ["subnet-0123456789abcdef0"].',
        ),
        (
            "us-east-1",
            {**EXISTING, "existingRouteTableIds": "[]"},
            "ecs-privatelink:existingVpcId is set but ecs-privatelink:existingRouteTableIds is not: "
            "an existing network needs all of ecs-privatelink:existingVpcId, "
            "ecs-privatelink:existingSubnetIds, ecs-privatelink:existingRouteTableIds "
            "(or none, for a VPC of the stack's own).",
        ),
        (
            "us-east-1",
            {"azcount": "2"},
            "Unknown config key ecs-privatelink:azcount; known keys are ecs-privatelink:launchType, "
            "ecs-privatelink:vpcCidr, ecs-privatelink:azCount, ecs-privatelink:privateEcrImages, "
            "ecs-privatelink:secretsManager, ecs-privatelink:awslogs, ecs-privatelink:serviceConnect, "
            "ecs-privatelink:extraEndpoints, ecs-privatelink:restrictToAccount, ecs-privatelink:workload, "
            "ecs-privatelink:existingVpcId, ecs-privatelink:existingSubnetIds, "
            "ecs-privatelink:existingRouteTableIds, ecs-privatelink:image, ecs-privatelink:imageTag, "
            "ecs-privatelink:cpu, ecs-privatelink:memory, "
            "ecs-privatelink:desiredCount, ecs-privatelink:containerPort, ecs-privatelink:secrets, "
            "ecs-privatelink:secretsKmsKeyArn, ecs-privatelink:logRetentionDays, "
            "ecs-privatelink:logKmsKeyArn, ecs-privatelink:serviceConnectNamespace, "
            "ecs-privatelink:instanceType, ecs-privatelink:minSize, ecs-privatelink:maxSize, "
            "ecs-privatelink:flowLogs, ecs-privatelink:flowLogRetentionDays, "
            "ecs-privatelink:readonlyRootFilesystem, ecs-privatelink:containerUser, "
            "ecs-privatelink:ecrKeepImages, ecs-privatelink:ecrKmsKeyArn, ecs-privatelink:protect, "
            "ecs-privatelink:instanceRolePolicy, ecs-privatelink:ssmManagedInstances.",
        ),
        (None, {}, "aws:region is not set: run `pulumi config set aws:region <region>`."),
    ],
)
def test_bad_values_are_refused_naming_key_value_and_what_is_allowed(region, raw, message):
    with pytest.raises(ConfigError) as refused:
        parse_config(region, raw)
    assert str(refused.value) == message


def test_unknown_region_is_refused_with_the_known_ones():
    with pytest.raises(ConfigError) as refused:
        parse_config("mars-east-1", {})
    message = str(refused.value)
    assert message.startswith("Invalid aws:region: 'mars-east-1' is not an AWS Region botocore knows; known")
    assert "ca-west-1" in message
    assert "cn-north-1" in message


def test_unknown_extra_endpoint_is_refused_with_the_interface_services():
    with pytest.raises(ConfigError) as refused:
        parse_config("us-east-1", {"extraEndpoints": ["ssm", "sqs-typo"]})
    message = str(refused.value)
    assert message.startswith(
        "Invalid ecs-privatelink:extraEndpoints 'sqs-typo': unknown endpoint service; "
        "allowed interface services are ecs-agent, ecs-telemetry, ecs, ecr.api, ecr.dkr, secretsmanager,"
    )
    assert " s3," not in message  # the gateway is not an extra


def test_the_s3_gateway_is_not_an_extra_endpoint():
    with pytest.raises(ConfigError, match=r"'s3': s3 is a gateway endpoint, created with privateEcrImages;"):
        parse_config("us-east-1", {"extraEndpoints": ["s3"]})


@pytest.mark.parametrize("region", ["ap-southeast-7", "mx-central-1", "ap-southeast-5"])
def test_ec2messages_is_refused_in_regions_opened_in_2024_or_later(region):
    with pytest.raises(ConfigError) as refused:
        parse_config(region, {"extraEndpoints": ["ssmmessages", "ec2messages"]})
    assert str(refused.value) == (
        f"Invalid ecs-privatelink:extraEndpoints 'ec2messages': {region} opened in 2024 or later "
        "and has no ec2messages endpoint; use ssmmessages."
    )


@pytest.mark.parametrize("region", ["us-east-1", "ca-west-1", "cn-north-1"])
def test_ec2messages_is_accepted_where_it_exists(region):
    assert parse_config(region, {"extraEndpoints": ["ec2messages"]}).extra_endpoints == ("ec2messages",)


def test_az_choice_takes_the_first_zones_of_the_region():
    config = parse_config("us-east-1", {"azCount": 3})
    assert choose_availability_zones(config, ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]) == (
        "us-east-1a",
        "us-east-1b",
        "us-east-1c",
    )


def test_az_count_above_what_the_region_offers_is_refused():
    config = parse_config("us-west-1", {"azCount": 3})
    with pytest.raises(ConfigError) as refused:
        choose_availability_zones(config, ["us-west-1b", "us-west-1c"])
    assert str(refused.value) == (
        "Invalid ecs-privatelink:azCount 3: us-west-1 offers 2 Availability Zones (us-west-1b, us-west-1c); "
        "allowed values are 1 to 2."
    )


def test_secure_defaults_are_on_unless_opted_out():
    defaults = DEFAULT_HARDENING
    assert defaults == Hardening(
        flow_logs=True,
        flow_log_retention_days=365,
        readonly_root_filesystem=True,
        container_user="1000",
        ecr_keep_images=30,
        ecr_kms_key_arn=None,
        protect=False,
        instance_role_policy=InstanceRolePolicy.SCOPED,
        ssm_managed_instances=False,
    )
    opted_out = parse_config(
        "us-east-1",
        {
            "flowLogs": "false",
            "flowLogRetentionDays": "90",
            "readonlyRootFilesystem": False,
            "containerUser": "",
            "ecrKeepImages": "0",
            "protect": "true",
            "instanceRolePolicy": "Managed",
            "ssmManagedInstances": True,
        },
    ).hardening
    assert opted_out == Hardening(
        flow_logs=False,
        flow_log_retention_days=90,
        readonly_root_filesystem=False,
        container_user=None,
        ecr_keep_images=0,
        ecr_kms_key_arn=None,
        protect=True,
        instance_role_policy=InstanceRolePolicy.MANAGED,
        ssm_managed_instances=True,
    )
    assert parse_config("us-east-1", {"containerUser": "app:app"}).hardening.container_user == "app:app"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"flowLogRetentionDays": "100"},
            "Invalid ecs-privatelink:flowLogRetentionDays '100': CloudWatch Logs allows 1, 3, 5, 7, 14, 30, "
            "60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
        ),
        (
            {"containerUser": "0:0"},
            "Invalid ecs-privatelink:containerUser '0:0': a task should not run as root; use \"\" for the "
            "image's own user.",
        ),
        (
            {"containerUser": "app user"},
            "Invalid ecs-privatelink:containerUser 'app user': expected a user such as 1000 or 1000:1000, "
            'or "" for the image\'s own.',
        ),
        (
            {"ecrKeepImages": "-1"},
            "Invalid ecs-privatelink:ecrKeepImages '-1': allowed values are 0 (no policy) to 10000.",
        ),
        (
            {"ecrKmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
            "Invalid ecs-privatelink:ecrKmsKeyArn "
            "'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab': it must be in "
            "the stack's Region us-east-1 (aws), which the endpoints serve.",
        ),
        ({"protect": "yes"}, "Invalid ecs-privatelink:protect 'yes': allowed values are true and false."),
        (
            {"instanceRolePolicy": "full"},
            "Invalid ecs-privatelink:instanceRolePolicy 'full': allowed values are scoped and managed.",
        ),
        (
            {"ssmManagedInstances": "on"},
            "Invalid ecs-privatelink:ssmManagedInstances 'on': allowed values are true and false.",
        ),
    ],
)
def test_bad_hardening_values_are_refused(raw, message):
    with pytest.raises(ConfigError) as refused:
        parse_config("us-east-1", raw)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("raw", "managed"),
    [
        ({"workload": "true", "launchType": "EC2", "ssmManagedInstances": "true"}, True),
        ({"workload": "true", "launchType": "FARGATE", "ssmManagedInstances": "true"}, False),
        ({"workload": "false", "launchType": "EC2", "ssmManagedInstances": "true"}, False),
        ({"workload": "true", "launchType": "EC2"}, False),
    ],
)
def test_ssm_manages_only_container_instances_the_stack_makes(raw, managed):
    assert parse_config("us-east-1", raw).ssm_managed_instances is managed
