"""The real __main__.py under strict mocks, with the shipped stack files: what it registers and exports."""

import json
from collections import Counter
from ipaddress import IPv4Network
from itertools import combinations
from pathlib import Path

import pytest

from ecs_privatelink.config import NAMESPACE, parse_config
from ecs_privatelink.endpoints import EndpointPlacementError, subnets_in_zones
from ecs_privatelink.planner import EndpointSpec, plan_endpoints
from sandbox.engine.awsdata import ACCOUNT_ID
from sandbox.engine.program import ProgramError, RecordedResource, Recording, run_program
from sandbox.stackconfig import load_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent

NETWORK = "ecs-privatelink:index:PrivateNetwork"
ENDPOINTS = "ecs-privatelink:index:PrivateLinkEndpoints"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
INTERNET_PATH_TYPES = (
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/route:Route",
)


def stack_config(stack: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The config the CLI would pass for a shipped stack, plus overrides by short or full key."""
    config = dict(load_stack_config(PROJECT_DIR, stack).config)
    for key, value in (overrides or {}).items():
        config[key if ":" in key else f"{NAMESPACE}:{key}"] = value
    return config


def run_stack(stack: str, overrides: dict[str, str] | None = None, *, preview: bool = True) -> Recording:
    return run_program(
        PROJECT_DIR, project=NAMESPACE, stack=stack, config=stack_config(stack, overrides), preview=preview
    )


def expected_plan(recording: Recording) -> list[EndpointSpec]:
    """The plan the planner makes for the recorded stack's config (independently of the program)."""
    prefix = f"{NAMESPACE}:"
    raw = {
        key.removeprefix(prefix): value for key, value in recording.config.items() if key.startswith(prefix)
    }
    config = parse_config(recording.config["aws:region"], raw)
    account = ACCOUNT_ID if config.restrict_to_account else None
    return plan_endpoints(config.region, config.workload, config.extra_endpoints, account)


def one(recording: Recording, type_: str, name: str) -> RecordedResource:
    matches = [r for r in recording.of_type(type_) if r.name == name]
    assert len(matches) == 1, (type_, name, [r.name for r in recording.of_type(type_)])
    return matches[0]


def subnets_by_az(recording: Recording) -> dict[str, RecordedResource]:
    return {s.inputs["availabilityZone"]: s for s in recording.of_type(SUBNET)}


def endpoint_name(key: str) -> str:
    return "privatelink-" + key.replace(".", "-")


@pytest.fixture(scope="module")
def dev() -> Recording:
    return run_stack("dev")


@pytest.fixture(scope="module")
def prod() -> Recording:
    return run_stack("prod")


@pytest.fixture(scope="module")
def dev_up() -> Recording:
    return run_stack("dev", preview=False)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_path_to_the_internet_is_ever_registered(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    assert not [r.type for r in recording.resources if r.type in INTERNET_PATH_TYPES]
    assert not [r.type for r in recording.resources if "Gateway" in r.type.rsplit(":", 1)[-1]]


def test_dev_registers_exactly_the_network_its_four_endpoints_and_the_fargate_workload(dev):
    assert Counter(r.type for r in dev.resources) == {
        NETWORK: 1,
        ENDPOINTS: 1,
        VPC: 1,
        DEFAULT_SECURITY_GROUP: 1,
        SUBNET: 2,
        ROUTE_TABLE: 2,
        ASSOCIATION: 2,
        SECURITY_GROUP: 2,  # the endpoints' and the service's
        VPC_ENDPOINT: 4,
        FLOW_LOG: 1,  # with its log group, delivery role and policy (counted below)
        # the workload (exact properties in test_workload.py)
        "ecs-privatelink:index:EcsWorkload": 1,
        "aws:ecs/cluster:Cluster": 1,
        "aws:ecr/repository:Repository": 1,
        "aws:ecr/lifecyclePolicy:LifecyclePolicy": 1,
        LOG_GROUP: 2,  # the flow logs' and the tasks'
        ROLE: 3,  # the flow logs' delivery, task execution, task
        ROLE_POLICY: 2,
        "aws:ecs/taskDefinition:TaskDefinition": 1,
        "aws:ecs/service:Service": 1,
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_vpc_has_dns_support_and_hostnames_on(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    (vpc,) = recording.of_type(VPC)
    assert vpc.inputs["cidrBlock"] == "10.0.0.0/16"
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True


@pytest.mark.parametrize(("stack", "zones"), [("dev", 2), ("prod", 3)])
def test_one_private_subnet_per_az_disjoint_and_inside_the_vpc(stack, zones, request):
    recording: Recording = request.getfixturevalue(stack)
    region = recording.config["aws:region"]
    subnets = subnets_by_az(recording)
    assert sorted(subnets) == [f"{region}{letter}" for letter in "abc"[:zones]]
    cidrs = [IPv4Network(s.inputs["cidrBlock"]) for s in subnets.values()]
    vpc_cidr = IPv4Network(recording.of_type(VPC)[0].inputs["cidrBlock"])
    assert all(cidr.subnet_of(vpc_cidr) for cidr in cidrs)
    assert not any(a.overlaps(b) for a, b in combinations(cidrs, 2))
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets.values())


def test_dev_subnets_take_the_first_slots_in_az_order(dev):
    assert {az: s.inputs["cidrBlock"] for az, s in subnets_by_az(dev).items()} == {
        "us-east-1a": "10.0.0.0/19",
        "us-east-1b": "10.0.32.0/19",
    }


def test_each_subnet_has_its_own_route_table_with_no_routes(prod):
    route_tables = {r.name: r for r in prod.of_type(ROUTE_TABLE)}
    associations = prod.of_type(ASSOCIATION)
    assert len(route_tables) == len(associations) == 3
    for az, subnet in subnets_by_az(prod).items():
        (association,) = [a for a in associations if a.property_dependencies["subnetId"] == [subnet.urn]]
        assert association.property_dependencies["routeTableId"] == [route_tables[f"private-rt-{az}"].urn]
    assert all("routes" not in r.inputs or r.inputs["routes"] == [] for r in route_tables.values())


@pytest.mark.parametrize(("stack", "protected"), [("dev", False), ("prod", True)])
def test_the_vpc_logs_all_its_traffic_to_a_log_group_of_its_own(stack, protected, request):
    recording: Recording = request.getfixturevalue(stack)
    (vpc,) = recording.of_type(VPC)
    flow_log = one(recording, FLOW_LOG, "private-flow-log")
    log_group = one(recording, LOG_GROUP, "private-flow-logs")
    role = one(recording, ROLE, "private-flow-log-role")
    policy = one(recording, ROLE_POLICY, "private-flow-log-policy")
    assert flow_log.inputs["trafficType"] == "ALL"  # EC2.6
    assert flow_log.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow_log.inputs["maxAggregationInterval"] == 60
    assert flow_log.property_dependencies["vpcId"] == [vpc.urn]
    assert flow_log.property_dependencies["logDestination"] == [log_group.urn]
    assert flow_log.property_dependencies["iamRoleArn"] == [role.urn]
    assert policy.urn in flow_log.dependencies  # delivery is allowed before the log starts
    assert log_group.inputs["retentionInDays"] == 365
    assert log_group.protect is protected
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}},
            }
        ],
    }
    assert policy.property_dependencies["role"] == [role.urn]
    assert policy.property_dependencies["policy"] == [log_group.urn]


def test_flow_logs_can_be_turned_off_and_keep_their_retention():
    assert not run_stack("dev", {"flowLogs": "false"}).of_type(FLOW_LOG)
    recording = run_stack("dev", {"flowLogRetentionDays": "90"})
    assert one(recording, LOG_GROUP, "private-flow-logs").inputs["retentionInDays"] == 90


def test_the_flow_log_role_writes_only_to_its_log_group(dev_up):
    log_group = one(dev_up, LOG_GROUP, "private-flow-logs")
    policy = one(dev_up, ROLE_POLICY, "private-flow-log-policy")
    arn = log_group.outputs["arn"]
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeliverFlowLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [arn, f"{arn}:log-stream:*"],
            },
            {
                "Sid": "FindTheLogGroup",
                "Effect": "Allow",
                "Action": "logs:DescribeLogGroups",
                "Resource": "*",
            },
        ],
    }
    assert one(dev_up, FLOW_LOG, "private-flow-log").inputs["logDestination"] == arn


def test_the_vpc_default_security_group_is_emptied(dev):
    (default_group,) = dev.of_type(DEFAULT_SECURITY_GROUP)
    assert default_group.inputs["ingress"] == []
    assert default_group.inputs["egress"] == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_endpoint_security_group_allows_only_https_from_the_private_subnets(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    group = one(recording, SECURITY_GROUP, "privatelink-sg")
    subnet_cidrs = [s.inputs["cidrBlock"] for _, s in sorted(subnets_by_az(recording).items())]
    assert group.inputs["ingress"] == [
        {
            "description": "HTTPS from the private subnets",
            "protocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrBlocks": subnet_cidrs,
        }
    ]
    assert group.inputs["egress"] == []
    assert "0.0.0.0/0" not in json.dumps(group.inputs["ingress"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_planned_endpoint_is_present_and_wired(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    plan = expected_plan(recording)
    assert sorted(r.name for r in recording.of_type(VPC_ENDPOINT)) == sorted(
        endpoint_name(s.key) for s in plan
    )
    group = one(recording, SECURITY_GROUP, "privatelink-sg")
    subnet_urns = sorted(s.urn for s in recording.of_type(SUBNET))
    route_table_urns = sorted(r.urn for r in recording.of_type(ROUTE_TABLE))
    for spec in plan:
        endpoint = one(recording, VPC_ENDPOINT, endpoint_name(spec.key))
        assert endpoint.inputs["serviceName"] == spec.service_name
        assert json.loads(endpoint.inputs["policy"]) == spec.policy
        assert endpoint.inputs["tags"] == {"Name": endpoint_name(spec.key)}
        if spec.key == "s3":
            assert endpoint.inputs["vpcEndpointType"] == "Gateway"
            assert sorted(endpoint.property_dependencies["routeTableIds"]) == route_table_urns
            assert "privateDnsEnabled" not in endpoint.inputs
        else:
            assert endpoint.inputs["vpcEndpointType"] == "Interface"
            assert endpoint.inputs["privateDnsEnabled"] is True
            assert sorted(endpoint.property_dependencies["subnetIds"]) == subnet_urns
            assert endpoint.property_dependencies["securityGroupIds"] == [group.urn]


def test_prod_plans_the_ecs_trio_and_workload_endpoints(prod):
    assert sorted(r.name for r in prod.of_type(VPC_ENDPOINT)) == sorted(
        endpoint_name(key)
        for key in ("ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "s3", "secretsmanager", "logs")
    )
    names = {r.name: r.inputs["serviceName"] for r in prod.of_type(VPC_ENDPOINT)}
    assert names["privatelink-ecs-telemetry"] == "com.amazonaws.ca-west-1.ecs-telemetry"


def test_ecs_trio_is_chained_agent_then_telemetry_then_ecs(prod):
    agent, telemetry, ecs = (
        one(prod, VPC_ENDPOINT, endpoint_name(k)) for k in ("ecs-agent", "ecs-telemetry", "ecs")
    )
    endpoint_urns = {r.urn for r in prod.of_type(VPC_ENDPOINT)}
    assert agent.urn in telemetry.dependencies
    assert telemetry.urn in ecs.dependencies
    assert not endpoint_urns & set(agent.dependencies)
    assert endpoint_urns & set(telemetry.dependencies) == {agent.urn}
    assert endpoint_urns & set(ecs.dependencies) == {telemetry.urn}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_resource_is_parented_by_its_component(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    (network,) = recording.of_type(NETWORK)
    (endpoints,) = recording.of_type(ENDPOINTS)
    stack_urn = f"urn:pulumi:{stack}::{NAMESPACE}::pulumi:pulumi:Stack::{NAMESPACE}-{stack}"
    assert network.parent == endpoints.parent == stack_urn
    endpoint_types = {SECURITY_GROUP, VPC_ENDPOINT}
    # The workload's resources (workload: true) have their own components, checked in test_workload.
    workload = {r.urn for r in recording.resources if r.type.startswith(f"{NAMESPACE}:index:")} - {
        network.urn,
        endpoints.urn,
    }
    for resource in recording.resources:
        if resource.custom and resource.parent not in workload:
            expected = endpoints.urn if resource.type in endpoint_types else network.urn
            assert resource.parent == expected, resource.name
            assert resource.provider == ""  # the stack's default AWS provider


def test_the_lookups_are_the_ones_the_sandbox_answers(prod):
    assert Counter(prod.invokes) == {
        "aws:index/getAvailabilityZones:getAvailabilityZones": 1,
        "aws:index/getCallerIdentity:getCallerIdentity": 1,
        # Two per interface endpoint: the placement check before any resource, and the component's.
        "aws:ec2/getVpcEndpointService:getVpcEndpointService": 14,
        "aws:ec2/getPrefixList:getPrefixList": 1,  # S3's, for the workload's security groups
    }


def test_preview_exports_the_known_outputs(dev):
    assert dev.outputs["launchType"] == "FARGATE"
    assert dev.outputs["estimatedMonthlyCostUsd"] == round(
        3 * 2 * 730 * 0.01, 2
    )  # 3 interface endpoints, 2 AZs
    assert [(p["endpoint"], p["serviceName"], p["type"]) for p in dev.outputs["plan"]] == [
        ("ecr.api", "com.amazonaws.us-east-1.ecr.api", "Interface"),
        ("ecr.dkr", "com.amazonaws.us-east-1.ecr.dkr", "Interface"),
        ("s3", "com.amazonaws.us-east-1.s3", "Gateway"),
        ("logs", "com.amazonaws.us-east-1.logs", "Interface"),
    ]
    assert dev.outputs["plan"][3]["reasons"] == [
        "C8: The awslogs log driver in a VPC without an internet gateway needs the logs endpoint."
    ]


def test_up_passes_real_ids_between_resources_and_into_the_outputs(dev_up):
    (vpc,) = dev_up.of_type(VPC)
    group = one(dev_up, SECURITY_GROUP, "privatelink-sg")
    subnets = [s for _, s in sorted(subnets_by_az(dev_up).items())]
    route_tables = [one(dev_up, ROUTE_TABLE, f"private-rt-{s.inputs['availabilityZone']}") for s in subnets]
    subnet_ids = [s.id for s in subnets]
    assert all(s.inputs["vpcId"] == vpc.id for s in subnets)
    for endpoint in dev_up.of_type(VPC_ENDPOINT):
        assert endpoint.inputs["vpcId"] == vpc.id
        if endpoint.inputs["vpcEndpointType"] == "Interface":
            assert sorted(endpoint.inputs["subnetIds"]) == sorted(subnet_ids)
            assert endpoint.inputs["securityGroupIds"] == [group.id]
        else:
            assert endpoint.inputs["routeTableIds"] == [r.id for r in route_tables]
    ids = {r.name: r.id for r in dev_up.of_type(VPC_ENDPOINT)}
    assert dev_up.outputs == {
        "vpcId": vpc.id,
        "privateSubnetIds": subnet_ids,
        "routeTableIds": [r.id for r in route_tables],
        "endpointSecurityGroupId": group.id,
        "endpoints": {
            "ecr.api": {
                "id": ids["privatelink-ecr-api"],
                "serviceName": "com.amazonaws.us-east-1.ecr.api",
                "dnsName": "ecr.api.us-east-1.amazonaws.com",
            },
            "ecr.dkr": {
                "id": ids["privatelink-ecr-dkr"],
                "serviceName": "com.amazonaws.us-east-1.ecr.dkr",
                "dnsName": "ecr.dkr.us-east-1.amazonaws.com",
            },
            "s3": {"id": ids["privatelink-s3"], "serviceName": "com.amazonaws.us-east-1.s3", "dnsName": None},
            "logs": {
                "id": ids["privatelink-logs"],
                "serviceName": "com.amazonaws.us-east-1.logs",
                "dnsName": "logs.us-east-1.amazonaws.com",
            },
        },
        "launchType": "FARGATE",
        "plan": dev_up.outputs["plan"],  # checked in the preview test
        "estimatedMonthlyCostUsd": 43.8,
        "clusterName": "ecs-privatelink-dev",
        "serviceName": "ecs-privatelink-dev",
        "taskDefinitionArn": one(dev_up, "aws:ecs/taskDefinition:TaskDefinition", "app-task").outputs["arn"],
        "repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/ecs-privatelink-dev",
    }
    assert all(ids.values()) and len(set(ids.values())) == 4


def test_region_without_a_price_exports_no_cost_and_says_so(prod):
    # The SDK sends no output exported as None, so the engine (the CLI too) has none.
    assert "estimatedMonthlyCostUsd" not in prod.outputs
    warning = "No endpoint price is recorded for ca-west-1; estimatedMonthlyCostUsd is not exported."
    assert [log.severity for log in prod.logs if log.message == warning] == ["warning"]
    assert prod.outputs["launchType"] == "EC2"


def test_china_region_names_ecr_with_the_cn_prefix():
    recording = run_stack("dev", {"aws:region": "cn-north-1", "launchType": "EC2"})
    names = {r.name: r.inputs["serviceName"] for r in recording.of_type(VPC_ENDPOINT)}
    assert names == {
        "privatelink-ecs-agent": "com.amazonaws.cn-north-1.ecs-agent",
        "privatelink-ecs-telemetry": "com.amazonaws.cn-north-1.ecs-telemetry",
        "privatelink-ecs": "com.amazonaws.cn-north-1.ecs",
        "privatelink-ecr-api": "cn.com.amazonaws.cn-north-1.ecr.api",
        "privatelink-ecr-dkr": "cn.com.amazonaws.cn-north-1.ecr.dkr",
        "privatelink-s3": "com.amazonaws.cn-north-1.s3",
        "privatelink-logs": "com.amazonaws.cn-north-1.logs",
    }
    s3_policy = json.loads(one(recording, VPC_ENDPOINT, "privatelink-s3").inputs["policy"])
    assert s3_policy["Statement"][0]["Resource"] == "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"


def test_endpoints_skip_subnets_in_azs_the_service_does_not_offer():
    # The sandbox's sample data has no ecs-telemetry in us-east-1e.
    recording = run_stack("dev", {"launchType": "EC2", "azCount": "6"})
    subnets = subnets_by_az(recording)
    assert sorted(subnets) == [f"us-east-1{letter}" for letter in "abcdef"]
    everywhere = sorted(s.urn for s in subnets.values())
    telemetry = one(recording, VPC_ENDPOINT, "privatelink-ecs-telemetry")
    assert sorted(telemetry.property_dependencies["subnetIds"]) == sorted(
        s.urn for az, s in subnets.items() if az != "us-east-1e"
    )
    for endpoint in recording.of_type(VPC_ENDPOINT):
        if endpoint.name not in ("privatelink-ecs-telemetry", "privatelink-s3"):
            assert sorted(endpoint.property_dependencies["subnetIds"]) == everywhere, endpoint.name


def test_an_endpoint_no_subnet_can_host_is_refused_with_the_zones():
    spec = plan_endpoints("us-east-1", parse_config("us-east-1", {"launchType": "EC2"}).workload)[1]
    with pytest.raises(EndpointPlacementError) as refused:
        subnets_in_zones(spec, {"us-east-1e": "subnet-e"}, ["us-east-1a", "us-east-1b"])
    assert str(refused.value) == (
        "com.amazonaws.us-east-1.ecs-telemetry is not offered in any Availability Zone of the subnets "
        "(us-east-1e); it is offered in us-east-1a, us-east-1b. Add a subnet in one of those zones "
        "(this project's VPC: raise azCount) or drop the endpoint."
    )
    assert subnets_in_zones(spec, {"us-east-1a": "subnet-a", "us-east-1e": "subnet-e"}, ["us-east-1a"]) == [
        "subnet-a"
    ]


def test_extra_endpoints_and_unrestricted_policies_reach_the_resources():
    # Network only: a workload looks the account up for its image and trust policies.
    recording = run_stack(
        "dev", {"extraEndpoints": '["ssm", "kms"]', "restrictToAccount": "false", "workload": "false"}
    )
    ssm = one(recording, VPC_ENDPOINT, "privatelink-ssm")
    assert ssm.inputs["serviceName"] == "com.amazonaws.us-east-1.ssm"
    assert json.loads(ssm.inputs["policy"])["Statement"][0] == {
        "Sid": "AllowSsm",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["ssm:*"],
        "Resource": "*",
    }
    assert one(recording, VPC_ENDPOINT, "privatelink-kms").inputs["privateDnsEnabled"] is True
    assert recording.outputs["plan"][-1] == {
        "endpoint": "kms",
        "serviceName": "com.amazonaws.us-east-1.kms",
        "type": "Interface",
        "reasons": ["extraEndpoints: asked for in the stack config"],
    }
    assert "aws:index/getCallerIdentity:getCallerIdentity" not in recording.invokes


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"launchType": "LAMBDA"},
            "Invalid ecs-privatelink:launchType 'LAMBDA': allowed values are FARGATE, EC2.",
        ),
        (
            {"vpcCidr": "10.0.0.0/40"},
            "Invalid ecs-privatelink:vpcCidr '10.0.0.0/40': expected an IPv4 CIDR with no host bits set, "
            "such as 10.0.0.0/16.",
        ),
        (
            {"vpcCidr": "100.64.0.0/16"},
            "Invalid ecs-privatelink:vpcCidr '100.64.0.0/16': the VPC must use a private (RFC 1918) range "
            "inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.",
        ),
        (
            {"vpcCidr": "192.168.0.0/27"},
            "Invalid ecs-privatelink:vpcCidr '192.168.0.0/27': too small for eight /28 subnet slots "
            "(one per AZ); use a prefix from /16 to /25.",
        ),
        ({"azCount": "9"}, "Invalid ecs-privatelink:azCount '9': allowed values are 1 to 6."),
        (
            {"aws:region": "us-west-1", "azCount": "3"},
            "Invalid ecs-privatelink:azCount 3: us-west-1 offers 2 Availability Zones "
            "(us-west-1b, us-west-1c); allowed values are 1 to 2.",
        ),
        (
            {"extraEndpoints": '["s3"]'},
            "Invalid ecs-privatelink:extraEndpoints 's3': s3 is a gateway endpoint, created with "
            "privateEcrImages; allowed interface services are ecs-agent, ecs-telemetry, ecs, ecr.api, "
            "ecr.dkr, secretsmanager, logs, ssm, ssmmessages, ec2messages, kms, sts, ec2, monitoring, xray, "
            "elasticloadbalancing, autoscaling, application-autoscaling, elasticfilesystem, "
            "servicediscovery, appmesh-envoy-management.",
        ),
        (
            {"aws:region": "mx-central-1", "extraEndpoints": '["ec2messages"]'},
            "Invalid ecs-privatelink:extraEndpoints 'ec2messages': mx-central-1 opened in 2024 or later and "
            "has no ec2messages endpoint; use ssmmessages.",
        ),
        (
            {"secretsManager": "maybe"},
            "Invalid ecs-privatelink:secretsManager 'maybe': allowed values are true and false.",
        ),
    ],
)
def test_bad_input_fails_before_any_resource_is_registered(overrides, message):
    with pytest.raises(ProgramError) as failed:
        run_stack("dev", overrides)
    assert str(failed.value) == message
    assert failed.value.resources == []


def test_unknown_extra_endpoint_fails_before_any_resource_is_registered():
    with pytest.raises(ProgramError) as failed:
        run_stack("prod", {"extraEndpoints": '["ssm", "sqs"]'})
    assert str(failed.value).startswith(
        "Invalid ecs-privatelink:extraEndpoints 'sqs': unknown endpoint service; "
        "allowed interface services are "
    )
    assert failed.value.resources == []


def test_unknown_region_fails_before_any_lookup_or_resource():
    with pytest.raises(ProgramError) as failed:
        run_stack("dev", {"aws:region": "mars-east-1"})
    assert str(failed.value).startswith(
        "Invalid aws:region: 'mars-east-1' is not an AWS Region botocore knows;"
    )
    assert failed.value.resources == []


def test_misspelt_key_fails_before_any_resource_is_registered():
    with pytest.raises(ProgramError) as failed:
        run_stack("dev", {"ecs-privatelink:azcount": "3"})
    assert str(failed.value).startswith("Unknown config key ecs-privatelink:azcount; known keys are ")
    assert failed.value.resources == []
