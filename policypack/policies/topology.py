"""Network facts of a stack: Regions, VPCs, their endpoints, routes and security group rules."""

import ipaddress
from dataclasses import dataclass
from typing import Any

from awsfacts import ServiceName, parse_service_name

from .model import (
    DEFAULT_ROUTE_TABLE,
    INTERNET_GATEWAY,
    NAT_GATEWAY,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_GROUP_INGRESS_RULE,
    SECURITY_GROUP_RULE,
    SUBNET,
    VPC,
    VPC_ENDPOINT,
    VPC_ENDPOINT_PRIVATE_DNS,
    VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION,
    VPC_ENDPOINT_SECURITY_GROUP_ASSOCIATION,
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
    found = stack.refs(resource, prop, VPC)
    if found:
        return found[0]
    return UNKNOWN if stack.points_at_something_unknown(resource, prop) else None


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
    for setting in stack.of_type(VPC_ENDPOINT_PRIVATE_DNS):
        if endpoint in stack.refs(setting, "vpcEndpointId", VPC_ENDPOINT):
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
        for subnet in stack.of_type(SUBNET):
            owner = vpc_of(stack, subnet)
            if isinstance(owner, Resource):
                grouped.setdefault(owner.urn, []).append(subnet)
        return grouped

    return stack.memo("subnets-by-vpc", by_vpc).get(vpc.urn, [])


def route_tables_of(stack: Stack, vpc: Resource) -> list[Resource]:
    tables = [table for table in stack.of_type(ROUTE_TABLE) if vpc_of(stack, table) is vpc]
    tables += [
        table
        for table in stack.of_type(DEFAULT_ROUTE_TABLE)
        if vpc in stack.refs(table, "defaultRouteTableId", VPC)
    ]
    return tables


def route_tables_of_subnet(stack: Stack, subnet: Resource) -> list[Resource]:
    """Route tables explicitly associated with a subnet (the main table is not visible)."""
    tables: list[Resource] = []
    for association in stack.of_type(ROUTE_TABLE_ASSOCIATION):
        if subnet in stack.refs(association, "subnetId", SUBNET):
            tables += stack.refs(association, "routeTableId", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
    return tables


_DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")
_TARGETS = (INTERNET_GATEWAY, NAT_GATEWAY)


def _present(*values: object) -> object:
    """The first value that is set (an unknown value is set, just not known)."""
    return next((value for value in values if is_unknown(value) or value not in (None, "")), None)


def _route_reaches_internet(
    stack: Stack, owner: Resource, prop: str, route: dict[str, Any]
) -> bool | Unknowable:
    gateway, nat = route.get("gatewayId"), route.get("natGatewayId")
    if any(isinstance(value, str) and value.startswith(("igw-", "nat-")) for value in (gateway, nat)):
        return True
    if gateway is None and nat is None:
        return False  # a transit gateway, peering connection, ...: not an internet path here
    if not (is_unknown(gateway) or is_unknown(nat)):
        return any(_is_internet_target(target) for target in stack.refs(owner, prop, *_TARGETS))
    # An unknown target (preview) is one of the property's dependencies: the route table's
    # dependencies are per property, not per route, so any internet gateway among them counts.
    targets = stack.dependencies(owner, prop)
    if any(target.type in _TARGETS and _is_internet_target(target) for target in targets):
        return True
    return False if targets else UNKNOWN


def _is_internet_target(target: Resource) -> bool:
    # A private NAT gateway routes to other networks only, never to the internet.
    return target.type == INTERNET_GATEWAY or as_str(target.get("connectivityType")) != "private"


def internet_path(stack: Stack, vpc: Resource) -> bool | Unknowable:
    """Whether a route table of the VPC sends a default route to an internet or NAT gateway."""
    unknown = False
    tables = route_tables_of(stack, vpc)
    for table in tables:
        routes = as_list(table.get("routes"))
        if is_unknown(routes):
            unknown = True
            continue
        for route in routes:
            if not isinstance(route, dict):
                continue
            destination = _present(route.get("cidrBlock"), route.get("ipv6CidrBlock"))
            if is_unknown(destination):
                unknown = True
            elif destination in _DEFAULT_ROUTES:
                reaches = _route_reaches_internet(stack, table, "routes", route)
                if reaches is True:
                    return True
                unknown = unknown or is_unknown(reaches)
    for route_resource in stack.of_type(ROUTE):
        owners = stack.refs(route_resource, "routeTableId", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
        if not any(owner in tables for owner in owners):
            continue
        destination = _present(
            route_resource.get("destinationCidrBlock"), route_resource.get("destinationIpv6CidrBlock")
        )
        if is_unknown(destination):
            unknown = True
            continue
        if destination not in _DEFAULT_ROUTES:
            continue
        # A route has one target; its own dependencies are those of that target's property.
        prop = "natGatewayId" if route_resource.get("natGatewayId") is not None else "gatewayId"
        reaches = _route_reaches_internet(stack, route_resource, prop, route_resource.props)
        if reaches is True:
            return True
        unknown = unknown or is_unknown(reaches)
    return UNKNOWN if unknown else False


def endpoint_route_tables(stack: Stack, endpoint: Resource) -> list[Resource]:
    tables = stack.refs(endpoint, "routeTableIds", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
    for association in stack.of_type(VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION):
        if endpoint in stack.refs(association, "vpcEndpointId", VPC_ENDPOINT):
            tables += stack.refs(association, "routeTableId", ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
    return tables


# --- Security groups -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointGroups:
    groups: list[Resource]  # the endpoint's security groups that this stack declares
    unknown: bool  # some group is not known yet (preview)
    external: bool  # some group is declared outside this stack: its rules are not visible


def endpoint_security_groups(stack: Stack, endpoint: Resource) -> EndpointGroups:
    groups = stack.refs(endpoint, "securityGroupIds", SECURITY_GROUP)
    for association in stack.of_type(VPC_ENDPOINT_SECURITY_GROUP_ASSOCIATION):
        if endpoint in stack.refs(association, "vpcEndpointId", VPC_ENDPOINT):
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
    from_group_or_prefix_list: bool  # a security group, itself or a prefix list: trusted sources

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
        return self.from_port <= 443 <= self.to_port


def _ingress(
    protocol: object, from_port: object, to_port: object, cidrs: object, others: list[object]
) -> Ingress:
    protocol_text = as_str(protocol)
    return Ingress(
        protocol=protocol_text if protocol_text is not None else str(as_int(protocol) or ""),
        from_port=as_int(from_port),
        to_port=as_int(to_port),
        cidrs=cidrs if is_unknown(cidrs) else tuple(cidrs),  # type: ignore[arg-type]
        # An unknown reference is still a reference (preview: the tasks' group id is not known yet).
        from_group_or_prefix_list=any(
            is_unknown(other) or other is True or (isinstance(other, list | str) and len(other) > 0)
            for other in others
        ),
    )


def ingress_rules(stack: Stack, group: Resource) -> list[Ingress] | Unknowable:
    inline = as_list(group.get("ingress"))
    if is_unknown(inline):
        return UNKNOWN
    rules: list[Ingress] = []
    for rule in inline:
        rule_props = as_dict(rule)
        if is_unknown(rule_props):
            return UNKNOWN
        cidrs = strings(rule_props.get("cidrBlocks"))
        ipv6 = strings(rule_props.get("ipv6CidrBlocks"))
        all_cidrs = UNKNOWN if is_unknown(cidrs) or is_unknown(ipv6) else [*cidrs, *ipv6]
        rules.append(
            _ingress(
                rule_props.get("protocol"),
                rule_props.get("fromPort"),
                rule_props.get("toPort"),
                all_cidrs,
                [
                    rule_props.get("self") is True or None,
                    strings(rule_props.get("securityGroups")),
                    strings(rule_props.get("prefixListIds")),
                ],
            )
        )
    for rule_resource in stack.of_type(SECURITY_GROUP_RULE):
        if group not in stack.refs(rule_resource, "securityGroupId", SECURITY_GROUP):
            continue
        if as_str(rule_resource.get("type")) != "ingress":
            continue
        cidrs = strings(rule_resource.get("cidrBlocks"))
        ipv6 = strings(rule_resource.get("ipv6CidrBlocks"))
        rules.append(
            _ingress(
                rule_resource.get("protocol"),
                rule_resource.get("fromPort"),
                rule_resource.get("toPort"),
                UNKNOWN if is_unknown(cidrs) or is_unknown(ipv6) else [*cidrs, *ipv6],
                [
                    rule_resource.get("self") is True or None,
                    as_str(rule_resource.get("sourceSecurityGroupId")),
                    strings(rule_resource.get("prefixListIds")),
                ],
            )
        )
    for rule_resource in stack.of_type(SECURITY_GROUP_INGRESS_RULE):
        if group not in stack.refs(rule_resource, "securityGroupId", SECURITY_GROUP):
            continue
        cidr_values = [rule_resource.get("cidrIpv4"), rule_resource.get("cidrIpv6")]
        cidrs = UNKNOWN if any(is_unknown(value) for value in cidr_values) else strings(cidr_values)
        rules.append(
            _ingress(
                rule_resource.get("ipProtocol"),
                rule_resource.get("fromPort"),
                rule_resource.get("toPort"),
                cidrs,
                [
                    as_str(rule_resource.get("referencedSecurityGroupId")),
                    as_str(rule_resource.get("prefixListId")),
                ],
            )
        )
    return rules


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
        if rule.from_group_or_prefix_list:
            return True  # the tasks' own group or a managed list: trusted, not provable here
        if is_unknown(rule.cidrs):
            unknown = True
            continue
        uncovered = {cidr for cidr in uncovered if not any(covers(allowed, cidr) for allowed in rule.cidrs)}
    if not uncovered:
        return True
    return UNKNOWN if unknown else False
