"""The Amazon-provided DNS resolver (Route 53 Resolver): the only one that answers with endpoint IPs (C4)."""

import ipaddress

# DHCP options name it AmazonProvidedDNS; instances also reach it at these link-local addresses.
AMAZON_DNS_NAMES: tuple[str, ...] = ("AmazonProvidedDNS", "169.254.169.253", "fd00:ec2::253")


def is_amazon_dns_server(server: str, vpc_cidr: str | None = None) -> bool:
    """Whether a DHCP domain-name-servers entry is the Amazon resolver (also the VPC's base + 2)."""
    if server.strip().lower() in {name.lower() for name in AMAZON_DNS_NAMES}:
        return True
    if vpc_cidr is None:
        return False
    try:
        return ipaddress.ip_address(server.strip()) == ipaddress.ip_network(vpc_cidr, strict=False)[2]
    except (ValueError, IndexError):
        return False
