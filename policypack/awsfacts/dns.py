"""The private DNS names of interface endpoints: what a Route 53 private hosted zone must serve.

Organisations that centralise interface endpoints in a hub VPC turn private DNS off on them and serve
these names to spoke VPCs from private hosted zones instead ("Centralized access to VPC private
endpoints", AWS whitepaper; the names are the services' PrivateDnsName in DescribeVpcEndpointServices).
"""

from .regions import PARTITION_DNS_SUFFIX, partition_of

# Names that differ from "<key>.<region>.<suffix>"; "*" is one DNS label.
_PRIVATE_DNS_NAMES: dict[str, str] = {
    "ecr.api": "api.ecr.{region}.{suffix}",
    "ecr.dkr": "*.dkr.ecr.{region}.{suffix}",
    "ecs-agent": "ecs-a-*.{region}.{suffix}",
    "ecs-telemetry": "ecs-t-*.{region}.{suffix}",
}


def private_dns_name(key: str, region: str) -> str:
    """The name an endpoint of ``key`` answers with private DNS on, e.g. api.ecr.us-east-1.amazonaws.com."""
    suffix = PARTITION_DNS_SUFFIX[partition_of(region)]
    return _PRIVATE_DNS_NAMES.get(key, "{key}.{region}.{suffix}").format(
        key=key, region=region, suffix=suffix
    )


def zone_serves(zone_name: str, dns_name: str) -> bool:
    """Whether a hosted zone named ``zone_name`` can answer for ``dns_name`` (its own name or a subdomain)."""
    zone = zone_name.rstrip(".").lower()
    labels = dns_name.lower().split(".")
    if "*" in labels[0]:
        labels = labels[1:]  # a wildcard label: the zone must hold the rest
    name = ".".join(labels)
    return bool(zone) and (name == zone or name.endswith("." + zone))
