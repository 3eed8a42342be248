"""Network facts of a stack: Regions, VPCs, their endpoints, routes and security group rules."""

import functools
import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from awsfacts import (
    HTTPS_PORT,
    ServiceName,
    UnknownRegionError,
    parse_service_name,
    private_dns_name,
    zone_serves,
)

from .model import (
    DEFAULT_ROUTE_TABLE,
    DEFAULT_SUBNET,
    DEFAULT_VPC,
    HOSTED_ZONE,
    HOSTED_ZONE_ASSOCIATION,
    INTERNET_GATEWAY,
    MAIN_ROUTE_TABLE_ASSOCIATION,
    NAT_GATEWAY,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_GROUP_INGRESS_RULE,
    SECURITY_GROUP_RULE,
    SUBNETS,
    VPC_ENDPOINT,
    VPC_ENDPOINT_PRIVATE_DNS,
    VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION,
    VPC_ENDPOINT_SECURITY_GROUP_ASSOCIATION,
    VPCS,
    VPN_GATEWAY,
    Resource,
    Stack,
)
from .props import UNKNOWN, Unknown, as_bool, as_dict, as_int, as_list, as_str, is_unknown, strings
from .settings import Settings

Unknowable = Unknown  # a value of the named type, or UNKNOWN


def region_of(resource: Resource, settings: Settings) -> str | Unknowable | None:
    """The resource's own ``region`` (pulumi-aws v7), else its provider's, else the config's."""
    for value in (resource.get("region"), resource.provider_props.get("region")):
        region = as_str(value)
        if region is not None:
            return region
    return settings.region


def vpc_of(stack: Stack, resource: Resource, prop: str = "vpcId") -> Resource | Unknowable | None:
    found = stack.refs(resource, prop, *VPCS)
    if found:
        return found[0]
    if resource.type == DEFAULT_SUBNET and resource.get(prop) is None:
        defaults = stack.of_type(DEFAULT_VPC)  # a default subnet lies in the Region's default VPC
        if len(defaults) == 1:
            return defaults[0]
    return UNKNOWN if stack.points_at_something_unknown(resource, prop) else None


def _zones_by_vpc(stack: Stack) -> dict[str, list[Resource]]:
    zones: dict[str, list[Resource]] = {}
    for zone in stack.of_type(HOSTED_ZONE):
        for vpc in stack.refs(zone, "vpcs", *VPCS):
            zones.setdefault(vpc.urn, []).append(zone)
    for association in stack.of_type(HOSTED_ZONE_ASSOCIATION):
        for vpc in stack.refs(association, "vpcId", *VPCS):
            zones.setdefault(vpc.urn, []).extend(stack.refs(association, "zoneId", HOSTED_ZONE))
    return zones


def private_zone_serves(stack: Stack, vpc: Resource, key: str, region: str) -> bool:
    """Whether a Route 53 private hosted zone associated with the VPC answers for the service's endpoint
    name: how centralised endpoints (private DNS off, in a hub VPC) serve the VPC's tasks."""
    try:
        name = private_dns_name(key, region)
    except UnknownRegionError:
        return False
    for zone in stack.memo("zones-by-vpc", lambda: _zones_by_vpc(stack)).get(vpc.urn, []):
        zone_name = as_str(zone.get("name"))
        if isinstance(zone_name, str) and zone_serves(zone_name, name):
            return True
    return False


# --- VPC endpoints -------------------------------------------------------------------------------


@dataclass(eq=False)
class Endpoint:
    resource: Resource
    vpc: Resource | Unknowable | None
    service_name: str | Unknowable | None
    endpoint_type: str | Unknowable  # "Interface", "Gateway", ...; Pulumi's default is Gateway
    private_dns: bool | Unknowable  # Pulumi's default is false
    private_dns_set_on_endpoint: bool  # privateDnsEnabled on the endpoint itself, not a separate resource
    region: str | Unknowable | None

    @property
    def service(self) -> ServiceName | None:
        return parse_service_name(self.service_name) if isinstance(self.service_name, str) else None

    @property
    def key(self) -> str | None:
        service = self.service
        return service.key if service is not None else None

    @property
    def same_region(self) -> bool:
        service = self.service
        return service is not None and isinstance(self.region, str) and service.region == self.region


def endpoint_of(stack: Stack | None, resource: Resource, settings: Settings) -> Endpoint:
    """The endpoint's facts; without ``stack``, only what the resource says by itself."""
    endpoint_type = as_str(resource.get("vpcEndpointType"))
    own_private_dns = as_bool(resource.get("privateDnsEnabled"))
    private_dns = own_private_dns
    if private_dns is None and stack is not None:
        private_dns = _separate_private_dns(stack, resource)
    return Endpoint(
        resource=resource,
        vpc=vpc_of(stack, resource) if stack is not None else None,
        service_name=as_str(resource.get("serviceName")),
        endpoint_type="Gateway" if endpoint_type is None else endpoint_type,
        private_dns=False if private_dns is None else private_dns,
        private_dns_set_on_endpoint=own_private_dns is not None,
        region=region_of(resource, settings),
    )


def _separate_private_dns(stack: Stack, endpoint: Resource) -> bool | Unknowable | None:
    """Private DNS as an ``aws.vpc.EndpointPrivateDns`` resource sets it (pulumi-aws v7)."""
    for setting in stack.referrers(endpoint, "vpcEndpointId", VPC_ENDPOINT_PRIVATE_DNS):
        return as_bool(setting.get("privateDnsEnabled"))
    return None


def endpoints(stack: Stack, settings: Settings) -> list[Endpoint]:
    return stack.memo(
        ("endpoints", settings),
        lambda: [endpoint_of(stack, resource, settings) for resource in stack.of_type(VPC_ENDPOINT)],
    )


def endpoints_in(stack: Stack, vpc: Resource, settings: Settings) -> list[Endpoint]:
    def by_vpc() -> dict[str, list[Endpoint]]:
        grouped: dict[str, list[Endpoint]] = {}
        for endpoint in endpoints(stack, settings):
            if isinstance(endpoint.vpc, Resource):
                grouped.setdefault(endpoint.vpc.urn, []).append(endpoint)
        return grouped

    return stack.memo(("endpoints-by-vpc", settings), by_vpc).get(vpc.urn, [])


# --- Subnets and routes --------------------------------------------------------------------------


def subnets_of(stack: Stack, vpc: Resource) -> list[Resource]:
    def by_vpc() -> dict[str, list[Resource]]:
        grouped: dict[str, list[Resource]] = {}
        for subnet in stack.of_type(*SUBNETS):
            owner = vpc_of(stack, subnet)
            if isinstance(owner, Resource):
                grouped.setdefault(owner.urn, []).append(subnet)
        return grouped

    return stack.memo("subnets-by-vpc", by_vpc).get(vpc.urn, [])


class Egress(StrEnum):
    """Where a subnet's default route sends traffic bound for AWS's public endpoints."""

    NONE = "none"  # no default route: only VPC endpoints reach AWS
    INTERNET_GATEWAY = "internet gateway"  # a path only for tasks and instances with a public IP
    NAT = "NAT"  # a public NAT gateway or a NAT instance: a path
    TRANSIT = "transit"  # a transit gateway, VPN gateway, peering, firewall...: egress elsewhere, maybe
    UNKNOWN = "unknown"  # not known yet, or the subnet or its route table is not in this stack


_DEFAULT_ROUTES = ("0.0.0.0/0",)
_IPV6_DEFAULT_ROUTES = ("::/0",)
# Route targets that send traffic to another network, which may or may not reach the internet.
_TRANSIT_TARGETS = (
    "transitGatewayId",
    "vpcPeeringConnectionId",
    "coreNetworkArn",
    "vpcEndpointId",  # a Gateway Load Balancer (firewall) endpoint
    "localGatewayId",
    "carrierGatewayId",
)
_NAT_INSTANCE_TARGETS = ("networkInterfaceId", "instanceId")
# Egress from the best path to the worst: one route table can hold both an IPv4 and an IPv6 default.
_RANK = (Egress.NAT, Egress.INTERNET_GATEWAY, Egress.TRANSIT, Egress.UNKNOWN, Egress.NONE)


def _present(*values: object) -> object:
    """The first value that is set (an unknown value is set, just not known)."""
    return next((value for value in values if is_unknown(value) or value not in (None, "")), None)


def _target_egress(stack: Stack, owner: Resource, prop: str | None, route: dict[str, Any]) -> Egress:
    """What one default route points at. ``prop`` is the owner's property whose dependencies the route's
    target is among (a route table's ``routes``; an ``aws.ec2.Route``'s target property)."""
    if _present(route.get("egressOnlyGatewayId")) is not None:
        return Egress.UNKNOWN  # IPv6 egress: only dual-stack AWS endpoints are reachable through it
    gateway, nat = _present(route.get("gatewayId")), _present(route.get("natGatewayId"))
    if isinstance(gateway, str):
        if gateway.startswith("igw-"):
            return Egress.INTERNET_GATEWAY
        if gateway.startswith("vgw-"):
            return Egress.TRANSIT
        if gateway == "local":
            return Egress.NONE
    if _present(*(route.get(key) for key in _TRANSIT_TARGETS)) is not None:
        return Egress.TRANSIT
    if _present(*(route.get(key) for key in _NAT_INSTANCE_TARGETS)) is not None:
        return Egress.NAT  # a NAT instance, as far as we can tell
    if gateway is None and nat is None:
        return Egress.NONE
    # The target is a resource of the stack (by id, or at preview by the property's dependencies).
    types = (NAT_GATEWAY,) if nat is not None else (INTERNET_GATEWAY, VPN_GATEWAY)
    targets = [target for target in stack.dependencies(owner, prop) if target.type in types] if prop else []
    for value in (gateway, nat):
        if isinstance(value, str):
            targets += stack.find(value, *types)
    if targets:
        return _best([_gateway_kind(target) for target in targets])
    if isinstance(nat, str) and nat.startswith("nat-"):
        return Egress.NAT  # a NAT gateway made elsewhere: public ones are the common case
    return Egress.UNKNOWN  # a gateway made elsewhere, or an id not known yet


_ROUTE_TARGETS = (
    "gatewayId",
    "natGatewayId",
    *_TRANSIT_TARGETS,
    *_NAT_INSTANCE_TARGETS,
    "egressOnlyGatewayId",
)


def _gateway_kind(gateway: Resource) -> Egress:
    if gateway.type == INTERNET_GATEWAY:
        return Egress.INTERNET_GATEWAY
    if gateway.type == NAT_GATEWAY and as_str(gateway.get("connectivityType")) != "private":
        return Egress.NAT
    # A private NAT gateway or a VPN gateway forwards to other networks only.
    return Egress.TRANSIT


def _best(found: list[Egress]) -> Egress:
    return min(found, key=_RANK.index) if found else Egress.NONE


def _routes_egress(stack: Stack, table: Resource) -> Egress:
    """The egress of one route table: its inline routes and the ``aws.ec2.Route`` resources on it."""

    found: list[Egress] = []
    ipv6_only: list[Egress] = []
    inline = as_list(table.get("routes"))
    if is_unknown(inline):
        found.append(Egress.UNKNOWN)
    else:
        for route in inline:
            if not isinstance(route, dict):
                continue
            destination = _present(route.get("cidrBlock"), route.get("ipv6CidrBlock"))
            if is_unknown(destination):
                found.append(Egress.UNKNOWN)
            elif destination in _DEFAULT_ROUTES:
                found.append(_target_egress(stack, table, "routes", route))
            elif destination in _IPV6_DEFAULT_ROUTES:
                ipv6_only.append(_target_egress(stack, table, "routes", route))
    for route_resource in stack.referrers(table, "routeTableId", ROUTE):
        found += _route_resource_egress(stack, route_resource, ipv6_only)
    if ipv6_only and _best(found) is Egress.NONE:
        # Only an IPv6 default route: dual-stack AWS endpoints may be reachable through it.
        found.append(Egress.UNKNOWN)
    return _best(found)


def _route_resource_target(stack: Stack, route: Resource) -> Egress:
    """What an ``aws.ec2.Route`` points at, whatever its destination."""
    prop = next((key for key in _ROUTE_TARGETS if _present(route.get(key)) is not None), None)
    return _target_egress(stack, route, prop, route.props)


def _route_resource_egress(stack: Stack, route: Resource, ipv6_only: list[Egress]) -> list[Egress]:
    destination = _present(route.get("destinationCidrBlock"), route.get("destinationIpv6CidrBlock"))
    if is_unknown(destination):
        return [Egress.UNKNOWN]
    egress = _route_resource_target(stack, route)
    if destination in _DEFAULT_ROUTES:
        return [egress]
    if destination in _IPV6_DEFAULT_ROUTES:
        ipv6_only.append(egress)
    return []


def main_route_tables(stack: Stack, vpc: Resource) -> list[Resource]:
    """The VPC's main route table as the stack declares it (an association, or the default table)."""
    tables = [
        table
        for association in stack.referrers(vpc, "vpcId", MAIN_ROUTE_TABLE_ASSOCIATION)
        for table in stack.refs(association, "routeTableId", ROUTE_TABLE)
    ]
    return tables + list(stack.referrers(vpc, "defaultRouteTableId", DEFAULT_ROUTE_TABLE))


def main_route_table_egress(stack: Stack, vpc: Resource) -> Egress:
    """Egress of a VPC's main route table: subnets without an explicit association use it."""

    def compute() -> Egress:
        tables = main_route_tables(stack, vpc)
        if tables:
            return _best([_routes_egress(stack, table) for table in tables])
        # The VPC's own main table: routes added to it by id (vpc.main_route_table_id).
        found = [
            egress
            for route in stack.referrers(vpc, "routeTableId", ROUTE)
            for egress in _route_resource_egress(stack, route, [])
        ]
        if vpc.type == DEFAULT_VPC:
            # A default VPC's main table sends 0.0.0.0/0 to its internet gateway, as in a new account.
            found.append(Egress.INTERNET_GATEWAY)
        return _best(found)

    return stack.memo(("main-route-table-egress", vpc.urn), compute)


def route_tables_of_subnet(stack: Stack, subnet: Resource) -> list[Resource] | Unknowable:
    """The subnet's explicitly associated route tables; UNKNOWN when one of them is not visible."""
    tables: list[Resource] = []
    for association in stack.referrers(subnet, "subnetId", ROUTE_TABLE_ASSOCIATION):
        found = stack.refs(association, "routeTableId", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
        if not found:
            return UNKNOWN
        tables += found
    return tables


def subnet_egress(stack: Stack, subnet: Resource) -> Egress:
    """Where the subnet's default route goes: its associated route table's, else the VPC main table's."""

    def compute() -> Egress:
        tables = route_tables_of_subnet(stack, subnet)
        if is_unknown(tables):
            return Egress.UNKNOWN
        if tables:
            return _best([_routes_egress(stack, table) for table in tables])
        vpc = vpc_of(stack, subnet)
        if not isinstance(vpc, Resource):
            return Egress.UNKNOWN  # a subnet of a VPC made elsewhere: its main table is not visible
        return main_route_table_egress(stack, vpc)

    return stack.memo(("subnet-egress", subnet.urn), compute)


def _table_routes_to_other_networks(stack: Stack, table: Resource) -> bool:
    inline = as_list(table.get("routes"))
    routes = [] if is_unknown(inline) else [route for route in inline if isinstance(route, dict)]
    if any(_target_egress(stack, table, "routes", route) is Egress.TRANSIT for route in routes):
        return True
    return any(
        _route_resource_target(stack, route) is Egress.TRANSIT
        for route in stack.referrers(table, "routeTableId", ROUTE)
    )


def routes_to_other_networks(stack: Stack, subnet: Resource) -> bool:
    """Whether the subnet's route tables send some destination to a transit gateway, peering connection,
    VPN gateway or Cloud WAN: endpoints in a VPC over there may serve it (centralised endpoints)."""

    def compute() -> bool:
        tables = route_tables_of_subnet(stack, subnet)
        if is_unknown(tables):
            return False
        if not tables:
            vpc = vpc_of(stack, subnet)
            tables = main_route_tables(stack, vpc) if isinstance(vpc, Resource) else []
        return any(_table_routes_to_other_networks(stack, table) for table in tables)

    return stack.memo(("routes-to-other-networks", subnet.urn), compute)


def maps_public_ip(subnet: Resource) -> bool | Unknowable:
    """Whether instances launched in the subnet get a public IP (default subnets do)."""
    value = as_bool(subnet.get("mapPublicIpOnLaunch"))
    if value is None:
        return subnet.type == DEFAULT_SUBNET
    return value


def endpoint_route_tables(stack: Stack, endpoint: Resource) -> list[Resource]:
    tables = stack.refs(endpoint, "routeTableIds", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
    for association in stack.referrers(endpoint, "vpcEndpointId", VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION):
        tables += stack.refs(association, "routeTableId", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
    return tables


def has_route_tables(stack: Stack, endpoint: Resource) -> bool | Unknowable:
    """Whether a gateway endpoint is associated with any route table, of this stack or another."""
    named = strings(endpoint.get("routeTableIds"))
    if is_unknown(named):
        return UNKNOWN
    return bool(named) or bool(
        stack.referrers(endpoint, "vpcEndpointId", VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION)
    )


# --- Security groups -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointGroups:
    groups: list[Resource]  # the endpoint's security groups that this stack declares
    unknown: bool  # some group is not known yet (preview)
    external: bool  # some group is declared outside this stack: its rules are not visible


def endpoint_security_groups(stack: Stack, endpoint: Resource) -> EndpointGroups:
    groups = stack.refs(endpoint, "securityGroupIds", SECURITY_GROUP)
    for association in stack.referrers(endpoint, "vpcEndpointId", VPC_ENDPOINT_SECURITY_GROUP_ASSOCIATION):
        groups += stack.refs(association, "securityGroupId", SECURITY_GROUP)
    named = as_list(endpoint.get("securityGroupIds"))
    external = not is_unknown(named) and any(
        isinstance(name, str) and not stack.find(name, SECURITY_GROUP) for name in named
    )
    unknown = not groups and stack.points_at_something_unknown(endpoint, "securityGroupIds")
    return EndpointGroups(groups, unknown, external)


@dataclass(frozen=True)
class Ingress:
    """One ingress permission, normalised across the three ways to write it."""

    protocol: str | Unknowable
    from_port: int | Unknowable | None
    to_port: int | Unknowable | None
    cidrs: tuple[str, ...] | Unknowable
    source_groups: frozenset[str]  # group keys (see group_key): a source group, or the group itself
    source_unknown: bool  # a source group or prefix list is named but not known yet
    prefix_list: bool  # a managed prefix list: trusted, its entries are not visible here

    def allows_https(self) -> bool | Unknowable:
        if is_unknown(self.protocol):
            return UNKNOWN
        protocol = self.protocol.lower()
        if protocol in ("-1", "all"):
            return True
        if protocol not in ("tcp", "6"):
            return False
        if is_unknown(self.from_port) or is_unknown(self.to_port):
            return UNKNOWN
        if self.from_port is None or self.to_port is None:
            return False
        return self.from_port <= HTTPS_PORT <= self.to_port


def group_key(group: Resource | str) -> str:
    """How security groups are compared: a resource of the stack by URN, another one by its id."""
    return group.urn if isinstance(group, Resource) else group


def group_keys(stack: Stack, owner: Resource, prop: str, *path: str | int) -> tuple[set[str], bool]:
    """Keys of the security groups a property names, and whether some are not known yet."""
    found = stack.refs(owner, prop, SECURITY_GROUP, path=tuple(path))
    keys = {group_key(group) for group in found}
    named = strings(owner.get(prop, *path))
    if is_unknown(named):
        return keys, not found
    for name in named:
        if not stack.find(name, SECURITY_GROUP):
            keys.add(name)  # a group of another stack, by id
    return keys, False


def _ingress(
    protocol: object,
    from_port: object,
    to_port: object,
    cidrs: object,
    sources: tuple[set[str], bool],
    prefix_lists: object,
) -> Ingress:
    protocol_text = as_str(protocol)
    prefix = strings(prefix_lists)
    return Ingress(
        protocol=protocol_text if protocol_text is not None else str(as_int(protocol) or ""),
        from_port=as_int(from_port),
        to_port=as_int(to_port),
        cidrs=cidrs if is_unknown(cidrs) else tuple(cidrs),  # type: ignore[arg-type]
        source_groups=frozenset(sources[0]),
        source_unknown=sources[1] or is_unknown(prefix),
        prefix_list=not is_unknown(prefix) and bool(prefix),
    )


def _cidrs(*values: object) -> list[str] | Unknowable:
    found: list[str] = []
    for value in values:
        listed = strings(value)
        if is_unknown(listed):
            return UNKNOWN
        found += listed
    return found


def ingress_rules(stack: Stack, group: Resource) -> list[Ingress] | Unknowable:
    """Every ingress permission of a group: inline, SecurityGroupRule and SecurityGroupIngressRule."""
    return stack.memo(("ingress-rules", group.urn), lambda: _ingress_rules(stack, group))


def _ingress_rules(stack: Stack, group: Resource) -> list[Ingress] | Unknowable:
    inline = as_list(group.get("ingress"))
    if is_unknown(inline):
        return UNKNOWN
    own = group_key(group)
    rules: list[Ingress] = []
    for index, rule in enumerate(inline):
        rule_props = as_dict(rule)
        if is_unknown(rule_props):
            return UNKNOWN
        keys, unknown = group_keys(stack, group, "ingress", index, "securityGroups")
        if rule_props.get("self") is True:
            keys.add(own)
        rules.append(
            _ingress(
                rule_props.get("protocol"),
                rule_props.get("fromPort"),
                rule_props.get("toPort"),
                _cidrs(rule_props.get("cidrBlocks"), rule_props.get("ipv6CidrBlocks")),
                (keys, unknown),
                rule_props.get("prefixListIds"),
            )
        )
    for rule_resource in stack.referrers(group, "securityGroupId", SECURITY_GROUP_RULE):
        if as_str(rule_resource.get("type")) != "ingress":
            continue
        keys, unknown = group_keys(stack, rule_resource, "sourceSecurityGroupId")
        if rule_resource.get("self") is True:
            keys.add(own)
        rules.append(
            _ingress(
                rule_resource.get("protocol"),
                rule_resource.get("fromPort"),
                rule_resource.get("toPort"),
                _cidrs(rule_resource.get("cidrBlocks"), rule_resource.get("ipv6CidrBlocks")),
                (keys, unknown),
                rule_resource.get("prefixListIds"),
            )
        )
    for rule_resource in stack.referrers(group, "securityGroupId", SECURITY_GROUP_INGRESS_RULE):
        rules.append(
            _ingress(
                rule_resource.get("ipProtocol"),
                rule_resource.get("fromPort"),
                rule_resource.get("toPort"),
                _cidrs(rule_resource.get("cidrIpv4"), rule_resource.get("cidrIpv6")),
                group_keys(stack, rule_resource, "referencedSecurityGroupId"),
                rule_resource.get("prefixListId"),
            )
        )
    return rules


@functools.lru_cache(maxsize=4096)
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def covers(allowed: str, subnet: str) -> bool:
    outer, inner = _network(allowed), _network(subnet)
    if outer is None or inner is None or outer.version != inner.version:
        return False
    return inner.subnet_of(outer)  # type: ignore[arg-type]


def https_sources_cover(rules: list[Ingress], cidrs: list[str]) -> bool | Unknowable:
    """Whether the rules let TCP 443 in from every one of ``cidrs``."""
    unknown = False
    uncovered = set(cidrs)
    for rule in rules:
        allows = rule.allows_https()
        if is_unknown(allows):
            unknown = True
            continue
        if not allows:
            continue
        if rule.source_groups or rule.source_unknown or rule.prefix_list:
            return True  # no caller in the stack to compare a group with: trusted, not provable here
        if is_unknown(rule.cidrs):
            unknown = True
            continue
        uncovered = {cidr for cidr in uncovered if not any(covers(allowed, cidr) for allowed in rule.cidrs)}
    if not uncovered:
        return True
    return UNKNOWN if unknown else False


def admits_https(rules: list[Ingress], cidrs: list[str], groups: set[str]) -> bool | Unknowable:
    """Whether the rules let TCP 443 in from a consumer: its subnets' ``cidrs`` or its security ``groups``.

    A source group counts only when it is one of the consumer's own groups (a self rule names the
    endpoint's group: it admits the consumer only if the consumer is in that group too).
    """
    unknown = False
    uncovered = set(cidrs)
    for rule in rules:
        allows = rule.allows_https()
        if is_unknown(allows):
            unknown = True
            continue
        if not allows:
            continue
        if rule.prefix_list or rule.source_groups & groups:
            return True
        if rule.source_unknown or is_unknown(rule.cidrs):
            unknown = True
            continue
        uncovered = {cidr for cidr in uncovered if not any(covers(allowed, cidr) for allowed in rule.cidrs)}
    if cidrs and not uncovered:
        return True
    return UNKNOWN if unknown else False
