"""The fixture corpus through the policy pack's real gRPC interface, as `pulumi preview`/`up` drive it.

Each program in tests/fixtures/programs is run under mocks (preview: unknown ids; update: every id
known, as when the CLI analyzes during `pulumi up`) and its recording is analyzed by the pack. The
table states, from AWS's ECS VPC endpoint page, which mandatory and advisory policies must fire: exact sets.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.corpus import (
    ADVISORY_POLICIES,
    CLEAN,
    MANDATORY_POLICIES,
    MODES,
    Case,
    PackPool,
    advisory,
    check_case,
    docstring,
    folders,
    mandatory,
    running_packs,
)

PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "programs"

NEW_REGION = "ca-west-1"  # introduced after 2023-12-23 (C2)
# An endpoint of an AWS service without a policy allows every action of every principal (C12): the
# advisory every fixture with such endpoints draws.
OPEN_ENDPOINTS = ("endpoint-policy-valid",)

CASES: list[Case] = [
    # The same good Fargate stack, expressed differently.
    Case("fargate_good_inline_sg", advisory(*OPEN_ENDPOINTS)),
    Case("fargate_good_ingress_rule", advisory(*OPEN_ENDPOINTS)),
    Case("fargate_good_sg_rule", advisory(*OPEN_ENDPOINTS)),
    Case("fargate_good_explicit_provider", advisory(*OPEN_ENDPOINTS)),
    Case("fargate_good_resource_region", advisory(*OPEN_ENDPOINTS)),
    Case("fargate_good_separate_associations", advisory(*OPEN_ENDPOINTS)),
    Case("component_shape_good", advisory(*OPEN_ENDPOINTS)),
    Case(
        "component_shape_private_dns_off",
        mandatory("endpoint-private-dns", advisory=OPEN_ENDPOINTS),
        flagged=frozenset({"ecr.api", "ecr.dkr", "logs"}),
    ),
    # C1, C2: the ECS trio.
    Case("ec2_good", advisory(*OPEN_ENDPOINTS)),
    Case("ec2_good_new_region", advisory(*OPEN_ENDPOINTS), region=NEW_REGION),
    Case("c1_ec2_without_ecs_endpoints", mandatory("ecs-endpoints-for-ec2", advisory=OPEN_ENDPOINTS)),
    Case("c1_ec2_nat_gateway_route", advisory(*OPEN_ENDPOINTS)),
    Case(
        "c1_c2_ec2_partial_trio_new_region",
        mandatory("ecs-endpoints-for-ec2", "ecs-endpoints-all-or-none", advisory=OPEN_ENDPOINTS),
        region=NEW_REGION,
    ),
    Case(
        "c2_partial_trio_new_region",
        mandatory("ecs-endpoints-all-or-none", advisory=OPEN_ENDPOINTS),
        region=NEW_REGION,
    ),
    Case("c2_full_trio_new_region", advisory(*OPEN_ENDPOINTS), region=NEW_REGION),
    Case("network_only", advisory(*OPEN_ENDPOINTS)),
    Case(
        "network_only",
        mandatory("ecs-endpoints-for-ec2", advisory=OPEN_ENDPOINTS),
        policy_config={"ecs-endpoints-for-ec2": {"launchType": "EC2"}},
        id="network_only_configured_as_ec2",
    ),
    # C3: Regions.
    Case(
        "c3_other_region_service_name",
        mandatory("endpoint-same-region", advisory=OPEN_ENDPOINTS),
        flagged=frozenset({"net-logs"}),
    ),
    Case(
        "c3_copied_template",
        mandatory("endpoint-same-region", advisory=OPEN_ENDPOINTS),
        region=NEW_REGION,
        # Only the leftovers of the copy-from Region, not the stack's own trio.
        flagged=frozenset({"net-us-east-1-ecs-agent", "net-us-east-1-ecs-telemetry", "net-us-east-1-ecs"}),
    ),
    Case(
        "c3_explicit_provider_mismatch",
        mandatory("endpoint-same-region", advisory=OPEN_ENDPOINTS),
        flagged=frozenset({"net-logs"}),
    ),
    Case(
        "c3_resource_region_mismatch",
        mandatory("endpoint-same-region", advisory=OPEN_ENDPOINTS),
        flagged=frozenset({"net-logs"}),
    ),
    # C4: DNS.
    Case(
        "c4_endpoint_private_dns_off",
        mandatory("endpoint-private-dns", advisory=OPEN_ENDPOINTS),
        policy_config={"endpoint-private-dns": {"launchType": "FARGATE"}},
        flagged=frozenset({"net-logs"}),
    ),
    # Nothing says ECS runs in the VPC (a shared-services hub, say): private DNS is not demanded.
    Case(
        "c4_endpoint_private_dns_off", advisory(*OPEN_ENDPOINTS), id="c4_endpoint_private_dns_off_without_ecs"
    ),
    Case(
        "c4_private_dns_omitted",
        mandatory("endpoint-private-dns", advisory=OPEN_ENDPOINTS),
        policy_config={"endpoint-private-dns": {"launchType": "FARGATE"}},
        flagged=frozenset({"net-logs"}),
    ),
    # Nothing says ECS runs in the VPC (a shared-services hub, say): private DNS is not demanded.
    Case("c4_private_dns_omitted", advisory(*OPEN_ENDPOINTS), id="c4_private_dns_omitted_without_ecs"),
    Case("c4_private_dns_separate_resource", advisory(*OPEN_ENDPOINTS)),
    Case("c4_vpc_dns_hostnames_off", mandatory("vpc-dns-enabled", advisory=OPEN_ENDPOINTS)),
    Case("c4_vpc_dns_support_off", mandatory("vpc-dns-enabled", advisory=OPEN_ENDPOINTS)),
    Case("c4_vpc_dns_defaults", mandatory("vpc-dns-enabled", advisory=OPEN_ENDPOINTS)),
    Case("c4_custom_dhcp_dns", mandatory("vpc-dhcp-amazon-dns", advisory=OPEN_ENDPOINTS)),
    Case("c4_amazon_dhcp_dns", advisory(*OPEN_ENDPOINTS)),
    Case("c4_custom_dhcp_with_resolver", advisory(*OPEN_ENDPOINTS)),
    # C5: the endpoint security group.
    Case("c5_no_ingress", mandatory("endpoint-security-group-https", advisory=OPEN_ENDPOINTS)),
    Case("c5_wrong_port", mandatory("endpoint-security-group-https", advisory=OPEN_ENDPOINTS)),
    Case("c5_udp_443", mandatory("endpoint-security-group-https", advisory=OPEN_ENDPOINTS)),
    Case("c5_egress_only_rule", mandatory("endpoint-security-group-https", advisory=OPEN_ENDPOINTS)),
    Case("c5_other_cidr", mandatory("endpoint-security-group-https", advisory=OPEN_ENDPOINTS)),
    Case("c5_all_traffic_from_vpc", advisory(*OPEN_ENDPOINTS)),
    Case("c5_subnets_through_associations", advisory(*OPEN_ENDPOINTS)),
    # C6-C9: what the workload needs.
    Case("c6_missing_ecr_api", mandatory("ecr-endpoints-for-private-images", advisory=OPEN_ENDPOINTS)),
    Case(
        "c6_s3_interface_not_gateway", mandatory("ecr-endpoints-for-private-images", advisory=OPEN_ENDPOINTS)
    ),
    Case(
        "c6_s3_gateway_wrong_route_table",
        mandatory("ecr-endpoints-for-private-images", advisory=OPEN_ENDPOINTS),
    ),
    Case(
        "c6_s3_gateway_without_route_table",
        mandatory("ecr-endpoints-for-private-images", advisory=(*OPEN_ENDPOINTS, "s3-gateway-route-tables")),
    ),
    Case("c6_public_image_no_ecr", mandatory("public-image-needs-internet", advisory=OPEN_ENDPOINTS)),
    Case("c6_public_image_through_nat", CLEAN),
    Case(
        "c7_missing_secretsmanager", mandatory("secretsmanager-endpoint-for-secrets", advisory=OPEN_ENDPOINTS)
    ),
    # At preview the container definitions are unknown, but their property dependencies name the secret.
    Case(
        "c7_secret_in_stack_missing_endpoint",
        mandatory("secretsmanager-endpoint-for-secrets", advisory=OPEN_ENDPOINTS),
    ),
    Case("c8_missing_logs", mandatory("logs-endpoint-for-awslogs", advisory=OPEN_ENDPOINTS)),
    Case("c8_internet_gateway_route", mandatory("logs-endpoint-for-awslogs", advisory=OPEN_ENDPOINTS)),
    Case("c8_internet_gateway_public_ip", advisory(*OPEN_ENDPOINTS)),
    Case("c8_nat_gateway_route", advisory(*OPEN_ENDPOINTS)),
    Case(
        "c9_service_connect_without_ecs_agent",
        mandatory("ecs-agent-endpoint-for-service-connect", advisory=OPEN_ENDPOINTS),
    ),
    Case("c9_service_connect_with_ecs_agent", advisory(*OPEN_ENDPOINTS)),
    Case(
        "ecs_endpoint_gateway_type",
        mandatory("ecs-endpoints-are-interface", advisory=OPEN_ENDPOINTS),
        flagged=frozenset({"net-ecs-agent"}),
    ),
    Case(
        "ecs_endpoint_type_omitted",
        mandatory("ecs-endpoints-are-interface", advisory=OPEN_ENDPOINTS),
        flagged=frozenset({"net-ecs-agent"}),
    ),
    # C10-C14: advisory hygiene and cost.
    Case("c10_custom_ami", advisory("ecs-agent-version", *OPEN_ENDPOINTS)),
    Case("c11_trio_unordered", advisory("ecs-endpoint-creation-order", *OPEN_ENDPOINTS)),
    Case("c12_policy_invalid_json", advisory("endpoint-policy-valid")),
    Case("c12_policy_star_star", advisory("endpoint-policy-valid")),
    Case("c12_policy_separate_resource", advisory("endpoint-policy-valid")),
    Case("c12_ecs_agent_policy_without_poll", advisory("endpoint-policy-valid")),
    Case("c12_ecs_policies_scoped", CLEAN),
    Case("c13_execution_role_unrestricted", advisory("ecr-pull-restricted-to-vpc", *OPEN_ENDPOINTS)),
    Case(
        "c13_execution_role_restricted",
        advisory(*OPEN_ENDPOINTS),
        # The condition names endpoint ids, unknown before they exist: say so, never more.
        preview=advisory("ecr-pull-restricted-to-vpc", *OPEN_ENDPOINTS),
    ),
    Case("c14_fargate_with_ecs_endpoints", advisory("no-unneeded-ecs-endpoints", *OPEN_ENDPOINTS)),
    # C15: duplicates.
    Case(
        "c15_duplicate_private_dns", mandatory("no-duplicate-private-dns-endpoints", advisory=OPEN_ENDPOINTS)
    ),
    Case("c15_same_service_two_vpcs", advisory(*OPEN_ENDPOINTS)),
    # Service names: near misses AWS rejects; partner PrivateLink services are not AWS services.
    Case(
        "c1_c6_c9_near_miss_service_names",
        mandatory("endpoint-service-name-known"),
        flagged=frozenset({"net-ecs-agent", "net-ecr-dkr", "net-ecs-sc"}),
    ),
    Case("c3_partner_privatelink_service", CLEAN),
]


@pytest.fixture(scope="module")
def packs() -> Iterator[PackPool]:
    yield from running_packs()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_fixture_verdict(case: Case, mode: str, packs: PackPool) -> None:
    check_case(PROGRAMS, case, mode, packs)


def test_every_fixture_is_in_the_table() -> None:
    assert folders(PROGRAMS) == {case.fixture for case in CASES}


def test_every_policy_is_caught_by_some_fixture_and_none_is_unknown() -> None:
    verdicts = [case.verdict(mode) for case in CASES for mode in MODES]
    assert set().union(*(verdict.mandatory for verdict in verdicts)) == MANDATORY_POLICIES
    advisories = set().union(*(verdict.advisory for verdict in verdicts))
    # Mandatory policies appear as advisories only as preview notes on what is not known yet.
    assert ADVISORY_POLICIES <= advisories <= ADVISORY_POLICIES | MANDATORY_POLICIES
    assert all(not case.expected.advisory & MANDATORY_POLICIES for case in CASES)


@pytest.mark.parametrize("case", [case for case in CASES if not case.id], ids=lambda case: case.fixture)
def test_docstring_states_the_expected_verdict(case: Case) -> None:
    text = " ".join(docstring(PROGRAMS / case.fixture).split())
    assert "Expected verdict" in text
    for name in case.expected.mandatory | case.expected.advisory:
        assert name in text, f"{case.fixture}: the docstring does not name {name}"
    assert ("no violations" in text) == (case.expected == CLEAN)
    label = "BAD" if case.expected.mandatory else "ADVISORY" if case.expected.advisory else "GOOD"
    assert text.split()[0].rstrip(".") == label
