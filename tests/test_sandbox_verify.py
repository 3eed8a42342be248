"""`python -m sandbox verify`: drift seeded out of band in moto is caught, with the fix spelt out."""

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto.ec2.models import ec2_backends
from moto.ecs.models import ecs_backends

from sandbox.aws.clients import AwsClients
from sandbox.aws.deploy import deploy_stack
from sandbox.aws.verify import (
    RESTART_AGENT,
    StaleInstance,
    VerifyReport,
    agent_version_tuple,
    restart_agents,
    verify_vpc,
    workload_from_config,
)
from sandbox.stackconfig import load_stack_config
from tests.fixtures.sandbox.support import PROJECT_ROOT, moto_for_module, run_cli, run_cli_json

REGION = "ca-west-1"  # the prod stack: EC2 launch type, a Region after the 2023-12-23 line
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def moto() -> Iterator[Any]:
    yield from moto_for_module(managed_policies=True)  # the EC2 workload attaches an AWS managed policy


@pytest.fixture
def prod(moto: Any) -> Iterator[dict[str, Any]]:
    """The prod stack deployed into a freshly reset moto; yields its outputs."""
    moto.reset()
    stack = load_stack_config(PROJECT_ROOT, "prod")
    deployed = deploy_stack(stack, PROJECT_ROOT, AwsClients(REGION, moto=True))
    assert deployed.recording is not None, deployed.error
    yield deployed.recording.outputs
    moto.reset()


def _verify(vpc_id: str, *, fix: bool = False) -> VerifyReport:
    workload = workload_from_config(load_stack_config(PROJECT_ROOT, "prod"))
    return verify_vpc(AwsClients(REGION, moto=True), vpc_id, workload, fix=fix)


def _failed(report: VerifyReport) -> dict[str, str]:
    return {check.name: check.consideration for check in report.checks if not check.passed}


def _check(report: VerifyReport, name: str) -> Any:
    return next(check for check in report.checks if check.name == name)


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


def test_a_fresh_deploy_passes_every_check(prod):
    report = _verify(prod["vpcId"])

    assert report.passed, _failed(report)
    names = {check.name for check in report.checks}
    for key in ("ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "secretsmanager", "logs"):
        assert f"interface endpoint {key}" in names
    assert "gateway endpoint s3" in names
    assert {c.consideration for c in report.checks} >= {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C15"}
    assert _check(report, "interface endpoint ecs-agent").consideration == "C1"


def test_an_endpoint_deleted_out_of_band_fails_its_check_and_the_trio_rule(prod):
    _ec2().delete_vpc_endpoints(VpcEndpointIds=[_endpoint_id(prod, "ecs-telemetry")])

    report = _verify(prod["vpcId"])

    assert _failed(report) == {"interface endpoint ecs-telemetry": "C1", "ECS endpoints all-or-nothing": "C2"}
    assert "missing: ecs-telemetry" in _check(report, "ECS endpoints all-or-nothing").detail
    assert "com.amazonaws.ca-west-1.ecs-telemetry" in _check(report, "interface endpoint ecs-telemetry").fix


def test_a_revoked_443_rule_fails_the_security_group_check(prod):
    ec2 = _ec2()
    group = ec2.describe_security_groups(GroupIds=[prod["endpointSecurityGroupId"]])["SecurityGroups"][0]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])

    report = _verify(prod["vpcId"])

    assert _failed(report) == {"endpoint security groups allow 443 from the subnets": "C5"}
    check = _check(report, "endpoint security groups allow 443 from the subnets")
    assert _endpoint_id(prod, "ecr.api") in check.detail
    assert "Allow inbound TCP 443" in check.fix


def _turn_off_private_dns(endpoint_id: str) -> None:
    # What `aws ec2 modify-vpc-endpoint --no-private-dns-enabled` does; moto 5.2's ModifyVpcEndpoint
    # accepts the flag but ignores it, so the drift is seeded on moto's record of the endpoint.
    _ec2().modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=False)
    ec2_backends[ACCOUNT][REGION].vpc_end_points[endpoint_id].private_dns_enabled = False


def test_private_dns_turned_off_fails_with_the_endpoint_named(prod):
    endpoint = _endpoint_id(prod, "ecr.dkr")
    _turn_off_private_dns(endpoint)

    report = _verify(prod["vpcId"])

    assert _failed(report) == {"private DNS on interface endpoints": "C4"}
    assert _check(report, "private DNS on interface endpoints").detail == (
        f"{endpoint} (com.amazonaws.ca-west-1.ecr.dkr)"
    )


def test_vpc_dns_hostnames_off_and_custom_dhcp_servers_fail_c4(prod):
    ec2 = _ec2()
    ec2.modify_vpc_attribute(VpcId=prod["vpcId"], EnableDnsHostnames={"Value": False})
    # The VPC's own resolver (10.0.0.2 in 10.0.0.0/16) first, then a custom server clients also ask.
    options = ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["10.0.0.2", "10.0.5.53"]}]
    )
    ec2.associate_dhcp_options(DhcpOptionsId=options["DhcpOptions"]["DhcpOptionsId"], VpcId=prod["vpcId"])

    report = _verify(prod["vpcId"])

    assert _failed(report) == {
        "VPC DNS support and hostnames": "C4",
        "DHCP options use AmazonProvidedDNS": "C4",
    }
    assert "enableDnsHostnames=false" in _check(report, "VPC DNS support and hostnames").detail
    assert _check(report, "DHCP options use AmazonProvidedDNS").detail == (
        "domain-name-servers: 10.0.0.2, 10.0.5.53"
    )
    assert "Route 53 Resolver" in _check(report, "DHCP options use AmazonProvidedDNS").fix


def test_dhcp_servers_that_are_all_the_amazon_resolver_pass_c4(prod):
    ec2 = _ec2()
    servers = ["10.0.0.2", "169.254.169.253"]  # the resolver at the VPC base + 2, and its link-local IP
    options = ec2.create_dhcp_options(DhcpConfigurations=[{"Key": "domain-name-servers", "Values": servers}])
    ec2.associate_dhcp_options(DhcpOptionsId=options["DhcpOptions"]["DhcpOptionsId"], VpcId=prod["vpcId"])

    report = _verify(prod["vpcId"])

    assert _failed(report) == {}
    assert _check(report, "DHCP options use AmazonProvidedDNS").detail == (
        "domain-name-servers: 10.0.0.2, 169.254.169.253"
    )


def test_a_copied_region_endpoint_and_a_duplicate_fail_c3_and_c15(prod):
    ec2 = _ec2()
    subnets = prod["privateSubnetIds"]
    for name in ("com.amazonaws.us-east-1.ecs", "com.amazonaws.ca-west-1.logs"):
        ec2.create_vpc_endpoint(
            VpcId=prod["vpcId"],
            ServiceName=name,
            VpcEndpointType="Interface",
            SubnetIds=subnets,
            SecurityGroupIds=[prod["endpointSecurityGroupId"]],
            PrivateDnsEnabled=True,
        )

    report = _verify(prod["vpcId"])

    assert _failed(report) == {"endpoints serve ca-west-1": "C3", "one endpoint per service": "C15"}
    assert "com.amazonaws.us-east-1.ecs" in _check(report, "endpoints serve ca-west-1").fix
    assert _check(report, "one endpoint per service").detail.startswith("com.amazonaws.ca-west-1.logs (")


def test_s3_gateway_missing_from_a_route_table_fails_c6(prod):
    dropped = prod["routeTableIds"][0]
    _ec2().modify_vpc_endpoint(VpcEndpointId=_endpoint_id(prod, "s3"), RemoveRouteTableIds=[dropped])

    report = _verify(prod["vpcId"])

    assert _failed(report) == {"S3 gateway on the subnets' route tables": "C6"}
    assert _check(report, "S3 gateway on the subnets' route tables").detail == f"missing on {dropped}"


def test_a_container_instance_with_an_old_agent_fails_c10(prod):
    instance_id, _ = _container_instance(prod["privateSubnetIds"][0])  # moto reports agent 1.0.0

    report = _verify(prod["vpcId"])

    assert _failed(report) == {"container instances run agent 1.25.1+": "C10"}
    [stale] = report.stale_instances
    assert stale.ec2_instance_id == instance_id and stale.agent_version == "1.0.0"
    assert stale.reasons == ("C10: agent 1.0.0 is older than 1.25.1",)
    assert stale.fix.startswith(f"Update the ECS agent to 1.25.1 or later on {instance_id}")


def test_an_instance_registered_before_the_endpoints_must_restart_its_agent(prod):
    instance_id, record = _container_instance(prod["privateSubnetIds"][1])
    record.version_info["agentVersion"] = "1.89.2"
    record.registered_at -= timedelta(hours=1)

    report = _verify(prod["vpcId"])

    assert _failed(report) == {"container instances picked up the endpoints": "C11"}
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
    # moto 5.2.5 adds every instance of the Region to a command sent without Targets (an empty filter
    # matches all), so the ASG's own instance shows up too; what was sent is in fix_commands below.
    assert instance_id in command["InstanceIds"]
    assert command["Parameters"] == {"commands": ["docker stop ecs-agent", "docker start ecs-agent"]}
    assert report.fix_commands == [f"{instance_id}: sent AWS-RunShellScript, command {command['CommandId']}"]


def test_an_up_to_date_instance_registered_after_the_endpoints_passes(prod):
    _, record = _container_instance(prod["privateSubnetIds"][0])
    record.version_info["agentVersion"] = "1.89.2"

    report = _verify(prod["vpcId"])

    assert report.passed, _failed(report)
    assert _check(report, "container instances picked up the endpoints").detail == "1 instance(s) checked"


def test_instances_in_another_vpc_are_not_this_vpcs_business(prod):
    ec2 = _ec2()
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=other, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    _container_instance(subnet, cluster="elsewhere")  # old agent, but not in the stack's VPC

    report = _verify(prod["vpcId"])

    assert report.passed, _failed(report)
    assert report.stale_instances == []


def test_an_unknown_vpc_fails(prod):
    report = _verify("vpc-0000000000000000f")

    assert [(c.name, c.passed) for c in report.checks] == [("VPC exists", False)]
    assert not report.passed


def test_cli_verify_exits_1_on_drift_and_prints_the_table(prod):
    _turn_off_private_dns(_endpoint_id(prod, "ecs-agent"))

    code, text = run_cli("verify", "--stack", "prod", "--vpc-id", prod["vpcId"])

    assert code == 1
    assert f"Verify {prod['vpcId']} in ca-west-1:" in text
    assert "FAIL  C4   private DNS on interface endpoints" in text
    assert "pass  C5   endpoint security groups allow 443 from the subnets" in text
    assert "fix: Enable private DNS" in text


def test_cli_verify_json_on_a_clean_vpc(prod):
    code, result = run_cli_json("verify", "--stack", "prod", "--vpc-id", prod["vpcId"])

    assert code == 0
    assert result["passed"] is True and result["region"] == "ca-west-1"
    assert result["workload"]["launch_type"] == "EC2"
    assert all(check["passed"] for check in result["checks"])


def test_cli_verify_without_vpc_or_state_file_is_an_error(tmp_path, capsys):
    code, _ = run_cli("verify", "--stack", "prod", "--state-file", tmp_path / "none.json")
    assert code == 2
    assert "give --vpc-id" in capsys.readouterr().err


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
        f"i-unmanaged: not managed by SSM; run `{RESTART_AGENT}` on it or reboot it",
    ]
