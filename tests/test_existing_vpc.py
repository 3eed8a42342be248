"""Endpoints for an existing VPC: the stack's existing-network mode and PrivateLinkEndpoints as a library.

The existing network is made in moto first; the program's lookups (each subnet's AZ and CIDR) read
that moto, as they would read the account.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from awsfacts import LaunchType, Workload
from ecs_privatelink.config import NAMESPACE
from ecs_privatelink.endpoints import EndpointArgsError, PrivateLinkEndpointsArgs, plan_for
from ecs_privatelink.planner import plan_endpoints
from sandbox.engine.program import ProgramError, RecordedResource, Recording, run_program
from sandbox.stackconfig import load_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
OPTIONS_PROGRAM = Path(__file__).resolve().parent / "fixtures" / "library" / "endpoints_options"
REGION = "us-east-1"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
NETWORK_TYPES = (
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "ecs-privatelink:index:PrivateNetwork",
)


@dataclass
class Network:
    vpc_id: str
    subnet_ids: list[str]  # us-east-1a, us-east-1b, and a second one in us-east-1a
    subnet_cidrs: list[str]
    route_table_ids: list[str]


@pytest.fixture
def network() -> Iterator[Network]:
    """A landing-zone VPC made elsewhere: three subnets (two in one AZ) and a route table."""
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        cidrs = ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"]
        subnet_ids = [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
            for cidr, zone in zip(cidrs, ["us-east-1a", "us-east-1b", "us-east-1a"], strict=True)
        ]
        route_table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        yield Network(vpc_id, subnet_ids, cidrs, [route_table_id])


def one(recording: Recording, type_: str, name: str) -> RecordedResource:
    matches = [r for r in recording.of_type(type_) if r.name == name]
    assert len(matches) == 1, (type_, name, [r.name for r in recording.of_type(type_)])
    return matches[0]


def run_dev_stack_on(network: Network, *, preview: bool = True) -> Recording:
    config = dict(load_stack_config(PROJECT_DIR, "dev").config)
    config[f"{NAMESPACE}:existingVpcId"] = network.vpc_id
    config[f"{NAMESPACE}:existingSubnetIds"] = json.dumps(network.subnet_ids)
    config[f"{NAMESPACE}:existingRouteTableIds"] = json.dumps(network.route_table_ids)
    return run_program(PROJECT_DIR, project=NAMESPACE, stack="dev", config=config, preview=preview)


def test_the_stack_adds_its_endpoints_to_an_existing_vpc_and_makes_no_network(network):
    recording = run_dev_stack_on(network)

    assert [r.type for r in recording.resources if r.type in NETWORK_TYPES] == []
    assert "aws:ec2/getSubnet:getSubnet" in recording.invokes  # zones and CIDRs come from the account
    endpoints = {r.name: r for r in recording.of_type(VPC_ENDPOINT)}
    assert sorted(endpoints) == [
        "privatelink-ecr-api",
        "privatelink-ecr-dkr",
        "privatelink-logs",
        "privatelink-s3",
    ]
    first_per_zone = network.subnet_ids[:2]  # an endpoint takes one subnet per AZ: the first listed
    for name in ("privatelink-ecr-api", "privatelink-ecr-dkr", "privatelink-logs"):
        assert endpoints[name].inputs["vpcId"] == network.vpc_id
        assert endpoints[name].inputs["subnetIds"] == first_per_zone, name
        assert endpoints[name].inputs["privateDnsEnabled"] is True
    assert endpoints["privatelink-s3"].inputs["routeTableIds"] == network.route_table_ids
    group = one(recording, SECURITY_GROUP, "privatelink-sg")
    assert group.inputs["vpcId"] == network.vpc_id
    # The CIDRs of all the given subnets, looked up from their ids.
    assert [rule["cidrBlocks"] for rule in group.inputs["ingress"]] == [network.subnet_cidrs]
    assert recording.outputs["vpcId"] == network.vpc_id
    assert recording.outputs["privateSubnetIds"] == network.subnet_ids
    assert recording.outputs["routeTableIds"] == network.route_table_ids
    # The workload runs in the given subnets, behind the endpoints.
    service = one(recording, "aws:ecs/service:Service", "app-service")
    assert service.inputs["networkConfiguration"]["subnets"] == network.subnet_ids


def test_a_subnet_that_does_not_exist_fails_the_lookup(network):
    network.subnet_ids.append("subnet-0000000000000000f")
    with pytest.raises(ProgramError) as failed:
        run_dev_stack_on(network)
    # The provider's own answer, as the CLI would show it.
    assert str(failed.value).startswith(
        "aws.ec2.get_subnet (aws:ec2/getSubnet:getSubnet): no matching EC2 Subnet found"
    )


def run_options(network: Network, mode: str) -> Recording:
    config = {
        "aws:region": REGION,
        "endpoints-options:mode": mode,
        "endpoints-options:vpcId": network.vpc_id,
        "endpoints-options:subnetIds": json.dumps(network.subnet_ids),
        "endpoints-options:routeTableIds": json.dumps(network.route_table_ids),
    }
    return run_program(OPTIONS_PROGRAM, project="endpoints-options", stack="test", config=config)


def test_consumers_admitted_by_security_group_with_tags_and_an_account_from_outputs(network):
    recording = run_options(network, "groups")

    group = one(recording, SECURITY_GROUP, "shared-sg")
    assert group.inputs["ingress"] == [
        {
            "description": "HTTPS from the consumers' security groups",
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "securityGroups": ["sg-0123456789abcdef0"],
        }
    ]
    assert group.inputs["tags"] == {"team": "platform", "Name": "shared-sg"}
    names = [r.name for r in recording.of_type(VPC_ENDPOINT)]
    assert names[:3] == ["shared-ecs-agent", "shared-ecs-telemetry", "shared-ecs"]  # EC2, C11 order
    agent = one(recording, VPC_ENDPOINT, "shared-ecs-agent")
    assert agent.inputs["tags"] == {"team": "platform", "Name": "shared-ecs-agent"}
    statement = json.loads(agent.inputs["policy"])["Statement"][0]
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": "210987654321"}}


def test_an_existing_security_group_and_an_explicit_service_list(network):
    recording = run_options(network, "existing")

    assert recording.of_type(SECURITY_GROUP) == []
    assert sorted(r.name for r in recording.of_type(VPC_ENDPOINT)) == [
        "shared-ecr-api",
        "shared-ecr-dkr",
        "shared-logs",
        "shared-s3",
    ]
    for endpoint in recording.of_type(VPC_ENDPOINT):
        if endpoint.name != "shared-s3":
            assert endpoint.inputs["securityGroupIds"] == ["sg-0fedcba9876543210"]
            assert endpoint.inputs["tags"] == {"Name": endpoint.name}
            assert "Condition" not in json.loads(endpoint.inputs["policy"])["Statement"][0]
    assert recording.outputs["securityGroupId"] == "sg-0fedcba9876543210"
    assert recording.outputs["serviceNames"] == {
        "ecr.api": "com.amazonaws.us-east-1.ecr.api",
        "ecr.dkr": "com.amazonaws.us-east-1.ecr.dkr",
        "s3": "com.amazonaws.us-east-1.s3",
        "logs": "com.amazonaws.us-east-1.logs",
    }


def test_an_existing_security_group_with_ingress_sources_is_refused(network):
    with pytest.raises(ProgramError) as refused:
        run_options(network, "both")
    assert str(refused.value) == (
        "security_group_id is an existing group whose own rules admit the consumers: leave out "
        "ingress_cidrs and ingress_security_group_ids, or leave out security_group_id."
    )


def args(**fields: object) -> PrivateLinkEndpointsArgs:
    return PrivateLinkEndpointsArgs(vpc_id="vpc-0123456789abcdef0", subnet_ids=[], **fields)  # type: ignore[typeddict-item]


def test_the_workload_fields_plan_what_the_planner_plans():
    planned = plan_for(args(launch_type="EC2", secrets_manager=True, extra_services=["ssm"]), REGION, None)
    expected = plan_endpoints(
        REGION,
        Workload(launch_type=LaunchType.EC2, private_ecr_images=True, secrets_manager=True, awslogs=True),
        ["ssm"],
    )
    assert planned == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"launch_type": "LAMBDA"}, "Invalid launch_type 'LAMBDA': allowed values are FARGATE, EC2."),
        ({"services": []}, "services is empty: name at least one endpoint service, or leave it out."),
    ],
)
def test_bad_arguments_are_refused_with_what_is_allowed(fields, message):
    with pytest.raises(EndpointArgsError) as refused:
        plan_for(args(**fields), REGION, None)
    assert str(refused.value) == message


def test_an_unknown_service_is_refused_naming_the_known_ones():
    with pytest.raises(EndpointArgsError) as refused:
        plan_for(args(services=["ecr"]), REGION, None)
    assert str(refused.value).startswith("Unknown endpoint service 'ecr': known services are ecs-agent, ")


def test_the_private_vpc_component_composes_the_network_and_the_endpoints():
    program = Path(__file__).resolve().parent / "fixtures" / "library" / "private_vpc"
    recording = run_program(
        program, project="private-vpc", stack="test", config={"aws:region": REGION}, preview=False
    )

    (component,) = recording.of_type("ecs-privatelink:index:PrivateEcsVpc")
    (network,) = recording.of_type("ecs-privatelink:index:PrivateNetwork")
    (endpoints,) = recording.of_type("ecs-privatelink:index:PrivateLinkEndpoints")
    assert (network.name, network.parent) == ("core-network", component.urn)
    assert (endpoints.name, endpoints.parent) == ("core-endpoints", component.urn)
    subnets = {r.inputs["availabilityZone"]: r for r in recording.of_type("aws:ec2/subnet:Subnet")}
    assert {zone: s.inputs["cidrBlock"] for zone, s in subnets.items()} == {
        "us-east-1a": "10.8.0.0/19",
        "us-east-1b": "10.8.32.0/19",
    }
    assert subnets["us-east-1a"].inputs["tags"] == {"env": "test", "Name": "core-network-subnet-us-east-1a"}
    group = one(recording, SECURITY_GROUP, "core-endpoints-sg")
    assert [rule["cidrBlocks"] for rule in group.inputs["ingress"]] == [["10.8.0.0/19", "10.8.32.0/19"]]
    assert group.inputs["tags"] == {"env": "test", "Name": "core-endpoints-sg"}
    assert sorted(recording.outputs["endpointIds"]) == [
        "ecr.api",
        "ecr.dkr",
        "ecs",
        "ecs-agent",
        "ecs-telemetry",
        "logs",
        "s3",
        "secretsmanager",
    ]
    assert recording.outputs["subnetIds"] == [subnets["us-east-1a"].id, subnets["us-east-1b"].id]
    # Known zones: no subnet lookups, the same invokes as the stack's own VPC.
    assert "aws:ec2/getSubnet:getSubnet" not in recording.invokes
