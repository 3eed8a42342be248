"""No policy ever raises: random, missing, mistyped and unknown values for every property it reads.

The only exception a policy may end with is ``NotCheckableYetError``, the pack's designed way to say
"could not be checked yet" (the SDK turns it into one advisory note). Every reported message must
still be a full sentence that cites a consideration.
"""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import ResourceValidationPolicy
from pulumi_policy.proxy import (
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    unknown_checking_proxy,
)

from policies import POLICIES, model
from sandbox.analyzer import PolicyPackProcess
from sandbox.engine.program import RecordedResource
from tests.corpus import PACK_DIR
from tests.policies.builder import UNKNOWN, StackBuilder, run
from tests.policies.scenarios import container, private_vpc, with_internet

RESOURCE_TYPES = sorted(
    value for name, value in vars(model).items() if name.isupper() and isinstance(value, str) and ":" in value
)
# Every property name a policy reads, on any resource type (a wrong type's props must not hurt either).
KEYS = [
    "vpcId", "cidrBlock", "enableDnsSupport", "enableDnsHostnames", "region", "serviceName",
    "vpcEndpointType", "privateDnsEnabled", "securityGroupIds", "subnetIds", "routeTableIds", "policy",
    "routes", "gatewayId", "natGatewayId", "destinationCidrBlock", "destinationIpv6CidrBlock",
    "routeTableId", "subnetId", "connectivityType", "ingress", "type", "securityGroupId", "protocol",
    "ipProtocol", "fromPort", "toPort", "cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6",
    "referencedSecurityGroupId", "sourceSecurityGroupId", "prefixListIds", "prefixListId", "self",
    "securityGroups", "domainNameServers", "dhcpOptionsId", "direction", "ipAddresses", "launchType",
    "capacityProviderStrategies", "capacityProvider", "networkConfiguration", "subnets",
    "serviceConnectConfiguration", "enabled", "taskDefinition", "cluster", "containerDefinitions",
    "requiresCompatibilities", "executionRoleArn", "autoScalingGroupProvider", "autoScalingGroupArn",
    "clusterName", "defaultCapacityProviderStrategies", "imageId", "userData", "launchTemplate",
    "vpcZoneIdentifiers", "mixedInstancesPolicy", "ami", "inlinePolicies", "managedPolicyArns", "role",
    "policyArn", "vpcEndpointId", "defaultRouteTableId", "mapPublicIpOnLaunch", "id", "arn", "name",
    "image", "secrets", "valueFrom", "logConfiguration", "logDriver", "secretOptions",
    "repositoryCredentials", "credentialsParameter", "Statement", "Effect", "Action", "Principal",
    "Condition", "Resource",
]  # fmt: skip
SENTINELS = [
    UNKNOWN_STRING_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_OBJECT_VALUE,
]
INTERESTING = [
    *SENTINELS, "com.amazonaws.us-east-1.ecs", "com.amazonaws.ca-west-1.ecs-agent",
    "com.amazonaws.ca-west-1.ecs-telemetry", "cn.com.amazonaws.cn-north-1.ecr.dkr",
    "com.amazonaws.us-east-1.s3", "com.amazonaws.mars-1.logs", "com.amazonaws..x", "Interface", "Gateway",
    "0.0.0.0/0", "::/0", "10.0.0.0/16", "10.0.1.0/24", "not-a-cidr", "igw-1", "nat-1", "private", "public",
    "EC2", "FARGATE", "FARGATE_SPOT", "EXTERNAL", "awslogs", "ingress", "egress", "tcp", "6", "-1", "all",
    "INBOUND", "AmazonProvidedDNS", "10.0.0.2", "us-east-1", "ca-west-1",
    "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id", "ami-0abc",
    "RUNTgRUNTX0NMVVNURVI9ZGV2", "docker run amazon/amazon-ecs-agent:v1.2.3 ECS_CLUSTER=x",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1", "arn:aws:secretsmanager:us-east-1:1:secret:x",
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "ecr:*", "*", "Allow", "Deny",
    "aws:SourceVpce", "{", "[]", "null", '{"Statement": "x"}', "r0", "r1", "r2",
]  # fmt: skip


# Values no provider sends but a program or a broken engine might: Unicode digits, signs and spaces in
# numbers, more digits than int() converts, non-finite floats, bytes.
ODD: list[Any] = [
    "²", "٢", "--443", "+443", " 4 43", "443 ", "9" * 5000, 10**40, -(10**40), float("nan"),
    float("inf"), float("-inf"), b"443", b"\xff",
]  # fmt: skip


def json_text(value: Any) -> str:
    return json.dumps(value, default=str)


def nested(depth: int, leaf: Any) -> Any:
    """``leaf`` inside ``depth`` levels of alternating objects and lists."""
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"Statement": leaf}
    return leaf


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Zs"]), max_size=4),  # Unicode digits, spaces
    st.binary(max_size=4),
    st.sampled_from(INTERESTING),
    st.sampled_from(ODD),
)
deep = st.builds(nested, st.integers(60, 250), st.sampled_from(INTERESTING + ODD))
values = (
    st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
            st.builds(
                lambda v: json.dumps(v, default=str),
                st.lists(st.dictionaries(st.sampled_from(KEYS), children)),
            ),
        ),
        max_leaves=12,
    )
    | deep
)
resource_specs = st.lists(
    st.tuples(
        st.sampled_from(RESOURCE_TYPES),
        st.sampled_from(["r0", "r1", "r2", "r3", "r4"]),
        st.dictionaries(st.sampled_from(KEYS), values, max_size=8),
        st.dictionaries(st.sampled_from(KEYS), st.lists(st.integers(0, 20), max_size=3), max_size=3),
    ),
    max_size=12,
)
configs = st.dictionaries(
    st.sampled_from(
        ["launchType", "minimumAgentVersion", "region", "assumeAwslogs", "assumePrivateEcrImages"]
    ),
    values,
    max_size=4,
)

EXAMPLES = 400
SENTENCE = re.compile(r"^[A-Z].*\(C\d+\).*\.$", re.S)


REMEDIATING = [
    policy for policy in POLICIES if isinstance(policy, ResourceValidationPolicy) and policy.has_remediation()
]


def _remediate_all(builder: StackBuilder, config: dict[str, Any]) -> None:
    """Every remediation on every resource, chained as the SDK's Remediate chains them. They set
    properties on the inputs, so this runs after the checks, on a stack that is not used again."""
    for policy in REMEDIATING:
        for resource in builder.resources:
            args = builder.resource_args(resource, config)
            fixed = policy.remediate(args)
            assert fixed is None or fixed is args.props, policy.name


def _run_all(builder: StackBuilder, config: dict[str, Any]) -> tuple[int, int]:
    """Run every policy as the servicer would, and every remediation; return how many violations and
    notes came out."""
    violations = notes = 0
    for policy in POLICIES:
        outcome = run(policy.name, builder, config)
        for text in outcome.messages + outcome.notes:
            assert SENTENCE.match(text), text
        violations += len(outcome.messages)
        notes += len(outcome.notes)
    _remediate_all(builder, config)
    return violations, notes


ALL_KEYS = ("ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager")


def _realistic(region: str) -> StackBuilder:
    """A complete private stack with every resource kind the pack reads, to be mutated."""
    private = private_vpc(region, "prod")
    private.add_endpoints(
        "ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager"
    )
    private.ec2_capacity()
    service = private.fargate_service([container(region)], serviceConnectConfiguration={"enabled": True})
    with_internet(private)
    builder = private.builder
    role = builder.add("aws:iam/role:Role", "prod-execution", {"managedPolicyArns": [], "inlinePolicies": []})
    builder.resources[-3].property_dependencies["executionRoleArn"] = [role]  # the service's task definition
    builder.add(
        "aws:iam/rolePolicy:RolePolicy",
        "prod-pull",
        {"role": UNKNOWN, "policy": '{"Statement": []}'},
        {"role": [role]},
    )
    options = builder.add(
        "aws:ec2/vpcDhcpOptions:VpcDhcpOptions", "prod-dhcp", {"domainNameServers": ["1.1.1.1"]}
    )
    builder.add(
        "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
        "prod-dhcp-association",
        {"vpcId": UNKNOWN, "dhcpOptionsId": UNKNOWN},
        {"vpcId": [private.vpc], "dhcpOptionsId": [options]},
    )
    builder.add(
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "prod-cluster-providers",
        {"clusterName": UNKNOWN, "defaultCapacityProviderStrategies": [{"capacityProvider": UNKNOWN}]},
        {"clusterName": [service]},
    )
    return builder


DELETE = object()
REGIONS = ["us-east-1", "ca-west-1", "cn-north-1", "xx-nowhere-9"]
replacements = st.one_of(st.just(DELETE), st.sampled_from(SENTINELS), values)


def test_no_policy_raises_on_mutated_realistic_stacks():
    totals = {"stacks": 0, "violations": 0, "notes": 0}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(region=st.sampled_from(REGIONS), data=st.data())
    def check(region, data):
        builder = _realistic(region)
        for _ in range(data.draw(st.integers(1, 6))):
            props = data.draw(st.sampled_from(builder.resources)).props["__target"]
            # Mostly a property the resource really has, sometimes any property the pack reads.
            key = data.draw(st.one_of(st.sampled_from(sorted(props) or KEYS), st.sampled_from(KEYS)))
            value = data.draw(replacements)
            if value is DELETE:
                props.pop(key, None)
            else:
                props[key] = unknown_checking_proxy({"v": value})["__target"]["v"]
        violations, notes = _run_all(builder, {})
        totals["stacks"] += 1
        totals["violations"] += violations
        totals["notes"] += notes

    check()
    print(f"robustness (mutated realistic stacks): {totals} over {len(POLICIES)} policies")
    assert totals["stacks"] >= EXAMPLES
    assert totals["violations"] > 0 and totals["notes"] > 0  # the mutations reach the policies' logic


def _raw(value: Any) -> Any:
    """The SDK proxy's own data, as plain dicts and lists."""
    if isinstance(value, Mapping | Sequence) and not isinstance(value, str | bytes):
        target: Any = value["__target"]  # type: ignore[call-overload]  # the SDK proxies' way to their data
        if isinstance(target, dict):
            return {key: _raw(item) for key, item in target.items()}
        return [_raw(item) for item in target]
    return value


def _numbers_replaced(value: Any, odd: Any) -> Any:
    if isinstance(value, dict):
        return {key: _numbers_replaced(item, odd) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers_replaced(item, odd) for item in value]
    return odd if isinstance(value, int | float) and not isinstance(value, bool) else value


def _realistic_with(replace: Any) -> StackBuilder:
    builder = _realistic("us-east-1")
    for resource in builder.resources:
        props = resource.props["__target"]
        for key in list(props):
            props[key] = unknown_checking_proxy({"v": replace(_raw(props[key]))})["__target"]["v"]
    return builder


def test_no_policy_raises_on_odd_numbers_or_deep_nesting_in_a_realistic_stack():
    """Each odd value in place of every number (ports, counts) of a realistic stack, then every
    property nested 250 levels deep."""
    for odd in ODD:
        _run_all(_realistic_with(lambda value, odd=odd: _numbers_replaced(value, odd)), {})
    _run_all(_realistic_with(lambda value: nested(250, value)), {})


def test_no_policy_raises_on_any_input():
    totals = {"stacks": 0, "violations": 0, "notes": 0}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=resource_specs, region=st.one_of(st.none(), st.sampled_from(INTERESTING)), config=configs)
    def check(specs, region, config):
        builder = StackBuilder(region=region if isinstance(region, str) else None)
        for type_, name, props, links in specs:
            deps = {
                key: [builder.resources[i] for i in indexes if i < len(builder.resources)]
                for key, indexes in links.items()
            }
            builder.add(type_, f"{name}-{len(builder.resources)}", props, deps)
        violations, notes = _run_all(builder, config)
        totals["stacks"] += 1
        totals["violations"] += violations
        totals["notes"] += notes

    check()
    print(f"robustness: {totals} over {len(POLICIES)} policies")
    assert totals["stacks"] >= EXAMPLES


GRPC_PROJECT, GRPC_STACK = "odd", "test"


def _recorded(name: str, type_: str, inputs: dict[str, Any], id_: str) -> RecordedResource:
    return RecordedResource(
        urn=f"urn:pulumi:{GRPC_STACK}::{GRPC_PROJECT}::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        parent=f"urn:pulumi:{GRPC_STACK}::{GRPC_PROJECT}::pulumi:pulumi:Stack::{GRPC_PROJECT}-{GRPC_STACK}",
        provider="",
        dependencies=[],
        property_dependencies={},
        inputs=inputs,
        id=id_,
        outputs={**inputs, "id": id_},
    )


def test_odd_values_pass_through_the_packs_grpc_interface():
    """Analyze and AnalyzeStack answer, as the CLI calls them, for resources with odd ports and
    properties nested 200 levels deep (from about 240 levels the SDK's own protobuf-to-dict conversion
    runs out of stack before any policy runs)."""
    vpc = _recorded(
        "odd-vpc",
        "aws:ec2/vpc:Vpc",
        {"cidrBlock": "10.0.0.0/16", "enableDnsSupport": True, "enableDnsHostnames": True},
        "vpc-1",
    )
    subnet = _recorded(
        "odd-subnet", "aws:ec2/subnet:Subnet", {"vpcId": "vpc-1", "cidrBlock": "10.0.1.0/24"}, "s-1"
    )
    rule = {"protocol": "tcp", "fromPort": "²", "toPort": "--443", "cidrBlocks": ["10.0.0.0/16"]}
    group = _recorded(
        "odd-sg",
        "aws:ec2/securityGroup:SecurityGroup",
        {
            "vpcId": "vpc-1",
            "ingress": [rule, {**rule, "fromPort": "٢", "toPort": " 4 43"}],
            "tags": nested(200, "x"),
        },
        "sg-1",
    )
    endpoint = _recorded(
        "odd-logs",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        {
            "vpcId": "vpc-1",
            "serviceName": "com.amazonaws.us-east-1.logs",
            "vpcEndpointType": "Interface",
            "privateDnsEnabled": True,
            "subnetIds": ["s-1"],
            "securityGroupIds": ["sg-1"],
            "policy": json.dumps(nested(300, {"Effect": "Allow"})),
            "tags": nested(200, "+443"),
        },
        "vpce-1",
    )
    config = {"aws:region": "us-east-1"}
    resources = [vpc, subnet, group, endpoint]
    with PolicyPackProcess(PACK_DIR, project=GRPC_PROJECT, stack=GRPC_STACK, config=config) as client:
        client.configure_stack(project=GRPC_PROJECT, stack=GRPC_STACK, config=config)
        client.configure({})
        assert [d.policy_name for d in client.analyze(group, resources)] == []
        assert [d.policy_name for d in client.analyze(endpoint, resources)] == ["endpoint-policy-valid"]
        # The unreadable ports admit nothing, so the endpoint's group does not admit 443 (C5).
        found = {(d.policy_name, d.urn.rsplit("::", 1)[-1]) for d in client.analyze_stack(resources)}
        assert found == {("endpoint-security-group-https", "odd-logs")}
