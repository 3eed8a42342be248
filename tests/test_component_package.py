"""provider/: the components as a multi-language component package, started as the CLI starts a plugin
(its folder run by Python with the engine's address; the port on the first stdout line), asked for
its schema over gRPC, and asked to construct a component against the sandbox's resource monitor."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from ecs_privatelink import __version__
from sandbox.engine.awsdata import AwsData
from sandbox.engine.monitor import EngineState, serving

REPO = Path(__file__).resolve().parent.parent
PROVIDER_DIR = REPO / "provider"
TOKENS = {
    "ecs-privatelink:index:PrivateLinkEndpoints",
    "ecs-privatelink:index:PrivateEcsVpc",
    "ecs-privatelink:index:PrivateNetwork",
}


@contextmanager
def plugin(engine: str) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """The plugin process, as the CLI starts it, and a client of its gRPC server."""
    # The plugin's venv would hold the package; here the repository root stands in for it.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-u", str(PROVIDER_DIR), engine],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=PROVIDER_DIR,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        port = process.stdout.readline().decode().strip()
        assert port.isdigit(), process.stderr.read().decode()
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield provider_pb2_grpc.ResourceProviderStub(channel)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    with plugin("127.0.0.1:1") as stub:  # no engine: GetSchema needs none
        return json.loads(stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60).schema)


def test_the_plugin_is_a_python_component_package():
    plugin = yaml.safe_load((PROVIDER_DIR / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    assert (PROVIDER_DIR / "requirements.txt").read_text().splitlines()[-1] == ".."  # the package itself


def test_the_schema_names_the_package_and_its_three_components(schema):
    assert (schema["name"], schema["version"]) == ("ecs-privatelink", __version__)
    assert set(schema["resources"]) == TOKENS
    for token, resource in schema["resources"].items():
        assert resource["isComponent"] is True, token
        assert resource["description"], token


def test_every_input_and_output_is_typed_and_described(schema):
    for token, resource in schema["resources"].items():
        for kind in ("inputProperties", "properties"):
            for name, spec in resource[kind].items():
                assert spec.get("type") or spec.get("$ref"), (token, kind, name)
                assert spec.get("description"), (token, kind, name)


def test_the_endpoints_component_takes_inputs_for_the_network_and_plain_values_for_the_plan(schema):
    endpoints = schema["resources"]["ecs-privatelink:index:PrivateLinkEndpoints"]
    inputs = endpoints["inputProperties"]
    assert sorted(endpoints["requiredInputs"]) == ["subnetIds", "vpcId"]
    # Inputs (a StackReference's outputs work): the network and who may reach the endpoints.
    for name in ("vpcId", "subnetIds", "routeTableIds", "ingressCidrs", "securityGroupId", "tags"):
        assert "plain" not in inputs[name], name
    # Plain: they decide which resources exist.
    for name in ("launchType", "privateEcrImages", "services", "extraServices", "subnetZones"):
        assert inputs[name]["plain"] is True, name
    assert inputs["subnetIds"]["type"] == "array"
    assert inputs["subnetIds"]["items"]["type"] == "string"
    assert sorted(endpoints["properties"]) == ["endpointIds", "securityGroupId", "serviceNames"]
    assert endpoints["properties"]["endpointIds"]["additionalProperties"]["type"] == "string"


def test_construct_builds_the_component_through_the_engine_and_returns_its_outputs():
    state = EngineState(
        project="consumer", stack="dev", aws=AwsData(default_region="us-east-1"), preview=False, seed=1
    )
    inputs = struct_pb2.Struct()
    inputs.update({"vpcCidr": "10.8.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"]})
    with serving(state) as address, plugin(address) as stub:
        response = stub.Construct(
            provider_pb2.ConstructRequest(
                project="consumer",
                stack="dev",
                organization="organization",
                dryRun=False,
                parallel=4,
                monitorEndpoint=address,
                config={"aws:region": "us-east-1"},
                type="ecs-privatelink:index:PrivateEcsVpc",
                name="core",
                inputs=inputs,
            ),
            timeout=120,
        )

    assert state.engine_errors == []
    assert response.urn == "urn:pulumi:dev::consumer::ecs-privatelink:index:PrivateEcsVpc::core"
    by_name = {r.name: r for r in state.resources}
    assert by_name["core-network"].parent == response.urn
    assert by_name["core-endpoints"].parent == response.urn
    assert sorted(r.name for r in state.resources if r.type == "aws:ec2/vpcEndpoint:VpcEndpoint") == [
        "core-endpoints-ecr-api",
        "core-endpoints-ecr-dkr",
        "core-endpoints-logs",
        "core-endpoints-s3",
    ]
    outputs = json_format.MessageToDict(response.state)
    assert outputs["vpcId"] == by_name["core-network-vpc"].id
    assert outputs["subnetIds"] == [
        by_name["core-network-subnet-us-east-1a"].id,
        by_name["core-network-subnet-us-east-1b"].id,
    ]
    assert sorted(outputs["endpointIds"]) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    assert outputs["securityGroupId"] == by_name["core-endpoints-sg"].id
