"""examples/existing-vpc as a user runs it: copied out of the repository, the package pip-installed into
a fresh venv from a copy of the sources, and the program run under mocks against a VPC made in moto.

Offline: the fresh venv sees this venv's site-packages (pulumi, pulumi-aws, setuptools, wheel) through
a .pth file, and pip installs with --no-index --no-build-isolation; ecs_privatelink and awsfacts come
only from what pip installed.
"""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import yaml
from moto import mock_aws

from sandbox.engine.program import Recording, run_program

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "existing-vpc"
PROJECT = "existing-vpc-endpoints"
# What a clean clone holds of the package (no venv, caches or build output).
IGNORED = shutil.ignore_patterns(
    "venv", ".git", "__pycache__", "*.egg-info", "build", ".*cache", ".hypothesis"
)


def install_example(tmp_path: Path) -> Path:
    """The example outside the repository, its requirements installed into its own fresh venv."""
    sources = tmp_path / "ecs-privatelink"
    shutil.copytree(REPO, sources, ignore=IGNORED)
    program = tmp_path / "my-program"
    shutil.copytree(EXAMPLE, program, ignore=IGNORED)
    # The example names the repository root relatively; outside it, the user's copy of the sources.
    requirements = (program / "requirements.txt").read_text()
    assert "\n../..\n" in requirements
    (program / "requirements.txt").write_text(requirements.replace("\n../..\n", f"\n{sources}\n"))

    venv = program / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_dirs = [path for path in sys.path if path.endswith("site-packages")]
    (venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages").joinpath(
        "dev-venv.pth"
    ).write_text("\n".join(site_dirs) + "\n")
    python = str(venv / "bin" / "python")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index"),
            *("--no-build-isolation", "--disable-pip-version-check", "-r", str(program / "requirements.txt")),
        ],
        check=True,
        cwd=program,
        capture_output=True,
    )
    return program


def test_the_dev_stack_file_holds_an_example_accounts_network():
    config = yaml.safe_load((EXAMPLE / "Pulumi.dev.yaml").read_text())["config"]
    assert config == {
        "aws:region": "us-east-1",
        f"{PROJECT}:vpcId": "vpc-0a3f5c9e7d1b24680",
        f"{PROJECT}:subnetIds": ["subnet-0b4e6d8f0a2c13579", "subnet-0c5f7e9a1b3d24680"],
        f"{PROJECT}:routeTableIds": ["rtb-0d6a8f0b2c4e35791", "rtb-0e7b9a1c3d5f46802"],
    }


@dataclass
class Run:
    recording: Recording
    vpc: str
    subnets: list[str]
    tables: list[str]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    program = install_example(tmp_path_factory.mktemp("outside"))
    python = program / "venv" / "bin" / "python"
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import ecs_privatelink, awsfacts; print(ecs_privatelink.__file__, awsfacts.__file__)",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    ).stdout.split()
    venv_site = str(program / "venv" / "lib")
    assert all(path.startswith(venv_site) for path in where), where  # installed, not the repository's

    # The example account's network, in the moto the program's lookups read; its ids replace the file's.
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
            for cidr, zone in (("10.40.0.0/20", "us-east-1a"), ("10.40.16.0/20", "us-east-1b"))
        ]
        tables = [ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"] for _ in subnets]
        config = {
            "aws:region": "us-east-1",
            f"{PROJECT}:vpcId": vpc,
            f"{PROJECT}:subnetIds": json.dumps(subnets),
            f"{PROJECT}:routeTableIds": json.dumps(tables),
        }
        recording = run_program(program, project=PROJECT, stack="dev", config=config)
    return Run(recording, vpc, subnets, tables)


def test_the_example_adds_the_fargate_endpoint_set_to_the_existing_vpc(run):
    recording = run.recording
    endpoints = {r.name: r for r in recording.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert {name: r.inputs["serviceName"] for name, r in endpoints.items()} == {
        "fargate-ecr-api": "com.amazonaws.us-east-1.ecr.api",
        "fargate-ecr-dkr": "com.amazonaws.us-east-1.ecr.dkr",
        "fargate-s3": "com.amazonaws.us-east-1.s3",
        "fargate-logs": "com.amazonaws.us-east-1.logs",
    }
    for name, endpoint in endpoints.items():
        assert endpoint.inputs["vpcId"] == run.vpc
        assert endpoint.inputs["tags"] == {"owner": "platform", "Name": name}
        if name == "fargate-s3":
            assert endpoint.inputs["routeTableIds"] == run.tables
        else:
            assert endpoint.inputs["subnetIds"] == run.subnets
    (group,) = recording.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert [rule["cidrBlocks"] for rule in group.inputs["ingress"]] == [["10.40.0.0/20", "10.40.16.0/20"]]
    assert not [r for r in recording.resources if r.type.startswith("aws:ec2/vpc:") or "subnet:" in r.type]
    assert sorted(recording.outputs) == ["endpointIds", "endpointSecurityGroupId"]
