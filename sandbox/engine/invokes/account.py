"""The embedded AWS account as a new account has it.

The account lives in moto (``sandbox.engine.awsdata`` starts it, or ``up`` hands over the moto it deploys
into). moto creates, per Region, the default VPC (172.31.0.0/16, DNS support and hostnames on), one
default /20 subnet per AZ that maps public IPs, the main route table and the default security
group; ``complete_default_network`` adds what moto leaves out: the internet gateway and the main
route table's 0.0.0.0/0 route to it.

The Availability Zones that ``get_availability_zones`` computes without starting moto are a sample
per Region; their zone ids are moto's, so a subnet moto describes and the AZ list agree.
"""

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

from awsfacts import partition_of

ACCOUNT_ID = "123456789012"  # moto's default account

# AZ letters per Region in the sample; Regions not listed get a, b, c (as in moto, but for us-west-1).
_AZ_LETTERS: dict[str, str] = {
    "us-east-1": "abcdef",
    "us-west-1": "bc",
    "us-west-2": "abcd",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ca-central-1": "abd",
    "cn-north-1": "ab",
    "cn-northwest-1": "abc",
}

_MOTO_ZONE = re.compile(r'Zone\(\s*region_name="([\w-]+)",\s*name="([\w-]+)",\s*zone_id="([\w-]+)"')


@cache
def _moto_zone_ids() -> dict[str, str]:
    """AZ name -> zone id from moto's table. Read as text: importing moto.ec2 costs seconds."""
    spec = importlib.util.find_spec("moto")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "ec2/models/availability_zones_and_regions.py"
    text = path.read_text() if path.is_file() else ""
    return {name: zone_id for _, name, zone_id in _MOTO_ZONE.findall(text)}


def _zone_id_prefix(region: str) -> str:
    # moto's rule for Regions outside its table: ap-northeast-1 -> apne1, us-gov-west-1 -> usgw1
    parts = region.split("-")
    prefix = "usg" if region.startswith("us-gov") else parts[0]
    prefix += "".join(
        cardinal[0] for cardinal in ("north", "south", "central", "east", "west") if cardinal in region
    )
    return prefix + parts[-1]


def availability_zones(region: str) -> list[str]:
    partition_of(region)  # raises for an unknown Region
    return [f"{region}{letter}" for letter in _AZ_LETTERS.get(region, "abc")]


def zone_ids(region: str) -> list[str]:
    known = _moto_zone_ids()
    prefix = _zone_id_prefix(region)
    return [known.get(az, f"{prefix}-az{i + 1}") for i, az in enumerate(availability_zones(region))]


def complete_default_network(ec2: Any) -> None:
    """Give the Region's default VPC the internet gateway and 0.0.0.0/0 route a new account has.

    Idempotent, and a no-op where they exist (a real account, or a moto already completed).
    """
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    if not vpcs:
        return
    vpc_id = vpcs[0]["VpcId"]
    gateways = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])[
        "InternetGateways"
    ]
    if gateways:
        gateway_id = gateways[0]["InternetGatewayId"]
    else:
        gateway_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=vpc_id)
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    for table in tables:
        if not any(route.get("DestinationCidrBlock") == "0.0.0.0/0" for route in table["Routes"]):
            ec2.create_route(
                RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway_id
            )
