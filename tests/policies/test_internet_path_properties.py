"""Property tests of the internet path (issue 9): a path only ever lifts requirements.

Random private stacks (launch type, features, endpoints present, how the tasks' subnets reach the
internet) are run through every mandatory policy before and after giving the tasks a path, or taking it
away. Adding a path never adds a mandatory verdict; removing one never removes a C1/C6–C9 verdict.
"""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import EnforcementLevel

from policies import POLICIES
from tests.policies.builder import UNKNOWN, StackBuilder, run
from tests.policies.scenarios import Private, container, private_vpc

MANDATORY = [policy.name for policy in POLICIES if policy.enforcement_level is EnforcementLevel.MANDATORY]
REQUIREMENTS = (
    "ecs-endpoints-for-ec2",
    "ecr-endpoints-for-private-images",
    "secretsmanager-endpoint-for-secrets",
    "logs-endpoint-for-awslogs",
    "ecs-agent-endpoint-for-service-connect",
)
KEYS = ("ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager")
# How the tasks' subnets leave the VPC without a path: nothing, or an internet gateway and no public IP.
NO_PATH = ("isolated", "gateway-without-public-ip")


def _verdicts(builder: StackBuilder, names: tuple[str, ...] | list[str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for name in names:
        outcome = run(name, builder)
        found |= {(name, message) for message in outcome.messages}
    return found


def _default_route(private: Private, target_type: str, target_prop: str, **props: Any) -> None:
    target = private.builder.add(
        target_type, "dev-egress", {"vpcId": UNKNOWN, **props}, {"vpcId": [private.vpc]}
    )
    private.builder.add(
        "aws:ec2/route:Route",
        "dev-default",
        {"routeTableId": UNKNOWN, "destinationCidrBlock": "0.0.0.0/0", target_prop: UNKNOWN},
        {"routeTableId": [private.route_table], target_prop: [target]},
    )


def _stack(data: dict[str, Any], egress: str) -> StackBuilder:
    private = private_vpc(data["region"])
    private.add_endpoints(*data["endpoints"])
    if egress == "gateway-without-public-ip" or egress == "gateway-with-public-ip":
        _default_route(private, "aws:ec2/internetGateway:InternetGateway", "gatewayId")
    elif egress == "nat":
        _default_route(private, "aws:ec2/natGateway:NatGateway", "natGatewayId", connectivityType="public")
    if data["ec2"]:
        private.ec2_capacity()
        if egress == "gateway-with-public-ip":
            template = next(r for r in private.builder.resources if r.name == "prod-instances")
            template.props["__target"]["networkInterfaces"] = [{"associatePublicIpAddress": True}]
    service_props: dict[str, Any] = {}
    if data["service_connect"]:
        service_props["serviceConnectConfiguration"] = {"enabled": True}
    service = private.fargate_service(
        [container(data["region"], ecr=data["ecr"], awslogs=data["awslogs"], secrets=data["secrets"])],
        **service_props,
    )
    if egress == "gateway-with-public-ip":
        service.props["__target"]["networkConfiguration"]["assignPublicIp"] = True
    return private.builder


stacks = st.fixed_dictionaries(
    {
        "region": st.sampled_from(["us-east-1", "ca-west-1"]),
        "endpoints": st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)),
        "ec2": st.booleans(),
        "ecr": st.booleans(),
        "awslogs": st.booleans(),
        "secrets": st.booleans(),
        "service_connect": st.booleans(),
    }
)
PATHS = st.sampled_from(["nat", "gateway-with-public-ip"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks, st.sampled_from(NO_PATH), PATHS)
def test_adding_an_internet_path_never_adds_a_mandatory_verdict(data, without, with_path):
    before = {name for name, _ in _verdicts(_stack(data, without), MANDATORY)}
    after = {name for name, _ in _verdicts(_stack(data, with_path), MANDATORY)}
    assert after <= before, (data, without, with_path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks, st.sampled_from(NO_PATH), PATHS)
def test_removing_an_internet_path_never_removes_a_requirement_verdict(data, without, with_path):
    connected = {name for name, _ in _verdicts(_stack(data, with_path), REQUIREMENTS)}
    isolated = {name for name, _ in _verdicts(_stack(data, without), REQUIREMENTS)}
    assert connected <= isolated, (data, without, with_path)
    # And a path lifts every one of them.
    assert connected == set()


def test_the_generator_reaches_requirement_verdicts():
    data = {
        "region": "us-east-1",
        "endpoints": [],
        "ec2": True,
        "ecr": True,
        "awslogs": True,
        "secrets": True,
        "service_connect": True,
    }
    names = {name for name, _ in _verdicts(_stack(data, "isolated"), REQUIREMENTS)}
    assert names == set(REQUIREMENTS)
    assert {name for name, _ in _verdicts(_stack(data, "gateway-without-public-ip"), REQUIREMENTS)} == set(
        REQUIREMENTS
    )
