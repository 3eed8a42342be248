"""`up` of the full workload (ECS on EC2 with its capacity) into moto, where AWS managed policies exist."""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest

from sandbox.aws.clients import AwsClients
from sandbox.aws.deploy import deploy_stack
from sandbox.aws.teardown import delete_deployed
from sandbox.aws.verify import settings_from_stack, verify_vpc
from sandbox.stackconfig import load_stack_config
from tests.fixtures.sandbox.support import PROJECT_ROOT, moto_for_module


@pytest.fixture(scope="module")
def moto() -> Iterator[Any]:
    # instanceRolePolicy managed and ssmManagedInstances attach AWS managed policies to the instance role.
    yield from moto_for_module(managed_policies=True)


@pytest.fixture
def aws(moto: Any) -> Iterator[None]:
    moto.reset()
    yield
    moto.reset()


def test_prod_with_its_workload_deploys_ec2_capacity_and_a_service_that_verify_accepts(aws):
    stack = load_stack_config(PROJECT_ROOT, "prod")
    stack = replace(stack, config={**stack.config, "ecs-privatelink:workload": "true"})
    clients = AwsClients(stack.region, moto=True)

    deployed = deploy_stack(stack, PROJECT_ROOT, clients)

    assert deployed.error == "" and deployed.recording is not None
    outputs = deployed.recording.outputs
    ecs = boto3.client("ecs", region_name="ca-west-1")
    cluster = ecs.describe_clusters(clusters=[outputs["clusterName"]])["clusters"][0]
    [provider_name] = cluster["capacityProviders"]
    provider = ecs.describe_capacity_providers(capacityProviders=[provider_name])["capacityProviders"][0]
    group_name = provider["autoScalingGroupProvider"]["autoScalingGroupArn"].rsplit("/", 1)[-1]
    autoscaling = boto3.client("autoscaling", region_name="ca-west-1")
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group_name])["AutoScalingGroups"][
        0
    ]
    assert sorted(group["VPCZoneIdentifier"].split(",")) == sorted(outputs["privateSubnetIds"])
    template = boto3.client("ec2", region_name="ca-west-1").describe_launch_template_versions(
        LaunchTemplateId=group["LaunchTemplate"]["LaunchTemplateId"]
    )["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    profile = template["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1]
    roles = boto3.client("iam").get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    assert len(roles) == 1
    [service] = ecs.describe_services(cluster=outputs["clusterName"], services=[outputs["serviceName"]])[
        "services"
    ]
    # moto 5.2 keeps no capacityProviderStrategy on services; the network placement it does keep.
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert sorted(network["subnets"]) == sorted(outputs["privateSubnetIds"])
    assert service["status"] == "ACTIVE" and service["clusterArn"] == cluster["clusterArn"]
    report = verify_vpc(
        clients,
        outputs["vpcId"],
        pack_dir=PROJECT_ROOT / "policypack",
        project=stack.project,
        stack=stack.stack,
        settings=settings_from_stack(stack),
    )
    assert report.passed, [c for c in report.checks if not c.passed]


def _instance_role(outputs: dict[str, Any]) -> str:
    ecs = boto3.client("ecs", region_name="ca-west-1")
    [provider_name] = ecs.describe_clusters(clusters=[outputs["clusterName"]])["clusters"][0][
        "capacityProviders"
    ]
    provider = ecs.describe_capacity_providers(capacityProviders=[provider_name])["capacityProviders"][0]
    group_name = provider["autoScalingGroupProvider"]["autoScalingGroupArn"].rsplit("/", 1)[-1]
    group = boto3.client("autoscaling", region_name="ca-west-1").describe_auto_scaling_groups(
        AutoScalingGroupNames=[group_name]
    )["AutoScalingGroups"][0]
    template = boto3.client("ec2", region_name="ca-west-1").describe_launch_template_versions(
        LaunchTemplateId=group["LaunchTemplate"]["LaunchTemplateId"]
    )["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    profile = template["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1]
    [role] = boto3.client("iam").get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    return str(role["RoleName"])


def test_prod_instances_get_the_scoped_inline_policy_by_default(aws):
    stack = load_stack_config(PROJECT_ROOT, "prod")

    deployed = deploy_stack(stack, PROJECT_ROOT, AwsClients(stack.region, moto=True))

    assert deployed.error == "" and deployed.recording is not None
    iam, role = boto3.client("iam"), _instance_role(deployed.recording.outputs)
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    [name] = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    assert [statement["Sid"] for statement in document["Statement"]] == [
        "JoinTheCluster",
        "ServeAsContainerInstanceOfTheCluster",
        "FindThePollEndpoint",
        "PullImagesThroughTheVpcEndpoints",
        "GetRegistryAuthorizationToken",
        "WriteTaskLogs",
    ]


def test_ssm_managed_instances_with_the_managed_policy_deploy_and_tear_down(aws):
    stack = load_stack_config(PROJECT_ROOT, "prod")
    stack = replace(
        stack,
        config={
            **stack.config,
            "ecs-privatelink:instanceRolePolicy": "managed",
            "ecs-privatelink:ssmManagedInstances": "true",
        },
    )
    clients = AwsClients(stack.region, moto=True)

    deployed = deploy_stack(stack, PROJECT_ROOT, clients)

    assert deployed.error == "" and deployed.recording is not None
    outputs = deployed.recording.outputs
    iam, role = boto3.client("iam"), _instance_role(outputs)
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert sorted(policy["PolicyName"] for policy in attached) == [
        "AmazonEC2ContainerServiceforEC2Role",
        "AmazonSSMManagedInstanceCore",
    ]
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == []
    endpoints = boto3.client("ec2", region_name="ca-west-1").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [outputs["vpcId"]]}]
    )["VpcEndpoints"]
    ssm = {"ssm", "ssmmessages", "ec2messages"}
    assert {e["ServiceName"] for e in endpoints} >= {f"com.amazonaws.ca-west-1.{key}" for key in ssm}
    assert {key for key in ssm if key in outputs["endpoints"]} == ssm

    teardown = delete_deployed(clients, deployed.created)

    assert teardown.failures == []
    assert role not in {r["RoleName"] for r in iam.list_roles()["Roles"]}
    left = boto3.client("ec2", region_name="ca-west-1").describe_vpc_endpoints()["VpcEndpoints"]
    assert [e["ServiceName"] for e in left if e["State"].lower() != "deleted"] == []  # AWS lists them a while
