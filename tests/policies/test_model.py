"""The stack model's indexes: ``referrers`` (the inverse of ``refs``) and ``depends_on``."""

from collections.abc import Sequence

from policies.model import (
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_GROUP_INGRESS_RULE,
    SUBNET,
    VPC,
    VPC_ENDPOINT,
    Resource,
    Stack,
)
from tests.policies.builder import UNKNOWN, StackBuilder


def naive_referrers(stack: Stack, target: Resource, prop: str, *types: str) -> list[Resource]:
    return [r for r in stack.of_type(*types) if target in stack.refs(r, prop, target.type)]


def names(resources: Sequence[Resource]) -> list[str]:
    return [resource.name for resource in resources]


def network() -> Stack:
    """Two VPCs; references by property dependency (preview), literal id, ARN, name, and in lists."""
    b = StackBuilder()
    vpc = b.vpc("vpc-a")
    b.add(VPC, "vpc-b", {"cidrBlock": "10.1.0.0/16", "id": "vpc-0b"})
    subnet_a = b.subnet(vpc, "subnet-a1", "10.0.0.0/24")  # vpcId unknown, property dependency
    b.add(SUBNET, "subnet-b1", {"vpcId": "vpc-0b", "id": "subnet-0b1"})  # literal id
    b.add(SUBNET, "subnet-b2", {"vpcId": "vpc-0b"})
    table = b.add(ROUTE_TABLE, "rt-b", {"vpcId": "vpc-0b", "id": "rtb-0b", "arn": "arn:aws:ec2:::rtb-0b"})
    b.add(
        ROUTE_TABLE_ASSOCIATION, "rta-b1", {"subnetId": "subnet-0b1", "routeTableId": "arn:aws:ec2:::rtb-0b"}
    )
    b.add(ROUTE_TABLE_ASSOCIATION, "rta-a1", {"subnetId": UNKNOWN, "routeTableId": UNKNOWN},
          {"subnetId": [subnet_a], "routeTableId": [table]})  # fmt: skip
    group_a = b.add(SECURITY_GROUP, "sg-a", {"id": "sg-0a", "name": "shared"})
    b.add(SECURITY_GROUP, "sg-b", {"id": "sg-0b"})
    b.add(VPC_ENDPOINT, "ep-both", {"securityGroupIds": ["sg-0a", "sg-0b"]})
    b.add(VPC_ENDPOINT, "ep-a", {"securityGroupIds": [UNKNOWN]}, {"securityGroupIds": [group_a]})
    b.add(VPC_ENDPOINT, "ep-none", {"securityGroupIds": ["sg-0elsewhere"]})
    # A rule naming its group by name, and a group that names itself (never its own referrer).
    b.add(SECURITY_GROUP_INGRESS_RULE, "rule-a", {"securityGroupId": "shared"})
    b.add(SECURITY_GROUP, "sg-self", {"id": "sg-0self", "sourceSecurityGroupId": "sg-0self"})
    return Stack.from_policy_resources(b.resources)


def test_referrers_follow_property_dependencies_literal_ids_arns_names_and_lists():
    stack = network()
    by_name = {resource.name: resource for resource in stack.resources}
    assert names(stack.referrers(by_name["vpc-a"], "vpcId", SUBNET)) == ["subnet-a1"]
    assert names(stack.referrers(by_name["vpc-b"], "vpcId", SUBNET, ROUTE_TABLE)) == [
        "subnet-b1",
        "subnet-b2",
        "rt-b",
    ]
    assert names(stack.referrers(by_name["rt-b"], "routeTableId", ROUTE_TABLE_ASSOCIATION)) == [
        "rta-b1",
        "rta-a1",
    ]
    assert names(stack.referrers(by_name["subnet-b1"], "subnetId", ROUTE_TABLE_ASSOCIATION)) == ["rta-b1"]
    assert names(stack.referrers(by_name["sg-a"], "securityGroupIds", VPC_ENDPOINT)) == ["ep-both", "ep-a"]
    assert names(stack.referrers(by_name["sg-b"], "securityGroupIds", VPC_ENDPOINT)) == ["ep-both"]
    assert names(stack.referrers(by_name["sg-a"], "securityGroupId", SECURITY_GROUP_INGRESS_RULE)) == [
        "rule-a"
    ]
    assert stack.referrers(by_name["sg-self"], "sourceSecurityGroupId", SECURITY_GROUP) == ()
    assert stack.referrers(by_name["vpc-a"], "vpcId", ROUTE_TABLE) == ()
    assert stack.referrers(by_name["vpc-a"], "vpcId") == ()


def test_referrers_equal_the_naive_inverse_of_refs_for_every_target_prop_and_types():
    stack = network()
    type_sets = [
        (SUBNET,),
        (ROUTE_TABLE, SUBNET),
        (ROUTE_TABLE_ASSOCIATION,),
        (VPC_ENDPOINT,),
        (SECURITY_GROUP, SECURITY_GROUP_INGRESS_RULE),
    ]
    props = [
        "vpcId",
        "subnetId",
        "routeTableId",
        "securityGroupIds",
        "securityGroupId",
        "sourceSecurityGroupId",
    ]
    checked = 0
    for target in stack.resources:
        for prop in props:
            for types in type_sets:
                assert list(stack.referrers(target, prop, *types)) == naive_referrers(
                    stack, target, prop, *types
                )
                checked += 1
    assert checked == len(stack.resources) * len(props) * len(type_sets)


def test_referrers_of_a_resource_of_another_stack_view_are_empty():
    stack, other = network(), network()
    vpc_elsewhere = next(resource for resource in other.resources if resource.name == "vpc-b")
    assert stack.referrers(vpc_elsewhere, "vpcId", SUBNET) == ()
    assert naive_referrers(stack, vpc_elsewhere, "vpcId", SUBNET) == []


def test_the_answer_is_a_tuple_so_no_caller_can_change_the_index():
    stack = network()
    vpc = next(resource for resource in stack.resources if resource.name == "vpc-b")
    assert isinstance(stack.referrers(vpc, "vpcId", SUBNET), tuple)
    assert names(stack.referrers(vpc, "vpcId", SUBNET)) == ["subnet-b1", "subnet-b2"]


def test_depends_on_is_transitive_through_options_and_property_dependencies():
    b = StackBuilder()
    agent = b.add(VPC_ENDPOINT, "ecs-agent", {})
    telemetry = b.add(VPC_ENDPOINT, "ecs-telemetry", {}, depends_on=[agent])
    ecs = b.add(VPC_ENDPOINT, "ecs", {"vpcEndpointId": UNKNOWN}, {"vpcEndpointId": [telemetry]})
    alone = b.add(VPC_ENDPOINT, "alone", {})
    stack = Stack.from_policy_resources(b.resources)
    by_name = {resource.name: resource for resource in stack.resources}
    first, second, third, other = (by_name[r.name] for r in (agent, telemetry, ecs, alone))
    # Asked in both orders, so that later answers reuse earlier walks.
    assert stack.depends_on(third, first) is True
    assert stack.depends_on(second, first) is True
    assert stack.depends_on(third, second) is True
    assert stack.depends_on(first, third) is False
    assert stack.depends_on(first, first) is False
    assert stack.depends_on(other, first) is False
    assert stack.depends_on(third, other) is False
