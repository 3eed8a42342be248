"""`python -m sandbox verify`: the pack's own checks on the live VPC; drift seeded in moto is caught, and
what the pack accepts passes."""

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import jsonschema  # type: ignore[import-untyped]
import pytest
from moto.ec2.models import ec2_backends
from moto.ecs.models import ecs_backends

from sandbox.aws.clients import AwsClients
from sandbox.aws.deploy import deploy_stack, planned_endpoint_policies
from sandbox.aws.discover import _Builder, _discover_role, discover_vpc
from sandbox.aws.verify import (
    RESTART_AGENT,
    StaleInstance,
    VerifyReport,
    agent_version_tuple,
    restart_agents,
    settings_from_stack,
    stack_promise,
    verify_vpc,
)
from sandbox.stackconfig import load_stack_config
from tests.fixtures.sandbox.support import PROJECT_ROOT, moto_for_module, run_cli, run_cli_json

REGION = "ca-west-1"  # the prod stack: EC2 launch type, a Region after the 2023-12-23 line
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def moto() -> Iterator[Any]:
    yield from moto_for_module(managed_policies=True)  # the EC2 workload attaches an AWS managed policy


_PROMISES: dict[str, Any] = {}  # vpc id -> the promise up saves for it


@pytest.fixture
def prod(moto: Any) -> Iterator[dict[str, Any]]:
    """The prod stack deployed into a freshly reset moto; yields its outputs."""
    moto.reset()
    stack = load_stack_config(PROJECT_ROOT, "prod")
    deployed = deploy_stack(stack, PROJECT_ROOT, AwsClients(REGION, moto=True))
    assert deployed.recording is not None, deployed.error
    outputs = deployed.recording.outputs
    _PROMISES[outputs["vpcId"]] = stack_promise(outputs, planned_endpoint_policies(deployed.recording))
    yield outputs
    moto.reset()


def _verify(vpc_id: str, *, fix: bool = False) -> VerifyReport:
    stack = load_stack_config(PROJECT_ROOT, "prod")
    return verify_vpc(
        AwsClients(REGION, moto=True),
        vpc_id,
        pack_dir=PROJECT_ROOT / "policypack",
        project=stack.project,
        stack=stack.stack,
        settings=settings_from_stack(stack),
        promise=_PROMISES.get(vpc_id),
        fix=fix,
    )


def _failed(report: VerifyReport) -> set[tuple[str, str, str]]:
    """(check, consideration, resource) of every failed check."""
    return {(c.name, c.consideration, c.resource) for c in report.checks if not c.passed}


def _message(report: VerifyReport, name: str) -> str:
    [check] = [c for c in report.checks if c.name == name and not c.passed]
    return check.message


def _ec2() -> Any:
    return boto3.client("ec2", region_name=REGION)


def _endpoint_id(outputs: dict[str, Any], key: str) -> str:
    return str(outputs["endpoints"][key]["id"])


def _container_instance(subnet_id: str, cluster: str = "prod") -> tuple[str, Any]:
    """An EC2 instance in the subnet registered to an ECS cluster; returns its id and moto's record."""
    ecs = boto3.client("ecs", region_name=REGION)
    instance = _ec2().run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet_id)
    instance_id = instance["Instances"][0]["InstanceId"]
    ecs.create_cluster(clusterName=cluster)
    document = json.dumps({"instanceId": instance_id, "region": REGION})
    registered = ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=document)
    arn = registered["containerInstance"]["containerInstanceArn"]
    # moto ignores versionInfo on RegisterContainerInstance (always 1.0.0) and stamps registeredAt
    # with the current time: tests set both on its record to seed exact states.
    record = ecs_backends[ACCOUNT][REGION].container_instances[cluster][arn.rsplit("/", 1)[-1]]
    return instance_id, record


def test_a_fresh_deploy_passes_every_check_of_the_pack_and_of_verify(prod):
    report = _verify(prod["vpcId"])

    assert _failed(report) == set()
    names = {check.name for check in report.checks}
    assert {"ecs-endpoints-for-ec2", "endpoint-security-group-https", "vpc-dhcp-amazon-dns"} <= names
    assert {"stack-no-internet-route", "stack-endpoint-group-not-open", "ecs-agent-version-live"} <= names
    assert "ecs-endpoint-creation-order" not in names  # the plan's order: the live VPC cannot show it
    assert report.notes == []
    discovered = discover_vpc(AwsClients(REGION, moto=True), prod["vpcId"], project="p", stack="s")
    [group] = [r for r in discovered if r.type == "aws:autoscaling/group:Group"]
    [template] = [r for r in discovered if r.type == "aws:ec2/launchTemplate:LaunchTemplate"]
    assert set(group.inputs["vpcZoneIdentifiers"]) == set(prod["privateSubnetIds"])
    assert group.inputs["launchTemplate"]["id"] == template.id
    assert template.inputs["imageId"].startswith("resolve:ssm:/aws/service/ecs/")
    assert template.inputs["metadataOptions"]["httpTokens"] == "required"


def test_an_endpoint_deleted_out_of_band_fails_c1_c2_and_the_plan(prod):
    deleted = _endpoint_id(prod, "ecs-telemetry")
    _ec2().delete_vpc_endpoints(VpcEndpointIds=[deleted])

    report = _verify(prod["vpcId"])

    vpc = prod["vpcId"]
    assert _failed(report) == {
        ("ecs-endpoints-for-ec2", "C1", vpc),
        ("ecs-endpoints-all-or-none", "C2", vpc),
        ("stack-endpoint-policies-as-planned", "C12", deleted),
    }
    assert "com.amazonaws.ca-west-1.ecs-telemetry" in _message(report, "ecs-endpoints-for-ec2")


@pytest.mark.parametrize(
    ("key", "policies"),
    [
        ("secretsmanager", {("secretsmanager-endpoint-for-secrets", "C7")}),
        ("logs", {("logs-endpoint-for-awslogs", "C8")}),
        ("ecr.dkr", {("ecr-endpoints-for-private-images", "C6")}),
        (
            "ecs-agent",
            {
                ("ecs-endpoints-for-ec2", "C1"),
                ("ecs-endpoints-all-or-none", "C2"),
                ("ecs-agent-endpoint-for-service-connect", "C9"),
            },
        ),
    ],
)
def test_each_required_endpoint_deleted_fails_its_consideration(prod, key, policies):
    deleted = _endpoint_id(prod, key)
    _ec2().delete_vpc_endpoints(VpcEndpointIds=[deleted])

    report = _verify(prod["vpcId"])

    assert {(name, c) for name, c, _ in _failed(report)} == policies | {
        ("stack-endpoint-policies-as-planned", "C12")
    }
    assert all(resource in (prod["vpcId"], deleted) for _, _, resource in _failed(report))


def test_without_the_stack_flags_the_workload_is_read_from_ecs(prod):
    # Another program's VPC: no launchType or feature flags; the ECS service and its task definition say it.
    _ec2().delete_vpc_endpoints(VpcEndpointIds=[_endpoint_id(prod, "logs")])
    stack = load_stack_config(PROJECT_ROOT, "prod")

    report = verify_vpc(
        AwsClients(REGION, moto=True),
        prod["vpcId"],
        pack_dir=PROJECT_ROOT / "policypack",
        project=stack.project,
        stack=stack.stack,
        settings={},
    )

    assert ("logs-endpoint-for-awslogs", "C8") in {(name, c) for name, c, _ in _failed(report)}
    discovered = discover_vpc(AwsClients(REGION, moto=True), prod["vpcId"], project="p", stack="s")
    [service] = [r for r in discovered if r.type == "aws:ecs/service:Service"]
    [task] = [r for r in discovered if r.type == "aws:ecs/taskDefinition:TaskDefinition"]
    assert service.inputs["taskDefinition"] == task.inputs["arn"]
    assert set(service.inputs["networkConfiguration"]["subnets"]) == set(prod["privateSubnetIds"])
    assert '"logDriver": "awslogs"' in task.inputs["containerDefinitions"]


def test_a_revoked_443_rule_fails_c5(prod):
    ec2 = _ec2()
    group = ec2.describe_security_groups(GroupIds=[prod["endpointSecurityGroupId"]])["SecurityGroups"][0]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])

    report = _verify(prod["vpcId"])

    assert {name for name, _, _ in _failed(report)} == {"endpoint-security-group-https"}
    assert {c for _, c, _ in _failed(report)} == {"C5"}


def _only_443_from(group_id: str, sources: list[str]) -> None:
    ec2 = _ec2()
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=group["IpPermissions"])
    pairs = [{"GroupId": source} for source in sources]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": pairs}],
    )


def _consumer_groups(outputs: dict[str, Any]) -> tuple[list[str], str]:
    """The security groups of prod's service (its tasks) and of its container instances (launch template)."""
    ecs = boto3.client("ecs", region_name=REGION)
    [service] = ecs.describe_services(cluster=outputs["clusterName"], services=[outputs["serviceName"]])[
        "services"
    ]
    tasks = service["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"]
    [group] = boto3.client("autoscaling", region_name=REGION).describe_auto_scaling_groups()[
        "AutoScalingGroups"
    ]
    version = _ec2().describe_launch_template_versions(
        LaunchTemplateId=group["LaunchTemplate"]["LaunchTemplateId"],
        Versions=[group["LaunchTemplate"]["Version"]],
    )["LaunchTemplateVersions"][0]
    [interface] = version["LaunchTemplateData"]["NetworkInterfaces"]
    [instances] = interface["Groups"]
    return tasks, instances


def test_443_from_the_consumers_security_groups_passes_c5(prod):
    tasks, instances = _consumer_groups(prod)
    _only_443_from(prod["endpointSecurityGroupId"], [*tasks, instances])

    report = _verify(prod["vpcId"])

    assert _failed(report) == set()


def test_443_from_the_tasks_group_only_fails_c5_for_the_container_instances(prod):
    # The container instances' agent reaches the ECS endpoints from the instances' own group.
    tasks, instances = _consumer_groups(prod)
    _only_443_from(prod["endpointSecurityGroupId"], tasks)

    report = _verify(prod["vpcId"])

    [group] = boto3.client("autoscaling", region_name=REGION).describe_auto_scaling_groups()[
        "AutoScalingGroups"
    ]
    name = group["AutoScalingGroupName"]
    assert {(n, c) for n, c, _ in _failed(report)} == {("endpoint-security-group-https", "C5")}
    agent = _endpoint_id(prod, "ecs-agent")
    assert [c.message for c in report.checks if not c.passed and c.resource == agent] == [
        f"Allow inbound TCP 443 to VPC endpoint '{agent}' from Auto Scaling group '{name}' (C5): add a rule "
        f"whose source is its security group ('{instances}') or its subnets' CIDRs, so that it reaches "
        "ecs-agent through the endpoint its private DNS name resolves to."
    ]


def test_a_launch_template_version_with_a_literal_ami_fails_c10(prod):
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    [group] = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
    template = group["LaunchTemplate"]["LaunchTemplateId"]
    _ec2().create_launch_template_version(
        LaunchTemplateId=template, SourceVersion="1", LaunchTemplateData={"ImageId": "ami-12345678"}
    )
    autoscaling.update_auto_scaling_group(
        AutoScalingGroupName=group["AutoScalingGroupName"],
        LaunchTemplate={"LaunchTemplateId": template, "Version": "2"},
    )

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("ecs-agent-version", "C10", template)}
    assert _message(report, "ecs-agent-version") == (
        f"Use the ECS-optimized AMI through its SSM parameter for '{template}' (imageId "
        '"resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"), or make sure '
        "AMI ami-12345678 runs ECS agent 1.25.1 or later (C10): the pack cannot prove its agent version. "
        "Restart the agent or reboot instances that registered before the endpoints existed."
    )


def _turn_off_private_dns(endpoint_id: str) -> None:
    # What `aws ec2 modify-vpc-endpoint --no-private-dns-enabled` does; moto 5.2's ModifyVpcEndpoint
    # accepts the flag but ignores it, so the drift is seeded on moto's record of the endpoint.
    _ec2().modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=False)
    ec2_backends[ACCOUNT][REGION].vpc_end_points[endpoint_id].private_dns_enabled = False


def test_private_dns_turned_off_fails_c4_with_the_endpoint_named(prod):
    endpoint = _endpoint_id(prod, "ecr.dkr")
    _turn_off_private_dns(endpoint)

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("endpoint-private-dns", "C4", endpoint)}
    assert f"'{endpoint}'" in _message(report, "endpoint-private-dns")


def test_vpc_dns_hostnames_off_fails_c4(prod):
    _ec2().modify_vpc_attribute(VpcId=prod["vpcId"], EnableDnsHostnames={"Value": False})

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("vpc-dns-enabled", "C4", prod["vpcId"])}
    assert _message(report, "vpc-dns-enabled").startswith(
        f"Set enableDnsHostnames=True on VPC '{prod['vpcId']}' (C4)"
    )


def _use_dns_servers(vpc_id: str, servers: list[str]) -> str:
    ec2 = _ec2()
    options = ec2.create_dhcp_options(DhcpConfigurations=[{"Key": "domain-name-servers", "Values": servers}])
    options_id = options["DhcpOptions"]["DhcpOptionsId"]
    ec2.associate_dhcp_options(DhcpOptionsId=options_id, VpcId=vpc_id)
    return str(options_id)


def test_dhcp_options_with_an_outside_dns_server_fail_c4(prod):
    options_id = _use_dns_servers(prod["vpcId"], ["8.8.8.8"])

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("vpc-dhcp-amazon-dns", "C4", options_id)}
    assert _message(report, "vpc-dhcp-amazon-dns").startswith(
        f"Add AmazonProvidedDNS to DHCP options '{options_id}' of VPC '{prod['vpcId']}'"
    )


@pytest.mark.parametrize(
    "servers",
    [["10.0.0.2", "169.254.169.253"], ["10.0.0.2", "10.0.5.53"], ["AmazonProvidedDNS"]],
    ids=["vpc-plus-2-resolver", "a-server-inside-the-vpc", "amazon-provided-dns"],
)
def test_dhcp_options_the_pack_accepts_pass_c4(prod, servers):
    _use_dns_servers(prod["vpcId"], servers)

    report = _verify(prod["vpcId"])

    assert _failed(report) == set()


def _resolver_endpoint(outputs: dict[str, Any], direction: str) -> str:
    subnets = outputs["privateSubnetIds"][:2]  # Route 53 Resolver takes two addresses at least
    return str(
        boto3.client("route53resolver", region_name=REGION).create_resolver_endpoint(
            CreatorRequestId=direction,
            Name=f"{direction.lower()}-dns",
            Direction=direction,
            SecurityGroupIds=[outputs["endpointSecurityGroupId"]],
            IpAddresses=[{"SubnetId": subnet} for subnet in subnets],
        )["ResolverEndpoint"]["Id"]
    )


def test_custom_dns_servers_with_an_inbound_resolver_endpoint_pass_c4(prod):
    _use_dns_servers(prod["vpcId"], ["8.8.8.8"])
    resolver = _resolver_endpoint(prod, "INBOUND")

    report = _verify(prod["vpcId"])

    assert _failed(report) == set()
    discovered = discover_vpc(AwsClients(REGION, moto=True), prod["vpcId"], project="p", stack="s")
    [read] = [r for r in discovered if r.type == "aws:route53/resolverEndpoint:ResolverEndpoint"]
    assert read.id == resolver and read.inputs["direction"] == "INBOUND"
    assert {a["subnetId"] for a in read.inputs["ipAddresses"]} == set(prod["privateSubnetIds"][:2])


def test_custom_dns_servers_with_only_an_outbound_resolver_endpoint_fail_c4(prod):
    options_id = _use_dns_servers(prod["vpcId"], ["8.8.8.8"])
    _resolver_endpoint(prod, "OUTBOUND")

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("vpc-dhcp-amazon-dns", "C4", options_id)}


def _private_zone(vpc_id: str, name: str) -> str:
    zone = boto3.client("route53", region_name=REGION).create_hosted_zone(
        Name=name,
        CallerReference=name,
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": vpc_id},
    )
    return str(zone["HostedZone"]["Id"]).rsplit("/", 1)[-1]


def test_a_private_zone_for_the_endpoint_name_serves_it_without_private_dns(prod):
    # The hub pattern: the endpoint's name answered by a private hosted zone associated with the VPC.
    _turn_off_private_dns(_endpoint_id(prod, "ecr.dkr"))
    zone = _private_zone(prod["vpcId"], "dkr.ecr.ca-west-1.amazonaws.com")

    report = _verify(prod["vpcId"])

    assert _failed(report) == set()
    discovered = discover_vpc(AwsClients(REGION, moto=True), prod["vpcId"], project="p", stack="s")
    [read] = [r for r in discovered if r.type == "aws:route53/zone:Zone"]
    assert (read.id, read.inputs["name"]) == (zone, "dkr.ecr.ca-west-1.amazonaws.com")


def test_a_private_zone_for_another_name_does_not_serve_the_endpoint(prod):
    endpoint = _endpoint_id(prod, "ecr.dkr")
    _turn_off_private_dns(endpoint)
    _private_zone(prod["vpcId"], "internal.example")

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("endpoint-private-dns", "C4", endpoint)}


def test_a_copied_region_endpoint_and_a_duplicate_fail_c3_and_c15(prod):
    ec2 = _ec2()
    created = []
    for name in ("com.amazonaws.us-east-1.ecs", "com.amazonaws.ca-west-1.logs"):
        created.append(
            ec2.create_vpc_endpoint(
                VpcId=prod["vpcId"],
                ServiceName=name,
                VpcEndpointType="Interface",
                SubnetIds=prod["privateSubnetIds"],
                SecurityGroupIds=[prod["endpointSecurityGroupId"]],
                PrivateDnsEnabled=True,
            )["VpcEndpoint"]["VpcEndpointId"]
        )

    report = _verify(prod["vpcId"])

    failed = _failed(report)
    assert ("endpoint-same-region", "C3", created[0]) in failed
    # Both came without a policy: AWS's full-access default, which C12 flags (advisory).
    assert {name for name, _, _ in failed} == {
        "endpoint-same-region",
        "no-duplicate-private-dns-endpoints",
        "endpoint-policy-valid",
    }


def test_s3_gateway_on_no_route_table_fails_c6(prod):
    s3 = _endpoint_id(prod, "s3")
    _ec2().modify_vpc_endpoint(VpcEndpointId=s3, RemoveRouteTableIds=prod["routeTableIds"])

    report = _verify(prod["vpcId"])

    assert {(name, c) for name, c, _ in _failed(report)} >= {("s3-gateway-route-tables", "C6")}


# The four drifts the old, separate rule copy let through.


def test_an_internet_gateway_route_on_every_table_breaks_the_stacks_promise(prod):
    ec2 = _ec2()
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=prod["vpcId"])
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [prod["vpcId"]]}])["RouteTables"]
    for table in tables:
        ec2.create_route(
            RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway
        )

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("stack-no-internet-route", "", prod["vpcId"])}
    message = _message(report, "stack-no-internet-route")
    assert message.startswith(f"Delete the internet routes of {prod['vpcId']} (")
    assert message.count(f"0.0.0.0/0 -> {gateway}") == len(tables)


def test_the_endpoint_group_opened_to_everyone_breaks_the_stacks_promise(prod):
    group_id = prod["endpointSecurityGroupId"]
    _ec2().authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("stack-endpoint-group-not-open", "C5", group_id)}
    assert _message(report, "stack-endpoint-group-not-open") == (
        f"Revoke the ingress of endpoint security group '{group_id}' from anywhere (-1 0-0 from 0.0.0.0/0): "
        "the endpoints serve only the VPC's tasks and instances (C5)."
    )


def _set_policy(endpoint_id: str, statements: list[dict[str, Any]]) -> None:
    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    _ec2().modify_vpc_endpoint(VpcEndpointId=endpoint_id, PolicyDocument=document)


def test_an_allow_all_ecr_api_policy_fails_c12(prod):
    endpoint = _endpoint_id(prod, "ecr.api")
    _set_policy(endpoint, [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}])

    report = _verify(prod["vpcId"])

    assert _failed(report) == {
        ("endpoint-policy-valid", "C12", endpoint),
        ("stack-endpoint-policies-as-planned", "C12", endpoint),
    }


def test_an_ecs_agent_policy_without_ecs_poll_fails_c12(prod):
    endpoint = _endpoint_id(prod, "ecs-agent")
    _set_policy(
        endpoint,
        [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "ecs:DiscoverPollEndpoint",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
            }
        ],
    )

    report = _verify(prod["vpcId"])

    assert _failed(report) == {
        ("endpoint-policy-valid", "C12", endpoint),
        ("stack-endpoint-policies-as-planned", "C12", endpoint),
    }
    assert "ecs:Poll" in _message(report, "endpoint-policy-valid")


# C13: the task definitions' execution roles, read from IAM.


def _execution_role(vpc_id: str) -> str:
    """The name of the execution role of the task definition of prod's service."""
    discovered = discover_vpc(AwsClients(REGION, moto=True), vpc_id, project="p", stack="s")
    [task] = [r for r in discovered if r.type == "aws:ecs/taskDefinition:TaskDefinition"]
    return str(task.inputs["executionRoleArn"]).rsplit("/", 1)[-1]


def test_the_execution_role_is_read_with_its_policies_and_passes_c13(prod):
    role = _execution_role(prod["vpcId"])
    discovered = discover_vpc(AwsClients(REGION, moto=True), prod["vpcId"], project="p", stack="s")

    [read] = [r for r in discovered if r.type == "aws:iam/role:Role"]
    [inline] = [r for r in discovered if r.type == "aws:iam/rolePolicy:RolePolicy"]
    assert read.id == role and read.inputs["arn"].endswith(f":role/{role}")
    assert '"ecs-tasks.amazonaws.com"' in read.inputs["assumeRolePolicy"]
    assert inline.inputs["role"] == role
    assert '"aws:SourceVpce"' in inline.inputs["policy"]
    report = _verify(prod["vpcId"])
    assert [c.passed for c in report.checks if c.name == "ecr-pull-restricted-to-vpc"] == [True]


def test_the_aws_managed_execution_policy_attached_fails_c13(prod):
    role = _execution_role(prod["vpcId"])
    iam = boto3.client("iam", region_name=REGION)
    iam.attach_role_policy(
        RoleName=role, PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    )

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("ecr-pull-restricted-to-vpc", "C13", role)}
    assert _message(report, "ecr-pull-restricted-to-vpc") == (
        f"Restrict ECR image pulls of task execution role '{role}' to your VPC (C13): grant "
        "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer with an aws:SourceVpce (or aws:SourceVpc) "
        "condition instead of through managed policy AmazonECSTaskExecutionRolePolicy."
    )
    [check] = [c for c in report.checks if not c.passed]
    assert check.enforcement_level == "advisory"


def test_a_customer_managed_policy_with_open_pulls_fails_c13(prod):
    role = _execution_role(prod["vpcId"])
    iam = boto3.client("iam", region_name=REGION)
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}],
    }
    arn = iam.create_policy(PolicyName="pull-anything", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("ecr-pull-restricted-to-vpc", "C13", role)}
    assert _message(report, "ecr-pull-restricted-to-vpc").endswith(
        f"condition instead of through policy '{arn}'."
    )


def test_a_conditioned_authorization_token_grant_fails_c13(prod):
    role = _execution_role(prod["vpcId"])
    iam = boto3.client("iam", region_name=REGION)
    statement = {
        "Effect": "Allow",
        "Action": "ecr:GetAuthorizationToken",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceVpc": prod["vpcId"]}},
    }
    document = {"Version": "2012-10-17", "Statement": [statement]}
    iam.put_role_policy(RoleName=role, PolicyName="token", PolicyDocument=json.dumps(document))

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("ecr-pull-restricted-to-vpc", "C13", role)}
    assert _message(report, "ecr-pull-restricted-to-vpc") == (
        f"Grant ecr:GetAuthorizationToken in role policy '{role}:token' without an aws:SourceVpce or "
        "aws:SourceVpc condition (C13): Fargate fetches the token through its own network interface, not "
        f"the endpoint, so the condition makes image pulls of role '{role}' fail."
    )


def test_an_execution_role_of_another_account_or_deleted_is_not_read(moto):
    moto.reset()
    iam = boto3.client("iam", region_name=REGION)
    trust = {"Version": "2012-10-17", "Statement": []}
    iam.create_role(RoleName="shared-name", AssumeRolePolicyDocument=json.dumps(trust))
    out = _Builder("p", "s")

    _discover_role(iam, "arn:aws:iam::210987654321:role/shared-name", out)  # same name, other account
    _discover_role(iam, f"arn:aws:iam::{ACCOUNT}:role/deleted", out)
    assert out.resources == []
    _discover_role(iam, f"arn:aws:iam::{ACCOUNT}:role/shared-name", out)
    assert [(r.type, r.id) for r in out.resources] == [("aws:iam/role:Role", "shared-name")]


# What only the live account shows: the container instances.


def test_a_container_instance_with_an_old_agent_fails_c10(prod):
    instance_id, _ = _container_instance(prod["privateSubnetIds"][0])  # moto reports agent 1.0.0

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("ecs-agent-version-live", "C10", prod["vpcId"])}
    [stale] = report.stale_instances
    assert stale.ec2_instance_id == instance_id and stale.agent_version == "1.0.0"
    assert stale.reasons == ("C10: agent 1.0.0 is older than 1.25.1",)
    assert stale.fix.startswith(f"Update the ECS agent to 1.25.1 or later on {instance_id}")


def test_an_instance_registered_before_the_endpoints_must_restart_its_agent(prod):
    instance_id, record = _container_instance(prod["privateSubnetIds"][1])
    record.version_info["agentVersion"] = "1.89.2"
    record.registered_at -= timedelta(hours=1)

    report = _verify(prod["vpcId"])

    assert _failed(report) == {("ecs-agent-restarted-after-endpoints", "C11", prod["vpcId"])}
    [stale] = report.stale_instances
    assert stale.reasons == ("C11: registered before the ecs-agent, ecs-telemetry, ecs endpoint(s) existed",)
    assert stale.fix == f"On {instance_id} run `{RESTART_AGENT}`, or reboot the instance"
    assert RESTART_AGENT == "sudo docker stop ecs-agent && sudo docker start ecs-agent"
    assert report.fix_commands == []  # nothing is sent without --fix
    assert boto3.client("ssm", region_name=REGION).list_commands()["Commands"] == []


def test_fix_restarts_the_agent_through_ssm_run_command(prod):
    instance_id, record = _container_instance(prod["privateSubnetIds"][1])
    record.version_info["agentVersion"] = "1.89.2"
    record.registered_at -= timedelta(hours=1)

    report = _verify(prod["vpcId"], fix=True)

    [command] = boto3.client("ssm", region_name=REGION).list_commands()["Commands"]
    assert command["DocumentName"] == "AWS-RunShellScript"
    assert instance_id in command["InstanceIds"]
    assert command["Parameters"] == {"commands": ["docker stop ecs-agent", "docker start ecs-agent"]}
    assert report.fix_commands == [f"{instance_id}: sent AWS-RunShellScript, command {command['CommandId']}"]


def test_instances_in_another_vpc_are_not_this_vpcs_business(prod):
    ec2 = _ec2()
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=other, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    _container_instance(subnet, cluster="elsewhere")  # old agent, but not in the stack's VPC

    report = _verify(prod["vpcId"])

    assert _failed(report) == set()
    assert report.stale_instances == []


def test_cli_verify_of_an_unknown_vpc_exits_2_with_one_line(prod, capsys):
    code, _ = run_cli("verify", "--stack", "prod", "--vpc-id", "vpc-0000000000000000f")

    assert code == 2
    assert capsys.readouterr().err == (
        "error: no VPC vpc-0000000000000000f in ca-west-1: give the id of a VPC there "
        "(aws ec2 describe-vpcs)\n"
    )


def test_cli_verify_exits_1_on_drift_and_prints_the_table(prod):
    endpoint = _endpoint_id(prod, "ecs-agent")
    _turn_off_private_dns(endpoint)

    code, text = run_cli("verify", "--stack", "prod", "--vpc-id", prod["vpcId"])

    assert code == 1
    assert f"Verify {prod['vpcId']} in ca-west-1 (" in text
    assert "FAIL  C4   endpoint-private-dns" in text and endpoint in text
    assert "pass  C5   endpoint-security-group-https" in text


def test_cli_verify_json_follows_its_schema(prod):
    _turn_off_private_dns(_endpoint_id(prod, "ecs-agent"))

    code, result = run_cli_json("verify", "--stack", "prod", "--vpc-id", prod["vpcId"])

    assert code == 1
    schema = json.loads((PROJECT_ROOT / "docs" / "verify.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(result)
    assert result["passed"] is False and result["region"] == "ca-west-1"
    [failed] = [check for check in result["checks"] if check["passed"] is False]
    assert failed["check"] == "endpoint-private-dns" and failed["consideration"] == "C4"
    assert failed["resource"] == _endpoint_id(prod, "ecs-agent")


def _default_route_to_a_transit_gateway(outputs: dict[str, Any]) -> None:
    ec2 = _ec2()
    gateway = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    for table in outputs["routeTableIds"]:
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=gateway)


_TRANSIT_NOTE = (
    "reach AWS's public endpoints through the transit gateway (or other network) their subnets' default "
    "route points at is not known (C8): create the logs endpoint unless that route leads to an internet "
    "egress, and state which with the policy config transitGatewayEgress ('internet' or 'none')."
)


def test_what_the_pack_cannot_know_is_a_note_in_the_report_and_in_json(prod):
    # A transit gateway route: whether the tasks reach CloudWatch Logs without its endpoint is not knowable.
    _default_route_to_a_transit_gateway(prod)
    _ec2().delete_vpc_endpoints(VpcEndpointIds=[_endpoint_id(prod, "logs")])

    report = _verify(prod["vpcId"])

    assert ("logs-endpoint-for-awslogs", "C8") not in {(name, c) for name, c, _ in _failed(report)}
    [note] = report.notes
    assert note.startswith("can't run policy 'logs-endpoint-for-awslogs' from policy pack '")
    assert note.endswith(f" in VPC '{prod['vpcId']}' {_TRANSIT_NOTE}")
    code, result = run_cli_json("verify", "--stack", "prod", "--vpc-id", prod["vpcId"])
    assert code == 0  # a note is advisory: it does not fail the run
    jsonschema.Draft7Validator(
        json.loads((PROJECT_ROOT / "docs" / "verify.schema.json").read_text())
    ).validate(result)
    assert result["notes"] == [note]


def test_cli_verify_without_vpc_or_state_file_is_an_error(tmp_path, capsys):
    code, _ = run_cli("verify", "--stack", "prod", "--state-file", tmp_path / "none.json")
    assert code == 2
    assert "give --vpc-id" in capsys.readouterr().err


def test_cli_verify_with_an_unreadable_state_file_is_an_error(tmp_path, capsys):
    state = tmp_path / "prod.json"
    state.write_text("{not json")
    code, _ = run_cli("verify", "--stack", "prod", "--state-file", state)
    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: the state file {state} is not valid JSON:")


@pytest.mark.parametrize(
    ("version", "expected"),
    [("1.25.1", (1, 25, 1)), ("1.9.0", (1, 9, 0)), ("v1.89.2", (1, 89, 2)), ("1.25.0-beta", (1, 25, 0))],
)
def test_agent_versions_compare_numerically(version, expected):
    assert agent_version_tuple(version) == expected


class _FakeSsm:
    """Real AWS answers DescribeInstanceInformation (moto does not): only i-managed is managed."""

    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def describe_instance_information(self, Filters):  # noqa: N803 - boto3's parameter name
        assert Filters == [{"Key": "InstanceIds", "Values": ["i-managed", "i-unmanaged"]}]
        return {"InstanceInformationList": [{"InstanceId": "i-managed"}]}

    def send_command(self, InstanceIds, **kwargs):  # noqa: N803
        self.sent.append(InstanceIds)
        return {"Command": {"CommandId": "c-1"}}


def test_fix_skips_instances_ssm_does_not_manage_and_says_what_to_do():
    ssm = _FakeSsm()
    stale = [
        StaleInstance(
            "c",
            f"arn:{name}",
            name,
            "1.89.2",
            "",
            ("C11: registered before the ecs endpoint(s) existed",),
            "",
        )
        for name in ("i-unmanaged", "i-managed")
    ]

    lines = restart_agents(lambda service: ssm, stale)  # type: ignore[arg-type]

    assert ssm.sent == [["i-managed"]]
    assert lines == [
        "i-managed: sent AWS-RunShellScript, command c-1",
        f"i-unmanaged: not managed by SSM; run `{RESTART_AGENT}` on it or reboot it "
        "(ssmManagedInstances: true on the stack lets --fix reach it)",
    ]
