"""The architecture picture's model is built from the recorded resources (no Graphviz needed here)."""

import base64
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from sandbox.engine.program import RecordedResource, Recording, run_program
from sandbox.stackconfig import load_stack_config
from sandbox.tools.diagram import (
    INGRESS_RULE,
    INTERNET_GATEWAY,
    SECURITY_GROUP,
    SUBNET,
    VPC_ENDPOINT,
    Kind,
    build_architecture,
    portable_svg,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
RAW_DIR = PROJECT_DIR / "tests" / "fixtures" / "sandbox" / "raw"


def record(program: Path, stack: str, *, preview: bool = False) -> Recording:
    config = load_stack_config(program, stack)
    return run_program(program, project=config.project, stack=stack, config=config.config, preview=preview)


def interface(r: RecordedResource) -> bool:
    return r.type == VPC_ENDPOINT and r.inputs.get("vpcEndpointType") == "Interface"


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("preview", [False, True])
def test_node_counts_match_the_recording(stack, preview):
    recording = record(PROJECT_DIR, stack, preview=preview)
    arch = build_architecture(recording)
    types = Counter(r.type for r in recording.resources)
    endpoints = recording.of_type(VPC_ENDPOINT)
    assert arch.count(Kind.VPC) == types["aws:ec2/vpc:Vpc"] == 1
    assert arch.count(Kind.SUBNET) == types[SUBNET] == {"dev": 2, "prod": 3}[stack]
    assert arch.count(Kind.ROUTE_TABLE) == types["aws:ec2/routeTable:RouteTable"]
    assert arch.count(Kind.SECURITY_GROUP) == types[SECURITY_GROUP]
    assert arch.count(Kind.INTERFACE_ENDPOINT) + arch.count(Kind.GATEWAY_ENDPOINT) == len(endpoints)
    assert arch.count(Kind.INTERFACE_ENDPOINT) == sum(1 for e in endpoints if interface(e))
    assert arch.count(Kind.GATEWAY_ENDPOINT) == 1
    # Every resource node is a recorded resource; only S3 and the Internet are not.
    urns = {r.urn for r in recording.resources}
    assert {n.key for n in arch.nodes if n.key not in urns} == {"external:s3", "external:internet"}


@pytest.mark.parametrize("preview", [False, True])
def test_one_box_per_az_and_the_endpoints_grouped_by_service_inside_their_security_group(preview):
    arch = build_architecture(record(PROJECT_DIR, "prod", preview=preview))
    subnets = [n for n in arch.nodes if n.kind is Kind.SUBNET]
    assert [n.groups[-1] for n in subnets] == ["AZ ca-west-1a", "AZ ca-west-1b", "AZ ca-west-1c"]
    endpoints = [n for n in arch.nodes if n.kind is Kind.INTERFACE_ENDPOINT]
    families = Counter(n.groups[-1] for n in endpoints)
    assert families == {"Amazon ECS": 3, "Amazon ECR": 2, "Secrets Manager": 1, "CloudWatch Logs": 1}
    sg_boxes = {n.groups[-2] for n in endpoints}
    assert len(sg_boxes) == 1
    box = sg_boxes.pop()
    assert box.startswith("Interface endpoints · security group privatelink-sg: TCP 443 from 10.0.")
    assert not any(n.warning for n in arch.nodes)


def test_the_s3_gateway_hangs_off_every_route_table():
    recording = record(PROJECT_DIR, "dev")
    arch = build_architecture(recording)
    gateway = next(n for n in arch.nodes if n.kind is Kind.GATEWAY_ENDPOINT)
    tables = {n.key for n in arch.nodes if n.kind is Kind.ROUTE_TABLE}
    assert {e.source for e in arch.edges if e.target == gateway.key} == tables
    assert any(e.source == gateway.key and e.target == "external:s3" for e in arch.edges)


def test_no_path_to_the_internet_is_drawn_as_an_unconnected_internet():
    arch = build_architecture(record(PROJECT_DIR, "dev"))
    internet = arch.node("external:internet")
    assert "unreachable" in internet.label and not internet.warning
    assert not [e for e in arch.edges if "external:internet" in (e.source, e.target)]
    assert arch.internet_paths == []
    assert all("no IGW, no NAT" in n.groups[0] for n in arch.nodes if n.kind is Kind.SUBNET)


def test_an_internet_gateway_is_drawn_in_red_with_its_path():
    recording = record(RAW_DIR, "dev")
    vpc = recording.of_type("aws:ec2/vpc:Vpc")[0]
    igw = RecordedResource(
        urn="urn:pulumi:dev::sandbox-raw::aws:ec2/internetGateway:InternetGateway::igw",
        type=INTERNET_GATEWAY,
        name="igw",
        custom=True,
        parent="",
        provider="",
        dependencies=[],
        property_dependencies={},
        inputs={"vpcId": vpc.id},
        id="igw-1",
    )
    arch = build_architecture(replace(recording, resources=[*recording.resources, igw]))
    assert arch.internet_paths == ["igw"]
    assert arch.node(igw.urn).warning and arch.node("external:internet").warning
    assert next(e for e in arch.edges if e.target == "external:internet").warning
    assert "HAS AN INTERNET PATH" in arch.node(igw.urn).groups[0]


def test_a_subnet_without_a_443_rule_gets_a_red_edge():
    recording = record(RAW_DIR, "dev")
    # The raw fixture opens 443 per subnet with separate rule resources; drop the second one.
    rules = recording.of_type(INGRESS_RULE)
    kept = [r for r in recording.resources if r is not rules[-1]]
    arch = build_architecture(replace(recording, resources=kept))
    to_group = [e for e in arch.edges if arch.node(e.target).kind is Kind.SECURITY_GROUP]
    assert sorted((e.label, e.warning) for e in to_group) == [
        ("TCP 443", False),
        ("no inbound rule for this subnet", True),
    ]


def test_svg_icons_are_embedded_and_node_ids_numbered(tmp_path):
    icon = tmp_path / "icon.png"
    icon.write_bytes(b"\x89PNG fake")
    svg = tmp_path / "a.svg"
    first, second = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
    svg.write_text(
        f'<svg><title>{first}</title><title>{second}</title><g id="{first}"/>'
        f'<image xlink:href="{icon}" width="1"/></svg>'
    )
    portable_svg(svg)
    data = base64.b64encode(b"\x89PNG fake").decode()
    assert svg.read_text() == (
        '<svg><title>node1</title><title>node2</title><g id="node1"/>'
        f'<image xlink:href="data:image/png;base64,{data}" width="1"/></svg>'
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_ecs_workload_is_drawn_inside_the_vpc(stack):
    config = load_stack_config(PROJECT_DIR, stack)
    recording = run_program(
        PROJECT_DIR,
        project=config.project,
        stack=stack,
        config={**config.config, "ecs-privatelink:workload": "true"},
        preview=False,
    )
    arch = build_architecture(recording)
    types = Counter(r.type for r in recording.resources)
    assert arch.count(Kind.ECS_CLUSTER) == types["aws:ecs/cluster:Cluster"] == 1
    assert arch.count(Kind.ECS_SERVICE) == types["aws:ecs/service:Service"] == 1
    assert arch.count(Kind.TASK_DEFINITION) == types["aws:ecs/taskDefinition:TaskDefinition"] == 1
    assert arch.count(Kind.CAPACITY) == types["aws:autoscaling/group:Group"] == {"dev": 0, "prod": 1}[stack]
    assert arch.count(Kind.SECURITY_GROUP) == types[SECURITY_GROUP]
    workload = [n for n in arch.nodes if n.groups[-1:] == ("ECS workload",)]
    assert {n.kind for n in workload} >= {Kind.ECS_CLUSTER, Kind.ECS_SERVICE, Kind.TASK_DEFINITION}
    assert all(n.groups[0].startswith("VPC private-vpc") for n in workload)
    # The service's own security group sits with it and, closed to inbound traffic, is no warning.
    assert any(n.kind is Kind.SECURITY_GROUP for n in workload)
    assert not any(n.warning for n in arch.nodes)
    service = next(n for n in arch.nodes if n.kind is Kind.ECS_SERVICE)
    runs_in = {e.target for e in arch.edges if e.source == service.key and e.label == "runs in"}
    assert runs_in == {n.key for n in arch.nodes if n.kind is Kind.SUBNET}
