"""`python -m sandbox up`: the policy gate, then every resource created in moto from the program's inputs."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from sandbox.aws.clients import AwsClients
from sandbox.aws.deploy import MotoFactory, UnsupportedResourceError, deploy_stack, unsupported_types
from sandbox.engine.program import RecordedResource
from sandbox.stackconfig import load_stack_config
from tests.fixtures.sandbox.support import (
    FIXTURE_PACK,
    RAW,
    WORKLOAD,
    moto_for_module,
    run_cli,
    run_cli_json,
)


@pytest.fixture(scope="module")
def moto() -> Iterator[Any]:
    yield from moto_for_module(managed_policies=True)  # the EC2 workload attaches an AWS managed policy


@pytest.fixture
def aws(moto: Any) -> Iterator[None]:
    moto.reset()
    yield
    moto.reset()


def _our_vpcs(region: str) -> list[dict]:
    vpcs = boto3.client("ec2", region_name=region).describe_vpcs()["Vpcs"]
    return [vpc for vpc in vpcs if not vpc["IsDefault"]]


def _endpoints(region: str, vpc_id: str) -> dict[str, dict]:
    ec2 = boto3.client("ec2", region_name=region)
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    return {endpoint["ServiceName"]: endpoint for endpoint in found}


def _assert_deployed(result: dict, region: str, interface_keys: set[str]) -> None:
    outputs = result["deploy"]["outputs"]
    vpc_id, subnets, group = outputs["vpcId"], outputs["privateSubnetIds"], outputs["endpointSecurityGroupId"]
    assert [vpc["VpcId"] for vpc in _our_vpcs(region)] == [vpc_id]
    endpoints = _endpoints(region, vpc_id)
    assert set(endpoints) == {f"com.amazonaws.{region}.{key}" for key in interface_keys | {"s3"}}
    for key in interface_keys:
        endpoint = endpoints[f"com.amazonaws.{region}.{key}"]
        assert endpoint["VpcEndpointType"] == "Interface"
        assert endpoint["PrivateDnsEnabled"] is True
        assert sorted(endpoint["SubnetIds"]) == sorted(subnets)
        assert [g["GroupId"] for g in endpoint["Groups"]] == [group]
    gateway = endpoints[f"com.amazonaws.{region}.s3"]
    assert gateway["VpcEndpointType"] == "Gateway"
    assert sorted(gateway["RouteTableIds"]) == sorted(outputs["routeTableIds"])
    ec2 = boto3.client("ec2", region_name=region)
    cidrs = [s["CidrBlock"] for s in ec2.describe_subnets(SubnetIds=subnets)["Subnets"]]
    rules = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["IpPermissions"]
    open_443 = {r["CidrIp"] for p in rules if p.get("FromPort") == 443 for r in p["IpRanges"]}
    assert open_443 == set(cidrs)
    assert result["verify"]["passed"] is True


def test_up_dev_creates_the_fargate_endpoints_in_moto(aws):
    code, result = run_cli_json("up", "--stack", "dev")

    assert code == 0, result.get("message")
    _assert_deployed(result, "us-east-1", {"ecr.api", "ecr.dkr", "logs"})


def test_up_prod_creates_the_ec2_endpoints_in_moto(aws):
    code, result = run_cli_json("up", "--stack", "prod")

    assert code == 0, result.get("message")
    _assert_deployed(
        result,
        "ca-west-1",
        {"ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "secretsmanager", "logs"},
    )


def test_up_text_reports_deploy_and_verify(aws):
    code, text = run_cli("up", "--stack", "dev")

    assert code == 0
    assert "Deployed 27 resources into in-process moto." in text  # the custom ones; components are logical
    assert "0 failed" in text


def test_a_stack_the_pack_rejects_leaves_moto_empty(aws):
    code, result = run_cli_json("up", "--program", RAW, "--stack", "bad")

    assert code == 1
    assert result["deploy"] is None and result["verify"] is None
    assert "Nothing was created" in result["message"]
    for region in ("us-east-1", "us-west-2"):
        assert _our_vpcs(region) == []
        assert boto3.client("ec2", region_name=region).describe_vpc_endpoints()["VpcEndpoints"] == []


def test_an_unsupported_type_fails_before_anything_is_created(aws, tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: sns\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\naws.ec2.Vpc('v', cidr_block='10.0.0.0/16')\naws.sns.Topic('t')\n"
    )

    code, text = run_cli("up", "--program", tmp_path, "--stack", "dev", "--policy-pack", FIXTURE_PACK)

    assert code == 2
    assert "cannot create these types in moto: aws:sns/topic:Topic" in text
    assert _our_vpcs("us-east-1") == []


def test_the_factory_names_an_unsupported_type():
    factory = MotoFactory(AwsClients("us-east-1", moto=True))
    topic = RecordedResource("urn:x::t", "aws:sns/topic:Topic", "t", True, "", "", [], {}, {})
    with pytest.raises(UnsupportedResourceError, match=r"aws:sns/topic:Topic \('t'\)"):
        factory(topic)
    assert unsupported_types([topic]) == ["aws:sns/topic:Topic"]


def test_raw_resources_dhcp_default_group_and_separate_rules_are_created_from_inputs(aws):
    stack = load_stack_config(RAW, "ec2")
    deployed = deploy_stack(stack, RAW, AwsClients(stack.region, moto=True))

    assert deployed.error == "" and deployed.recording is not None
    ec2 = boto3.client("ec2", region_name="ca-west-1")
    vpc = ec2.describe_vpcs(VpcIds=[deployed.recording.outputs["vpcId"]])["Vpcs"][0]
    options = ec2.describe_dhcp_options(DhcpOptionsIds=[vpc["DhcpOptionsId"]])["DhcpOptions"][0]
    assert options["DhcpConfigurations"] == [
        {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}
    ]
    default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]
    assert default["IpPermissions"] == [] and default["IpPermissionsEgress"] == []
    group = ec2.describe_security_groups(GroupIds=[deployed.recording.outputs["endpointSecurityGroupId"]])[
        "SecurityGroups"
    ][0]
    assert (
        group["IpPermissionsEgress"] == []
    )  # AWS's default allow-all egress is dropped, as the provider does
    assert {r["CidrIp"] for p in group["IpPermissions"] for r in p["IpRanges"]} == {
        "10.0.0.0/24",
        "10.0.1.0/24",
        "10.0.2.0/24",
    }
    assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"
    ] == {"Value": True}
    # Real ids flowed: every subnet sits in the VPC the program created.
    subnets = ec2.describe_subnets(SubnetIds=deployed.recording.outputs["subnetIds"])["Subnets"]
    assert {s["VpcId"] for s in subnets} == {vpc["VpcId"]}
    assert {s["AvailabilityZone"] for s in subnets} == {"ca-west-1a", "ca-west-1b", "ca-west-1c"}


def test_workload_resources_are_created_and_wired_by_real_ids(aws):
    stack = load_stack_config(WORKLOAD, "dev")
    deployed = deploy_stack(stack, WORKLOAD, AwsClients(stack.region, moto=True))

    assert deployed.error == "" and deployed.recording is not None
    outputs = deployed.recording.outputs
    region = "eu-west-1"
    ecr = boto3.client("ecr", region_name=region)
    repository = ecr.describe_repositories()["repositories"][0]
    assert repository["repositoryUri"] == outputs["repositoryUrl"]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    logs = boto3.client("logs", region_name=region).describe_log_groups()["logGroups"]
    assert [(g["logGroupName"].startswith("app-"), g.get("retentionInDays")) for g in logs] == [(True, 7)]
    secrets = boto3.client("secretsmanager", region_name=region)
    secret = secrets.list_secrets()["SecretList"][0]
    assert secrets.get_secret_value(SecretId=secret["ARN"])["SecretString"] == "s3cret"
    iam = boto3.client("iam", region_name=region)
    role = iam.list_roles()["Roles"][0]["RoleName"]
    assert iam.list_role_policies(RoleName=role)["PolicyNames"][0].startswith("app-logs-")
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert [p["PolicyName"].startswith("app-read-secret-") for p in attached] == [True]
    ecs = boto3.client("ecs", region_name=region)
    definition = ecs.describe_task_definition(taskDefinition=outputs["taskDefinitionArn"])["taskDefinition"]
    container = definition["containerDefinitions"][0]
    assert container["image"] == f"{outputs['repositoryUrl']}:1"
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": secret["ARN"]}]
    assert definition["executionRoleArn"] == iam.get_role(RoleName=role)["Role"]["Arn"]
    cluster = outputs["serviceArn"].split("/")[1]
    service = ecs.describe_services(cluster=cluster, services=[outputs["serviceArn"]])["services"][0]
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    subnet = boto3.client("ec2", region_name=region).describe_subnets(SubnetIds=network["subnets"])[
        "Subnets"
    ][0]
    assert subnet["VpcId"] == outputs["vpcId"]
    group = boto3.client("ec2", region_name=region).describe_security_groups(
        GroupIds=network["securityGroups"]
    )["SecurityGroups"][0]
    assert [(p["FromPort"], p["IpRanges"][0]["CidrIp"]) for p in group["IpPermissions"]] == [
        (8080, "10.1.0.0/24")
    ]
    assert [(p["FromPort"], p["IpRanges"][0]["CidrIp"]) for p in group["IpPermissionsEgress"]] == [
        (443, "10.1.0.0/16")
    ]


def test_moto_is_reset_between_tests(aws):
    # Runs after tests that deployed: the fixture's reset leaves only moto's default VPCs.
    for region in ("us-east-1", "ca-west-1", "eu-west-1"):
        assert _our_vpcs(region) == []


def test_aws_refusing_a_resource_stops_the_deploy_with_its_error(aws, tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: outside\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "vpc = aws.ec2.Vpc('v', cidr_block='10.0.0.0/16')\n"
        "aws.ec2.Subnet('s', vpc_id=vpc.id, cidr_block='192.168.0.0/24')\n"
    )

    code, result = run_cli_json("up", "--program", tmp_path, "--stack", "dev", "--policy-pack", FIXTURE_PACK)

    assert code == 2
    assert result["message"].startswith("Deploy failed after 1 resource(s): ")
    assert "InvalidSubnet.Range" in result["message"]
    assert [c["type"] for c in result["deploy"]["created"]] == ["aws:ec2/vpc:Vpc"]


def test_resources_go_to_the_region_of_their_explicit_provider_or_their_own(aws, tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: regions\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "import pulumi_aws as aws\n"
        "frankfurt = aws.Provider('frankfurt', region='eu-central-1')\n"
        "in_frankfurt = pulumi.ResourceOptions(provider=frankfurt)\n"
        "aws.ec2.Vpc('by-provider', cidr_block='10.1.0.0/16', opts=in_frankfurt)\n"
        "aws.ec2.Vpc('by-input', cidr_block='10.2.0.0/16', region='eu-west-3')\n"
        "aws.ec2.Vpc('by-stack', cidr_block='10.3.0.0/16')\n"
    )
    stack = load_stack_config(tmp_path, "dev")

    deployed = deploy_stack(stack, tmp_path, AwsClients(stack.region, moto=True))

    assert deployed.error == ""
    cidrs = {
        region: [vpc["CidrBlock"] for vpc in _our_vpcs(region)]
        for region in ("eu-central-1", "eu-west-3", "us-east-1")
    }
    assert cidrs == {
        "eu-central-1": ["10.1.0.0/16"],
        "eu-west-3": ["10.2.0.0/16"],
        "us-east-1": ["10.3.0.0/16"],
    }
