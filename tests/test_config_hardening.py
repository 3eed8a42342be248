"""Bad stack configuration: one message naming the key, the value cut to 80 characters, what is
allowed, and nothing registered. Most classes are checked on parse_config (fast); a few run the real
program, through the sandbox CLI on a stack file or through run_program, to see the exit code and that
no resource exists when it stops.
"""

import json
import re
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import boto3
import botocore.session
import pytest
from moto import mock_aws

from ecs_privatelink.config import (
    AWS_CONFIG_KEYS,
    DEFAULTS,
    ConfigError,
    check_aws_keys,
    config_warnings,
    parse_config,
)
from ecs_privatelink.configerror import SHOWN_CHARACTERS, shown
from ecs_privatelink.workload_config import (
    _INSTANCE_TYPE,
    MAX_SECRETS,
    check_size_limits,
)
from sandbox import cli
from sandbox.engine.program import ProgramError, run_program
from sandbox.stackconfig import load_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
STACK = "pulumi:pulumi:Stack"
WORKLOAD = {"workload": "true"}
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
KMS_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
WHOLE_NUMBER = "expected a whole number in ASCII digits (0-9)."
TAG_RULE = "expected a Docker tag: ASCII letters, digits, '_', '.', '-', at most 128, not led by '.' or '-'."
NAME_RULE = (
    "a secret's name is its variable's: ASCII letters, digits and '_', not led by a digit, at most 255."
)
INSTANCE_RULE = (
    "expected an EC2 instance type such as t3.medium: a family, '.', and a size (nano, micro, small, "
    "medium, large, xlarge, <n>xlarge, metal, metal-<n>xl)."
)
ARN_RULE = (
    "expected a full ARN, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf."
)

BAD_VALUES: list[tuple[dict[str, object], str]] = [
    # Unicode digits: str.isdigit and int() take them, AWS does not.
    ({"azCount": "²"}, f"Invalid ecs-privatelink:azCount '²': {WHOLE_NUMBER}"),
    ({"azCount": "--2"}, f"Invalid ecs-privatelink:azCount '--2': {WHOLE_NUMBER}"),
    ({"azCount": "٢"}, f"Invalid ecs-privatelink:azCount '٢': {WHOLE_NUMBER}"),
    ({"azCount": "２"}, f"Invalid ecs-privatelink:azCount '２': {WHOLE_NUMBER}"),
    ({"azCount": "2.0"}, f"Invalid ecs-privatelink:azCount '2.0': {WHOLE_NUMBER}"),
    ({"azCount": True}, f"Invalid ecs-privatelink:azCount True: {WHOLE_NUMBER}"),
    # Past Python's int() digit limit: a ValueError without the key, once.
    ({"azCount": "9" * 5000}, f"Invalid ecs-privatelink:azCount '{'9' * 78}…: {WHOLE_NUMBER}"),
    ({**WORKLOAD, "memory": "5¹²"}, f"Invalid ecs-privatelink:memory '5¹²': {WHOLE_NUMBER}"),
    ({**WORKLOAD, "cpu": "２５６"}, f"Invalid ecs-privatelink:cpu '２５６': {WHOLE_NUMBER}"),
    ({**WORKLOAD, "desiredCount": "1e3"}, f"Invalid ecs-privatelink:desiredCount '1e3': {WHOLE_NUMBER}"),
    (
        {**WORKLOAD, "logRetentionDays": "３0"},
        f"Invalid ecs-privatelink:logRetentionDays '３0': {WHOLE_NUMBER}",
    ),
    (
        {**WORKLOAD, "containerPort": "８080"},
        f"Invalid ecs-privatelink:containerPort '８080': {WHOLE_NUMBER}",
    ),
    # Tags and images: ASCII only, strings only.
    ({**WORKLOAD, "imageTag": "ü"}, f"Invalid ecs-privatelink:imageTag 'ü': {TAG_RULE}"),
    ({**WORKLOAD, "imageTag": ".v1"}, f"Invalid ecs-privatelink:imageTag '.v1': {TAG_RULE}"),
    ({**WORKLOAD, "imageTag": "x" * 129}, f"Invalid ecs-privatelink:imageTag '{'x' * 78}…: {TAG_RULE}"),
    (
        {**WORKLOAD, "imageTag": 1.1},
        "Invalid ecs-privatelink:imageTag 1.1: expected a string, and YAML read this as a number: quote it.",
    ),
    (
        {**WORKLOAD, "image": "nginx:1.27ü"},
        "Invalid ecs-privatelink:image 'nginx:1.27ü': expected an image reference such as 'nginx:1.27' or "
        "an ECR URI.",
    ),
    (
        {**WORKLOAD, "image": "١٢٣٤٥٦٧٨٩٠١٢.dkr.ecr.us-east-1.amazonaws.com/app:v1"},
        "Invalid ecs-privatelink:image '١٢٣٤٥٦٧٨٩٠١٢.dkr.ecr.us-east-1.amazonaws.com/app:v1': expected an "
        "image reference such as 'nginx:1.27' or an ECR URI.",
    ),
    # Secrets: ASCII account ids, whole names, each once, none ECS reserves, not too many.
    (
        {**WORKLOAD, "secrets": json.dumps({"TOKEN": SECRET_ARN.replace("123456789012", "١٢٣٤٥٦٧٨٩٠١٢")})},
        f"Invalid ecs-privatelink:secrets 'arn:aws:secretsmanager:us-east-1:١٢٣٤٥٦٧٨٩٠١٢:secret:db-AbCdEf': "
        f"{ARN_RULE}",
    ),
    (
        {**WORKLOAD, "secrets": json.dumps({"DB\n": None})},
        f"Invalid ecs-privatelink:secrets 'DB\\n': {NAME_RULE}",
    ),
    ({**WORKLOAD, "secrets": {"DB\n": None}}, f"Invalid ecs-privatelink:secrets 'DB\\n': {NAME_RULE}"),
    ({**WORKLOAD, "secrets": json.dumps({"Ж": None})}, f"Invalid ecs-privatelink:secrets 'Ж': {NAME_RULE}"),
    (
        {**WORKLOAD, "secrets": json.dumps({"1DB": None})},
        f"Invalid ecs-privatelink:secrets '1DB': {NAME_RULE}",
    ),
    (
        {**WORKLOAD, "secrets": '{"DB": null, "DB": null}'},
        "Invalid ecs-privatelink:secrets 'DB': this variable is given twice; give each secret once.",
    ),
    (
        {**WORKLOAD, "secrets": json.dumps({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None})},
        "Invalid ecs-privatelink:secrets 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI': ECS sets this variable in "
        "every container (task role, metadata); rename it.",
    ),
    (
        {**WORKLOAD, "secrets": json.dumps({f"S{i}": None for i in range(1000)})},
        f"Invalid ecs-privatelink:secrets '1000 secrets': at most {MAX_SECRETS}: no more fit IAM's "
        "10240-character limit on the execution role's policy (one JSON secret can hold several values).",
    ),
    # Instance types: a family and a size EC2 names.
    (
        {**WORKLOAD, "launchType": "EC2", "instanceType": "t3.mega"},
        f"Invalid ecs-privatelink:instanceType 't3.mega': {INSTANCE_RULE}",
    ),
    (
        {**WORKLOAD, "launchType": "EC2", "instanceType": "T3.MEDIUM"},
        f"Invalid ecs-privatelink:instanceType 'T3.MEDIUM': {INSTANCE_RULE}",
    ),
    # Long values are cut: one readable line, whatever was configured.
    (
        {"vpcCidr": "10.0.0.0/16" + "0" * 200_000},
        f"Invalid ecs-privatelink:vpcCidr '10.0.0.0/16{'0' * 67}…: expected an IPv4 CIDR with no host bits "
        "set, such as 10.0.0.0/16.",
    ),
    (
        {"vpcCidr": "１0.0.0.0/16"},
        "Invalid ecs-privatelink:vpcCidr '１0.0.0.0/16': expected an IPv4 CIDR with no host bits set, "
        "such as 10.0.0.0/16.",
    ),
    (
        {
            "existingVpcId": "vpc-٠١٢٣٤٥٦٧",
            "existingSubnetIds": '["subnet-01234567"]',
            "existingRouteTableIds": '["rtb-01234567"]',
        },
        "Invalid ecs-privatelink:existingVpcId 'vpc-٠١٢٣٤٥٦٧': expected an id such as vpc-0123456789abcdef0.",
    ),
]


@pytest.mark.parametrize(("raw", "message"), BAD_VALUES)
def test_a_bad_value_is_one_line_naming_the_key_and_what_is_allowed(raw, message):
    with pytest.raises(ConfigError) as refused:
        parse_config("us-east-1", raw)
    assert str(refused.value) == message
    assert "\n" not in str(refused.value)


def test_an_unknown_key_is_cut_too():
    with pytest.raises(ConfigError) as refused:
        parse_config("us-east-1", {"x" * 300: "1"})
    assert str(refused.value).startswith(f"Unknown config key ecs-privatelink:{'x' * 79}…; known keys are ")


def test_shown_cuts_to_80_characters():
    assert shown("abc") == "'abc'"
    assert shown("y" * 10_000) == "'" + "y" * 78 + "…"
    assert len(shown("y" * 10_000)) == SHOWN_CHARACTERS


def test_a_misspelt_aws_key_is_refused_with_the_close_match():
    check_aws_keys(["aws:region", "aws:profile", "aws:defaultTags"])
    with pytest.raises(ConfigError) as refused:
        check_aws_keys(["aws:region", "aws:regoin"])
    assert str(refused.value) == (
        "Unknown config key aws:regoin: the AWS provider does not read it; did you mean aws:region? "
        "see the provider's configuration reference for its keys."
    )
    with pytest.raises(ConfigError) as refused:
        check_aws_keys(["aws:" + "q" * 300])
    assert str(refused.value) == (
        f"Unknown config key aws:{'q' * 79}…: the AWS provider does not read it; see the provider's "
        "configuration reference for its keys."
    )


def test_the_aws_keys_are_the_pinned_providers():
    spec = find_spec("pulumi_aws")
    assert spec is not None and spec.origin is not None
    source = (Path(spec.origin).parent / "config" / "vars.py").read_text()
    assert sorted(set(re.findall(r"__config__\.get\w*\('(\w+)'\)", source))) == sorted(AWS_CONFIG_KEYS)


def test_the_instance_type_shape_takes_every_type_ec2_names_and_not_a_misspelt_size():
    model = botocore.session.get_session().get_service_model("ec2")
    names = model.shape_for("InstanceType").enum
    assert len(names) > 500
    assert [name for name in names if not _INSTANCE_TYPE.fullmatch(name)] == []
    assert not _INSTANCE_TYPE.fullmatch("t3.mega")


WARNINGS: list[tuple[dict[str, object], list[str]]] = [
    (
        {**WORKLOAD, "instanceType": "m5.large", "maxSize": "5"},
        [
            "ecs-privatelink:instanceType has no effect: it applies to launchType EC2, not FARGATE; remove "
            "it from the stack.",
            "ecs-privatelink:maxSize has no effect: it applies to launchType EC2, not FARGATE; remove it "
            "from the stack.",
        ],
    ),
    (
        {**WORKLOAD, "secretsKmsKeyArn": KMS_ARN},
        [
            "ecs-privatelink:secretsKmsKeyArn has no effect: ecs-privatelink:secrets is empty; remove it "
            "from the stack."
        ],
    ),
    (
        {**WORKLOAD, "image": "nginx:1.27", "imageTag": "v2"},
        [
            "ecs-privatelink:imageTag has no effect: ecs-privatelink:image is set and names its own tag or "
            "digest; remove it from the stack."
        ],
    ),
    (
        {**WORKLOAD, "imageTag": "1.1"},
        [
            "ecs-privatelink:imageTag '1.1' looks like a number: YAML reads an unquoted 1.10 as the number "
            "1.1; quote the tag in the stack file if '1.1' is not the tag you meant."
        ],
    ),
    (
        {"workload": "false", "cpu": "512"},
        ["ecs-privatelink:cpu has no effect: ecs-privatelink:workload is false; remove it from the stack."],
    ),
    (
        {**WORKLOAD, "serviceConnectNamespace": "apps"},
        [
            "ecs-privatelink:serviceConnectNamespace has no effect: ecs-privatelink:serviceConnect is false; "
            "remove it from the stack."
        ],
    ),
    (
        {**WORKLOAD, "ssmManagedInstances": "true"},
        [
            "ecs-privatelink:ssmManagedInstances has no effect: it applies to launchType EC2, not FARGATE; "
            "remove it from the stack."
        ],
    ),
    (
        {"launchType": "EC2", "instanceRolePolicy": "managed"},
        [
            "ecs-privatelink:instanceRolePolicy has no effect: ecs-privatelink:workload is false; remove it "
            "from the stack."
        ],
    ),
    # Defaults, as the CLI passes them, and keys that do apply warn of nothing.
    ({**WORKLOAD, **{key: value for key, value in DEFAULTS.items() if key != "workload"}}, []),
    ({**WORKLOAD, "launchType": "EC2", "instanceType": "m5.large", "imageTag": "20240101"}, []),
    ({**WORKLOAD, "launchType": "EC2", "instanceRolePolicy": "managed", "ssmManagedInstances": "true"}, []),
    ({**WORKLOAD, "secrets": json.dumps({"DB": None}), "secretsKmsKeyArn": KMS_ARN}, []),
]


@pytest.mark.parametrize(("raw", "warnings"), WARNINGS)
def test_a_key_without_effect_is_a_warning_naming_it(raw, warnings):
    assert config_warnings(raw, parse_config("us-east-1", raw)) == warnings


def workload_of(secrets: dict[str, str | None]):
    config = parse_config("us-east-1", {**WORKLOAD, "secrets": json.dumps(secrets)}).workload_config
    assert config is not None
    return config


def test_the_size_limits_pass_many_short_secrets_and_refuse_a_policy_iam_would_refuse():
    check_size_limits(
        workload_of({f"S{i}": None for i in range(60)}), "us-east-1", "aws", "ecs-privatelink-dev"
    )
    with pytest.raises(ConfigError) as refused:
        check_size_limits(
            workload_of({f"S{i}_{'X' * 200}": None for i in range(50)}),
            "us-east-1",
            "aws",
            "ecs-privatelink-dev",
        )
    assert str(refused.value) == (
        "Invalid ecs-privatelink:secrets '50 secrets': their ARNs make the execution role's policy 15113 "
        "characters and IAM allows 10240; use fewer secrets (one JSON secret can hold several values)."
    )
    with pytest.raises(ConfigError) as refused:
        check_size_limits(workload_of({"DB": None}), "us-east-1", "aws", "f" * 510)
    assert str(refused.value) == (
        "Invalid ecs-privatelink:secrets 'DB': the created secret's name "
        f"{'f' * 510}/<name> must be at most 512 characters."
    )


# The real program: a few runs (each starts a Python process).


def write_program(directory: Path, stack_text: str) -> Path:
    """The project's program with a stack file of the test's own (the program's files linked)."""
    for name in ("__main__.py", "Pulumi.yaml", "ecs_privatelink", "awsfacts", "venv"):
        (directory / name).symlink_to(PROJECT_DIR / name)
    (directory / "Pulumi.dev.yaml").write_text(stack_text)
    return directory


def test_a_bad_stack_file_stops_the_program_with_exit_2_and_nothing_planned(tmp_path, capsys):
    program = write_program(tmp_path, "config:\n  aws:region: us-east-1\n  ecs-privatelink:azCount: '²'\n")
    assert cli.main(["preview", "--program", str(program), "--stack", "dev"]) == 2
    out = capsys.readouterr().out
    errors = [line.strip() for line in out.splitlines() if line.strip().startswith("error:")]
    assert errors == [f"error: Invalid ecs-privatelink:azCount '²': {WHOLE_NUMBER}"]
    planned = [line for line in out.splitlines() if line.lstrip().startswith("+ ")]
    assert len(planned) == 1 and STACK in planned[0]  # the stack itself, no resource


def run_dev(overrides: dict[str, str]) -> ProgramError:
    config = dict(load_stack_config(PROJECT_DIR, "dev").config) | overrides
    with pytest.raises(ProgramError) as failed:
        run_program(PROJECT_DIR, project="ecs-privatelink", stack="dev", config=config)
    return failed.value


PROGRAM_REFUSALS = [
    (
        {"aws:regoin": "us-east-1"},
        "Unknown config key aws:regoin: the AWS provider does not read it; did you mean aws:region? see the "
        "provider's configuration reference for its keys.",
    ),
    (
        {"ecs-privatelink:secrets": json.dumps({f"S{i}_{'X' * 200}": None for i in range(50)})},
        "Invalid ecs-privatelink:secrets '50 secrets': their ARNs make the execution role's policy 15113 "
        "characters and IAM allows 10240; use fewer secrets (one JSON secret can hold several values).",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), PROGRAM_REFUSALS)
def test_the_program_refuses_before_registering_any_resource(overrides, message):
    failed = run_dev(overrides)
    assert str(failed) == message
    assert [resource.type for resource in failed.resources if resource.type != STACK] == []


@pytest.fixture
def subnet_in_us_east_1e() -> Iterator[dict[str, str]]:
    """An existing VPC whose only subnet is in us-east-1e, where the sandbox offers no ecs-telemetry."""
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc_id = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.30.1.0/24", AvailabilityZone="us-east-1e")[
            "Subnet"
        ]["SubnetId"]
        route_table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        yield {
            "ecs-privatelink:existingVpcId": vpc_id,
            "ecs-privatelink:existingSubnetIds": json.dumps([subnet_id]),
            "ecs-privatelink:existingRouteTableIds": json.dumps([route_table_id]),
        }


def test_an_endpoint_no_subnet_can_host_fails_before_any_resource(subnet_in_us_east_1e):
    failed = run_dev({**subnet_in_us_east_1e, "ecs-privatelink:launchType": "EC2"})
    assert str(failed) == (
        "com.amazonaws.us-east-1.ecs-telemetry is not offered in any Availability Zone of the subnets "
        "(us-east-1e); it is offered in us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f. Add a "
        "subnet in one of those zones (this project's VPC: raise azCount) or drop the endpoint."
    )
    assert [resource.type for resource in failed.resources if resource.type != STACK] == []
