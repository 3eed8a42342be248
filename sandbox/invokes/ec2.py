"""EC2 invokes over the embedded account: the default VPC, its subnets, route table and security
group, AWS-managed prefix lists and VPC endpoint services.

Lookups go through EC2's filter semantics (``filters``); a singular lookup that matches nothing or
more than one thing fails as the provider fails, saying what the offline account holds.
"""

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from awsfacts import CATALOG, parse_service_name, service_name

from . import InvokeError, Request
from .account import DefaultNetwork, availability_zones, default_network
from .filters import matches, tag_attributes, with_arguments, with_tags

_NEW_ACCOUNT = "the offline account is a new account: its default VPC and what comes with it"

_VPC_FILTERS = {
    "vpc-id",
    "cidr",
    "cidr-block-association.cidr-block",
    "cidr-block-association.association-id",
    "cidr-block-association.state",
    "dhcp-options-id",
    "is-default",
    "owner-id",
    "state",
    "tag-key",
    "tag-value",
}
_SUBNET_FILTERS = {
    "availability-zone",
    "availability-zone-id",
    "availabilityZone",
    "availabilityZoneId",
    "cidr",
    "cidr-block",
    "cidrBlock",
    "default-for-az",
    "defaultForAz",
    "map-public-ip-on-launch",
    "owner-id",
    "state",
    "subnet-arn",
    "subnet-id",
    "vpc-id",
    "tag-key",
    "tag-value",
}
_GROUP_FILTERS = {"description", "group-id", "group-name", "owner-id", "vpc-id", "tag-key", "tag-value"}
_ROUTE_TABLE_FILTERS = {
    "association.gateway-id",
    "association.main",
    "association.route-table-association-id",
    "association.route-table-id",
    "association.subnet-id",
    "owner-id",
    "route-table-id",
    "route.destination-cidr-block",
    "route.gateway-id",
    "route.origin",
    "route.state",
    "vpc-id",
    "tag-key",
    "tag-value",
}
_PREFIX_LIST_FILTERS = {"owner-id", "prefix-list-id", "prefix-list-name"}


def _one(request: Request, kind: str, found: list[Any]) -> Any:
    # The provider's words for a singular data source (tfresource.SingularDataSourceFindError).
    if not found:
        raise request.not_found(f"no matching {kind} found ({_NEW_ACCOUNT})")
    if len(found) > 1:
        raise request.not_found(
            f"multiple {kind}s matched; use additional constraints to reduce matches to a single {kind}"
        )
    return found[0]


def _select(
    request: Request,
    candidates: list[Any],
    attributes: Callable[[Any], Mapping[str, list[str]]],
    filters: list[dict[str, Any]],
    known: set[str],
) -> list[Any]:
    try:
        return [item for item in candidates if matches(attributes(item), filters, known)]
    except ValueError as error:  # EC2 refuses an unknown filter name (InvalidParameterValue)
        raise InvokeError(f"{request.function} ({request.token}): {error}") from None


# --- the default VPC -------------------------------------------------------------------------


def _vpc_attributes(net: DefaultNetwork) -> dict[str, list[str]]:
    return {
        "vpc-id": [net.vpc_id],
        "cidr": ["172.31.0.0/16"],
        "cidr-block-association.cidr-block": ["172.31.0.0/16"],
        "cidr-block-association.association-id": [net.cidr_association_id],
        "cidr-block-association.state": ["associated"],
        "dhcp-options-id": [net.dhcp_options_id],
        "is-default": ["true"],
        "owner-id": [net.account_id],
        "state": ["available"],
        **tag_attributes({}),
    }


def get_vpc(request: Request) -> dict[str, Any]:
    args = request.args
    net = default_network(request.region, request.account_id)
    filters = with_arguments(
        args.get("filters"),
        {
            "cidr": args.get("cidrBlock"),
            "dhcp-options-id": args.get("dhcpOptionsId"),
            "is-default": args.get("default"),
            "state": args.get("state"),
            "vpc-id": args.get("id"),
        },
    )
    _one(
        request,
        "EC2 VPC",
        _select(request, [net], _vpc_attributes, with_tags(filters, args.get("tags")), _VPC_FILTERS),
    )
    return {
        "arn": net.arn("vpc", net.vpc_id),
        "cidrBlock": "172.31.0.0/16",
        "cidrBlockAssociations": [
            {"associationId": net.cidr_association_id, "cidrBlock": "172.31.0.0/16", "state": "associated"}
        ],
        "default": True,
        "dhcpOptionsId": net.dhcp_options_id,
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "enableNetworkAddressUsageMetrics": False,
        "filters": args.get("filters"),
        "id": net.vpc_id,
        "instanceTenancy": "default",
        "ipv6AssociationId": "",
        "ipv6CidrBlock": "",
        "ipv6CidrBlockAssociations": [],
        "mainRouteTableId": net.main_route_table_id,
        "ownerId": net.account_id,
        "region": request.region,
        "state": "available",
        "tags": {},
    }


# --- default subnets ---------------------------------------------------------------------------


def _subnet_records(net: DefaultNetwork) -> list[dict[str, list[str]]]:
    return [
        {
            "subnet-id": [subnet.id],
            "subnet-arn": [net.arn("subnet", subnet.id)],
            "availability-zone": [subnet.availability_zone],
            "availabilityZone": [subnet.availability_zone],
            "availability-zone-id": [subnet.availability_zone_id],
            "availabilityZoneId": [subnet.availability_zone_id],
            "cidr": [subnet.cidr_block],
            "cidr-block": [subnet.cidr_block],
            "cidrBlock": [subnet.cidr_block],
            "default-for-az": ["true"],
            "defaultForAz": ["true"],
            "map-public-ip-on-launch": ["true"],
            "owner-id": [net.account_id],
            "state": ["available"],
            "vpc-id": [net.vpc_id],
            **tag_attributes({}),
        }
        for subnet in net.subnets
    ]


def _matching_subnets(request: Request, filters: list[dict[str, Any]]) -> list[str]:
    net = default_network(request.region, request.account_id)
    records = _select(request, _subnet_records(net), lambda record: record, filters, _SUBNET_FILTERS)
    return [record["subnet-id"][0] for record in records]


def get_subnets(request: Request) -> dict[str, Any]:
    args = request.args
    ids = _matching_subnets(request, with_tags(with_arguments(args.get("filters"), {}), args.get("tags")))
    return {
        "filters": args.get("filters"),
        "id": request.region,
        "ids": ids,
        "region": request.region,
        "tags": args.get("tags"),
    }


def get_subnet(request: Request) -> dict[str, Any]:
    args = request.args
    filters = with_arguments(
        args.get("filters"),
        {
            "availability-zone": args.get("availabilityZone"),
            "availability-zone-id": args.get("availabilityZoneId"),
            "cidr-block": args.get("cidrBlock"),
            "default-for-az": args.get("defaultForAz"),
            "state": args.get("state"),
            "subnet-id": args.get("id"),
            "vpc-id": args.get("vpcId"),
        },
    )
    if args.get("ipv6CidrBlock"):
        raise request.not_found(
            f"no matching EC2 Subnet found (default subnets have no IPv6; {_NEW_ACCOUNT})"
        )
    subnet_id = _one(request, "EC2 Subnet", _matching_subnets(request, with_tags(filters, args.get("tags"))))
    net = default_network(request.region, request.account_id)
    subnet = next(s for s in net.subnets if s.id == subnet_id)
    return {
        "arn": net.arn("subnet", subnet.id),
        "assignIpv6AddressOnCreation": False,
        "availabilityZone": subnet.availability_zone,
        "availabilityZoneId": subnet.availability_zone_id,
        "availableIpAddressCount": 4091,  # a /20 less the 5 addresses AWS reserves
        "cidrBlock": subnet.cidr_block,
        "customerOwnedIpv4Pool": "",
        "defaultForAz": True,
        "enableDns64": False,
        "enableLniAtDeviceIndex": 0,
        "enableResourceNameDnsARecordOnLaunch": False,
        "enableResourceNameDnsAaaaRecordOnLaunch": False,
        "filters": args.get("filters"),
        "id": subnet.id,
        "ipv6CidrBlock": "",
        "ipv6CidrBlockAssociationId": "",
        "ipv6Native": False,
        "mapCustomerOwnedIpOnLaunch": False,
        "mapPublicIpOnLaunch": True,
        "outpostArn": "",
        "ownerId": net.account_id,
        "privateDnsHostnameTypeOnLaunch": "ip-name",
        "region": request.region,
        "state": "available",
        "tags": {},
        "vpcId": net.vpc_id,
    }


# --- the default security group ----------------------------------------------------------------


def get_security_group(request: Request) -> dict[str, Any]:
    args = request.args
    net = default_network(request.region, request.account_id)
    attributes = {
        "description": ["default VPC security group"],
        "group-id": [net.security_group_id],
        "group-name": ["default"],
        "owner-id": [net.account_id],
        "vpc-id": [net.vpc_id],
        **tag_attributes({}),
    }
    filters = with_arguments(
        args.get("filters"),
        {"group-id": args.get("id"), "group-name": args.get("name"), "vpc-id": args.get("vpcId")},
    )
    _one(
        request,
        "EC2 Security Group",
        _select(request, [attributes], dict, with_tags(filters, args.get("tags")), _GROUP_FILTERS),
    )
    return {
        "arn": net.arn("security-group", net.security_group_id),
        "description": "default VPC security group",
        "filters": args.get("filters"),
        "id": net.security_group_id,
        "name": "default",
        "region": request.region,
        "tags": {},
        "vpcId": net.vpc_id,
    }


# --- the main route table ----------------------------------------------------------------------


def _route_table_attributes(net: DefaultNetwork) -> dict[str, list[str]]:
    # The default subnets have no explicit association: they use the main route table implicitly,
    # which EC2's association.subnet-id filter does not see.
    return {
        "association.main": ["true"],
        "association.route-table-association-id": [net.main_association_id],
        "association.route-table-id": [net.main_route_table_id],
        "owner-id": [net.account_id],
        "route-table-id": [net.main_route_table_id],
        "route.destination-cidr-block": ["172.31.0.0/16", "0.0.0.0/0"],
        "route.gateway-id": ["local", net.internet_gateway_id],
        "route.origin": ["CreateRouteTable", "CreateRoute"],
        "route.state": ["active"],
        "vpc-id": [net.vpc_id],
        **tag_attributes({}),
    }


def _matching_route_tables(request: Request, filters: list[dict[str, Any]]) -> list[str]:
    net = default_network(request.region, request.account_id)
    found = _select(request, [_route_table_attributes(net)], dict, filters, _ROUTE_TABLE_FILTERS)
    return [attributes["route-table-id"][0] for attributes in found]


_NO_ROUTE = dict.fromkeys(
    (
        "carrierGatewayId",
        "coreNetworkArn",
        "destinationPrefixListId",
        "egressOnlyGatewayId",
        "instanceId",
        "ipv6CidrBlock",
        "localGatewayId",
        "natGatewayId",
        "networkInterfaceId",
        "odbNetworkArn",
        "transitGatewayId",
        "vpcEndpointId",
        "vpcPeeringConnectionId",
    ),
    "",
)


def get_route_table(request: Request) -> dict[str, Any]:
    args = request.args
    filters = with_arguments(
        args.get("filters"),
        {
            "association.gateway-id": args.get("gatewayId"),
            "association.subnet-id": args.get("subnetId"),
            "route-table-id": args.get("routeTableId"),
            "vpc-id": args.get("vpcId"),
        },
    )
    found = _matching_route_tables(request, with_tags(filters, args.get("tags")))
    if not found and args.get("subnetId"):
        raise request.not_found(
            "no matching EC2 Route Table found (a default subnet has no explicit route table association:"
            " it uses its VPC's main route table, which get_route_table(vpc_id=..., filters=[association.main"
            " = true]) finds)"
        )
    _one(request, "EC2 Route Table", found)
    net = default_network(request.region, request.account_id)
    return {
        "arn": net.arn("route-table", net.main_route_table_id),
        "associations": [
            {
                "gatewayId": "",
                "main": True,
                "routeTableAssociationId": net.main_association_id,
                "routeTableId": net.main_route_table_id,
                "subnetId": "",
            }
        ],
        "filters": args.get("filters"),
        "gatewayId": args.get("gatewayId") or "",
        "id": net.main_route_table_id,
        "ownerId": net.account_id,
        "region": request.region,
        "routeTableId": net.main_route_table_id,
        # The provider leaves out the local route.
        "routes": [{**_NO_ROUTE, "cidrBlock": "0.0.0.0/0", "gatewayId": net.internet_gateway_id}],
        "subnetId": args.get("subnetId") or "",
        "tags": {},
        "vpcId": net.vpc_id,
    }


def get_route_tables(request: Request) -> dict[str, Any]:
    args = request.args
    filters = with_arguments(args.get("filters"), {"vpc-id": args.get("vpcId")})
    ids = _matching_route_tables(request, with_tags(filters, args.get("tags")))
    return {
        "filters": args.get("filters"),
        "id": request.region,
        "ids": ids,
        "region": request.region,
        "tags": args.get("tags"),
        "vpcId": args.get("vpcId"),
    }


# --- AWS-managed prefix lists and endpoint services --------------------------------------------


# The AWS-managed prefix lists of the gateway endpoint services, with sample CIDRs (not AWS's ranges).
_MANAGED_PREFIX_LIST_CIDRS = {
    "s3": ["52.216.0.0/15", "3.5.0.0/19"],
    "dynamodb": ["52.94.0.0/22", "3.218.180.0/22"],
}


def _gateway_prefix_lists(region: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (id, CIDRs) of the AWS-managed prefix lists of S3 and DynamoDB in a Region."""
    lists = {}
    for key, cidrs in _MANAGED_PREFIX_LIST_CIDRS.items():
        name = f"com.amazonaws.{region}.{key}"
        lists[name] = ("pl-" + hashlib.sha256(name.encode()).hexdigest()[:8], cidrs)
    return lists


def get_prefix_list(request: Request) -> dict[str, Any]:
    name = request.args.get("name")
    lists = _gateway_prefix_lists(request.region)
    by_id = {pl_id: pl_name for pl_name, (pl_id, _) in lists.items()}
    name = by_id.get(str(request.args.get("prefixListId")), name)
    if name not in lists:
        raise request.not_found(f"no AWS-managed prefix list '{name}' in {request.region}")
    pl_id, cidrs = lists[str(name)]
    return {
        "id": pl_id,
        "prefixListId": pl_id,
        "name": name,
        "cidrBlocks": list(cidrs),
        "filters": None,
        "region": request.region,
    }


def get_managed_prefix_list(request: Request) -> dict[str, Any]:
    args = request.args
    lists = _gateway_prefix_lists(request.region)
    records = [
        {"prefix-list-name": [name], "prefix-list-id": [pl_id], "owner-id": ["AWS"]}
        for name, (pl_id, _) in lists.items()
    ]
    filters = with_arguments(
        args.get("filters"), {"prefix-list-id": args.get("id"), "prefix-list-name": args.get("name")}
    )
    found = _select(request, records, dict, with_tags(filters, args.get("tags")), _PREFIX_LIST_FILTERS)
    record = _one(request, "EC2 Managed Prefix List", found)
    name, pl_id = record["prefix-list-name"][0], record["prefix-list-id"][0]
    return {
        "addressFamily": "IPv4",
        "arn": f"arn:{request.partition}:ec2:{request.region}:aws:prefix-list/{pl_id}",
        "entries": [{"cidr": cidr, "description": ""} for cidr in lists[name][1]],
        "filters": args.get("filters"),
        "id": pl_id,
        "maxEntries": 0,
        "name": name,
        "ownerId": "AWS",
        "region": request.region,
        "tags": {},
        "version": 0,
    }


# The one gap in endpoint service AZs is deliberate sample data so subnet filtering is exercised.
_UNSUPPORTED_AZS: dict[tuple[str, str], frozenset[str]] = {
    ("us-east-1", "ecs-telemetry"): frozenset({"us-east-1e"}),
}


def service_availability_zones(region: str, key: str) -> list[str]:
    gaps = _UNSUPPORTED_AZS.get((region, key), frozenset())
    return [az for az in availability_zones(region) if az not in gaps]


def get_vpc_endpoint_service(request: Request) -> dict[str, Any]:
    args, region = request.args, request.region
    key = args.get("service")
    if key is None and args.get("serviceName"):
        parsed = parse_service_name(str(args["serviceName"]))
        key = parsed.key if parsed is not None and parsed.region == region else str(args["serviceName"])
    if key not in CATALOG:
        raise request.not_found(f"no VPC endpoint service '{key}' in {region}")
    name = service_name(key, region)
    entry = CATALOG[key]
    return {
        "id": name,
        "service": key,
        "serviceName": name,
        "serviceType": args.get("serviceType") or entry.type.value,
        "availabilityZones": service_availability_zones(region, key),
        "acceptanceRequired": False,
        "managesVpcEndpoints": False,
        "owner": "amazon",
        "privateDnsName": f"{key}.{region}.{request.dns_suffix}",
        "privateDnsNames": [],
        "serviceId": "vpce-svc-" + hashlib.sha256(name.encode()).hexdigest()[:17],
        "supportedIpAddressTypes": ["ipv4"],
        "vpcEndpointPolicySupported": True,
        "baseEndpointDnsNames": [f"{key}.{region}.vpce.{request.dns_suffix}"],
        "region": region,
        "tags": {},
    }
