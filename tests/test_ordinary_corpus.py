"""Ordinary programs through the policy pack's real gRPC interface: the shapes public programs have.

Each program in tests/fixtures/ordinary follows a public program or reference architecture (its
docstring names the repository and path), translated to raw pulumi_aws: default VPC, NAT gateways,
public subnets with and without public IPs, public/isolated mixes, shared endpoint groups, existing VPCs
given by id, scheduled standalone tasks, transit gateway egress, centralised endpoints. The table holds
the exact mandatory and advisory sets for an update, and for a preview where unknown ids change them.
The pack is enforced on every stack of an organisation: a GOOD program here must draw no mandatory
verdict, a BAD one exactly the ones its mistake deserves.
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
    Verdict,
    advisory,
    check_case,
    docstring,
    folders,
    mandatory,
    running_packs,
)

PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "ordinary"

# Policies these programs need that the pack does not have yet.
# Policies issue 9 adds, which these programs must exercise.
NEW_MANDATORY = frozenset({"public-image-needs-internet", "endpoint-service-name-known"})
NEW_ADVISORY = frozenset({"s3-gateway-route-tables"})

ECR = "ecr-endpoints-for-private-images"
SECRETS = "secretsmanager-endpoint-for-secrets"
LOGS = "logs-endpoint-for-awslogs"
# Endpoints without a policy allow every action of every principal: an advisory (C12) wherever they are.
OPEN = ("endpoint-policy-valid",)
# The requirements that hold only for workloads without an internet path.
REQUIREMENT_POLICIES = (
    "ecs-endpoints-for-ec2",
    ECR,
    SECRETS,
    LOGS,
    "ecs-agent-endpoint-for-service-connect",
)


def requirement_config(**properties: str) -> dict[str, dict[str, str]]:
    """Policy config for every requirement policy: where a default route to a transit gateway leads
    (transitGatewayEgress), whether a hub's endpoints serve the VPC (centralisedEndpoints)."""
    return {policy: dict(properties) for policy in REQUIREMENT_POLICIES}


CASES: list[Case] = [
    # An internet path per workload: NAT gateways, public IPs behind an internet gateway.
    Case("default_vpc_fargate_public_ip", CLEAN),
    Case("awsx_vpc_nat_per_az_fargate", CLEAN),
    Case("single_nat_ec2_capacity", CLEAN),
    Case("public_subnets_fargate_public_ip", CLEAN),
    Case("public_subnets_ec2_public_ip", CLEAN),
    # An internet gateway is no path for tasks without a public IP.
    Case("public_subnets_no_public_ip_public_image", mandatory("public-image-needs-internet")),
    Case("public_subnets_no_public_ip_private_ecr", mandatory(ECR, LOGS)),
    # The internet path is decided per subnet: ALB public, tasks isolated.
    Case("mixed_alb_isolated_tasks_no_endpoints", mandatory(ECR, SECRETS, LOGS)),
    Case("mixed_alb_isolated_tasks_endpoints", advisory(*OPEN)),
    Case("scheduled_task_isolated_no_endpoints", mandatory(ECR)),
    # Endpoint security groups: a group source counts when the consumers carry it.
    Case("mixed_endpoint_sg_self_only", mandatory("endpoint-security-group-https", advisory=OPEN)),
    Case("mixed_shared_sg_self_rule", advisory(*OPEN)),
    Case("isolated_vpc_fargate_container_patterns", advisory("ecr-pull-restricted-to-vpc", *OPEN)),
    # EC2 capacity in isolated subnets.
    Case("isolated_vpc_ec2_without_ecs_endpoints", mandatory("ecs-endpoints-for-ec2", advisory=OPEN)),
    Case("isolated_vpc_ec2_with_ecs_endpoints", advisory("ecs-endpoint-creation-order", *OPEN)),
    Case(
        "ecs_endpoint_service_name_typos",
        mandatory("endpoint-service-name-known", "ecs-endpoints-for-ec2", advisory=OPEN),
    ),
    # What the stack cannot see: existing VPCs, transit gateways.
    Case("existing_vpc_by_id", advisory(*OPEN)),
    Case("existing_vpc_by_id_no_endpoints", CLEAN),
    Case("tgw_centralised_egress", advisory(ECR, LOGS)),
    Case(
        "tgw_centralised_egress",
        mandatory(ECR, LOGS),
        policy_config=requirement_config(transitGatewayEgress="none", centralisedEndpoints="none"),
        id="tgw_centralised_egress_declared_none",
    ),
    Case(
        "tgw_centralised_egress",
        mandatory(ECR, advisory=(ECR, LOGS)),  # the S3 gateway cannot be a hub's
        policy_config=requirement_config(transitGatewayEgress="none"),
        id="tgw_centralised_egress_declared_no_egress_only",
    ),
    Case(
        "tgw_centralised_egress",
        CLEAN,
        policy_config=requirement_config(transitGatewayEgress="internet"),
        id="tgw_centralised_egress_declared_internet",
    ),
    # A spoke of centralised endpoints: the hub's endpoints and zones are another stack's.
    Case("spoke_vpc_central_endpoints", advisory(ECR, LOGS, *OPEN)),
    Case(
        "spoke_vpc_central_endpoints",
        advisory(*OPEN),
        policy_config=requirement_config(centralisedEndpoints="shared"),
        id="spoke_vpc_central_endpoints_declared_shared",
    ),
    Case(
        "spoke_vpc_central_endpoints",
        mandatory(ECR, LOGS, advisory=OPEN),
        policy_config=requirement_config(centralisedEndpoints="none"),
        id="spoke_vpc_central_endpoints_declared_none",
    ),
    # Endpoints that are not for this VPC's ECS tasks, or not AWS services.
    Case("hub_spoke_central_endpoints", advisory(*OPEN)),
    Case("partner_privatelink_port_80", CLEAN),
    # DHCP options naming DNS servers outside the VPC: a mistake unless they forward to a Resolver endpoint.
    Case(
        "dhcp_external_dns_servers",
        mandatory("vpc-dhcp-amazon-dns", advisory=OPEN),
        flagged=frozenset({"nhs-dhcp-options"}),
    ),
    Case(
        "dhcp_external_dns_servers",
        advisory(*OPEN),
        policy_config={"vpc-dhcp-amazon-dns": {"forwardingDnsServers": ["155.231.231.1", "155.231.231.2"]}},
        id="dhcp_external_dns_servers_declared_forwarding",
    ),
    # An S3 gateway endpoint on no route table serves nothing.
    Case("nat_vpc_s3_gateway_no_route_tables", advisory("s3-gateway-route-tables", *OPEN)),
    Case("existing_vpc_s3_gateway_no_route_tables", advisory("s3-gateway-route-tables", *OPEN)),
]


@pytest.fixture(scope="module")
def packs() -> Iterator[PackPool]:
    yield from running_packs()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_ordinary_program_verdict(case: Case, mode: str, packs: PackPool) -> None:
    check_case(PROGRAMS, case, mode, packs)


def test_every_program_is_in_the_table() -> None:
    assert folders(PROGRAMS) == {case.fixture for case in CASES}


def test_every_policy_named_is_known_and_every_new_one_is_used() -> None:
    verdicts: list[Verdict] = [case.verdict(mode) for case in CASES for mode in MODES]
    named_mandatory = set().union(*(verdict.mandatory for verdict in verdicts))
    named_advisory = {name for case in CASES for name in case.expected.advisory}
    assert named_mandatory <= MANDATORY_POLICIES | NEW_MANDATORY
    assert named_mandatory >= NEW_MANDATORY
    assert named_advisory <= ADVISORY_POLICIES | MANDATORY_POLICIES | NEW_ADVISORY
    assert named_advisory >= NEW_ADVISORY


@pytest.mark.parametrize("case", [case for case in CASES if not case.id], ids=lambda case: case.fixture)
def test_docstring_states_the_shape_and_the_verdict(case: Case) -> None:
    text = " ".join(docstring(PROGRAMS / case.fixture).split())
    assert "Shape of: " in text
    assert "Expected verdict" in text
    for name in case.expected.mandatory | case.expected.advisory:
        assert name in text, f"{case.fixture}: the docstring does not name {name}"
    assert ("no violations" in text) == (case.expected == CLEAN)
    label = "BAD" if case.expected.mandatory else "ADVISORY" if case.expected.advisory else "GOOD"
    assert text.split()[0].rstrip(".") == label
