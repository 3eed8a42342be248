"""The embedded AWS account as a new account has it: the one place its data lives.

Per Region: the Availability Zones, and the default VPC AWS creates in every new account
(172.31.0.0/16 with DNS support and hostnames on, one default /20 subnet per AZ that maps public
IPs, the main route table with 0.0.0.0/0 to an internet gateway, the default security group).
Availability Zones are a plausible sample, not AWS's live lists; ids are derived from the Region
so every run answers the same.
"""

import hashlib
import ipaddress
from dataclasses import dataclass
from functools import cache

from awsfacts import partition_of

ACCOUNT_ID = "123456789012"
DEFAULT_VPC_CIDR = "172.31.0.0/16"
DEFAULT_SUBNET_PREFIX = 20

# AZ letters per Region in the sample; Regions not listed get a, b, c.
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


def _zone_id_prefix(region: str) -> str:
    # us-east-1 -> use1 (sample ids; AWS's own differ for some Regions)
    area, *middle, number = region.split("-")
    return area + "".join(word[0] for word in middle) + number


def availability_zones(region: str) -> list[str]:
    partition_of(region)  # raises for an unknown Region
    return [f"{region}{letter}" for letter in _AZ_LETTERS.get(region, "abc")]


def zone_ids(region: str) -> list[str]:
    prefix = _zone_id_prefix(region)
    return [f"{prefix}-az{i + 1}" for i in range(len(availability_zones(region)))]


def derived_id(prefix: str, region: str, what: str, length: int = 17) -> str:
    """A stable id for something the new account holds: vpc-…, subnet-…, rtb-…"""
    return f"{prefix}-{hashlib.sha256(f'{region}/{what}'.encode()).hexdigest()[:length]}"


@dataclass(frozen=True)
class DefaultSubnet:
    id: str
    availability_zone: str
    availability_zone_id: str
    cidr_block: str


@dataclass(frozen=True)
class DefaultNetwork:
    """The default VPC of one Region and what AWS creates with it."""

    region: str
    account_id: str
    vpc_id: str
    dhcp_options_id: str
    cidr_association_id: str
    main_route_table_id: str
    main_association_id: str
    internet_gateway_id: str
    security_group_id: str
    subnets: tuple[DefaultSubnet, ...]

    def arn(self, kind: str, resource_id: str) -> str:
        return f"arn:{partition_of(self.region)}:ec2:{self.region}:{self.account_id}:{kind}/{resource_id}"


@cache
def default_network(region: str, account_id: str = ACCOUNT_ID) -> DefaultNetwork:
    blocks = ipaddress.ip_network(DEFAULT_VPC_CIDR).subnets(new_prefix=DEFAULT_SUBNET_PREFIX)
    subnets = tuple(
        DefaultSubnet(derived_id("subnet", region, az), az, zone_id, str(block))
        for az, zone_id, block in zip(availability_zones(region), zone_ids(region), blocks, strict=False)
    )
    return DefaultNetwork(
        region=region,
        account_id=account_id,
        vpc_id=derived_id("vpc", region, "default-vpc"),
        dhcp_options_id=derived_id("dopt", region, "default-dhcp-options"),
        cidr_association_id=derived_id("vpc-cidr-assoc", region, "default-vpc-cidr"),
        main_route_table_id=derived_id("rtb", region, "main-route-table"),
        main_association_id=derived_id("rtbassoc", region, "main-association"),
        internet_gateway_id=derived_id("igw", region, "default-internet-gateway"),
        security_group_id=derived_id("sg", region, "default-security-group"),
        subnets=subnets,
    )
