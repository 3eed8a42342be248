"""Remediation over the pack's real gRPC interface, as the Pulumi CLI drives it (pulumi-policy 1.8+).

With a policy at enforcement level ``remediate`` the CLI sends ``Remediate`` before each resource's
``Analyze`` and registers the returned inputs instead. These tests check what each remediating policy
returns for one resource, what the fixture corpus previews with remediation on, and what ``up`` creates.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from pulumi.output import Unknown

from sandbox.analyzer import (
    AnalyzerClient,
    PolicyPackProcess,
    Remediation,
    analyze_and_remediate,
    apply_remediations,
)
from sandbox.engine.program import RecordedResource, run_program
from tests.corpus import PACK_DIR
from tests.fixtures.sandbox.support import HERE, moto_for_module, run_cli, run_cli_json
from tests.test_fixture_corpus import PROGRAMS

PROJECT, STACK, REGION = "remediate", "test", "us-east-1"
PACK = "ecs-privatelink"
VPC, ENDPOINT = "aws:ec2/vpc:Vpc", "aws:ec2/vpcEndpoint:VpcEndpoint"
REMEDIABLE = HERE / "remediable"
ALL_REMEDIATE = {"all": "remediate"}


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def resource(type_: str, name: str, inputs: dict[str, Any], provider: str = "") -> RecordedResource:
    return RecordedResource(
        urn=urn(type_, name),
        type=type_,
        name=name,
        custom=True,
        parent="",
        provider=provider,
        dependencies=[],
        property_dependencies={},
        inputs=inputs,
    )


CHINA_PROVIDER = resource("pulumi:providers:aws", "china", {"region": "cn-north-1"})
CHINA = f"{CHINA_PROVIDER.urn}::provider-id"


def endpoint(name: str, service: str | Unknown, provider: str = "", **inputs: Any) -> RecordedResource:
    return resource(ENDPOINT, name, {"vpcId": "vpc-1", "serviceName": service, **inputs}, provider)


def interface(name: str, key: str, **inputs: Any) -> RecordedResource:
    return endpoint(name, f"com.amazonaws.{REGION}.{key}", vpcEndpointType="Interface", **inputs)


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


CREATE_CLUSTER = {"Effect": "Allow", "Principal": "*", "Action": ["ecs:CreateCluster"], "Resource": "*"}
POLL = {"Effect": "Allow", "Principal": "*", "Action": "ecs:Poll", "Resource": "*"}


def agent_statement(*actions: str) -> dict[str, Any]:
    return {"Sid": "EcsAgent", "Effect": "Allow", "Principal": "*", "Action": list(actions), "Resource": "*"}


@pytest.fixture(scope="module")
def client() -> Iterator[AnalyzerClient]:
    with PolicyPackProcess(PACK_DIR, project=PROJECT, stack=STACK, config={"aws:region": REGION}) as running:
        running.configure_stack(project=PROJECT, stack=STACK, config={"aws:region": REGION})
        yield running


@pytest.fixture
def remediating(client: AnalyzerClient) -> Iterator[AnalyzerClient]:
    client.configure(ALL_REMEDIATE)
    yield client
    client.configure({})


# (resource, [(policy, property, new value)]) in the order the pack applies them.
FIXED: dict[str, tuple[RecordedResource, list[tuple[str, str, Any]]]] = {
    "vpc-hostnames-unset": (
        resource(VPC, "net", {"cidrBlock": "10.0.0.0/16"}),
        [("vpc-dns-enabled", "enableDnsHostnames", True)],
    ),
    "private-dns-unset": (
        interface("logs", "logs", subnetIds=["subnet-1"]),
        [("endpoint-private-dns", "privateDnsEnabled", True)],
    ),
    "type-unset-then-private-dns": (
        endpoint("ecr-api", f"com.amazonaws.{REGION}.ecr.api", subnetIds=["subnet-1"]),
        [
            ("ecs-endpoints-are-interface", "vpcEndpointType", "Interface"),
            ("endpoint-private-dns", "privateDnsEnabled", True),
        ],
    ),
    "type-gateway": (
        endpoint(
            "agent", f"com.amazonaws.{REGION}.ecs-agent", vpcEndpointType="Gateway", privateDnsEnabled=True
        ),
        [("ecs-endpoints-are-interface", "vpcEndpointType", "Interface")],
    ),
    "other-region": (
        interface("logs", "logs", privateDnsEnabled=True, serviceName="com.amazonaws.us-west-2.logs"),
        [("endpoint-same-region", "serviceName", f"com.amazonaws.{REGION}.logs")],
    ),
    "china-prefix": (
        endpoint(
            "dkr",
            "com.amazonaws.cn-north-1.ecr.dkr",
            CHINA,
            vpcEndpointType="Interface",
            privateDnsEnabled=True,
        ),
        [("endpoint-same-region", "serviceName", "cn.com.amazonaws.cn-north-1.ecr.dkr")],
    ),
    "agent-policy-without-poll": (
        interface("agent", "ecs-agent", privateDnsEnabled=True, policy=policy(CREATE_CLUSTER)),
        [("endpoint-policy-valid", "policy", policy(CREATE_CLUSTER, agent_statement("ecs:Poll")))],
    ),
    "telemetry-policy-without-both": (
        interface("telemetry", "ecs-telemetry", privateDnsEnabled=True, policy=policy(CREATE_CLUSTER)),
        [
            (
                "endpoint-policy-valid",
                "policy",
                policy(CREATE_CLUSTER, agent_statement("ecs:Poll", "ecs:StartTelemetrySession")),
            )
        ],
    ),
}

UNTOUCHED: dict[str, RecordedResource] = {
    "vpc-hostnames-on": resource(VPC, "net", {"enableDnsHostnames": True}),
    "vpc-hostnames-off-on-purpose": resource(VPC, "net", {"enableDnsHostnames": False}),
    "vpc-dns-support-off-on-purpose": resource(
        VPC, "net", {"enableDnsSupport": False, "enableDnsHostnames": True}
    ),
    "private-dns-on": interface("logs", "logs", privateDnsEnabled=True),
    "private-dns-off-on-purpose": interface("logs", "logs", privateDnsEnabled=False),
    "private-dns-of-an-unrelated-service": interface("ssm", "ssm"),
    "private-dns-not-known-yet": interface("logs", "logs", privateDnsEnabled=Unknown()),
    "gateway-with-route-tables": endpoint(
        "agent", f"com.amazonaws.{REGION}.ecs-agent", routeTableIds=["rtb-1"], privateDnsEnabled=True
    ),
    "s3-gateway": endpoint("s3", f"com.amazonaws.{REGION}.s3", routeTableIds=["rtb-1"]),
    "service-name-not-known-yet": endpoint("logs", Unknown()),
    "other-partition": endpoint(
        "dkr", f"com.amazonaws.{REGION}.ecr.dkr", CHINA, vpcEndpointType="Interface", privateDnsEnabled=True
    ),
    "cross-region-on-purpose": interface(
        "logs",
        "logs",
        privateDnsEnabled=True,
        serviceName="com.amazonaws.us-west-2.logs",
        serviceRegion="us-west-2",
    ),
    "partner-service": interface("partner", "vpce-svc-0123", privateDnsEnabled=True),
    "agent-policy-with-poll": interface("agent", "ecs-agent", privateDnsEnabled=True, policy=policy(POLL)),
    "agent-policy-denying-poll": interface(
        "agent",
        "ecs-agent",
        privateDnsEnabled=True,
        policy=policy(
            CREATE_CLUSTER, {"Effect": "Deny", "Principal": "*", "Action": "ecs:*", "Resource": "*"}
        ),
    ),
    "agent-policy-not-json": interface("agent", "ecs-agent", privateDnsEnabled=True, policy="{not json"),
    "agent-without-policy": interface("agent", "ecs-agent", privateDnsEnabled=True),
}


@pytest.mark.parametrize("case", FIXED)
def test_remediate_returns_exactly_the_fixed_properties(remediating: AnalyzerClient, case: str):
    original, fixes = FIXED[case]

    fixed, changes, diagnostics = remediating.remediate(original, [CHINA_PROVIDER, original])

    expected, values = [], dict(original.inputs)
    for policy_name, prop, new in fixes:
        expected.append(Remediation(policy_name, PACK, original.urn, prop, values.get(prop), new))
        values[prop] = new
    assert changes == expected
    assert fixed.inputs == values
    assert diagnostics == []


@pytest.mark.parametrize("case", UNTOUCHED)
def test_remediate_leaves_compliant_and_deliberate_resources_alone(remediating: AnalyzerClient, case: str):
    original = UNTOUCHED[case]

    fixed, changes, diagnostics = remediating.remediate(original, [CHINA_PROVIDER, original])

    assert (changes, diagnostics) == ([], [])
    assert fixed is original


def test_only_policies_at_level_remediate_remediate(client: AnalyzerClient):
    untyped = endpoint("ecr-api", f"com.amazonaws.{REGION}.ecr.api")
    try:
        client.configure({})
        assert client.remediating is False
        client.configure({"endpoint-private-dns": "remediate"})
        # The type is still Gateway (its policy is mandatory, not remediate): private DNS does not apply.
        assert client.remediate(untyped, [untyped])[1] == []
        client.configure({"ecs-endpoints-are-interface": "remediate"})
        assert [c.policy_name for c in client.remediate(untyped, [untyped])[1]] == [
            "ecs-endpoints-are-interface"
        ]
    finally:
        client.configure({})


def test_apply_remediations_skips_a_property_the_program_changed_since():
    vpc = resource(VPC, "net", {"enableDnsHostnames": False})
    unset_then = Remediation("vpc-dns-enabled", PACK, vpc.urn, "enableDnsHostnames", None, True)

    assert apply_remediations(vpc, [unset_then]) is vpc
    assert apply_remediations(resource(VPC, "net", {}), [unset_then]).inputs == {"enableDnsHostnames": True}


# --- the fixture corpus with remediation on --------------------------------------------------------

# endpoint-policy-valid stays advisory where the fixture's endpoints simply have no policy (C12): "all:
# remediate" would make that finding, which no remediation can fix (the pack writes no policy for you),
# mandatory as well.
NO_POLICY_ADVISORY = {**ALL_REMEDIATE, "endpoint-policy-valid": "advisory"}
LAUNCH_TYPE = {"endpoint-private-dns": {"launchType": "FARGATE"}}

# fixture -> (region, policy config, {(policy, resource, property, new value)})
REMEDIABLE_FIXTURES: dict[str, tuple[str, dict[str, Any], set[tuple[str, str, str, Any]]]] = {
    "c4_private_dns_omitted": (
        REGION,
        {**NO_POLICY_ADVISORY, **LAUNCH_TYPE},
        {("endpoint-private-dns", "net-logs", "privateDnsEnabled", True)},
    ),
    "c4_vpc_dns_defaults": (
        REGION,
        NO_POLICY_ADVISORY,
        {("vpc-dns-enabled", "net", "enableDnsHostnames", True)},
    ),
    "ecs_endpoint_type_omitted": (
        REGION,
        NO_POLICY_ADVISORY,
        {("ecs-endpoints-are-interface", "net-ecs-agent", "vpcEndpointType", "Interface")},
    ),
    "c3_other_region_service_name": (
        REGION,
        NO_POLICY_ADVISORY,
        {("endpoint-same-region", "net-logs", "serviceName", "com.amazonaws.us-east-1.logs")},
    ),
    "c3_explicit_provider_mismatch": (
        REGION,
        NO_POLICY_ADVISORY,
        {("endpoint-same-region", "net-logs", "serviceName", "com.amazonaws.us-west-2.logs")},
    ),
    "c3_resource_region_mismatch": (
        REGION,
        NO_POLICY_ADVISORY,
        {("endpoint-same-region", "net-logs", "serviceName", "com.amazonaws.eu-west-1.logs")},
    ),
    "c12_ecs_agent_policy_without_poll": (
        REGION,
        ALL_REMEDIATE,
        {
            (
                "endpoint-policy-valid",
                "net-ecs-agent",
                "policy",
                json.dumps(
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": ["ecs:CreateCluster"],
                                "Resource": "*",
                            },
                            agent_statement("ecs:Poll"),
                        ]
                    }
                ),
            )
        },
    ),
}

# fixture -> (region, policy config, the mandatory verdicts that stay, with the first words of a message)
STAYS_MANDATORY: dict[str, tuple[str, dict[str, Any], set[str], str]] = {
    # An explicit privateDnsEnabled=False is a decision (a hub, or C15): not overruled.
    "component_shape_private_dns_off": (
        REGION,
        NO_POLICY_ADVISORY,
        {"endpoint-private-dns"},
        "Enable private DNS on VPC endpoint 'ecr.api' (C4)",
    ),
    "c4_vpc_dns_support_off": (
        REGION,
        NO_POLICY_ADVISORY,
        {"vpc-dns-enabled"},
        "Set enableDnsSupport=True on VPC",
    ),
    # Interface now, but the endpoint has no security group: the pack does not invent one (C5).
    "ecs_endpoint_gateway_type": (
        REGION,
        NO_POLICY_ADVISORY,
        {"endpoint-security-group-https"},
        "Attach a security group that allows inbound TCP 443",
    ),
    # The copied endpoints, renamed for ca-west-1, duplicate the stack's own trio: C15 stops the deploy.
    "c3_copied_template": (
        "ca-west-1",
        NO_POLICY_ADVISORY,
        {"no-duplicate-private-dns-endpoints"},
        "Delete VPC endpoint 'net-us-east-1-ecs-agent' or turn off its private DNS (C15)",
    ),
    # A missing endpoint is not created by a remediation.
    "c1_ec2_without_ecs_endpoints": (
        REGION,
        NO_POLICY_ADVISORY,
        {"ecs-endpoints-for-ec2"},
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.ecs-agent",
    ),
}


@pytest.fixture(scope="module")
def packs() -> Iterator[dict[str, AnalyzerClient]]:
    processes: dict[str, Any] = {}
    clients: dict[str, AnalyzerClient] = {}
    try:
        for region in (REGION, "ca-west-1"):
            processes[region] = PolicyPackProcess(
                PACK_DIR, project=PROJECT, stack=STACK, config={"aws:region": region}
            )
            clients[region] = processes[region].__enter__()
        yield clients
    finally:
        for process in processes.values():
            process.__exit__(None, None, None)


def preview(fixture: str, region: str, config: dict[str, Any], packs: dict[str, AnalyzerClient]) -> Any:
    recording = run_program(
        PROGRAMS / fixture, project=PROJECT, stack=STACK, config={"aws:region": region}, preview=True
    )
    return analyze_and_remediate(packs[region], recording, policy_config=config)


@pytest.mark.parametrize("fixture", REMEDIABLE_FIXTURES)
def test_a_remediable_bad_fixture_previews_without_mandatory_violations(fixture: str, packs):
    region, config, expected = REMEDIABLE_FIXTURES[fixture]

    analysis = preview(fixture, region, config, packs)

    details = "\n".join(f"{d.enforcement_level} {d.policy_name}: {d.message}" for d in analysis.diagnostics)
    assert [d for d in analysis.diagnostics if d.enforcement_level == "mandatory"] == [], details
    remediated = {
        (r.policy_name, r.urn.rsplit("::", 1)[-1], r.property, r.new) for r in analysis.remediations
    }
    assert remediated == expected
    by_urn = {resource.urn: resource for resource in analysis.recording.resources}
    for r in analysis.remediations:
        assert by_urn[r.urn].inputs[r.property] == r.new  # what AnalyzeStack saw and `up` creates


@pytest.mark.parametrize("fixture", STAYS_MANDATORY)
def test_a_violation_no_remediation_can_fix_stays_mandatory(fixture: str, packs):
    region, config, policies, message = STAYS_MANDATORY[fixture]

    analysis = preview(fixture, region, config, packs)

    mandatory = [d for d in analysis.diagnostics if d.enforcement_level == "mandatory"]
    assert {d.policy_name for d in mandatory} == policies
    assert any(d.message.split("\n")[-1].startswith(message) for d in mandatory), [
        d.message for d in mandatory
    ]


# --- the CLI: preview text, --json, up into moto ---------------------------------------------------

NET = "urn:pulumi:dev::sandbox-remediable::pulumi:pulumi:Stack$aws:ec2/vpc:Vpc::net"
LOGS = "urn:pulumi:dev::sandbox-remediable::pulumi:pulumi:Stack$aws:ec2/vpcEndpoint:VpcEndpoint::net-logs"
CLI_REMEDIATIONS: list[dict[str, Any]] = [
    {"policyName": "vpc-dns-enabled", "urn": NET, "property": "enableDnsHostnames", "old": None, "new": True},
    {
        "policyName": "ecs-endpoints-are-interface",
        "urn": LOGS,
        "property": "vpcEndpointType",
        "old": None,
        "new": "Interface",
    },
    {
        "policyName": "endpoint-private-dns",
        "urn": LOGS,
        "property": "privateDnsEnabled",
        "old": None,
        "new": True,
    },
]


@pytest.fixture
def all_remediate(tmp_path: Path) -> Path:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(ALL_REMEDIATE))
    return path


def test_preview_lists_each_remediation_under_the_pack(all_remediate: Path):
    code, text = run_cli(
        "preview", "--program", REMEDIABLE, "--stack", "dev", "--policy-pack-config", all_remediate
    )

    assert code == 0, text
    section = text[text.index("Policies:") : text.index("Outputs:")]
    assert section.endswith(
        "        - [remediate]  vpc-dns-enabled  (aws:ec2:Vpc: net)\n"
        "          enableDnsHostnames: (not set) → true\n"
        "        - [remediate]  ecs-endpoints-are-interface  (aws:ec2:VpcEndpoint: net-logs)\n"
        '          vpcEndpointType: (not set) → "Interface"\n'
        "        - [remediate]  endpoint-private-dns  (aws:ec2:VpcEndpoint: net-logs)\n"
        "          privateDnsEnabled: (not set) → true\n\n"
    )


def test_preview_json_carries_the_remediations(all_remediate: Path):
    code, result = run_cli_json(
        "preview", "--program", REMEDIABLE, "--stack", "dev", "--policy-pack-config", all_remediate
    )

    assert (code, result["mandatoryViolations"]) == (0, 0)
    assert result["remediations"] == [{"policyPackName": PACK, **r} for r in CLI_REMEDIATIONS]
    [logs] = [r for r in result["plan"]["resources"] if r["urn"] == LOGS]
    assert (logs["inputs"]["vpcEndpointType"], logs["inputs"]["privateDnsEnabled"]) == ("Interface", True)


def test_without_remediate_the_same_program_is_refused():
    code, result = run_cli_json("preview", "--program", REMEDIABLE, "--stack", "dev")

    assert (code, result["remediations"]) == (1, [])
    assert {d["policyName"] for d in result["diagnostics"] if d["enforcementLevel"] == "mandatory"} == {
        "ecs-endpoints-are-interface"
    }


@pytest.fixture
def aws() -> Iterator[None]:
    yield from moto_for_module()


def test_up_creates_the_remediated_resources_in_moto(aws, all_remediate: Path):
    code, result = run_cli_json(
        "up", "--program", REMEDIABLE, "--stack", "dev", "--policy-pack-config", all_remediate
    )

    assert code == 0, result.get("message")
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc_id = result["deploy"]["outputs"]["vpcId"]
    hostnames = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
    assert hostnames["EnableDnsHostnames"]["Value"] is True
    [created] = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    assert (created["ServiceName"], created["VpcEndpointType"], created["PrivateDnsEnabled"]) == (
        f"com.amazonaws.{REGION}.logs",
        "Interface",
        True,
    )
    assert result["verify"]["passed"] is True
