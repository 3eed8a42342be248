"""What a stack's endpoints cost per month, beside a NAT gateway per AZ and the 7-endpoint reference.

Counts come from the recorded resources (each interface endpoint × the AZs of its subnets), prices
from ``ecs_privatelink.pricing`` (each with its source and date). A price the table lacks for the
Region is reported as missing, never guessed; the quantities are still shown.

    python -m sandbox cost --stack dev [--gb 100]
"""

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from awsfacts import CATALOG, ECS_TRIO, parse_service_name
from ecs_privatelink.pricing import (
    HOURS_PER_MONTH,
    INTERFACE_ENDPOINT_HOURLY,
    INTERFACE_ENDPOINT_PER_GB,
    NAT_GATEWAY_HOURLY,
    NAT_GATEWAY_PER_GB,
    Price,
)

from ..engine.program import Recording
from .refs import References

SUBNET = "aws:ec2/subnet:Subnet"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"

DEFAULT_GB_PER_MONTH = 100.0

# aws-samples/container-patterns, pattern/ecs-cluster-isolated-vpc-no-nat-gateway/files/isolated-vpc.yml
# (commit 9bd5f3d): six interface endpoints plus the S3 gateway, whatever the workload uses; its
# DeployingToEC2 parameter adds the ECS trio.
REFERENCE_SOURCE = "aws-samples/container-patterns ecs-cluster-isolated-vpc-no-nat-gateway (isolated-vpc.yml)"
REFERENCE_INTERFACE_ENDPOINTS: tuple[str, ...] = (
    "logs",
    "ssm",
    "ssmmessages",
    "ecr.api",
    "ecr.dkr",
    "secretsmanager",
)


@dataclass(frozen=True)
class Line:
    item: str
    quantity: float
    unit: str  # "endpoint-AZ-hours", "GB", ...
    rate: float | None  # USD per unit; None: the table has no price for the Region
    missing: str = ""  # what price is missing, when rate is None

    @property
    def usd(self) -> float | None:
        return None if self.rate is None else round(self.quantity * self.rate, 2)


@dataclass(frozen=True)
class Option:
    name: str
    detail: str
    lines: tuple[Line, ...]

    @property
    def total(self) -> float | None:
        amounts = [line.usd for line in self.lines]
        if any(amount is None for amount in amounts):
            return None
        return round(sum(amount for amount in amounts if amount is not None), 2)


@dataclass(frozen=True)
class CostReport:
    stack: str
    region: str
    az_count: int
    gb_per_month: float
    options: tuple[Option, ...]  # this stack, NAT per AZ, reference architecture
    sources: tuple[str, ...]  # each price used: "... $0.01/hour, <source>, checked <date>"

    @property
    def missing(self) -> list[str]:
        return list(dict.fromkeys(line.missing for o in self.options for line in o.lines if line.missing))

    def option(self, name: str) -> Option:
        return next(option for option in self.options if option.name == name)


@dataclass(frozen=True)
class StackEndpoints:
    interface: dict[str, int]  # service key -> number of AZs its network interfaces are in
    gateways: list[str]  # gateway endpoint service keys (free)
    az_count: int  # AZs of the stack's subnets: one NAT gateway each in the alternative


def stack_endpoints(recording: Recording) -> StackEndpoints:
    refs = References(recording.resources)
    subnets = recording.of_type(SUBNET)
    interface: dict[str, int] = {}
    gateways: list[str] = []
    for endpoint in recording.of_type(VPC_ENDPOINT):
        name = str(endpoint.inputs.get("serviceName", endpoint.name))
        parsed = parse_service_name(name)
        key = parsed.key if parsed else name
        if endpoint.inputs.get("vpcEndpointType", "Gateway") == "Gateway":
            gateways.append(key)
            continue
        zones = {str(s.inputs.get("availabilityZone")) for s in refs.refs(endpoint, "subnetIds", SUBNET)}
        listed = endpoint.inputs.get("subnetIds")
        # AWS takes one subnet per AZ, so the subnet count is the AZ count when subnets don't resolve.
        count = len(zones) or (len(listed) if isinstance(listed, list) else 0)
        # Two endpoints for one service (another VPC of the stack) add up.
        interface[key] = interface.get(key, 0) + count
    order = {key: index for index, key in enumerate(CATALOG)}  # plan order, not registration order
    interface = dict(sorted(interface.items(), key=lambda item: order.get(item[0], len(order))))
    az_count = len({str(s.inputs.get("availabilityZone")) for s in subnets})
    return StackEndpoints(interface, gateways, az_count)


def _launch_type(recording: Recording, found: StackEndpoints) -> str:
    configured = recording.config.get(f"{recording.project}:launchType")
    if configured:
        return configured.upper()
    return "EC2" if any(key in found.interface for key in ECS_TRIO) else "FARGATE"


def _rate(
    table: dict[str, Price], region: str, what: str, sources: dict[str, str]
) -> tuple[float | None, str]:
    """The price and "" or, when the table lacks the Region, None and what is missing."""
    price = table.get(region)
    if price is None:
        return None, f"{what} in {region}"
    quality = "" if price.verified else " (unverified)"
    sources[what] = f"{what} ${price.usd:g}/{price.unit}{quality}: {price.source}, recorded {price.recorded}"
    return price.usd, ""


def cost_report(
    recording: Recording, *, gb_per_month: float = DEFAULT_GB_PER_MONTH, launch_type: str | None = None
) -> CostReport:
    """The three options for the recorded stack; ``gb_per_month`` is the assumed traffic."""
    region = recording.config.get("aws:region", "")
    found = stack_endpoints(recording)
    sources: dict[str, str] = {}
    hourly, missing_hourly = _rate(INTERFACE_ENDPOINT_HOURLY, region, "interface endpoint hour", sources)
    per_gb, missing_gb = _rate(INTERFACE_ENDPOINT_PER_GB, region, "interface endpoint GB processed", sources)
    nat_hourly, missing_nat = _rate(NAT_GATEWAY_HOURLY, region, "NAT gateway hour", sources)
    nat_gb, missing_nat_gb = _rate(NAT_GATEWAY_PER_GB, region, "NAT gateway GB processed", sources)

    def endpoints_option(name: str, detail: str, endpoint_azs: int, gateways: int) -> Option:
        hours = endpoint_azs * HOURS_PER_MONTH
        traffic = gb_per_month if endpoint_azs else 0.0  # no interface endpoint, nothing processed by one
        lines = [
            Line("interface endpoint hours", hours, "endpoint-AZ-hours", hourly, missing_hourly),
            Line("data processed", traffic, "GB", per_gb, missing_gb),
        ]
        if gateways:
            lines.append(Line("S3 gateway endpoint", gateways, "endpoint", 0.0))  # gateways are free
        return Option(name, detail, tuple(lines))

    placements = sum(found.interface.values())
    keys = ", ".join(found.interface) or "none"
    this_stack = endpoints_option(
        "this stack",
        f"{len(found.interface)} interface endpoints ({keys}), {placements} endpoint-AZs",
        placements,
        len(found.gateways),
    )
    nat_hours = found.az_count * HOURS_PER_MONTH
    nat = Option(
        "NAT gateway per AZ",
        f"{found.az_count} NAT gateways, one per AZ, the same traffic through them",
        (
            Line("NAT gateway hours", nat_hours, "NAT-hours", nat_hourly, missing_nat),
            Line("data processed", gb_per_month, "GB", nat_gb, missing_nat_gb),
        ),
    )
    reference_keys = list(REFERENCE_INTERFACE_ENDPOINTS)
    if (launch_type or _launch_type(recording, found)) == "EC2":
        reference_keys = [*ECS_TRIO, *reference_keys]  # DeployingToEC2=true
    reference = endpoints_option(
        "reference architecture",
        f"{len(reference_keys)} interface endpoints + S3 gateway, whatever the workload, "
        f"in the same {found.az_count} AZs",
        len(reference_keys) * found.az_count,
        1,
    )
    return CostReport(
        stack=recording.stack,
        region=region,
        az_count=found.az_count,
        gb_per_month=gb_per_month,
        options=(this_stack, nat, reference),
        sources=tuple(sources.values()),
    )


def _money(amount: float | None) -> str:
    return "n/a" if amount is None else f"${amount:,.2f}"


def format_report(report: CostReport) -> str:
    """The report as text: one block per option, the totals side by side, then sources and gaps."""
    out = [
        f"Monthly cost, {report.stack} stack in {report.region} "
        f"({HOURS_PER_MONTH} h/month, {report.gb_per_month:g} GB/month assumed)"
    ]
    for option in report.options:
        out.append(f"  {option.name}: {option.detail}")
        for line in option.lines:
            rate = "no price" if line.rate is None else f"× ${line.rate:g}"
            amount = _money(line.usd)
            out.append(f"    {line.item:<25} {line.quantity:>8,g} {line.unit:<18} {rate:<9} {amount:>10}")
        out.append(f"    {'total':<25} {'':>8} {'':<18} {'':<9} {_money(option.total):>10}")
    totals = " · ".join(f"{option.name} {_money(option.total)}" for option in report.options)
    out.append(f"  side by side: {totals}")
    if report.missing:
        gaps = "; ".join(report.missing)
        out.append(f"  no recorded price for {gaps}: not guessed (add it to ecs_privatelink/pricing.py)")
    out.extend(f"  price: {source}" for source in report.sources)
    out.append(f"  reference: {REFERENCE_SOURCE}")
    return "\n".join(out)


def cost_section(recording: Recording, *, gb_per_month: float = DEFAULT_GB_PER_MONTH) -> str:
    """The cost block ``preview`` prints after the plan."""
    return format_report(cost_report(recording, gb_per_month=gb_per_month))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="dev", help="stack name (Pulumi.<stack>.yaml); default dev")
    parser.add_argument("--program", type=Path, default=Path("."), help="program directory")
    parser.add_argument(
        "--gb",
        type=_gigabytes,
        default=DEFAULT_GB_PER_MONTH,
        help="assumed GB processed per month (default 100)",
    )


def _gigabytes(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a number of GB, 0 or more, not {text[:80]}")
    return value


def run(args: argparse.Namespace, out: TextIO) -> int:
    """``python -m sandbox cost``: the stack's monthly cost beside a NAT gateway's."""
    from ..engine.program import run_program
    from ..stackconfig import load_stack_config

    stack = load_stack_config(args.program, args.stack)
    recording = run_program(args.program, project=stack.project, stack=stack.stack, config=stack.config)
    out.write(cost_section(recording, gb_per_month=args.gb) + "\n")
    return 0
