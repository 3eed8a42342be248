"""DNS policies (C4): endpoint names resolve privately only through Amazon-provided DNS."""

from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from awsfacts import is_amazon_dns_server

from .base import Report, stack_policy
from .model import (
    DHCP_OPTIONS,
    DHCP_OPTIONS_ASSOCIATION,
    RESOLVER_ENDPOINT,
    SECURITY_GROUP,
    SUBNET,
    VPC,
    Resource,
    Stack,
)
from .props import as_bool, as_list, as_str, is_unknown, strings
from .settings import FORWARDING_DNS_SERVERS_SCHEMA, Settings
from .topology import Endpoint, covers, endpoints, vpc_of


def _interface_endpoints_by_vpc(stack: Stack, settings: Settings) -> dict[str, list[Endpoint]]:
    found: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints(stack, settings):
        if isinstance(endpoint.vpc, Resource) and endpoint.endpoint_type == "Interface":
            found.setdefault(endpoint.vpc.urn, []).append(endpoint)
    return found


def check_vpc_dns_enabled(stack: Stack, settings: Settings, report: Report) -> None:
    for vpc_urn, vpc_endpoints in _interface_endpoints_by_vpc(stack, settings).items():
        vpc = stack.by_urn[vpc_urn]
        # Only private DNS needs both settings (AWS refuses it otherwise); a hub whose endpoints have it
        # off and are served by private hosted zones needs neither hostnames nor this check.
        resolving = [endpoint for endpoint in vpc_endpoints if endpoint.private_dns is not False]
        if not resolving:
            continue
        example = resolving[0].resource.label
        # Pulumi's defaults: DNS support on, DNS hostnames off.
        for prop, default in (("enableDnsSupport", True), ("enableDnsHostnames", False)):
            value = as_bool(vpc.get(prop))
            if is_unknown(value):
                report.cannot_check(f"The {prop} setting of VPC {vpc.label} is not known yet (C4).")
            elif (default if value is None else value) is not True:
                report.violation(
                    f"Set {prop}=True on VPC {vpc.label} (C4): private DNS of its interface endpoints (e.g. "
                    f"{example}) works only with both DNS support and DNS hostnames on, otherwise tasks "
                    "resolve AWS services to their public addresses.",
                    vpc,
                )


def fix_vpc_dns_hostnames(resource: Resource, settings: Settings) -> dict[str, Any]:
    """DNS hostnames on a VPC that leaves them unset (Pulumi's default is off; DNS support's default is
    on). A VPC cannot see its endpoints, so this runs on every VPC that leaves the setting to the default;
    an explicit false is a decision and stays, for the stack check to judge."""
    if resource.get("enableDnsHostnames") is not None:
        return {}
    return {"enableDnsHostnames": True}


def _can_forward_to_amazon_dns(server: str, vpc: Resource) -> bool:
    """The Amazon resolver itself, or a DNS server inside the VPC, which can forward to it at VPC+2."""
    cidr = as_str(vpc.get("cidrBlock"))
    vpc_cidr = cidr if isinstance(cidr, str) else None
    if is_amazon_dns_server(server, vpc_cidr):
        return True
    return vpc_cidr is not None and covers(vpc_cidr, server)


def _has_inbound_resolver(stack: Stack, vpc: Resource) -> bool:
    def vpcs_with_inbound_resolver() -> set[Resource]:
        found: set[Resource] = set()
        for resolver in stack.of_type(RESOLVER_ENDPOINT):
            if str(as_str(resolver.get("direction"))).upper() != "INBOUND":
                continue
            members = stack.refs(resolver, "ipAddresses", SUBNET) + stack.refs(
                resolver, "securityGroupIds", SECURITY_GROUP
            )
            found.update(
                owner
                for owner in (vpc_of(stack, member) for member in members)
                if isinstance(owner, Resource)
            )
        return found

    return vpc in stack.memo("vpcs-with-inbound-resolver", vpcs_with_inbound_resolver)


def check_vpc_dhcp_amazon_dns(stack: Stack, settings: Settings, report: Report) -> None:
    with_endpoints = _interface_endpoints_by_vpc(stack, settings)
    for association in stack.of_type(DHCP_OPTIONS_ASSOCIATION):
        vpc = vpc_of(stack, association)
        if not isinstance(vpc, Resource) or vpc.urn not in with_endpoints:
            continue
        for options in stack.refs(association, "dhcpOptionsId", DHCP_OPTIONS):
            servers = strings(options.get("domainNameServers"))
            if is_unknown(servers) or is_unknown(as_list(options.get("domainNameServers"))):
                report.cannot_check(
                    f"The DNS servers of DHCP options {options.label} are not known yet (C4)."
                )
                continue
            if not servers or any(_can_forward_to_amazon_dns(server, vpc) for server in servers):
                continue
            if any(server in settings.forwarding_dns_servers for server in servers):
                continue  # declared to forward to an inbound Resolver endpoint another stack made
            if _has_inbound_resolver(stack, vpc):
                continue  # custom servers can forward AWS names to the inbound Resolver endpoint
            report.violation(
                f"Add AmazonProvidedDNS to DHCP options {options.label} of VPC {vpc.label}, or create an "
                "inbound Route 53 Resolver endpoint in the VPC and forward the AWS service domains from "
                f"{', '.join(servers)} to it (C4): VPC endpoints resolve privately only through "
                "Amazon-provided DNS. If another stack made that endpoint, list the servers in this "
                "policy's forwardingDnsServers.",
                options,
            )


POLICIES = [
    stack_policy(
        name="vpc-dns-enabled",
        description="VPCs with interface endpoints have DNS support and DNS hostnames enabled (C4).",
        check=check_vpc_dns_enabled,
        level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation="Set enableDnsSupport=True and enableDnsHostnames=True on the VPC.",
        tags=["dns"],
        fix=fix_vpc_dns_hostnames,
        fix_types=[VPC],
    ),
    stack_policy(
        name="vpc-dhcp-amazon-dns",
        description="DHCP options of VPCs with interface endpoints use Amazon-provided DNS, or custom DNS "
        "servers can forward to an inbound Route 53 Resolver endpoint (C4).",
        check=check_vpc_dhcp_amazon_dns,
        level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation="Use domainNameServers=['AmazonProvidedDNS'], or add an inbound Route 53 Resolver "
        "endpoint and conditional forwarding on your DNS servers.",
        config=FORWARDING_DNS_SERVERS_SCHEMA,
        tags=["dns"],
    ),
]
