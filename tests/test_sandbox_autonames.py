"""Auto-names, filled in as the bridged provider's Check does: values built from them are known at preview."""

import json
import re
from pathlib import Path

import pytest
from pulumi.output import Unknown

from sandbox.engine.autonames import auto_name
from sandbox.engine.program import ProgramError, Recording, run_program

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"

FARGATE_PROGRAM = """
import json

import pulumi
import pulumi_aws as aws

log_group = aws.cloudwatch.LogGroup("app-logs", retention_in_days=7)
named = aws.cloudwatch.LogGroup("named-logs", name="/ecs/app")
prefixed = aws.cloudwatch.LogGroup("prefixed-logs", name_prefix="/ecs/app-")
aws.ecs.TaskDefinition(
    "app",
    family="app",
    requires_compatibilities=["FARGATE"],
    network_mode="awsvpc",
    cpu="256",
    memory="512",
    container_definitions=pulumi.Output.all(log_group.name).apply(
        lambda args: json.dumps(
            [
                {
                    "name": "app",
                    "image": "public.ecr.aws/nginx/nginx:latest",
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {"awslogs-group": args[0], "awslogs-region": "us-east-1"},
                    },
                }
            ]
        )
    ),
)
pulumi.export("logGroupName", log_group.name)
pulumi.export("prefixedName", prefixed.name)
"""


def write_program(directory: Path, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__main__.py").write_text(source)
    return directory


CONFIG = {"aws:region": "us-east-1"}


def preview(program: Path, seed: int = 0) -> Recording:
    return run_program(program, project="autonames", stack="dev", config=CONFIG, seed=seed)


def one(recording: Recording, type_: str, name: str) -> dict:
    matches = [r for r in recording.of_type(type_) if r.name == name]
    assert len(matches) == 1
    return matches[0].inputs


@pytest.fixture(scope="module")
def fargate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_program(tmp_path_factory.mktemp("fargate"), FARGATE_PROGRAM)


def test_auto_named_log_group_is_known_at_preview_inside_the_container_definitions(fargate: Path) -> None:
    recording = preview(fargate)
    name = one(recording, LOG_GROUP, "app-logs")["name"]
    assert re.fullmatch(r"app-logs-[a-z0-9]{7}", name)
    definitions = json.loads(one(recording, TASK_DEFINITION, "app")["containerDefinitions"])
    assert definitions[0]["logConfiguration"]["options"]["awslogs-group"] == name
    assert recording.outputs["logGroupName"] == name


def test_same_seed_same_names_other_seed_other_names(fargate: Path) -> None:
    first = one(preview(fargate, seed=0), LOG_GROUP, "app-logs")["name"]
    assert one(preview(fargate, seed=0), LOG_GROUP, "app-logs")["name"] == first
    assert one(preview(fargate, seed=1), LOG_GROUP, "app-logs")["name"] != first


def test_an_explicit_name_is_left_as_the_program_set_it(fargate: Path) -> None:
    assert one(preview(fargate), LOG_GROUP, "named-logs")["name"] == "/ecs/app"


def test_a_name_prefix_leaves_the_name_to_the_provider_at_create(fargate: Path) -> None:
    recording = preview(fargate)
    assert "name" not in one(recording, LOG_GROUP, "prefixed-logs")
    assert isinstance(recording.outputs["prefixedName"], Unknown)  # the provider names it at create


def test_up_gives_the_same_names_as_preview(fargate: Path) -> None:
    update = run_program(fargate, project="autonames", stack="dev", config=CONFIG, preview=False)
    assert one(update, LOG_GROUP, "app-logs")["name"] == one(preview(fargate), LOG_GROUP, "app-logs")["name"]


def test_a_target_group_name_fits_32_characters(tmp_path: Path) -> None:
    program = write_program(
        tmp_path,
        "import pulumi_aws as aws\naws.lb.TargetGroup('web-tg', port=80, protocol='HTTP')\n",
    )
    name = one(preview(program), TARGET_GROUP, "web-tg")["name"]
    assert re.fullmatch(r"web-tg-[0-9a-f]{7}", name)


def test_a_target_group_logical_name_too_long_fails_as_the_provider_check_does(tmp_path: Path) -> None:
    # The bridge never cuts the logical name: resource.NewUniqueName refuses, so Check fails.
    logical = "application-frontend-targets"  # 28 + "-" + 7 = 36 > 32
    program = write_program(
        tmp_path, f"import pulumi_aws as aws\naws.lb.TargetGroup('{logical}', port=80, protocol='HTTP')\n"
    )
    with pytest.raises(ProgramError) as failure:
        preview(program)
    assert (
        f"could not make instance of '{TARGET_GROUP}': name '{logical}-' plus 7 random chars "
        "is longer than maximum length 32"
    ) in str(failure.value)


def test_bucket_names_are_lower_cased_and_fifo_queues_end_in_fifo() -> None:
    bucket = auto_name("aws:s3/bucket:Bucket", "AppAssets", "urn:b", {}, 0)
    assert bucket is not None and re.fullmatch(r"appassets-[0-9a-f]{7}", bucket[1]) and bucket[0] == "bucket"
    queue = auto_name("aws:sqs/queue:Queue", "jobs", "urn:q", {"fifoQueue": True}, 0)
    assert queue is not None and re.fullmatch(r"jobs-[0-9a-f]{7}\.fifo", queue[1])
    assert auto_name("aws:ec2/vpc:Vpc", "main", "urn:v", {}, 0) is None
