"""Invokes answered from the embedded AWS: each through the real pulumi_aws function, under the
sandbox's mocks, asserting what the program sees against what moto holds; the one-line errors of a
lookup that finds nothing and of an unanswered invoke; a default-VPC program deployed with ``up``;
and a program in the shape of pulumi/examples aws-py-fargate previewed end to end with the pack."""

import base64
import json
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from sandbox.aws.clients import AwsClients
from sandbox.aws.deploy import deploy_stack
from sandbox.engine.invokes.account import ACCOUNT_ID, complete_default_network
from sandbox.engine.invokes.iam import managed_policy
from sandbox.engine.program import ProgramError, run_program
from sandbox.stackconfig import load_stack_config
from tests.fixtures.sandbox.support import moto_for_module

PROJECT_ROOT = Path(__file__).resolve().parent.parent
AZS = [f"us-east-1{letter}" for letter in "abcdef"]
DOCS = "see docs/offline-engine.md"


def write_program(directory: Path, body: str, region: str = "us-east-1") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: invokes\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: {region}\n")
    source = "import json\n\nimport pulumi\nimport pulumi_aws as aws\n\n" + textwrap.dedent(body)
    (directory / "__main__.py").write_text(source)
    return directory


def outputs(tmp_path: Path, body: str, region: str = "us-east-1") -> dict[str, Any]:
    program = write_program(tmp_path / "program", body, region)
    return run_program(program, project="invokes", stack="dev", config={"aws:region": region}).outputs


def failure(tmp_path: Path, body: str) -> str:
    with pytest.raises(ProgramError) as error:
        outputs(tmp_path, body)
    return str(error.value)


# --- the embedded account, as moto holds it ----------------------------------------------------


@pytest.fixture(scope="module")
def moto() -> Iterator[Any]:
    yield from moto_for_module()


@dataclass(frozen=True)
class DefaultNetwork:
    vpc_id: str
    subnet_ids: list[str]  # in AZ order
    main_route_table_id: str
    internet_gateway_id: str
    security_group_id: str


def read_default_network(region: str) -> DefaultNetwork:
    ec2 = boto3.client("ec2", region_name=region)
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    subnets = sorted(ec2.describe_subnets(Filters=in_vpc)["Subnets"], key=lambda s: s["AvailabilityZone"])
    tables = ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]
    gateways = ec2.describe_internet_gateways()["InternetGateways"]
    groups = ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]
    assert len(tables) == len(gateways) == len(groups) == 1
    return DefaultNetwork(
        vpc_id,
        [s["SubnetId"] for s in subnets],
        tables[0]["RouteTableId"],
        gateways[0]["InternetGatewayId"],
        groups[0]["GroupId"],
    )


@pytest.fixture
def net(moto: Any) -> DefaultNetwork:
    """A fresh moto with the new account's default network, completed as the offline engine does."""
    moto.reset()
    complete_default_network(boto3.client("ec2", region_name="us-east-1"))
    return read_default_network("us-east-1")


def test_the_embedded_account_is_a_new_account(net: DefaultNetwork):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.describe_vpcs(VpcIds=[net.vpc_id])["Vpcs"][0]
    subnets = ec2.describe_subnets(SubnetIds=net.subnet_ids)["Subnets"]
    table = ec2.describe_route_tables(RouteTableIds=[net.main_route_table_id])["RouteTables"][0]
    group = ec2.describe_security_groups(GroupIds=[net.security_group_id])["SecurityGroups"][0]
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [vpc["CidrBlock"], vpc["IsDefault"], vpc["Tags"]] == ["172.31.0.0/16", True, []]
    assert sorted(
        [s["AvailabilityZone"], s["CidrBlock"], s["DefaultForAz"], s["MapPublicIpOnLaunch"]] for s in subnets
    ) == [[az, f"172.31.{16 * i}.0/20", True, True] for i, az in enumerate(AZS)]
    assert [[r["DestinationCidrBlock"], r["GatewayId"]] for r in table["Routes"]] == [
        ["172.31.0.0/16", "local"],
        ["0.0.0.0/0", net.internet_gateway_id],
    ]
    assert [a["Main"] for a in table["Associations"]] == [True]
    assert [group["GroupName"], group["Description"]] == ["default", "default VPC security group"]
    # get_availability_zones computes without moto; its zone ids are moto's.
    assert outputs_zone_ids() == [[z["ZoneName"], z["ZoneId"]] for z in zones]


def outputs_zone_ids() -> list[list[str]]:
    from sandbox.engine.invokes.account import availability_zones, zone_ids

    return [list(pair) for pair in zip(availability_zones("us-east-1"), zone_ids("us-east-1"), strict=True)]


def test_completing_the_default_network_twice_changes_nothing(net: DefaultNetwork):
    complete_default_network(boto3.client("ec2", region_name="us-east-1"))
    assert read_default_network("us-east-1") == net


# --- VPCs ----------------------------------------------------------------------------------------

VPC_EXPORT = """
pulumi.export("vpc", {
    "id": vpc.id, "arn": vpc.arn, "cidr": vpc.cidr_block, "default": vpc.default,
    "dnsSupport": vpc.enable_dns_support, "dnsHostnames": vpc.enable_dns_hostnames,
    "mainRouteTable": vpc.main_route_table_id, "owner": vpc.owner_id, "state": vpc.state,
    "tenancy": vpc.instance_tenancy, "tags": vpc.tags,
    "associations": [[a.cidr_block, a.state] for a in vpc.cidr_block_associations],
})
"""


def expected_vpc(net: DefaultNetwork) -> dict[str, Any]:
    return {
        "id": net.vpc_id,
        "arn": f"arn:aws:ec2:us-east-1:{ACCOUNT_ID}:vpc/{net.vpc_id}",
        "cidr": "172.31.0.0/16",
        "default": True,
        "dnsSupport": True,
        "dnsHostnames": True,
        "mainRouteTable": net.main_route_table_id,
        "owner": ACCOUNT_ID,
        "state": "available",
        "tenancy": "default",
        "tags": {},
        "associations": [["172.31.0.0/16", "associated"]],
    }


@pytest.mark.parametrize(
    "lookup",
    [
        "aws.ec2.get_vpc(default=True)",
        "aws.ec2.get_vpc(id='{vpc_id}')",
        "aws.ec2.get_vpc(filters=[{{'name': 'is-default', 'values': ['true']}}])",
        "aws.ec2.get_vpc(filters=[aws.ec2.GetVpcFilterArgs(name='cidr', values=['172.31.*'])])",
        "aws.ec2.get_vpc(cidr_block='172.31.0.0/16', state='available')",
    ],
)
def test_get_vpc_finds_the_default_vpc(tmp_path: Path, net: DefaultNetwork, lookup: str):
    body = f"vpc = {lookup.format(vpc_id=net.vpc_id)}\n" + VPC_EXPORT
    assert outputs(tmp_path, body) == {"vpc": expected_vpc(net)}


def test_get_vpc_finds_a_vpc_the_stack_created_by_id_and_tag(tmp_path: Path, net: DefaultNetwork):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    tags = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "prod"}]}]
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=tags)["Vpc"]["VpcId"]
    result = outputs(
        tmp_path,
        f"""
        by_id = aws.ec2.get_vpc(id="{vpc_id}")
        by_tag = aws.ec2.get_vpc(tags={{"Name": "prod"}})
        not_default = aws.ec2.get_vpc(default=False)
        pulumi.export("vpc", [by_id.id, by_id.cidr_block, by_id.default, by_id.tags,
                              by_id.enable_dns_hostnames, by_tag.id, not_default.id])
        """,
    )
    assert result == {"vpc": [vpc_id, "10.20.0.0/16", False, {"Name": "prod"}, False, vpc_id, vpc_id]}


def test_get_vpc_by_a_name_tag_nobody_created_fails_with_one_line(tmp_path: Path, net: DefaultNetwork):
    message = failure(tmp_path, "aws.ec2.get_vpc(filters=[{'name': 'tag:Name', 'values': ['prod']}])")
    assert message == (
        "aws.ec2.get_vpc (aws:ec2/getVpc:getVpc): no matching EC2 VPC found (the embedded AWS holds a new"
        " account's default VPC and what the stack created); see docs/offline-engine.md for what the"
        " offline engine holds"
    )


def test_get_vpc_with_an_unknown_filter_name_fails_as_ec2_does(tmp_path: Path, net: DefaultNetwork):
    message = failure(tmp_path, "aws.ec2.get_vpc(filters=[{'name': 'isDefault', 'values': ['true']}])")
    assert message == "aws.ec2.get_vpc (aws:ec2/getVpc:getVpc): the filter 'isDefault' is invalid"


# --- subnets -------------------------------------------------------------------------------------


def test_get_subnets_lists_one_default_subnet_per_zone(tmp_path: Path, net: DefaultNetwork):
    result = outputs(
        tmp_path,
        """
        vpc = aws.ec2.get_vpc(default=True)
        in_vpc = aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[vpc.id])
        everything = aws.ec2.get_subnets(filters=[in_vpc])
        defaults = aws.ec2.get_subnets(filters=[
            {"name": "vpc-id", "values": [vpc.id]}, {"name": "default-for-az", "values": ["true"]},
        ])
        in_b = aws.ec2.get_subnets(filters=[{"name": "availability-zone", "values": ["us-east-1b"]}])
        private = aws.ec2.get_subnets(filters=[{"name": "default-for-az", "values": ["false"]}])
        pulumi.export("all", everything.ids)
        pulumi.export("defaults", defaults.ids)
        pulumi.export("b", in_b.ids)
        pulumi.export("private", private.ids)
        cidrs = [aws.ec2.get_subnet(id=subnet_id) for subnet_id in everything.ids]
        pulumi.export("subnets", [[s.availability_zone, s.cidr_block, s.map_public_ip_on_launch,
                                   s.default_for_az, s.vpc_id, s.available_ip_address_count] for s in cidrs])
        """,
    )
    cidrs = [f"172.31.{16 * i}.0/20" for i in range(6)]
    assert result == {
        "all": net.subnet_ids,
        "defaults": net.subnet_ids,
        "b": [net.subnet_ids[1]],
        "private": [],
        "subnets": [[az, cidr, True, True, net.vpc_id, 4091] for az, cidr in zip(AZS, cidrs, strict=True)],
    }


def test_get_subnet_by_zone_and_default_for_az(tmp_path: Path, net: DefaultNetwork):
    result = outputs(
        tmp_path,
        """
        subnet = aws.ec2.get_subnet(availability_zone="us-east-1c", default_for_az=True)
        pulumi.export("subnet", [subnet.id, subnet.arn, subnet.cidr_block, subnet.availability_zone_id])
        """,
    )
    subnet_id = net.subnet_ids[2]
    arn = f"arn:aws:ec2:us-east-1:{ACCOUNT_ID}:subnet/{subnet_id}"
    assert result == {"subnet": [subnet_id, arn, "172.31.32.0/20", "use1-az2"]}  # moto's zone id for 1c


def test_get_subnet_matching_every_zone_asks_for_more_constraints(tmp_path: Path, net: DefaultNetwork):
    assert failure(tmp_path, "aws.ec2.get_subnet(default_for_az=True)") == (
        "aws.ec2.get_subnet (aws:ec2/getSubnet:getSubnet): multiple EC2 Subnets matched; use additional"
        " constraints to reduce matches to a single EC2 Subnet; see docs/offline-engine.md for what the"
        " offline engine holds"
    )


# --- security group and route tables --------------------------------------------------------------


def test_get_security_group_finds_the_default_group(tmp_path: Path, net: DefaultNetwork):
    result = outputs(
        tmp_path,
        """
        vpc = aws.ec2.get_vpc(default=True)
        group = aws.ec2.get_security_group(vpc_id=vpc.id, name="default")
        by_filter = aws.ec2.get_security_group(filters=[{"name": "group-name", "values": ["default"]}])
        pulumi.export("group", [group.id, group.arn, group.name, group.description, group.vpc_id,
                                by_filter.id])
        """,
    )
    group_id = net.security_group_id
    arn = f"arn:aws:ec2:us-east-1:{ACCOUNT_ID}:security-group/{group_id}"
    assert result == {"group": [group_id, arn, "default", "default VPC security group", net.vpc_id, group_id]}


def test_get_route_table_finds_the_main_table_with_its_internet_route(tmp_path: Path, net: DefaultNetwork):
    result = outputs(
        tmp_path,
        """
        vpc = aws.ec2.get_vpc(default=True)
        table = aws.ec2.get_route_table(vpc_id=vpc.id)
        main = aws.ec2.get_route_table(filters=[{"name": "association.main", "values": ["true"]}])
        tables = aws.ec2.get_route_tables(vpc_id=vpc.id)
        pulumi.export("table", [table.id, table.route_table_id, main.id, tables.ids])
        pulumi.export("routes", [[r.cidr_block, r.gateway_id, r.nat_gateway_id] for r in table.routes])
        pulumi.export("associations", [[a.main, a.subnet_id, a.route_table_id] for a in table.associations])
        """,
    )
    rtb = net.main_route_table_id
    assert result == {
        "table": [rtb, rtb, rtb, [rtb]],
        "routes": [["0.0.0.0/0", net.internet_gateway_id, ""]],  # the provider leaves out the local route
        "associations": [[True, "", rtb]],
    }


def test_get_route_table_by_a_default_subnet_fails_as_on_aws(tmp_path: Path, net: DefaultNetwork):
    # Default subnets use the main route table implicitly; EC2's association.subnet-id does not see that.
    message = failure(tmp_path, f"aws.ec2.get_route_table(subnet_id='{net.subnet_ids[0]}')")
    assert message == (
        "aws.ec2.get_route_table (aws:ec2/getRouteTable:getRouteTable): no matching EC2 Route Table found"
        " (a subnet without an explicit route table association, such as a default subnet, uses its VPC's"
        " main route table, which get_route_table(vpc_id=..., filters=[association.main = true]) finds);"
        " see docs/offline-engine.md for what the offline engine holds"
    )


# --- up: a program in the default VPC deploys into the VPC preview showed ----------------------------

DEFAULT_VPC_SUBNET = """
vpc = aws.ec2.get_vpc(default=True)
subnet = aws.ec2.Subnet("app", vpc_id=vpc.id, cidr_block="172.31.96.0/20", availability_zone="us-east-1a")
pulumi.export("vpcId", vpc.id)
pulumi.export("subnetId", subnet.id)
"""


def test_up_creates_a_subnet_in_the_default_vpc_moto_holds(tmp_path: Path, net: DefaultNetwork):
    program = write_program(tmp_path / "default-vpc", DEFAULT_VPC_SUBNET)
    stack = load_stack_config(program, "dev")
    deployed = deploy_stack(stack, program, AwsClients(stack.region, moto=True))
    assert deployed.error == ""
    assert deployed.recording is not None
    subnet_id = deployed.recording.outputs["subnetId"]
    subnet = boto3.client("ec2", region_name="us-east-1").describe_subnets(SubnetIds=[subnet_id])["Subnets"][
        0
    ]
    assert [deployed.recording.outputs["vpcId"], subnet["VpcId"], subnet["CidrBlock"]] == [
        net.vpc_id,
        net.vpc_id,
        "172.31.96.0/20",
    ]


# --- preview without an outer moto: started on the first lookup only, same ids every run -----------

PREVIEW_TWICE = """
import sys
from pathlib import Path
from sandbox.engine.program import run_program

def run(name):
    program = Path(sys.argv[1]) / name
    return run_program(program, project="invokes", stack="dev", config={"aws:region": "us-east-1"}).outputs

pure = run("pure")
print(pure["region"], "moto" in sys.modules)
first, second = run("lookup"), run("lookup")
print(first == second, first["vpc"].startswith("vpc-"), "moto" in sys.modules)
"""


def test_preview_starts_moto_on_the_first_lookup_and_sees_the_same_ids_every_run(tmp_path: Path):
    write_program(tmp_path / "pure", "pulumi.export('region', aws.get_region().region)")
    write_program(tmp_path / "lookup", "pulumi.export('vpc', aws.ec2.get_vpc(default=True).id)")
    run = subprocess.run(
        [sys.executable, "-c", PREVIEW_TWICE, str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.stdout == "us-east-1 False\nTrue True True\n", run.stderr


# --- images: getAmi and the public SSM parameters agree ------------------------------------------

ECS_AL2023 = "al2023-ami-ecs-hvm-2023.0.20251110-kernel-6.1-x86_64"
ECS_AL2 = "amzn2-ami-ecs-hvm-2.0.20251110-x86_64-ebs"
AL2023 = "al2023-ami-2023.9.20251110.1-kernel-6.1-x86_64"


def test_get_ami_finds_the_newest_amazon_images(tmp_path: Path):
    result = outputs(
        tmp_path,
        """
        def newest(pattern):
            image = aws.ec2.get_ami(most_recent=True, owners=["amazon"],
                                    filters=[{"name": "name", "values": [pattern]},
                                             {"name": "virtualization-type", "values": ["hvm"]}])
            return [image.id, image.name, image.architecture, image.owner_id, image.image_owner_alias,
                    image.root_device_name, image.block_device_mappings[0].device_name]

        pulumi.export("ecsAl2023", newest("al2023-ami-ecs-hvm-*-x86_64"))
        pulumi.export("ecsAl2", newest("amzn2-ami-ecs-hvm-*-x86_64-ebs"))
        pulumi.export("al2023", newest("al2023-ami-2023.*-x86_64"))
        ecs = "/aws/service/ecs/optimized-ami/"
        pulumi.export("ssm", [
            aws.ssm.get_parameter(name=ecs + "amazon-linux-2023/recommended/image_id").value,
            aws.ssm.get_parameter(name=ecs + "amazon-linux-2/recommended/image_id").value,
            aws.ssm.get_parameter(
                name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64").value,
        ])
        """,
    )
    ecs_al2023, ecs_al2, al2023 = result["ecsAl2023"][0], result["ecsAl2"][0], result["al2023"][0]
    assert result == {
        "ecsAl2023": [ecs_al2023, ECS_AL2023, "x86_64", "591542846629", "amazon", "/dev/xvda", "/dev/xvda"],
        "ecsAl2": [ecs_al2, ECS_AL2, "x86_64", "591542846629", "amazon", "/dev/xvda", "/dev/xvda"],
        "al2023": [al2023, AL2023, "x86_64", "137112412989", "amazon", "/dev/xvda", "/dev/xvda"],
        "ssm": [ecs_al2023, ecs_al2, al2023],
    }
    assert len({ecs_al2023, ecs_al2, al2023}) == 3 and all(
        i.startswith("ami-") and len(i) == 21 for i in result["ssm"]
    )


def test_get_ami_without_most_recent_refuses_several_matches(tmp_path: Path):
    body = (
        "aws.ec2.get_ami(owners=['amazon'], filters=[{'name': 'name', 'values': ['al2023-ami-ecs-hvm-*']}])"
    )
    assert failure(tmp_path, body) == (
        "aws.ec2.get_ami (aws:ec2/getAmi:getAmi): Your query returned more than one result. Please try a more"
        " specific search criteria, or set `most_recent` attribute to true.; see docs/offline-engine.md for"
        " what the offline engine holds"
    )


def test_ssm_recommended_parameter_is_the_ecs_json(tmp_path: Path):
    result = outputs(
        tmp_path,
        """
        name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"
        parameter = aws.ssm.get_parameter(name=name)
        image = aws.ec2.get_ami(most_recent=True, owners=["amazon"],
                                filters=[{"name": "name", "values": ["al2023-ami-ecs-hvm-*-x86_64"]}])
        pulumi.export("parameter", [parameter.name, parameter.type, parameter.arn,
                                    json.loads(parameter.value)])
        pulumi.export("image", image.id)
        """,
    )
    name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"
    assert result["parameter"] == [
        name,
        "String",
        f"arn:aws:ssm:us-east-1::parameter{name}",
        {
            "ecs_agent_version": "1.100.0",
            "ecs_runtime_version": "Docker version 25.0.13",
            "image_id": result["image"],
            "image_name": ECS_AL2023,
            "image_version": "2023.0.20251110",
            "os": "Amazon Linux 2023",
            "schema_version": 1,
            "source_image_name": "al2023-ami-minimal-2023.0.20251110-kernel-6.1-x86_64",
        },
    ]


def test_ssm_parameter_the_account_does_not_hold(tmp_path: Path, moto: Any):
    assert failure(tmp_path, "aws.ssm.get_parameter(name='/app/db-password')") == (
        "aws.ssm.get_parameter (aws:ssm/getParameter:getParameter): ParameterNotFound: /app/db-password (the"
        " offline engine holds AWS's public ECS-optimized and Amazon Linux image parameters and the"
        " parameters the stack created); see docs/offline-engine.md for what the offline engine holds"
    )


def test_ssm_parameter_the_stack_created_is_read_from_moto(tmp_path: Path, moto: Any):
    moto.reset()
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/app/db-password", Value="s3cret", Type="SecureString")
    ssm.put_parameter(Name="/app/db-password", Value="n3w", Type="SecureString", Overwrite=True)
    result = outputs(
        tmp_path,
        """
        parameter = aws.ssm.get_parameter(name="/app/db-password")
        pulumi.export("parameter", [parameter.arn, parameter.type, parameter.value, parameter.version,
                                    parameter.insecure_value])
        """,
    )
    arn = f"arn:aws:ssm:us-east-1:{ACCOUNT_ID}:parameter/app/db-password"
    assert result == {"parameter": [arn, "SecureString", "n3w", 2, ""]}


# --- IAM -------------------------------------------------------------------------------------------


def test_get_policy_document_renders_as_the_provider_does(tmp_path: Path):
    result = outputs(
        tmp_path,
        """
        doc = aws.iam.get_policy_document(statements=[
            aws.iam.GetPolicyDocumentStatementArgs(
                sid="Pull",
                actions=["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchGetImage"],
                resources=["arn:aws:ecr:us-east-1:123456789012:repository/app"],
                principals=[
                    {"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root", "111122223333"]},
                    {"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]},
                ],
                conditions=[
                    {"test": "StringEquals", "variable": "aws:sourceVpce", "values": ["vpce-2", "vpce-1"]},
                    {"test": "StringLike", "variable": "s3:prefix", "values": ["home/&{aws:username}/*"]},
                ],
            ),
            aws.iam.GetPolicyDocumentStatementArgs(effect="Deny", not_actions=["s3:*"], resources=["*"],
                                                   principals=[{"type": "*", "identifiers": ["*"]}]),
        ])
        pulumi.export("json", doc.json)
        pulumi.export("minified", doc.minified_json)
        pulumi.export("id", doc.id)
        """,
    )
    expected = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Pull",
      "Effect": "Allow",
      "Action": [
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage"
      ],
      "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/app",
      "Principal": {
        "AWS": [
          "arn:aws:iam::123456789012:root",
          "111122223333"
        ],
        "Service": "ecs-tasks.amazonaws.com"
      },
      "Condition": {
        "StringEquals": {
          "aws:sourceVpce": [
            "vpce-2",
            "vpce-1"
          ]
        },
        "StringLike": {
          "s3:prefix": "home/${aws:username}/*"
        }
      }
    },
    {
      "Effect": "Deny",
      "NotAction": "s3:*",
      "Resource": "*",
      "Principal": "*"
    }
  ]
}"""
    assert result == {
        "json": expected,
        "minified": json.dumps(json.loads(expected), separators=(",", ":")),
        "id": str(zlib.crc32(expected.encode())),
    }


def test_get_policy_document_merges_sources_and_overrides_by_sid(tmp_path: Path):
    result = outputs(
        tmp_path,
        """
        source = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Keep", "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"},
            {"Sid": "Replace", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
        override = json.dumps({"Statement": [{
            "Sid": "Replace", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": False}},
        }]})
        doc = aws.iam.get_policy_document(
            source_policy_documents=[source], override_policy_documents=[override],
            statements=[{"actions": ["ecs:RunTask"], "resources": ["a<b>&c"]}])
        pulumi.export("minified", doc.minified_json)
        """,
    )
    assert result == {
        "minified": '{"Version":"2012-10-17","Statement":['
        '{"Sid":"Keep","Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"},'
        '{"Sid":"Replace","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",'
        '"Condition":{"Bool":{"aws:SecureTransport":"false"}}},'
        '{"Effect":"Allow","Action":"ecs:RunTask","Resource":"a\\u003cb\\u003e\\u0026c"}]}'
    }


MANAGED = {
    "AmazonECSTaskExecutionRolePolicy": "service-role/",
    "AmazonEC2ContainerServiceforEC2Role": "service-role/",
    "AmazonSSMManagedInstanceCore": "",
    "CloudWatchAgentServerPolicy": "",
    "AmazonEC2ContainerRegistryReadOnly": "",
}


def test_get_policy_answers_aws_managed_policies_by_name_and_arn(tmp_path: Path):
    result = outputs(
        tmp_path,
        f"""
        for name in {list(MANAGED)!r}:
            by_name = aws.iam.get_policy(name=name)
            by_arn = aws.iam.get_policy(arn=by_name.arn)
            pulumi.export(name, [by_name.arn, by_name.path, by_arn.name, json.loads(by_arn.policy)])
        """,
    )
    assert result == {
        name: [
            f"arn:aws:iam::aws:policy/{path}{name}",
            f"/{path}",
            name,
            (managed_policy(name) or {})["Document"],
        ]
        for name, path in MANAGED.items()
    }
    execution = result["AmazonECSTaskExecutionRolePolicy"][3]
    assert execution["Statement"][0]["Action"][:2] == [
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
    ]


def test_get_policy_of_a_customer_policy_nobody_created_fails(tmp_path: Path, moto: Any):
    moto.reset()
    assert failure(tmp_path, "aws.iam.get_policy(name='my-team-policy')") == (
        "aws.iam.get_policy (aws:iam/getPolicy:getPolicy): no matching IAM Policy found (my-team-policy is"
        " neither an AWS managed policy nor a customer managed policy the stack created); see"
        " docs/offline-engine.md for what the offline engine holds"
    )


def test_get_policy_of_a_customer_policy_the_stack_created(tmp_path: Path, moto: Any):
    moto.reset()
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    created = boto3.client("iam").create_policy(
        PolicyName="my-team-policy", Path="/team/", PolicyDocument=json.dumps(document)
    )["Policy"]
    result = outputs(
        tmp_path,
        """
        by_name = aws.iam.get_policy(name="my-team-policy", path_prefix="/team/")
        by_arn = aws.iam.get_policy(arn=by_name.arn)
        pulumi.export("policy", [by_name.arn, by_name.path, by_name.policy_id, by_arn.name,
                                 json.loads(by_arn.policy)])
        """,
    )
    assert result == {"policy": [created["Arn"], "/team/", created["PolicyId"], "my-team-policy", document]}
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:policy/team/my-team-policy"


# --- prefix lists, ECR, Secrets Manager -----------------------------------------------------------


def test_get_managed_prefix_list_of_s3_agrees_with_get_prefix_list(tmp_path: Path):
    result = outputs(
        tmp_path,
        """
        managed = aws.ec2.get_managed_prefix_list(name="com.amazonaws.us-east-1.s3")
        by_filter = aws.ec2.get_managed_prefix_list(
            filters=[{"name": "prefix-list-name", "values": ["com.amazonaws.us-east-1.dynamodb"]}])
        plain = aws.ec2.get_prefix_list(name="com.amazonaws.us-east-1.s3")
        pulumi.export("s3", [managed.id, managed.name, managed.owner_id, managed.address_family,
                             [e.cidr for e in managed.entries], plain.id, plain.cidr_blocks])
        pulumi.export("dynamodb", by_filter.name)
        """,
    )
    pl_id = result["s3"][0]
    assert result == {
        "s3": [
            pl_id,
            "com.amazonaws.us-east-1.s3",
            "AWS",
            "IPv4",
            ["52.216.0.0/15", "3.5.0.0/19"],
            pl_id,
            ["52.216.0.0/15", "3.5.0.0/19"],
        ],
        "dynamodb": "com.amazonaws.us-east-1.dynamodb",
    }
    assert pl_id.startswith("pl-") and len(pl_id) == 11


def test_ecr_authorization_token_and_repository(tmp_path: Path, moto: Any):
    moto.reset()
    boto3.client("ecr", region_name="us-east-1").create_repository(
        repositoryName="team/app",
        imageScanningConfiguration={"scanOnPush": True},
        tags=[{"Key": "team", "Value": "a"}],
    )
    before = datetime.now(UTC).replace(microsecond=0)
    result = outputs(
        tmp_path,
        """
        token = aws.ecr.get_authorization_token()
        repository = aws.ecr.get_repository(name="team/app")
        pulumi.export("token", [token.user_name, token.proxy_endpoint, token.registry_id,
                                token.authorization_token, token.password, token.expires_at])
        pulumi.export("repository", [repository.repository_url, repository.arn,
                                     repository.image_tag_mutability,
                                     repository.encryption_configurations[0].encryption_type,
                                     repository.image_scanning_configurations[0].scan_on_push,
                                     repository.tags, repository.most_recent_image_tags])
        """,
    )
    user, endpoint, registry, token, password, expires = result["token"]
    assert [user, endpoint, registry] == [
        "AWS",
        f"https://{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com",
        ACCOUNT_ID,
    ]
    assert base64.b64decode(token).decode() == f"AWS:{password}"
    expiry = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before + timedelta(hours=12) <= expiry <= datetime.now(UTC) + timedelta(hours=12)
    assert result["repository"] == [
        f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/team/app",
        f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/team/app",
        "MUTABLE",
        "AES256",
        True,
        {"team": "a"},
        [],
    ]


def test_ecr_repository_nobody_created_is_not_found(tmp_path: Path, moto: Any):
    moto.reset()
    assert failure(tmp_path, "aws.ecr.get_repository(name='team/app')") == (
        "aws.ecr.get_repository (aws:ecr/getRepository:getRepository): reading ECR Repository (team/app):"
        " RepositoryNotFoundException: no repository 'team/app' in the registry 123456789012 in us-east-1;"
        " see docs/offline-engine.md for what the offline engine holds"
    )


def test_get_secret_by_name_and_by_arn(tmp_path: Path, moto: Any):
    moto.reset()
    created = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name="prod/db", Description="the database", SecretString="s3cret"
    )
    result = outputs(
        tmp_path,
        """
        by_name = aws.secretsmanager.get_secret(name="prod/db")
        by_arn = aws.secretsmanager.get_secret(arn=by_name.arn)
        pulumi.export("secret", [by_name.arn, by_name.name, by_name.description, by_arn.arn, by_arn.name,
                                 by_arn.id])
        """,
    )
    arn = created["ARN"]
    assert arn.startswith(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:prod/db-")
    assert result["secret"] == [arn, "prod/db", "the database", arn, "prod/db", arn]


def test_secret_nobody_created_is_not_found(tmp_path: Path, moto: Any):
    moto.reset()
    assert failure(tmp_path, "aws.secretsmanager.get_secret(name='prod/db')") == (
        "aws.secretsmanager.get_secret (aws:secretsmanager/getSecret:getSecret): reading Secrets Manager"
        " Secret (prod/db): ResourceNotFoundException: no secret prod/db in us-east-1; see"
        " docs/offline-engine.md for what the offline engine holds"
    )


# --- the command line --------------------------------------------------------------------------------


def run_preview(program: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", "preview", "--program", str(program), *extra],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unanswered_invoke_stops_preview_with_one_line(tmp_path: Path):
    program = write_program(tmp_path / "peering", "aws.ec2.get_vpc_peering_connection(id='pcx-1')\n")
    run = run_preview(program)
    assert run.returncode == 2
    # As the CLI shows a failed program: the stack row counts the error, Diagnostics spells it out once.
    assert run.stdout.endswith(
        "Diagnostics:\n"
        "  pulumi:pulumi:Stack (invokes-dev):\n"
        "    error: aws.ec2.get_vpc_peering_connection"
        " (aws:ec2/getVpcPeeringConnection:getVpcPeeringConnection) is not answered by the offline engine;"
        " see docs/offline-engine.md\n\n"
    )
    assert "Traceback" not in run.stdout
    assert "Traceback" not in run.stderr


FARGATE = """
# The shape of pulumi/examples aws-py-fargate: the default VPC, its subnets, a public Fargate service.
cluster = aws.ecs.Cluster("cluster")
default_vpc = aws.ec2.get_vpc(default=True)
default_vpc_subnets = aws.ec2.get_subnets(
    filters=[aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[default_vpc.id])]
)
group = aws.ec2.SecurityGroup(
    "web-secgrp",
    vpc_id=default_vpc.id,
    description="Enable HTTP access",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"])
    ],
    egress=[
        aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])
    ],
)
alb = aws.lb.LoadBalancer("app-lb", security_groups=[group.id], subnets=default_vpc_subnets.ids)
atg = aws.lb.TargetGroup("app-tg", port=80, protocol="HTTP", target_type="ip", vpc_id=default_vpc.id)
wl = aws.lb.Listener(
    "web",
    load_balancer_arn=alb.arn,
    port=80,
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=atg.arn)],
)
assume = aws.iam.get_policy_document(statements=[{
    "actions": ["sts:AssumeRole"],
    "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
}])
role = aws.iam.Role("task-exec-role", assume_role_policy=assume.json)
execution_policy = aws.iam.get_policy(name="AmazonECSTaskExecutionRolePolicy")
aws.iam.RolePolicyAttachment("task-exec-policy", role=role.name, policy_arn=execution_policy.arn)
task_definition = aws.ecs.TaskDefinition(
    "app-task",
    family="fargate-task-definition",
    cpu="256",
    memory="512",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=role.arn,
    container_definitions=json.dumps([{
        "name": "my-app",
        "image": "nginx",
        "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
    }]),
)
service = aws.ecs.Service(
    "app-svc",
    cluster=cluster.arn,
    desired_count=3,
    launch_type="FARGATE",
    task_definition=task_definition.arn,
    network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
        assign_public_ip=True, subnets=default_vpc_subnets.ids, security_groups=[group.id]
    ),
    load_balancers=[
        aws.ecs.ServiceLoadBalancerArgs(target_group_arn=atg.arn, container_name="my-app", container_port=80)
    ],
    opts=pulumi.ResourceOptions(depends_on=[wl]),
)
pulumi.export("url", alb.dns_name)
"""


def test_the_default_vpc_fargate_example_previews_with_the_pack(tmp_path: Path):
    run = run_preview(write_program(tmp_path / "fargate", FARGATE), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["error"] is None
    assert result["mandatoryViolations"] == 0
    types = sorted(
        resource["type"] for resource in result["plan"]["resources"] if resource["type"].startswith("aws:")
    )
    assert types == sorted(
        [
            "aws:ecs/cluster:Cluster",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:lb/loadBalancer:LoadBalancer",
            "aws:lb/targetGroup:TargetGroup",
            "aws:lb/listener:Listener",
            "aws:iam/role:Role",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:ecs/taskDefinition:TaskDefinition",
            "aws:ecs/service:Service",
        ]
    )
    service = next(r for r in result["plan"]["resources"] if r["type"] == "aws:ecs/service:Service")
    subnets = service["inputs"]["networkConfiguration"]["subnets"]
    assert len(subnets) == 6 and all(subnet.startswith("subnet-") for subnet in subnets)
    assert service["inputs"]["networkConfiguration"]["assignPublicIp"] is True
