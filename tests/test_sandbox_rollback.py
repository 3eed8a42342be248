"""`up` leaves nothing half-done: a failure or Ctrl-C deletes what the run created, newest first."""

import os
import signal
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from sandbox.aws import deploy
from sandbox.aws.clients import AwsClients
from sandbox.aws.deploy import DeployInterruptedError, deploy_stack
from sandbox.aws.handlers import HANDLERS
from sandbox.engine.program import RecordedResource
from sandbox.stackconfig import load_stack_config
from tests.fixtures.sandbox.support import PROJECT_ROOT, moto_for_module, run_cli

REGION = "ca-west-1"  # prod: the EC2 workload touches every service the handlers know


@pytest.fixture(scope="module")
def moto() -> Iterator[Any]:
    yield from moto_for_module(managed_policies=True)


@pytest.fixture
def aws(moto: Any) -> Iterator[None]:
    moto.reset()
    yield
    moto.reset()


def leftovers(region: str) -> dict[str, list[str]]:
    """What a deploy of ours can leave in moto; every list is empty in a fresh account."""
    ec2 = boto3.client("ec2", region_name=region)
    iam = boto3.client("iam", region_name=region)
    ecs = boto3.client("ecs", region_name=region)
    found = {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]],
        "endpoints": [
            e["VpcEndpointId"]
            for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if e["State"].lower() != "deleted"  # AWS lists deleted endpoints for a while
        ],
        "dhcpOptions": [o["DhcpOptionsId"] for o in ec2.describe_dhcp_options()["DhcpOptions"]],
        "internetGateways": [
            g["InternetGatewayId"] for g in ec2.describe_internet_gateways()["InternetGateways"]
        ],
        "launchTemplates": [
            t["LaunchTemplateId"] for t in ec2.describe_launch_templates()["LaunchTemplates"]
        ],
        "roles": [
            r["RoleName"] for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")
        ],
        "policies": [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]],
        "instanceProfiles": [
            p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]
        ],
        "clusters": [
            c["clusterArn"]
            for c in ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
            if c["status"] == "ACTIVE"
        ],
        "taskDefinitions": ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"],
        "autoScalingGroups": [
            g["AutoScalingGroupName"]
            for g in boto3.client("autoscaling", region_name=region).describe_auto_scaling_groups()[
                "AutoScalingGroups"
            ]
        ],
        "logGroups": [
            g["logGroupName"]
            for g in boto3.client("logs", region_name=region).describe_log_groups()["logGroups"]
        ],
        "secrets": [
            s["Name"] for s in boto3.client("secretsmanager", region_name=region).list_secrets()["SecretList"]
        ],
        "repositories": [
            r["repositoryName"]
            for r in boto3.client("ecr", region_name=region).describe_repositories()["repositories"]
        ],
    }
    return {kind: items for kind, items in found.items() if items}


def _failing_on_create(monkeypatch: pytest.MonkeyPatch, n: int, fault: Any) -> list[str]:
    """Every handler counts its calls; the n-th create runs ``fault`` first. Returns the types created."""
    calls: list[str] = []

    def wrap(handler: Any) -> Any:
        def counted(ctx: Any, resource: RecordedResource, region: str) -> Any:
            calls.append(resource.type)
            if len(calls) == n:
                fault(resource)
            return handler(ctx, resource, region)

        return counted

    monkeypatch.setattr(deploy, "HANDLERS", {type_: wrap(handler) for type_, handler in HANDLERS.items()})
    return calls


def _deploy_prod() -> Any:
    stack = load_stack_config(PROJECT_ROOT, "prod")
    return deploy_stack(stack, PROJECT_ROOT, AwsClients(REGION, moto=True))


def test_a_full_deploy_touches_every_kind_of_leftover(aws):
    deployed = _deploy_prod()

    assert deployed.recording is not None, deployed.error
    assert len(deployed.created) > 30  # the faults below land early, midway and late
    assert set(leftovers(REGION)) >= {
        "vpcs",
        "endpoints",
        "roles",
        "clusters",
        "autoScalingGroups",
        "secrets",
    }


@pytest.mark.parametrize("n", [1, 15, 30])
def test_a_fault_on_the_nth_create_leaves_moto_empty(aws, monkeypatch, n):
    def fault(resource: RecordedResource) -> None:
        raise RuntimeError(f"injected fault creating {resource.name}")

    calls = _failing_on_create(monkeypatch, n, fault)

    deployed = _deploy_prod()

    assert deployed.recording is None
    assert "injected fault" in deployed.error
    assert deployed.rolled_back is not None and deployed.rolled_back.failures == []
    assert (
        len(deployed.rolled_back.deleted)
        == len(deployed.created)
        >= n - 1 - calls.count("pulumi:providers:aws")
    )
    assert leftovers(REGION) == {}


def test_the_cli_says_what_it_deleted_after_a_failure(aws, monkeypatch):
    def fault(resource: RecordedResource) -> None:
        raise RuntimeError("injected fault")

    _failing_on_create(monkeypatch, 12, fault)

    code, text = run_cli("up", "--stack", "prod")

    assert code == 2
    assert "Deploy failed after " in text
    assert "resource(s) this run created, newest first." in text
    assert leftovers(REGION) == {}


def test_sigint_during_up_leaves_moto_empty(aws, monkeypatch):
    def interrupt(resource: RecordedResource) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: Python raises KeyboardInterrupt in the main thread

    _failing_on_create(monkeypatch, 20, interrupt)

    with pytest.raises(DeployInterruptedError) as interrupted:
        _deploy_prod()

    assert interrupted.value.teardown.failures == []
    assert len(interrupted.value.teardown.deleted) >= 19 - 1
    assert leftovers(REGION) == {}


def test_sigint_during_cli_up_exits_2_and_says_so(aws, monkeypatch):
    _failing_on_create(monkeypatch, 20, lambda resource: os.kill(os.getpid(), signal.SIGINT))

    code, text = run_cli("up", "--stack", "prod")

    assert code == 2
    assert "Interrupted: deleted the " in text
    assert leftovers(REGION) == {}


def test_every_type_up_can_create_it_can_also_delete():
    # A handler without a deleter would leave that resource behind on a rollback or destroy.
    from sandbox.aws.teardown import deletable

    assert [type_ for type_ in sorted(HANDLERS) if not deletable(type_)] == []
