"""Architecture pictures of a stack, drawn from the resources its program really registers.

``build_architecture`` turns a Recording into a plain graph model (nodes in nested groups, edges);
``render`` draws that model with the ``diagrams`` library, which needs Graphviz's ``dot``. The model
has no Graphviz dependency so tests can check it where ``dot`` is not installed.

    python -m sandbox diagram --stack dev --stack prod --out docs
"""

import argparse
import base64
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from awsfacts import parse_service_name

from ..engine.program import RecordedResource, Recording
from .refs import References

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
EGRESS_ONLY_GATEWAY = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


class Kind(StrEnum):
    VPC = "vpc"
    SUBNET = "subnet"
    ROUTE_TABLE = "route-table"
    SECURITY_GROUP = "security-group"
    INTERFACE_ENDPOINT = "interface-endpoint"
    GATEWAY_ENDPOINT = "gateway-endpoint"
    INTERNET_GATEWAY = "internet-gateway"
    NAT_GATEWAY = "nat-gateway"
    ECS_CLUSTER = "ecs-cluster"
    ECS_SERVICE = "ecs-service"
    TASK_DEFINITION = "task-definition"
    CAPACITY = "capacity"  # EC2 container instances or their Auto Scaling group
    S3 = "s3"  # the regional service behind the gateway endpoint (not a stack resource)
    INTERNET = "internet"  # not a stack resource: drawn to show whether a path to it exists


# Which recorded types become which node kind; endpoints are split by their endpoint type.
_KIND_OF_TYPE: dict[str, Kind] = {
    VPC: Kind.VPC,
    SUBNET: Kind.SUBNET,
    ROUTE_TABLE: Kind.ROUTE_TABLE,
    SECURITY_GROUP: Kind.SECURITY_GROUP,
    INTERNET_GATEWAY: Kind.INTERNET_GATEWAY,
    EGRESS_ONLY_GATEWAY: Kind.INTERNET_GATEWAY,
    NAT_GATEWAY: Kind.NAT_GATEWAY,
    ECS_CLUSTER: Kind.ECS_CLUSTER,
    ECS_SERVICE: Kind.ECS_SERVICE,
    TASK_DEFINITION: Kind.TASK_DEFINITION,
    AUTOSCALING_GROUP: Kind.CAPACITY,
    INSTANCE: Kind.CAPACITY,
}

# Endpoint service keys shown together, in reading order.
_SERVICE_FAMILIES: dict[str, str] = {
    "ecs-agent": "Amazon ECS",
    "ecs-telemetry": "Amazon ECS",
    "ecs": "Amazon ECS",
    "ecr.api": "Amazon ECR",
    "ecr.dkr": "Amazon ECR",
    "secretsmanager": "Secrets Manager",
    "logs": "CloudWatch Logs",
}

# The boxes (VPC, then nothing) a resource belongs in, from the VPC it names.
BoxOf = Callable[[RecordedResource], tuple[str, ...]]

OUTSIDE = "AWS Region (outside the VPC)"
WORKLOAD_BOX = "ECS workload"
INTERNET_BOX = "Outside AWS"


@dataclass(frozen=True)
class Node:
    key: str  # the resource URN, or a fixed key for the two nodes that are not resources
    kind: Kind
    label: str
    groups: tuple[str, ...] = ()  # nested boxes, outermost first
    warning: bool = False  # drawn in red: a path to the internet, or an endpoint off its SG rules


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    warning: bool = False


@dataclass
class Architecture:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    internet_paths: list[str] = field(default_factory=list)  # resource names that reach the internet

    def count(self, kind: Kind) -> int:
        return sum(1 for node in self.nodes if node.kind is kind)

    def node(self, key: str) -> Node:
        return next(node for node in self.nodes if node.key == key)


def _endpoint_key(resource: RecordedResource) -> str:
    name = resource.inputs.get("serviceName")
    parsed = parse_service_name(name) if isinstance(name, str) else None
    return parsed.key if parsed else str(name or resource.name)


def _is_gateway(resource: RecordedResource) -> bool:
    return str(resource.inputs.get("vpcEndpointType", "Gateway")) == "Gateway"


def _ingress(group: RecordedResource, rules: list[RecordedResource]) -> dict[str, list[str]]:
    """Inbound rules as {"TCP 443": [source CIDRs]}, from inline rules and separate rule resources."""
    entries: list[dict[str, Any]] = [r for r in group.inputs.get("ingress") or [] if isinstance(r, dict)]
    entries += [
        r.inputs for r in rules if r.type == INGRESS_RULE or r.inputs.get("type", "ingress") == "ingress"
    ]
    ports: dict[str, list[str]] = {}
    for rule in entries:
        low, high = rule.get("fromPort"), rule.get("toPort")
        port = f"{int(low)}" if low == high and isinstance(low, int | float) else f"{low}-{high}"
        protocol = str(rule.get("protocol") or rule.get("ipProtocol") or "tcp").upper()
        sources = rule.get("cidrBlocks") or [rule.get("cidrIpv4") or rule.get("referencedSecurityGroupId")]
        ports.setdefault(f"{protocol} {port}", []).extend(str(s) for s in sources if s)
    return ports


def _summary(ports: dict[str, list[str]]) -> str:
    if not ports:
        return "no inbound rule"
    return "; ".join(f"{port} from {', '.join(sources) or '?'}" for port, sources in ports.items())


def _covered(cidr: Any, sources: list[str]) -> bool:
    """Whether a subnet's CIDR lies inside one of a rule's source CIDRs."""
    try:
        subnet = ipaddress.ip_network(str(cidr))
    except ValueError:
        return False
    for source in sources:
        try:
            network = ipaddress.ip_network(source)
        except ValueError:
            continue  # a security group reference: not decidable from CIDRs
        if subnet.version == network.version and subnet.subnet_of(network):  # type: ignore[arg-type]
            return True
    return False


def build_architecture(recording: Recording, title: str | None = None) -> Architecture:
    """The graph model of a recorded stack: one node per resource of a drawn kind, plus S3 and Internet."""
    resources = recording.resources
    index = References(resources)
    region = recording.config.get("aws:region", "")
    arch = Architecture(title or f"{recording.project} · {recording.stack} · {region}")

    vpcs = [r for r in resources if r.type == VPC]
    vpc_box: dict[str, str] = {
        vpc.urn: f"VPC {vpc.name} · {vpc.inputs.get('cidrBlock', '?')} · no IGW, no NAT" for vpc in vpcs
    }

    def box_of(resource: RecordedResource) -> tuple[str, ...]:
        vpc = index.ref(resource, "vpcId")
        return (vpc_box[vpc.urn],) if vpc is not None and vpc.urn in vpc_box else ()

    gateways = [r for r in resources if r.type in (INTERNET_GATEWAY, EGRESS_ONLY_GATEWAY, NAT_GATEWAY)]
    arch.internet_paths = [r.name for r in gateways]
    if gateways:  # the box title above would be false
        vpc_box = {
            urn: label.replace(" · no IGW, no NAT", " · HAS AN INTERNET PATH")
            for urn, label in vpc_box.items()
        }

    for vpc in vpcs:
        dns = vpc.inputs.get("enableDnsSupport") and vpc.inputs.get("enableDnsHostnames")
        state = "DNS support on\nDNS hostnames on" if dns else "DNS support or\nhostnames OFF"
        label = f"{vpc.name}\n{state}"
        arch.nodes.append(Node(vpc.urn, Kind.VPC, label, (vpc_box[vpc.urn],), warning=not dns))

    # Sorted by AZ so that the AZ boxes are drawn in order.
    subnets = sorted(
        (r for r in resources if r.type == SUBNET), key=lambda s: str(s.inputs.get("availabilityZone"))
    )
    az_of_subnet = {s.urn: str(s.inputs.get("availabilityZone", "AZ ?")) for s in subnets}
    for subnet in subnets:
        az = az_of_subnet[subnet.urn]
        label = f"{subnet.name}\n{subnet.inputs.get('cidrBlock', '')}"
        arch.nodes.append(Node(subnet.urn, Kind.SUBNET, label, (*box_of(subnet), f"AZ {az}")))

    # Route tables: inside an AZ box when all their subnets are in that AZ, else in the VPC box.
    associations = [r for r in resources if r.type == ROUTE_TABLE_ASSOCIATION]
    for table in (r for r in resources if r.type == ROUTE_TABLE):
        table_subnets = [
            s.urn
            for a in associations
            if any(t.urn == table.urn for t in index.refs(a, "routeTableId"))
            for s in index.refs(a, "subnetId")
        ]
        azs = {az_of_subnet.get(urn) for urn in table_subnets}
        groups = box_of(table) + ((f"AZ {azs.pop()}",) if len(azs) == 1 else ())
        arch.nodes.append(Node(table.urn, Kind.ROUTE_TABLE, f"route table\n{table.name}", groups))
        arch.edges.extend(Edge(urn, table.urn, "associated") for urn in table_subnets)

    rules = [r for r in resources if r.type in (INGRESS_RULE, SECURITY_GROUP_RULE)]
    endpoints = [r for r in resources if r.type == VPC_ENDPOINT]
    # Security groups drawn are the endpoints' (each gets a box with its endpoints); others stand alone.
    endpoint_groups = {g.urn for e in endpoints for g in index.refs(e, "securityGroupIds")}
    # The tasks' and container instances' groups, wherever in their inputs they are named.
    workload_groups = {
        g.urn
        for r in resources
        if _KIND_OF_TYPE.get(r.type) in _WORKLOAD_KINDS or r.type == LAUNCH_TEMPLATE
        for key in r.inputs
        for g in index.refs(r, key, SECURITY_GROUP)
    }
    sg_box: dict[str, str] = {}
    ingress: dict[str, dict[str, list[str]]] = {}
    for group in (r for r in resources if r.type == SECURITY_GROUP):
        own_rules = [r for r in rules if any(g.urn == group.urn for g in index.refs(r, "securityGroupId"))]
        ingress[group.urn] = _ingress(group, own_rules)
        summary = _summary(ingress[group.urn])
        sg_box[group.urn] = f"Interface endpoints · security group {group.name}: {summary}"
        if group.urn in endpoint_groups:
            groups = (*box_of(group), sg_box[group.urn])
        elif group.urn in workload_groups:
            groups = (*box_of(group), WORKLOAD_BOX)
        else:
            groups = box_of(group)
        label = f"security group\n{group.name}"
        # Only the endpoints' group must let the subnets in (C5); a workload group may well be closed.
        warning = group.urn in endpoint_groups and not ingress[group.urn]
        arch.nodes.append(Node(group.urn, Kind.SECURITY_GROUP, label, groups, warning))

    s3_key = "external:s3"
    for endpoint in endpoints:
        key = _endpoint_key(endpoint)
        if _is_gateway(endpoint):
            label = f"{key} gateway endpoint\n(free)"
            arch.nodes.append(Node(endpoint.urn, Kind.GATEWAY_ENDPOINT, label, box_of(endpoint)))
            for table in index.refs(endpoint, "routeTableIds"):
                arch.edges.append(Edge(table.urn, endpoint.urn, "prefix-list route"))
            arch.edges.append(Edge(endpoint.urn, s3_key))
            continue
        groups_of = index.refs(endpoint, "securityGroupIds")
        sg = sg_box[groups_of[0].urn] if groups_of else "Interface endpoints · NO security group"
        family = _SERVICE_FAMILIES.get(key, key)
        zones = len(endpoint.inputs.get("subnetIds") or [])  # AWS takes one subnet per AZ
        dns = "private DNS" if endpoint.inputs.get("privateDnsEnabled") else "private DNS OFF"
        label = f"{key}\n{zones} AZ{'s' if zones != 1 else ''} · {dns}"
        warning = not groups_of or not endpoint.inputs.get("privateDnsEnabled")
        arch.nodes.append(
            Node(endpoint.urn, Kind.INTERFACE_ENDPOINT, label, (*box_of(endpoint), sg, family), warning)
        )
    if any(_is_gateway(e) for e in endpoints):
        arch.nodes.append(Node(s3_key, Kind.S3, "Amazon S3\n(ECR image layers)", (OUTSIDE,)))

    # Subnets reach the endpoints through their security group, on the ports it opens to them (C5).
    for group in (r for r in resources if r.urn in endpoint_groups):
        for subnet in subnets:
            if box_of(subnet) != box_of(group):
                continue
            cidr = subnet.inputs.get("cidrBlock")
            open_ports = [port for port, sources in ingress[group.urn].items() if _covered(cidr, sources)]
            label = ", ".join(open_ports) or "no inbound rule for this subnet"
            arch.edges.append(Edge(subnet.urn, group.urn, label, warning=not open_ports))

    _add_workload(arch, resources, index, box_of)
    _add_internet(arch, gateways, box_of)
    return arch


def _add_workload(
    arch: Architecture, resources: list[RecordedResource], index: References, box_of: BoxOf
) -> None:
    """Services and capacity in the VPC box of their subnets; clusters and task definitions beside them."""
    workload = [r for r in resources if _KIND_OF_TYPE.get(r.type) in _WORKLOAD_KINDS]
    boxes: dict[str, tuple[str, ...]] = {}
    for resource in workload:
        subnets = [
            subnet
            for key in ("vpcZoneIdentifiers", "subnetId", "networkConfiguration")
            for subnet in index.refs(resource, key, SUBNET)
        ]
        if subnets:
            boxes[resource.urn] = (*box_of(subnets[0]), WORKLOAD_BOX)
        arch.edges.extend(Edge(resource.urn, s.urn, "runs in") for s in subnets)
    for service in (r for r in workload if r.type == ECS_SERVICE):
        for target_key in ("cluster", "taskDefinition"):
            for target in index.refs(service, target_key):
                arch.edges.append(Edge(service.urn, target.urn))
                # No subnets of its own: drawn where the service that uses it runs.
                boxes.setdefault(target.urn, boxes.get(service.urn, (WORKLOAD_BOX,)))
    for resource in workload:
        kind = _KIND_OF_TYPE[resource.type]
        label = f"{kind.value.replace('-', ' ')}\n{resource.name}"
        arch.nodes.append(Node(resource.urn, kind, label, boxes.get(resource.urn, (WORKLOAD_BOX,))))


_WORKLOAD_KINDS = {Kind.ECS_CLUSTER, Kind.ECS_SERVICE, Kind.TASK_DEFINITION, Kind.CAPACITY}


def _add_internet(arch: Architecture, gateways: list[RecordedResource], box_of: BoxOf) -> None:
    """The Internet node is always drawn: unconnected (and saying so), or reached in red."""
    if not gateways:
        label = "Internet\nunreachable:\nno IGW, no NAT,\nno route"
        arch.nodes.append(Node("external:internet", Kind.INTERNET, label, (INTERNET_BOX,)))
        return
    arch.nodes.append(Node("external:internet", Kind.INTERNET, "Internet\nREACHABLE", (INTERNET_BOX,), True))
    for gateway in gateways:
        kind = _KIND_OF_TYPE[gateway.type]
        arch.nodes.append(Node(gateway.urn, kind, f"{kind.value}\n{gateway.name}", box_of(gateway), True))
        arch.edges.append(Edge(gateway.urn, "external:internet", "0.0.0.0/0", warning=True))


# ---- rendering (needs Graphviz's dot) -------------------------------------------------------------


def _icon(kind: Kind) -> Any:
    from diagrams.aws import compute, general, network, security, storage  # type: ignore[import-untyped]

    return {
        Kind.VPC: network.VPC,
        Kind.SUBNET: network.PrivateSubnet,
        Kind.ROUTE_TABLE: network.RouteTable,
        Kind.SECURITY_GROUP: security.Shield,
        Kind.INTERFACE_ENDPOINT: network.Privatelink,
        Kind.GATEWAY_ENDPOINT: network.Endpoint,
        Kind.INTERNET_GATEWAY: network.InternetGateway,
        Kind.NAT_GATEWAY: network.NATGateway,
        Kind.ECS_CLUSTER: compute.ECS,
        Kind.ECS_SERVICE: compute.ElasticContainerServiceService,
        Kind.TASK_DEFINITION: compute.ElasticContainerServiceTask,
        Kind.CAPACITY: compute.EC2AutoScaling,
        Kind.S3: storage.S3,
        Kind.INTERNET: general.InternetAlt1,
    }[kind]


@dataclass
class _Box:
    children: dict[str, "_Box"] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)


def _tree(nodes: Iterable[Node]) -> _Box:
    root = _Box()
    for node in nodes:
        box = root
        for name in node.groups:
            box = box.children.setdefault(name, _Box())
        box.nodes.append(node)
    return root


def _box_style(name: str) -> dict[str, str]:
    if name.startswith("VPC"):
        return {"bgcolor": "#EEF6EE", "pencolor": "#3F8624", "style": "rounded,bold"}
    if name.startswith("AZ"):
        return {"bgcolor": "#F2F7FD", "pencolor": "#147EBA", "style": "dashed"}
    if name.startswith("Interface endpoints"):
        return {"bgcolor": "#FDF3F8", "pencolor": "#BC1356", "style": "rounded"}
    if name == INTERNET_BOX:
        return {"bgcolor": "#FFFFFF", "pencolor": "#C7131F", "style": "dashed"}
    if name == OUTSIDE:
        return {"bgcolor": "#F7F7F7", "pencolor": "#879196", "style": "dashed"}
    return {"bgcolor": "#FFFFFF", "pencolor": "#879196", "style": "rounded"}


def render(arch: Architecture, out_base: Path) -> list[Path]:
    """Draw the model to ``out_base``.png and .svg; returns the files written."""
    from diagrams import Cluster, Diagram  # type: ignore[import-untyped]
    from diagrams import Edge as DEdge

    drawn: dict[str, Any] = {}

    def draw(box: _Box) -> None:
        # dot lays out the nodes of a rank right to left in declaration order here; reversed, they read
        # left to right (AZ a before b, ecs-agent before ecs).
        for node in reversed(box.nodes):
            attrs = {"fontcolor": "#C7131F"} if node.warning else {}
            drawn[node.key] = _icon(node.kind)(node.label, **attrs)
        for name, child in reversed(box.children.items()):
            with Cluster(name, graph_attr={**_box_style(name), "fontsize": "13", "margin": "16"}):
                draw(child)

    graph = {"fontsize": "20", "pad": "0.4", "nodesep": "0.5", "ranksep": "0.9", "splines": "spline"}
    out_base.parent.mkdir(parents=True, exist_ok=True)
    with Diagram(
        arch.title,
        filename=str(out_base),
        outformat=["png", "svg"],
        show=False,
        direction="TB",
        graph_attr=graph,
        node_attr={"fontsize": "11"},
    ):
        draw(_tree(arch.nodes))
        kinds = {node.key: node.kind for node in arch.nodes}
        for edge in arch.edges:
            color = "#C7131F" if edge.warning else "#545B64"
            # Two ranks down to the endpoints: the AZ boxes stay side by side in a row above them.
            minlen = "2" if kinds[edge.target] is Kind.SECURITY_GROUP else "1"
            line = DEdge(label=edge.label, color=color, fontsize="10", minlen=minlen)
            drawn[edge.source] >> line >> drawn[edge.target]
    svg = out_base.with_suffix(".svg")
    portable_svg(svg)
    return [out_base.with_suffix(".png"), svg]


def portable_svg(svg: Path) -> None:
    """Make the SVG stand alone and reproducible.

    Graphviz links icons by absolute local path: embed them. ``diagrams`` names nodes with random
    UUIDs: number them in order of appearance, so an unchanged stack renders to an unchanged file.
    """

    def embed(match: re.Match[str]) -> str:
        data = base64.b64encode(Path(match["path"]).read_bytes()).decode()
        return f'xlink:href="data:image/png;base64,{data}"'

    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        return numbers.setdefault(match[0], f"node{len(numbers) + 1}")

    text = re.sub(r"\b[0-9a-f]{32}\b", renumber, svg.read_text())  # before the icons' base64 is in
    svg.write_text(re.sub(r'xlink:href="(?P<path>/[^"]+\.png)"', embed, text))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", action="append", help="stack name (repeatable); default dev and prod")
    parser.add_argument("--program", type=Path, default=Path("."), help="program directory")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="output directory")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """``python -m sandbox diagram``: the architecture drawings of the stacks."""
    from ..engine.program import run_program
    from ..stackconfig import load_stack_config

    for stack in args.stack or ["dev", "prod"]:
        config = load_stack_config(args.program, stack)
        # preview=False: physical ids exist, so references between resources resolve by id as well.
        recording = run_program(
            args.program, project=config.project, stack=stack, config=config.config, preview=False
        )
        arch = build_architecture(recording)
        for path in render(arch, args.out / f"architecture-{stack}"):
            out.write(f"wrote {path} ({len(arch.nodes)} nodes, {len(arch.edges)} edges)\n")
    return 0
