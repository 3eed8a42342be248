"""How the VPC CIDR is cut into one private subnet per Availability Zone.

The CIDR is always cut into the same eight equal slots and AZ number i takes slot i, so changing
azCount adds or removes subnets without renumbering (and replacing) the ones that stay.
"""

from ipaddress import IPv4Network

SUBNET_SLOT_BITS = 3  # eight slots: room for the six AZs azCount allows, and two spare
MAX_AZ_COUNT = 6
SMALLEST_SUBNET_PREFIX = 28  # AWS refuses subnets smaller than /28
LARGEST_VPC_PREFIX = 16  # AWS refuses VPC CIDRs larger than /16
SMALLEST_VPC_PREFIX = SMALLEST_SUBNET_PREFIX - SUBNET_SLOT_BITS  # /25 still gives eight /28 slots

PRIVATE_RANGES: tuple[IPv4Network, ...] = (
    IPv4Network("10.0.0.0/8"),
    IPv4Network("172.16.0.0/12"),
    IPv4Network("192.168.0.0/16"),
)  # RFC 1918


def subnet_cidrs(vpc_cidr: IPv4Network, count: int) -> list[IPv4Network]:
    """The first ``count`` slots of the VPC CIDR, one per AZ, in AZ order."""
    if not 0 < count <= MAX_AZ_COUNT:
        raise ValueError(f"between 1 and {MAX_AZ_COUNT} subnets can be cut, not {count}")
    return list(vpc_cidr.subnets(prefixlen_diff=SUBNET_SLOT_BITS))[:count]
