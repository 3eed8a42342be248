"""provider/: the components as a multi-language component package, started as the CLI starts a plugin
(its folder run by Python with the engine's address; the port on the first stdout line), asked for
its schema over gRPC, and asked to construct a component against the sandbox's resource monitor."""

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from ecs_privatelink import __version__
from ecs_privatelink.capacity import ENDPOINT_SET_TAG
from ecs_privatelink.config import NAMESPACE, parse_config
from ecs_privatelink.hardening import HARDENING_DEFAULTS
from ecs_privatelink.workload import ecs_workload_args, workload_settings
from ecs_privatelink.workload_config import WORKLOAD_DEFAULTS
from sandbox.engine.awsdata import AwsData
from sandbox.engine.monitor import EngineState, serving
from sandbox.stackconfig import load_stack_config

REPO = Path(__file__).resolve().parent.parent
PROVIDER_DIR = REPO / "provider"
# {region}: the stack's (ARNs must be in it).
KMS_KEY_ARN = "arn:aws:kms:{region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET_ARN = "arn:aws:secretsmanager:{region}:123456789012:secret:api-key-AbCdEf"
TOKENS = {
    "ecs-privatelink:index:EcsWorkload",
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


def test_the_schema_names_the_package_and_its_four_components(schema):
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
    assert sorted(endpoints["properties"]) == [
        "endpointIds",
        "endpointSetDigest",
        "securityGroupId",
        "serviceNames",
    ]
    assert endpoints["properties"]["endpointIds"]["additionalProperties"]["type"] == "string"


def construct(
    type_: str, name: str, values: dict[str, Any], dependencies: dict[str, list[str]] | None = None
) -> tuple[EngineState, Any]:
    """One Construct call of the plugin against the sandbox engine: its state and the response.

    ``dependencies``: URNs an input comes from (another resource's output), as the CLI sends them."""
    state = EngineState(
        project="consumer", stack="dev", aws=AwsData(default_region="us-east-1"), preview=False, seed=1
    )
    inputs = struct_pb2.Struct()
    inputs.update(values)
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
                type=type_,
                name=name,
                inputs=inputs,
                inputDependencies={
                    key: provider_pb2.ConstructRequest.PropertyDependencies(urns=urns)
                    for key, urns in (dependencies or {}).items()
                },
            ),
            timeout=120,
        )
    return state, response


def test_construct_builds_the_component_through_the_engine_and_returns_its_outputs():
    state, response = construct(
        "ecs-privatelink:index:PrivateEcsVpc",
        "core",
        {"vpcCidr": "10.8.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"]},
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


def test_the_workload_component_takes_inputs_for_the_network_and_plain_values_for_its_resources(schema):
    workload = schema["resources"]["ecs-privatelink:index:EcsWorkload"]
    inputs = workload["inputProperties"]
    assert sorted(workload["requiredInputs"]) == [
        "accountId",
        "endpointIds",
        "endpointSecurityGroupId",
        "family",
        "subnetIds",
        "vpcId",
    ]
    # Inputs (another component's or a StackReference's outputs work): the network and its endpoints.
    wired = {"vpcId", "subnetIds", "endpointSecurityGroupId", "endpointIds", "endpointSetDigest"}
    for name in wired:
        assert "plain" not in inputs[name], name
    # Plain: they decide which resources exist, and are checked as the stack's configuration is.
    plain = sorted(name for name, spec in inputs.items() if spec.get("plain"))
    assert plain == sorted(set(inputs) - wired)
    assert {
        name: inputs[name]["type"] for name in ("cpu", "desiredCount", "serviceConnect", "launchType")
    } == {
        "cpu": "integer",
        "desiredCount": "integer",
        "serviceConnect": "boolean",
        "launchType": "string",
    }
    assert inputs["secrets"]["additionalProperties"]["type"] == "string"
    assert inputs["endpointIds"]["additionalProperties"]["type"] == "string"
    assert sorted(workload["properties"]) == [
        "clusterName",
        "repositoryUrl",
        "securityGroupId",
        "serviceName",
        "taskDefinitionArn",
    ]


def test_every_stack_config_key_of_the_workload_is_an_input_of_the_component(schema):
    inputs = schema["resources"]["ecs-privatelink:index:EcsWorkload"]["inputProperties"]
    assert set(WORKLOAD_DEFAULTS) <= set(inputs)
    assert set(HARDENING_DEFAULTS) - {"flowLogs", "flowLogRetentionDays"} <= set(inputs)


ENDPOINT_IDS = {
    "ecr.api": "vpce-0aaaaaaaaaaaaaaa1",
    "ecr.dkr": "vpce-0aaaaaaaaaaaaaaa2",
    "logs": "vpce-0aaaaaaaaaaaaaaa3",
    "s3": "vpce-0aaaaaaaaaaaaaaa4",
}
WORKLOAD_INPUTS = {
    "accountId": "123456789012",
    "family": "shop",
    "vpcId": "vpc-0123456789abcdef0",
    "subnetIds": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    "endpointSecurityGroupId": "sg-0aaaaaaaaaaaaaaa1",
    "endpointIds": ENDPOINT_IDS,
    "cpu": 512,
    "memory": 1024,
    "desiredCount": 3,
}


def test_construct_builds_the_workload_from_another_programs_values():
    state, response = construct("ecs-privatelink:index:EcsWorkload", "app", WORKLOAD_INPUTS)

    assert state.engine_errors == []
    assert response.urn == "urn:pulumi:dev::consumer::ecs-privatelink:index:EcsWorkload::app"
    by_name = {r.name: r for r in state.resources}
    assert by_name["app-service"].parent == response.urn
    task = by_name["app-task"].inputs
    assert (task["family"], task["cpu"], task["memory"]) == ("shop", "512", "1024")
    assert by_name["app-service"].inputs["desiredCount"] == 3
    assert by_name["app-service"].inputs["launchType"] == "FARGATE"
    policy = json.loads(by_name["app-execution-policy"].inputs["policy"])
    pull = [s for s in policy["Statement"] if "ecr:BatchGetImage" in s["Action"]]
    assert pull[0]["Condition"]["StringEquals"]["aws:SourceVpce"] == [
        ENDPOINT_IDS["ecr.api"],
        ENDPOINT_IDS["ecr.dkr"],
    ]
    outputs = json_format.MessageToDict(response.state)
    assert outputs["serviceName"] == "shop"
    assert outputs["clusterName"] == "shop"
    assert outputs["securityGroupId"] == by_name["app-service-sg"].id
    assert outputs["repositoryUrl"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop"


def test_the_workload_starts_after_the_endpoints_its_ids_come_from():
    """endpointIds from another resource (PrivateLinkEndpoints' output): the SDK hands it over as an
    Output, the service and the execution policy depend on where it came from."""
    endpoints_urn = "urn:pulumi:dev::consumer::ecs-privatelink:index:PrivateLinkEndpoints::core"
    state, _ = construct(
        "ecs-privatelink:index:EcsWorkload", "app", WORKLOAD_INPUTS, {"endpointIds": [endpoints_urn]}
    )

    assert state.engine_errors == []
    by_name = {r.name: r for r in state.resources}
    assert endpoints_urn in by_name["app-service"].dependencies
    assert endpoints_urn in by_name["app-execution-policy"].property_dependencies["policy"]
    policy = json.loads(by_name["app-execution-policy"].inputs["policy"])
    pull = [s for s in policy["Statement"] if "ecr:BatchGetImage" in s["Action"]]
    assert pull[0]["Condition"]["StringEquals"]["aws:SourceVpce"] == [
        ENDPOINT_IDS["ecr.api"],
        ENDPOINT_IDS["ecr.dkr"],
    ]


def test_an_ec2_workload_takes_its_subnets_from_another_resource():
    """subnetIds from another component's output arrive as one Output of a list: the container
    instances' Auto Scaling group takes it whole."""
    network_urn = "urn:pulumi:dev::consumer::ecs-privatelink:index:PrivateNetwork::core"
    trio = {
        "ecs": "vpce-0aaaaaaaaaaaaaab1",
        "ecs-agent": "vpce-0aaaaaaaaaaaaaab2",
        "ecs-telemetry": "vpce-0aaaaaaaaaaaaaab3",
    }
    endpoints_urn = "urn:pulumi:dev::consumer::ecs-privatelink:index:PrivateLinkEndpoints::core"
    inputs = {
        **WORKLOAD_INPUTS,
        "launchType": "EC2",
        "endpointIds": {**ENDPOINT_IDS, **trio},
        "endpointSetDigest": "0123456789abcdef",
    }
    state, _ = construct(
        "ecs-privatelink:index:EcsWorkload",
        "app",
        inputs,
        {"subnetIds": [network_urn], "endpointSetDigest": [endpoints_urn]},
    )

    assert state.engine_errors == []
    group = next(r for r in state.resources if r.type == "aws:autoscaling/group:Group")
    assert group.inputs["vpcZoneIdentifiers"] == WORKLOAD_INPUTS["subnetIds"]
    assert network_urn in group.property_dependencies["vpcZoneIdentifiers"]
    template = next(r for r in state.resources if r.type == "aws:ec2/launchTemplate:LaunchTemplate")
    assert template.inputs["tags"][ENDPOINT_SET_TAG] == "0123456789abcdef"
    assert "# endpoint set 0123456789abcdef:" in base64.b64decode(template.inputs["userData"]).decode()


@pytest.mark.parametrize(
    "dependencies",
    [{}, {"endpointIds": ["urn:pulumi:dev::consumer::ecs-privatelink:index:PrivateLinkEndpoints::core"]}],
    ids=["known", "output"],  # checked before any resource; checked once the Output resolves
)
def test_construct_refuses_a_workload_whose_endpoints_miss_one_it_needs(dependencies):
    inputs = {**WORKLOAD_INPUTS, "endpointIds": {k: v for k, v in ENDPOINT_IDS.items() if k != "logs"}}
    with pytest.raises(grpc.RpcError) as raised:
        construct("ecs-privatelink:index:EcsWorkload", "app", inputs, dependencies)

    assert "The workload needs the endpoints logs, which are not planned." in raised.value.details()


def test_construct_refuses_a_bad_value_with_the_stack_configs_message():
    with pytest.raises(grpc.RpcError) as raised:
        construct("ecs-privatelink:index:EcsWorkload", "app", {**WORKLOAD_INPUTS, "memory": 600})

    assert (
        "Invalid ecs-privatelink:memory 600: with cpu 512 Fargate allows 1024, 2048, 3072, 4096 MiB."
        in raised.value.details()
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"launchType": "EC2", "serviceConnect": "true", "containerUser": "", "ecrKeepImages": "0"},
        {
            "image": "nginx:1.27",
            "secrets": json.dumps({"DB_PASSWORD": None, "API_KEY": SECRET_ARN + ":password::"}),
            "secretsKmsKeyArn": KMS_KEY_ARN,
            "logKmsKeyArn": KMS_KEY_ARN,
            "ecrKmsKeyArn": KMS_KEY_ARN,
            "protect": "true",
        },
    ],
)
def test_the_programs_arguments_give_back_its_validated_configuration(stack, overrides):
    config = load_stack_config(REPO, stack).config
    prefix = f"{NAMESPACE}:"
    raw = {key.removeprefix(prefix): value for key, value in config.items() if key.startswith(prefix)}
    region = config["aws:region"]
    in_region = {key: value.replace("{region}", region) for key, value in overrides.items()}
    stack_config = parse_config(region, {**raw, "workload": "true", **in_region})
    assert stack_config.workload_config is not None
    args = ecs_workload_args(
        stack_config.workload_config,
        stack_config.hardening,
        launch_type=stack_config.launch_type,
        region=stack_config.region,
        account_id="123456789012",
        family="shop",
        vpc_id="vpc-1",
        subnet_ids=["subnet-1"],
        endpoint_security_group_id="sg-1",
        endpoint_ids={},
        endpoint_set_digest="0123456789abcdef",
    )

    settings = workload_settings(args, None)

    assert settings.config == stack_config.workload_config
    hardening = replace(
        stack_config.hardening,
        flow_logs=settings.hardening.flow_logs,
        flow_log_retention_days=settings.hardening.flow_log_retention_days,
    )  # the network's keys: not the workload's
    assert settings.hardening == hardening
    assert (settings.launch_type, settings.region, settings.partition) == (
        stack_config.launch_type,
        stack_config.region,
        stack_config.partition,
    )
