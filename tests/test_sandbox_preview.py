"""`python -m sandbox preview`: the plan under mocks, verdicts from the policy pack over gRPC, exit codes."""

import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from sandbox.analyzer import PolicyConfigError
from sandbox.engine.program import run_program
from sandbox.preview import load_policy_config, preview, preview_stack
from sandbox.report import plan_rows
from sandbox.stackconfig import StackConfigError, load_stack_config
from tests.fixtures.sandbox.support import (
    FIXTURE_PACK,
    PROJECT_ROOT,
    RAW,
    child_processes,
    run_cli,
    run_cli_json,
)

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
NETWORK_TYPES = {
    "ecs-privatelink:index:PrivateNetwork": 1,
    "ecs-privatelink:index:PrivateLinkEndpoints": 1,
    "aws:ec2/vpc:Vpc": 1,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
    "aws:ec2/flowLog:FlowLog": 1,  # EC2.6, with its log group, role and policy (counted below)
}
# What the Fargate workload adds (exact properties in test_workload.py).
WORKLOAD_TYPES = {
    "ecs-privatelink:index:EcsWorkload": 1,
    "aws:ecs/cluster:Cluster": 1,
    "aws:ecr/repository:Repository": 1,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": 1,  # ECR.3
    "aws:cloudwatch/logGroup:LogGroup": 2,  # the tasks' and the flow logs'
    "aws:iam/rolePolicy:RolePolicy": 2,  # task execution, flow log delivery
    "aws:ecs/taskDefinition:TaskDefinition": 1,
    "aws:ecs/service:Service": 1,
}
# And what the EC2 launch type adds on top.
EC2_CAPACITY_TYPES = {
    "ecs-privatelink:index:Ec2Capacity": 1,
    "aws:ec2/launchTemplate:LaunchTemplate": 1,
    "aws:autoscaling/group:Group": 1,
    "aws:ecs/capacityProvider:CapacityProvider": 1,
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": 1,
    "aws:iam/instanceProfile:InstanceProfile": 1,
}


def _types(plan: dict) -> Counter:
    return Counter(resource["type"] for resource in plan["resources"])


def test_dev_preview_plans_the_fargate_network_and_passes_the_pack():
    code, result = run_cli_json("preview", "--stack", "dev")

    assert code == 0
    assert result["mandatoryViolations"] == 0
    assert not [d for d in result["diagnostics"] if d["enforcementLevel"] == "mandatory"]
    assert _types(result["plan"]) == Counter(
        {
            **NETWORK_TYPES,
            **WORKLOAD_TYPES,
            "aws:ec2/subnet:Subnet": 2,
            "aws:ec2/routeTable:RouteTable": 2,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": 2,
            "aws:ec2/securityGroup:SecurityGroup": 2,  # the endpoints' and the service's
            "aws:iam/role:Role": 3,  # task execution, task and flow log delivery role
            ENDPOINT: 4,
        }
    )
    names = {r["inputs"]["serviceName"] for r in result["plan"]["resources"] if r["type"] == ENDPOINT}
    assert names == {f"com.amazonaws.us-east-1.{key}" for key in ("ecr.api", "ecr.dkr", "s3", "logs")}


def test_prod_preview_plans_the_ec2_network_with_the_ecs_trio_and_passes_the_pack():
    code, result = run_cli_json("preview", "--stack", "prod")

    assert code == 0
    assert result["mandatoryViolations"] == 0
    assert _types(result["plan"]) == Counter(
        {
            **NETWORK_TYPES,
            **WORKLOAD_TYPES,
            **EC2_CAPACITY_TYPES,
            "aws:iam/rolePolicy:RolePolicy": 3,  # and the instances' scoped agent policy (instanceRolePolicy)
            "aws:ec2/subnet:Subnet": 3,
            "aws:ec2/routeTable:RouteTable": 3,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": 3,
            "aws:ec2/securityGroup:SecurityGroup": 3,  # the endpoints', the service's, the instances'
            "aws:iam/role:Role": 4,  # task execution, task, instance and flow log delivery role
            "aws:secretsmanager/secret:Secret": 1,  # DB_PASSWORD, created by the stack
            "aws:servicediscovery/httpNamespace:HttpNamespace": 1,  # Service Connect
            ENDPOINT: 8,
        }
    )
    names = {r["inputs"]["serviceName"] for r in result["plan"]["resources"] if r["type"] == ENDPOINT}
    keys = ("ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "s3", "secretsmanager", "logs")
    assert names == {f"com.amazonaws.ca-west-1.{key}" for key in keys}


def test_preview_text_shows_the_tree_the_count_the_reasons_and_the_verdict():
    code, text = run_cli("preview", "--stack", "prod")

    assert code == 0
    assert "Previewing update (prod):" in text
    assert "+ 49 to create" in text  # 48 resources and the stack, as the Pulumi CLI counts
    assert "│  ├─ aws:ec2:Vpc" in text  # the VPC nested under its component, the CLI's short type
    assert re.search(r"privatelink-ecs-agent +create  C1, C9, C2\n", text)  # the Info column
    assert "C9: Service Connect's Envoy management uses the ecs-agent endpoint." in text
    assert 'launchType             : "EC2"' in text
    # The execution role's policy names endpoint ids, unknown until deploy: C13 can only say so.
    assert re.search(r"\nPolicies:\n    ⚠️ ecs-privatelink@v\S+ \(local: policypack\)\n", text)
    assert "- [advisory]  ecr-pull-restricted-to-vpc  (pulumi:pulumi:Stack: ecs-privatelink-prod)" in text
    assert re.search(r"\nPolicy verdicts: 0 mandatory, 1 other \(ecs-privatelink@v\S+, \d+ policies\)", text)


def test_a_bad_stack_exits_1_with_the_policies_that_caught_it():
    # Service names of us-west-2 in a us-east-1 stack (and private DNS off, which this network-only stack
    # may leave to private hosted zones: nothing in it runs ECS).
    code, result = run_cli_json("preview", "--program", RAW, "--stack", "bad")

    assert code == 1
    mandatory = {d["policyName"] for d in result["diagnostics"] if d["enforcementLevel"] == "mandatory"}
    assert "endpoint-same-region" in mandatory
    assert "endpoint-private-dns" not in mandatory
    same_region = [d for d in result["diagnostics"] if d["policyName"] == "endpoint-same-region"]
    assert {d["urn"].rsplit("::", 1)[1] for d in same_region} == {
        "net-ecr-api",
        "net-ecr-dkr",
        "net-logs",
        "net-s3",
    }
    assert result["mandatoryViolations"] == len(
        [d for d in result["diagnostics"] if d["enforcementLevel"] == "mandatory"]
    )


def test_bad_stack_text_groups_diagnostics_by_policy_with_level_and_resource():
    code, text = run_cli("preview", "--program", RAW, "--stack", "bad", "--policy-pack", FIXTURE_PACK)

    assert code == 1
    violations = text[text.index("Policies:\n    ❌ sandbox-fixture@v") :]
    assert violations.count("- [mandatory]  fixture-private-dns  (aws:ec2:VpcEndpoint: ") == 3
    assert violations.count("- [advisory]  fixture-port-443  (aws:vpc:SecurityGroupIngressRule: ") == 2
    assert (
        "        - [mandatory]  fixture-private-dns  (aws:ec2:VpcEndpoint: net-ecr-api)\n"
        "          Interface endpoints use private DNS.\n"
        "          Enable private DNS on com.amazonaws.us-west-2.ecr.api.\n"
    ) in violations
    assert "Policy verdicts: 3 mandatory, 2 other (sandbox-fixture@v" in violations
    assert "\nResources:\n" not in text  # the CLI leaves the summary out after a mandatory violation
    # mandatory groups come before advisory ones
    assert violations.index("fixture-private-dns") < violations.index("fixture-port-443")


def test_good_fixture_stack_passes_the_fixture_pack():
    code, result = run_cli_json("preview", "--program", RAW, "--stack", "dev", "--policy-pack", FIXTURE_PACK)

    assert code == 0
    assert result["diagnostics"] == []


def test_policy_pack_config_file_lowers_a_policy_and_the_exit_code_follows(tmp_path: Path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"fixture-private-dns": {"enforcementLevel": "advisory"}}))

    code, result = run_cli_json(
        "preview",
        "--program",
        RAW,
        "--stack",
        "bad",
        "--policy-pack",
        FIXTURE_PACK,
        "--policy-pack-config",
        config,
    )

    assert code == 0
    levels = {d["policyName"]: d["enforcementLevel"] for d in result["diagnostics"]}
    assert levels == {"fixture-private-dns": "advisory", "fixture-port-443": "advisory"}


def test_policy_pack_config_naming_an_unknown_policy_is_an_error(tmp_path: Path, capsys):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"no-such-policy": "mandatory"}))

    code, _ = run_cli("preview", "--program", RAW, "--stack", "dev", "--policy-pack", FIXTURE_PACK,
                      "--policy-pack-config", config)  # fmt: skip

    assert code == 2
    assert "no-such-policy" in capsys.readouterr().err


def test_policy_config_file_must_be_a_json_object(tmp_path: Path):
    config = tmp_path / "policy-config.json"
    config.write_text("[1, 2]")
    with pytest.raises(PolicyConfigError, match="JSON object keyed by policy name"):
        load_policy_config(config)
    assert load_policy_config(None) is None


def test_a_failing_program_exits_2_with_its_message(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "aws.ec2.Vpc('v', cidr_block='10.0.0.0/16')\n"
        "raise ValueError('the program refuses this stack')\n"
    )

    code, text = run_cli("preview", "--program", tmp_path, "--stack", "dev", "--policy-pack", FIXTURE_PACK)

    assert code == 2
    assert "the program refuses this stack" in text
    assert child_processes("pulumi.policy") == []  # the pack started alongside was stopped


def test_a_missing_stack_file_is_an_error(capsys):
    code, _ = run_cli("preview", "--stack", "nosuchstack")
    assert code == 2
    assert "Pulumi.nosuchstack.yaml" in capsys.readouterr().err


def test_stack_config_applies_schema_defaults_under_the_stack_file():
    stack = load_stack_config(PROJECT_ROOT, "prod")

    assert stack.project == "ecs-privatelink"
    assert stack.region == "ca-west-1"
    assert stack.config["ecs-privatelink:launchType"] == "EC2"  # from Pulumi.prod.yaml
    assert stack.config["ecs-privatelink:azCount"] == "3"  # YAML int, passed as the CLI passes it
    assert stack.config["ecs-privatelink:vpcCidr"] == "10.0.0.0/16"  # schema default
    assert stack.config["ecs-privatelink:extraEndpoints"] == "[]"  # non-strings as JSON
    assert stack.get("serviceConnect") == "true"


def test_stack_config_refuses_secrets_it_cannot_decrypt(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  p:token:\n    secure: AAAB\n")
    with pytest.raises(StackConfigError, match="secret p:token"):
        load_stack_config(tmp_path, "dev")


def test_plan_rows_nest_children_under_their_component_and_note_endpoint_reasons():
    stack = load_stack_config(PROJECT_ROOT, "dev")
    recording = run_program(PROJECT_ROOT, project=stack.project, stack="dev", config=stack.config)

    rows = plan_rows(recording)

    assert rows[0][:2] == ("pulumi:pulumi:Stack", "ecs-privatelink-dev")
    assert len(rows) == len(recording.resources) + 1
    by_name = {row.name: (row.type, row.info) for row in rows}
    assert by_name["privatelink"][0] == "├─ ecs-privatelink:index:PrivateLinkEndpoints"
    assert by_name["app"][0] == "└─ ecs-privatelink:index:EcsWorkload"
    assert by_name["privatelink-logs"][0] == "│  ├─ aws:ec2:VpcEndpoint"  # the CLI's short type
    assert by_name["privatelink-logs"][1] == "C8"
    assert by_name["privatelink-ecr-dkr"][1] == "C6"


def test_preview_without_a_pack_only_plans():
    result = preview(RAW, "dev", None)
    assert result.recording is not None and result.diagnostics == [] and result.exit_code == 0


def test_the_pack_process_starts_while_the_program_runs_and_is_stopped_after():
    stack = load_stack_config(RAW, "dev")
    during_program: list[int] = []

    def run_after_the_pack_appears(*args, **kwargs):
        deadline = time.monotonic() + 60
        while not child_processes("pulumi.policy") and time.monotonic() < deadline:
            time.sleep(0.01)
        during_program.extend(child_processes("pulumi.policy"))
        return run_program(*args, **kwargs)

    result = preview_stack(stack, RAW, FIXTURE_PACK, run=run_after_the_pack_appears)

    assert len(during_program) == 1  # started before the program's recording existed
    assert result.exit_code == 0 and result.recording is not None
    assert child_processes("pulumi.policy") == []


def test_the_command_line_exits_with_the_verdict_and_flushes_everything():
    # python -m sandbox skips the interpreter's teardown (os._exit): the exit code and the last line
    # of the report must still come through a pipe.
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "preview", "--program", str(RAW), "--stack", "bad"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert re.search(r"\nPolicy verdicts: \d+ mandatory, \d+ other \(\S+, \d+ policies\)\n$", done.stdout)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b'{"a": "caf\xe9"}', r"is not UTF-8 text \(byte 10\)"),
        (b"[" * 100_000 + b"]" * 100_000, "nests objects or arrays too deeply to be a policy config"),
        (b'{"a": {"b": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}", "nests objects or arrays too deeply"),
    ],
)
def test_an_unreadable_policy_config_file_is_one_error(tmp_path: Path, content: bytes, complaint: str):
    path = tmp_path / "policy.json"
    path.write_bytes(content)
    with pytest.raises(PolicyConfigError, match=complaint):
        load_policy_config(path)
