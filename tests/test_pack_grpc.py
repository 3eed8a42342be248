"""The policy pack through its real gRPC Analyzer interface, started as the Pulumi CLI starts it.

One pack process serves the module (each start costs about half a second); the tests that need a
process of their own (start failures, process lifetime) start one each.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pulumi_policy.version
import pytest
import yaml
from pulumi.output import Unknown

from sandbox.analyzer import (
    AnalyzerClient,
    AnalyzerInfo,
    Diagnostic,
    PolicyConfigError,
    PolicyInfo,
    PolicyPackProcess,
    PolicyPackStartError,
    StackContext,
    analyze_request,
    analyze_stack_request,
    reconcile_policy_config,
    to_struct,
    to_wire,
)
from sandbox.engine.program import RecordedResource, Recording, run_program
from sandbox.sdk_private import UNKNOWN_SENTINEL
from tests.corpus import ADVISORY_POLICIES, MANDATORY_POLICIES, PACK_DIR
from tests.test_fixture_corpus import PROGRAMS

PROJECT, STACK, REGION = "grpc", "test", "us-east-1"
# The fixtures' endpoints have no endpoint policy, so every stack analysis also says so (C12).
OPEN_ENDPOINTS = ("endpoint-policy-valid", "advisory")
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def record(fixture: str, *, preview: bool = True, region: str = REGION) -> Recording:
    return run_program(
        PROGRAMS / fixture, project=PROJECT, stack=STACK, config={"aws:region": region}, preview=preview
    )


def named(recording: Recording, type_: str, name: str) -> RecordedResource:
    [resource] = [r for r in recording.resources if r.type == type_ and r.name == name]
    return resource


def levels(diagnostics: list[Diagnostic]) -> set[tuple[str, str]]:
    return {(d.policy_name, d.enforcement_level) for d in diagnostics}


@pytest.fixture(scope="module")
def client() -> Iterator[AnalyzerClient]:
    with PolicyPackProcess(PACK_DIR, project=PROJECT, stack=STACK, config={"aws:region": REGION}) as running:
        running.configure_stack(project=PROJECT, stack=STACK, config={"aws:region": REGION})
        running.configure({})
        yield running


@pytest.fixture
def configured(client: AnalyzerClient) -> Iterator[AnalyzerClient]:
    """The shared client; its policy config is back to the defaults after the test."""
    yield client
    client.configure({})


@pytest.fixture(scope="module")
def gateway_typed() -> Recording:
    """An ecs-agent endpoint left at Pulumi's default type, Gateway: a resource policy's finding."""
    return record("ecs_endpoint_gateway_type")


# --- metadata -----------------------------------------------------------------------------------


def test_analyzer_info_lists_every_policy_with_its_default_level(client: AnalyzerClient) -> None:
    info = client.analyzer_info()
    assert info.name == "ecs-privatelink"
    # As the CLI does, the version comes from PulumiPolicy.yaml, not from the pack's "0.0.1".
    assert info.version == str(yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())["version"])
    assert info.supports_config
    expected = {name: "mandatory" for name in MANDATORY_POLICIES} | {
        name: "advisory" for name in ADVISORY_POLICIES
    }
    assert {policy.name: policy.enforcement_level for policy in info.policies} == expected


def test_plugin_info_is_the_policy_sdk_version(client: AnalyzerClient) -> None:
    assert client.plugin_info() == pulumi_policy.version.VERSION


# --- Analyze and AnalyzeStack ---------------------------------------------------------------------


def test_analyze_flags_an_ecs_endpoint_of_gateway_type(
    client: AnalyzerClient, gateway_typed: Recording
) -> None:
    endpoint = named(gateway_typed, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-ecs-agent")
    diagnostics = client.analyze(endpoint, gateway_typed.resources)
    assert levels(diagnostics) == {("ecs-endpoints-are-interface", "mandatory")}
    assert {d.urn for d in diagnostics} == {endpoint.urn}
    assert {(d.policy_pack_name, d.policy_pack_version) for d in diagnostics} == {
        ("ecs-privatelink", client.analyzer_info().version)
    }


def test_analyze_passes_an_interface_endpoint(client: AnalyzerClient) -> None:
    recording = record("network_only")
    endpoint = named(recording, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-logs")
    assert client.analyze(endpoint, recording.resources) == []


def test_analyze_stack_flags_ec2_without_the_ecs_trio(client: AnalyzerClient) -> None:
    recording = record("c1_ec2_without_ecs_endpoints")
    client.configure_stack(
        project=PROJECT, stack=STACK, config={"aws:region": REGION}, tags={"team": "platform"}
    )
    diagnostics = client.analyze_stack(recording.resources)
    assert levels(diagnostics) == {("ecs-endpoints-for-ec2", "mandatory"), OPEN_ENDPOINTS}
    stack_urns = {r.urn for r in recording.resources} | {client.context.stack_urn}
    assert {d.urn for d in diagnostics} <= stack_urns


# --- Configure ----------------------------------------------------------------------------------


def test_configure_disabled_removes_the_policy(configured: AnalyzerClient, gateway_typed: Recording) -> None:
    endpoint = named(gateway_typed, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-ecs-agent")
    configured.configure({"ecs-endpoints-are-interface": "disabled"})
    assert configured.analyze(endpoint, gateway_typed.resources) == []


def test_configure_level_override_is_reported(configured: AnalyzerClient, gateway_typed: Recording) -> None:
    endpoint = named(gateway_typed, "aws:ec2/vpcEndpoint:VpcEndpoint", "net-ecs-agent")
    configured.configure({"ecs-endpoints-are-interface": {"enforcementLevel": "advisory"}})
    assert levels(configured.analyze(endpoint, gateway_typed.resources)) == {
        ("ecs-endpoints-are-interface", "advisory")
    }


def test_configure_all_then_one_policy(configured: AnalyzerClient) -> None:
    recording = record("c1_ec2_without_ecs_endpoints")
    configured.configure({"all": "advisory", "ecs-endpoints-for-ec2": "mandatory"})
    assert levels(configured.analyze_stack(recording.resources)) == {
        ("ecs-endpoints-for-ec2", "mandatory"),
        OPEN_ENDPOINTS,
    }
    configured.configure({"all": "disabled"})
    assert configured.analyze_stack(recording.resources) == []


def test_configure_properties_reach_the_policy(configured: AnalyzerClient) -> None:
    recording = record("network_only")
    assert levels(configured.analyze_stack(recording.resources)) == {OPEN_ENDPOINTS}
    configured.configure({"ecs-endpoints-for-ec2": {"launchType": "EC2"}})
    assert levels(configured.analyze_stack(recording.resources)) == {
        ("ecs-endpoints-for-ec2", "mandatory"),
        OPEN_ENDPOINTS,
    }


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        ({"endpoint-private-dns": "strict"}, "'strict' is not a valid enforcement level"),
        ({"no-such-policy": "advisory"}, "no policies named no-such-policy"),
        (
            {"ecs-endpoints-for-ec2": {"launchType": "LAMBDA"}},
            "ecs-endpoints-for-ec2: 'LAMBDA' is not one of",
        ),
        ({"ecs-endpoints-for-ec2": 3}, "must be a string or an object"),
        (
            {"ecs-agent-version": {"minimumAgentVerison": "1.80.0"}},
            "ecs-agent-version: no property 'minimumAgentVerison'; did you mean 'minimumAgentVersion'? "
            "(its properties: minimumAgentVersion)",
        ),
        (
            {"endpoint-private-dns": {"minimumAgentVersion": "1.80.0"}},
            "endpoint-private-dns: no property 'minimumAgentVersion' (its properties: launchType, region)",
        ),
        (
            {"all": {"enforcementLevel": "advisory", "region": "us-east-1"}},
            "all: takes an enforcement level only",
        ),
        (
            {"endpoint-private-dns": {"region": "mars-1"}},
            "endpoint-private-dns: 'mars-1' does not match '^[a-z]{2,4}(?:-[a-z]+)+-[0-9]+$'",
        ),
        (
            {"ecs-agent-version": {"minimumAgentVersion": "1.80.0\n"}},
            "ecs-agent-version.minimumAgentVersion: '1.80.0\\n' has a control character (U+000A)",
        ),
        ({"endpoint-private-dns": "x" * 500}, "endpoint-private-dns: '" + "x" * 78 + "… is not a valid"),
    ],
)
def test_configure_rejects_invalid_config(configured: AnalyzerClient, config: dict, complaint: str) -> None:
    with pytest.raises(PolicyConfigError, match=re.escape(complaint)):
        configured.configure(config)


# --- the pack process ---------------------------------------------------------------------------


def test_process_is_gone_after_the_context_exits() -> None:
    process = PolicyPackProcess(PACK_DIR, project=PROJECT, stack=STACK, config={"aws:region": REGION})
    with process as running:
        assert running.plugin_info()
        assert process.process is not None
        pid = process.process.pid
        assert process.process.poll() is None
    assert process.process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def broken_pack(folder: Path, program: str) -> Path:
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (folder / "__main__.py").write_text(program)
    return folder


def test_a_folder_without_pulumipolicy_yaml_is_not_a_pack(tmp_path: Path) -> None:
    (tmp_path / "__main__.py").write_text("raise SystemExit(3)\n")
    process = PolicyPackProcess(tmp_path, project=PROJECT, stack=STACK, config={})
    with pytest.raises(PolicyPackStartError, match=r"PulumiPolicy\.yaml"), process:
        pytest.fail("a folder without PulumiPolicy.yaml cannot start")
    assert process.process is None


def test_a_pack_that_fails_to_start_reports_its_stderr(tmp_path: Path) -> None:
    broken_pack(tmp_path, 'raise RuntimeError("the policies module is missing")\n')
    process = PolicyPackProcess(tmp_path, project=PROJECT, stack=STACK, config={})
    with (
        pytest.raises(PolicyPackStartError, match=r"(?s)exited before printing its port.*module is missing"),
        process,
    ):
        pytest.fail("a pack that raises at import cannot start")
    assert process.process is not None and process.process.poll() is not None


def test_a_silent_pack_times_out_and_is_killed(tmp_path: Path) -> None:
    broken_pack(tmp_path, "import sys, time\nprint('loading', file=sys.stderr)\ntime.sleep(600)\n")
    process = PolicyPackProcess(tmp_path, project=PROJECT, stack=STACK, config={}, start_timeout=2)
    with pytest.raises(PolicyPackStartError, match=r"(?s)printed no port within 2 s.*loading"), process:
        pytest.fail("a pack that prints no port cannot start")
    assert process.process is not None and process.process.poll() is not None


# --- requests as the CLI builds them (no process) -------------------------------------------------

CONTEXT = StackContext(
    PROJECT, STACK, {"aws:region": "ca-west-1", "aws:skipMetadataApiCheck": "true", "x:y": "z"}
)


def resource(
    name: str, *, type_: str = "aws:ec2/vpcEndpoint:VpcEndpoint", custom: bool = True, **fields
) -> RecordedResource:
    values = dict(
        urn=f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}",
        type=type_,
        name=name,
        custom=custom,
        parent=CONTEXT.stack_urn,
        provider="",
        dependencies=[],
        property_dependencies={},
        inputs={},
    )
    values.update(fields)
    return RecordedResource(**values)  # type: ignore[arg-type]


def test_unknowns_become_the_engine_sentinel_and_secrets_keep_their_signature() -> None:
    value = {"a": Unknown(), "b": [1.0, Unknown(), {"c": Unknown()}], "s": {**SECRET_SIG, "value": Unknown()}}
    assert to_wire(value) == {
        "a": UNKNOWN_SENTINEL,
        "b": [1.0, UNKNOWN_SENTINEL, {"c": UNKNOWN_SENTINEL}],
        "s": {**SECRET_SIG, "value": UNKNOWN_SENTINEL},
    }
    assert to_struct({"x": Unknown()})["x"] == UNKNOWN_SENTINEL


def test_a_resource_without_provider_gets_the_default_provider_from_config() -> None:
    endpoint = resource("ep", inputs={"serviceName": "com.amazonaws.ca-west-1.logs"})
    request = analyze_request(endpoint, [endpoint], CONTEXT)
    assert request.provider.type == "pulumi:providers:aws"
    assert request.provider.name == "default_7_51_1"  # the CLI's name: default_<plugin version>
    assert request.provider.urn == f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::default_7_51_1"
    assert dict(request.provider.properties) == {"region": "ca-west-1", "skipMetadataApiCheck": "true"}
    assert request.options.parent == CONTEXT.stack_urn
    assert dict(request.properties) == {"serviceName": "com.amazonaws.ca-west-1.logs"}


def test_an_explicit_provider_reference_resolves_to_the_provider_resource() -> None:
    provider = resource("west", type_="pulumi:providers:aws", inputs={"region": "us-west-2"})
    endpoint = resource("ep", provider=f"{provider.urn}::{UNKNOWN_SENTINEL}")
    request = analyze_request(endpoint, [provider, endpoint], CONTEXT)
    assert (request.provider.urn, request.provider.name) == (provider.urn, "west")
    assert dict(request.provider.properties) == {"region": "us-west-2"}
    with pytest.raises(LookupError, match="does not hold"):
        analyze_request(endpoint, [endpoint], CONTEXT)


def test_components_and_providers_have_no_provider() -> None:
    component = resource("net", type_="corp:network:PrivateLink", custom=False)
    provider = resource("west", type_="pulumi:providers:aws")
    assert not analyze_request(component, [component], CONTEXT).HasField("provider")
    assert not analyze_request(provider, [provider], CONTEXT).HasField("provider")


def test_analyze_stack_request_holds_what_the_engine_registered() -> None:
    vpc = resource(
        "vpc", type_="aws:ec2/vpc:Vpc", inputs={"cidrBlock": "10.0.0.0/16"}, outputs={"id": "vpc-1"}
    )
    endpoint = resource(
        "ep",
        dependencies=[vpc.urn],
        property_dependencies={"vpcId": [vpc.urn], "serviceName": []},
        inputs={"vpcId": Unknown()},
        outputs={"vpcId": "vpc-1"},
    )
    request = analyze_stack_request([vpc, endpoint], CONTEXT)
    assert [r.type for r in request.resources] == [
        "pulumi:pulumi:Stack",
        "pulumi:providers:aws",
        "aws:ec2/vpc:Vpc",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
    ]
    sent = request.resources[3]
    assert dict(sent.properties) == {"vpcId": "vpc-1"}  # outputs, as after the step
    assert list(sent.dependencies) == [vpc.urn]
    assert {key: list(deps.urns) for key, deps in sent.propertyDependencies.items()} == {"vpcId": [vpc.urn]}
    assert sent.parent == CONTEXT.stack_urn
    assert sent.provider.name == "default_7_51_1"


def pack_info() -> AnalyzerInfo:
    schema = {"properties": {"limit": {"type": "number", "default": 3}, "mode": {"type": "string"}}}
    return AnalyzerInfo(
        name="pack",
        version="1.0.0",
        policies=[
            PolicyInfo("a", "mandatory", "A", config_schema=schema),
            PolicyInfo("b", "advisory", "B"),
        ],
        supports_config=True,
        initial_config={"b": {"enforcementLevel": "mandatory"}},
    )


def test_reconcile_layers_defaults_initial_config_and_user_config() -> None:
    assert reconcile_policy_config(pack_info(), {}) == {
        "a": ("mandatory", {"limit": 3}),
        "b": ("mandatory", {}),
    }
    assert reconcile_policy_config(pack_info(), {"all": "advisory", "a": {"mode": "x", "limit": 5}}) == {
        "a": ("advisory", {"limit": 5, "mode": "x"}),
        "b": ("advisory", {}),
    }
    with pytest.raises(PolicyConfigError, match="a: 'five' is not of type 'number'"):
        reconcile_policy_config(pack_info(), {"a": {"limit": "five"}})
