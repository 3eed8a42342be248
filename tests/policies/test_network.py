from pulumi_policy import PolicyResource

from tests.policies.builder import UNKNOWN, StackBuilder, run

INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"

POLICY = "endpoint-security-group-https"


def _network(
    ingress: list[dict] | None = None,
) -> tuple[StackBuilder, PolicyResource, PolicyResource, PolicyResource]:
    builder = StackBuilder()
    vpc = builder.vpc()
    subnets = [builder.subnet(vpc, "dev-a", "10.0.1.0/24"), builder.subnet(vpc, "dev-b", "10.0.2.0/24")]
    group = builder.security_group(vpc, ingress=ingress)
    endpoint = builder.endpoint(vpc, "ecr.dkr", group=group, subnets=subnets)
    return builder, vpc, group, endpoint


MISSING = (
    "Allow inbound TCP 443 from 10.0.1.0/24, 10.0.2.0/24 (the private subnets of VPC 'dev-vpc') in "
    "security group 'dev-endpoints-sg' of VPC endpoint 'dev-ecr-dkr' (C5), so that tasks can reach ecr.dkr "
    "through it."
)


def test_inline_rule_from_the_vpc_cidr_passes():
    builder, *_ = _network()
    assert run(POLICY, builder).messages == []


def test_inline_rule_on_another_port_or_from_too_narrow_a_cidr_fails():
    for ingress in (
        [{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["10.0.0.0/16"]}],
        [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.1.0/24"]}],
        [{"protocol": "udp", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["10.0.0.0/8"]}],
        [],
    ):
        builder, _, _, endpoint = _network(ingress)
        outcome = run(POLICY, builder)
        assert outcome.messages == [MISSING], ingress
        assert outcome.urns == [endpoint.urn]


def test_rules_per_subnet_all_protocols_and_source_groups_pass():
    for ingress in (
        [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.1.0/24"]},
            {"protocol": "6", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["10.0.2.0/24"]},
        ],
        [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["10.0.0.0/8"]}],
        [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "securityGroups": [UNKNOWN]}],
    ):
        builder, *_ = _network(ingress)
        assert run(POLICY, builder).messages == [], ingress


def test_separate_ingress_rule_resources_count():
    builder, _, group, _ = _network([])
    builder.add(
        INGRESS_RULE,
        "dev-https",
        {
            "securityGroupId": UNKNOWN,
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "cidrIpv4": "10.0.0.0/16",
        },
        {"securityGroupId": [group]},
    )
    assert run(POLICY, builder).messages == []


def test_separate_security_group_rule_resources_count_only_for_ingress():
    builder, _, group, _ = _network([])
    rule = {
        "securityGroupId": UNKNOWN,
        "protocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "cidrBlocks": ["10.0.0.0/16"],
    }
    builder.add(SG_RULE, "dev-https-out", {**rule, "type": "egress"}, {"securityGroupId": [group]})
    assert run(POLICY, builder).messages == [MISSING]
    builder.add(SG_RULE, "dev-https-in", {**rule, "type": "ingress"}, {"securityGroupId": [group]})
    assert run(POLICY, builder).messages == []


def test_security_group_attached_by_association_resource():
    builder = StackBuilder()
    vpc = builder.vpc()
    builder.subnet(vpc, "dev-a", "10.0.1.0/24")
    group = builder.security_group(vpc, ingress=[])
    endpoint = builder.endpoint(vpc, "logs", securityGroupIds=[])
    builder.add(
        "aws:ec2/securityGroupAssociation:SecurityGroupAssociation",
        "dev-logs-sg",
        {"vpcEndpointId": UNKNOWN, "securityGroupId": UNKNOWN},
        {"vpcEndpointId": [endpoint], "securityGroupId": [group]},
    )
    assert run(POLICY, builder).messages == [
        "Allow inbound TCP 443 from 10.0.1.0/24 (the private subnets of VPC 'dev-vpc') in security group "
        "'dev-endpoints-sg' of VPC endpoint 'dev-logs' (C5), so that tasks can reach logs through it."
    ]


def test_endpoint_without_any_security_group_fails():
    builder = StackBuilder()
    vpc = builder.vpc()
    builder.endpoint(vpc, "logs")
    assert run(POLICY, builder).messages == [
        "Attach a security group that allows inbound TCP 443 from the private subnets of VPC 'dev-vpc' to "
        "VPC endpoint 'dev-logs' (C5): without one the VPC's default group applies, which admits only its "
        "own members."
    ]


def test_unknown_cidr_is_a_note_not_a_violation():
    builder, *_ = _network([{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": [UNKNOWN]}])
    outcome = run(POLICY, builder)
    assert (outcome.messages, outcome.notes) == (
        [],
        ["Whether VPC endpoint 'dev-ecr-dkr' admits TCP 443 is not known yet (C5)."],
    )


def test_gateway_endpoints_have_no_security_group():
    builder = StackBuilder()
    builder.endpoint(builder.vpc(), "s3")
    assert run(POLICY, builder).messages == []


def test_security_groups_of_another_stack_are_not_judged():
    builder = StackBuilder()
    vpc = builder.vpc()
    builder.subnet(vpc, "dev-a", "10.0.1.0/24")
    builder.endpoint(vpc, "logs", securityGroupIds=["sg-0123456789abcdef0"])
    assert run(POLICY, builder).messages == []
    local = builder.security_group(vpc, ingress=[])
    builder.endpoint(vpc, "ecr.api", securityGroupIds=["sg-0123456789abcdef0", UNKNOWN])
    builder.resources[-1].property_dependencies["securityGroupIds"] = [local]
    assert run(POLICY, builder).messages == []


def test_a_group_of_this_stack_named_by_its_id_is_judged():
    builder = StackBuilder()
    vpc = builder.vpc()
    builder.subnet(vpc, "dev-a", "10.0.1.0/24")
    builder.security_group(vpc, ingress=[]).props["__target"]["id"] = "sg-0aaa"
    builder.endpoint(vpc, "logs", securityGroupIds=["sg-0aaa"])
    assert run(POLICY, builder).messages == [
        "Allow inbound TCP 443 from 10.0.1.0/24 (the private subnets of VPC 'dev-vpc') in security group "
        "'dev-endpoints-sg' of VPC endpoint 'dev-logs' (C5), so that tasks can reach logs through it."
    ]
