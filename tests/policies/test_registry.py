import pytest
from pulumi_policy import StackValidationPolicy

from policies import POLICIES, REGISTRY
from policies.registry import PolicyRegistry

MANDATORY = {
    "ecs-endpoints-for-ec2",
    "ecs-endpoints-all-or-none",
    "endpoint-same-region",
    "endpoint-service-name-known",
    "endpoint-private-dns",
    "vpc-dns-enabled",
    "vpc-dhcp-amazon-dns",
    "endpoint-security-group-https",
    "ecr-endpoints-for-private-images",
    "secretsmanager-endpoint-for-secrets",
    "logs-endpoint-for-awslogs",
    "ecs-agent-endpoint-for-service-connect",
    "ecs-endpoints-are-interface",
    "no-duplicate-private-dns-endpoints",
}
ADVISORY = {
    "ecs-agent-version",
    "ecs-endpoint-creation-order",
    "endpoint-policy-valid",
    "ecr-pull-restricted-to-vpc",
    "no-unneeded-ecs-endpoints",
}


def _policy(name: str) -> StackValidationPolicy:
    return StackValidationPolicy(name=name, description="d", validate=lambda args, report: None)


def test_the_pack_has_exactly_the_agreed_policies_at_their_default_levels():
    levels = {
        policy.name: policy.enforcement_level.value if policy.enforcement_level else None
        for policy in POLICIES
    }
    assert levels == {**dict.fromkeys(MANDATORY, "mandatory"), **dict.fromkeys(ADVISORY, "advisory")}


def test_every_policy_cites_its_consideration_and_says_how_to_fix():
    for policy in POLICIES:
        assert "(C" in policy.description, policy.name
        assert policy.remediation_steps, policy.name
        assert policy.severity is not None, policy.name


def test_registry_refuses_duplicate_names():
    registry = PolicyRegistry()
    registry.add(_policy("vpc-dns-enabled"))
    with pytest.raises(ValueError, match="Policy 'vpc-dns-enabled' is registered twice"):
        registry.add(_policy("vpc-dns-enabled"))


@pytest.mark.parametrize("name", ["VpcDns", "vpc_dns", "vpc--dns", "-vpc", "vpc-", "vpc dns"])
def test_registry_refuses_names_that_are_not_kebab_case(name):
    with pytest.raises(ValueError, match="is not kebab-case"):
        PolicyRegistry().add(_policy(name))


def test_registry_keeps_registration_order():
    assert REGISTRY.names() == [policy.name for policy in POLICIES]
