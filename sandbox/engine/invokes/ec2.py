"""EC2 invokes: VPCs, subnets, security groups and route tables as the embedded AWS holds them
(the new account's default VPC and what comes with it, plus what ``up`` created), and the
AWS-managed prefix lists and VPC endpoint services, computed.

Lookups read every resource of the kind in the Region and apply EC2's filter semantics
(``filters``); a singular lookup that matches nothing or more than one thing fails as the provider
fails.
"""

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from awsfacts import CATALOG, parse_service_name, service_name

from . import InvokeError, Request
from .account import availability_zones
from .filters import matches, tag_attributes, with_arguments, with_tags

_HOLDS = "the embedded AWS holds a new account's default VPC and what the stack created"
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
    "ipv6-cidr-block-association.ipv6-cidr-block",
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


def _one(request: Request, kind: str, found: list[Any], holds: str = _HOLDS) -> Any:
    # The provider's words for a singular data source (tfresource.SingularDataSourceFindError).
    if not found:
        raise request.not_found(f"no matching {kind} found ({holds})")
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


def _tags(item: Mapping[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in item.get("Tags") or ()}


def _arn(request: Request, owner: str, kind: str, resource_id: str) -> str:
    return f"arn:{request.partition}:ec2:{request.region}:{owner}:{kind}/{resource_id}"


def _bool(value: Any) -> list[str]:
    return ["true" if value else "false"]


# --- VPCs --------------------------------------------------------------------------------------


def _vpc_attributes(vpc: Mapping[str, Any]) -> dict[str, list[str]]:
    associations = vpc.get("CidrBlockAssociationSet") or []
    return {
        "vpc-id": [vpc["VpcId"]],
        "cidr": [vpc["CidrBlock"]],
        "cidr-block-association.cidr-block": [a["CidrBlock"] for a in associations],
        "cidr-block-association.association-id": [a["AssociationId"] for a in associations],
        "cidr-block-association.state": [a["CidrBlockState"]["State"] for a in associations],
        "dhcp-options-id": [vpc.get("DhcpOptionsId", "")],
        "is-default": _bool(vpc.get("IsDefault")),
        "owner-id": [vpc.get("OwnerId", "")],
        "state": [vpc.get("State", "")],
        **tag_attributes(_tags(vpc)),
    }


def vpc_attribute(ec2: Any, vpc_id: str, name: str) -> bool:
    key = name[0].upper() + name[1:]
    return bool(ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=name)[key]["Value"])


def _main_route_table_id(ec2: Any, vpc_id: str) -> str:
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    return tables[0]["RouteTableId"] if tables else ""


def get_vpc(request: Request) -> dict[str, Any]:
    args = request.args
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
    ec2 = request.client("ec2")
    vpcs = ec2.describe_vpcs()["Vpcs"]
    found = _select(request, vpcs, _vpc_attributes, with_tags(filters, args.get("tags")), _VPC_FILTERS)
    vpc = _one(request, "EC2 VPC", found)
    vpc_id, owner = vpc["VpcId"], vpc.get("OwnerId", request.account_id)
    ipv6 = [a for a in vpc.get("Ipv6CidrBlockAssociationSet") or () if a.get("Ipv6CidrBlock")]
    return {
        "arn": _arn(request, owner, "vpc", vpc_id),
        "cidrBlock": vpc["CidrBlock"],
        "cidrBlockAssociations": [
            {
                "associationId": a["AssociationId"],
                "cidrBlock": a["CidrBlock"],
                "state": a["CidrBlockState"]["State"],
            }
            for a in vpc.get("CidrBlockAssociationSet") or ()
        ],
        "default": bool(vpc.get("IsDefault")),
        "dhcpOptionsId": vpc.get("DhcpOptionsId", ""),
        "enableDnsHostnames": vpc_attribute(ec2, vpc_id, "enableDnsHostnames"),
        "enableDnsSupport": vpc_attribute(ec2, vpc_id, "enableDnsSupport"),
        "enableNetworkAddressUsageMetrics": False,  # moto does not keep it; AWS's default
        "filters": args.get("filters"),
        "id": vpc_id,
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        "ipv6AssociationId": ipv6[0]["AssociationId"] if ipv6 else "",
        "ipv6CidrBlock": ipv6[0]["Ipv6CidrBlock"] if ipv6 else "",
        "ipv6CidrBlockAssociations": [
            {"associationId": a["AssociationId"], "cidrBlock": a["Ipv6CidrBlock"]} for a in ipv6
        ],
        "mainRouteTableId": _main_route_table_id(ec2, vpc_id),
        "ownerId": owner,
        "region": request.region,
        "state": vpc.get("State", ""),
        "tags": _tags(vpc),
    }


# --- subnets -----------------------------------------------------------------------------------


def _subnet_attributes(subnet: Mapping[str, Any]) -> dict[str, list[str]]:
    zone, zone_id, cidr = (
        subnet["AvailabilityZone"],
        subnet.get("AvailabilityZoneId", ""),
        subnet["CidrBlock"],
    )
    ipv6 = [
        a["Ipv6CidrBlock"] for a in subnet.get("Ipv6CidrBlockAssociationSet") or () if a.get("Ipv6CidrBlock")
    ]
    return {
        "subnet-id": [subnet["SubnetId"]],
        "subnet-arn": [subnet.get("SubnetArn", "")],
        "availability-zone": [zone],
        "availabilityZone": [zone],
        "availability-zone-id": [zone_id],
        "availabilityZoneId": [zone_id],
        "cidr": [cidr],
        "cidr-block": [cidr],
        "cidrBlock": [cidr],
        "default-for-az": _bool(subnet.get("DefaultForAz")),
        "defaultForAz": _bool(subnet.get("DefaultForAz")),
        "ipv6-cidr-block-association.ipv6-cidr-block": ipv6,
        "map-public-ip-on-launch": _bool(subnet.get("MapPublicIpOnLaunch")),
        "owner-id": [subnet.get("OwnerId", "")],
        "state": [subnet.get("State", "")],
        "vpc-id": [subnet["VpcId"]],
        **tag_attributes(_tags(subnet)),
    }


def _matching_subnets(request: Request, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    subnets = request.client("ec2").describe_subnets()["Subnets"]
    return _select(request, subnets, _subnet_attributes, filters, _SUBNET_FILTERS)


def get_subnets(request: Request) -> dict[str, Any]:
    args = request.args
    found = _matching_subnets(request, with_tags(with_arguments(args.get("filters"), {}), args.get("tags")))
    return {
        "filters": args.get("filters"),
        "id": request.region,
        "ids": [subnet["SubnetId"] for subnet in found],
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
            "ipv6-cidr-block-association.ipv6-cidr-block": args.get("ipv6CidrBlock"),
            "state": args.get("state"),
            "subnet-id": args.get("id"),
            "vpc-id": args.get("vpcId"),
        },
    )
    subnet = _one(request, "EC2 Subnet", _matching_subnets(request, with_tags(filters, args.get("tags"))))
    owner = subnet.get("OwnerId", request.account_id)
    ipv6 = [a for a in subnet.get("Ipv6CidrBlockAssociationSet") or () if a.get("Ipv6CidrBlock")]
    dns_names = subnet.get("PrivateDnsNameOptionsOnLaunch") or {}
    return {
        "arn": subnet.get("SubnetArn") or _arn(request, owner, "subnet", subnet["SubnetId"]),
        "assignIpv6AddressOnCreation": bool(subnet.get("AssignIpv6AddressOnCreation")),
        "availabilityZone": subnet["AvailabilityZone"],
        "availabilityZoneId": subnet.get("AvailabilityZoneId", ""),
        "availableIpAddressCount": subnet.get("AvailableIpAddressCount", 0),
        "cidrBlock": subnet["CidrBlock"],
        "customerOwnedIpv4Pool": subnet.get("CustomerOwnedIpv4Pool", ""),
        "defaultForAz": bool(subnet.get("DefaultForAz")),
        "enableDns64": bool(subnet.get("EnableDns64")),
        "enableLniAtDeviceIndex": subnet.get("EnableLniAtDeviceIndex", 0),
        "enableResourceNameDnsARecordOnLaunch": bool(dns_names.get("EnableResourceNameDnsARecord")),
        "enableResourceNameDnsAaaaRecordOnLaunch": bool(dns_names.get("EnableResourceNameDnsAAAARecord")),
        "filters": args.get("filters"),
        "id": subnet["SubnetId"],
        "ipv6CidrBlock": ipv6[0]["Ipv6CidrBlock"] if ipv6 else "",
        "ipv6CidrBlockAssociationId": ipv6[0]["AssociationId"] if ipv6 else "",
        "ipv6Native": bool(subnet.get("Ipv6Native")),
        "mapCustomerOwnedIpOnLaunch": bool(subnet.get("MapCustomerOwnedIpOnLaunch")),
        "mapPublicIpOnLaunch": bool(subnet.get("MapPublicIpOnLaunch")),
        "outpostArn": subnet.get("OutpostArn", ""),
        "ownerId": owner,
        "privateDnsHostnameTypeOnLaunch": dns_names.get("HostnameType") or "ip-name",
        "region": request.region,
        "state": subnet.get("State", ""),
        "tags": _tags(subnet),
        "vpcId": subnet["VpcId"],
    }


# --- security groups ---------------------------------------------------------------------------


def _group_attributes(group: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        "description": [group.get("Description", "")],
        "group-id": [group["GroupId"]],
        "group-name": [group["GroupName"]],
        "owner-id": [group.get("OwnerId", "")],
        "vpc-id": [group.get("VpcId", "")],
        **tag_attributes(_tags(group)),
    }


def get_security_group(request: Request) -> dict[str, Any]:
    args = request.args
    filters = with_arguments(
        args.get("filters"),
        {"group-id": args.get("id"), "group-name": args.get("name"), "vpc-id": args.get("vpcId")},
    )
    groups = request.client("ec2").describe_security_groups()["SecurityGroups"]
    found = _select(request, groups, _group_attributes, with_tags(filters, args.get("tags")), _GROUP_FILTERS)
    group = _one(request, "EC2 Security Group", found)
    owner = group.get("OwnerId", request.account_id)
    return {
        "arn": group.get("SecurityGroupArn") or _arn(request, owner, "security-group", group["GroupId"]),
        "description": group.get("Description", ""),
        "filters": args.get("filters"),
        "id": group["GroupId"],
        "name": group["GroupName"],
        "region": request.region,
        "tags": _tags(group),
        "vpcId": group.get("VpcId", ""),
    }


# --- route tables ------------------------------------------------------------------------------


def _route_table_attributes(table: Mapping[str, Any]) -> dict[str, list[str]]:
    # A subnet without an explicit association uses the main route table implicitly, which EC2's
    # association.subnet-id filter does not see (default subnets, for one).
    associations, routes = table.get("Associations") or [], table.get("Routes") or []

    def values(items: list[Mapping[str, Any]], key: str) -> list[str]:
        return [str(item[key]) for item in items if item.get(key)]

    return {
        "association.gateway-id": values(associations, "GatewayId"),
        "association.main": [("true" if a.get("Main") else "false") for a in associations],
        "association.route-table-association-id": values(associations, "RouteTableAssociationId"),
        "association.route-table-id": values(associations, "RouteTableId"),
        "association.subnet-id": values(associations, "SubnetId"),
        "owner-id": [table.get("OwnerId", "")],
        "route-table-id": [table["RouteTableId"]],
        "route.destination-cidr-block": values(routes, "DestinationCidrBlock"),
        "route.gateway-id": values(routes, "GatewayId"),
        "route.origin": values(routes, "Origin"),
        "route.state": values(routes, "State"),
        "vpc-id": [table["VpcId"]],
        **tag_attributes(_tags(table)),
    }


def _matching_route_tables(request: Request, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tables = request.client("ec2").describe_route_tables()["RouteTables"]
    return _select(request, tables, _route_table_attributes, filters, _ROUTE_TABLE_FILTERS)


_ROUTE_TARGETS = {
    "carrierGatewayId": "CarrierGatewayId",
    "coreNetworkArn": "CoreNetworkArn",
    "destinationPrefixListId": "DestinationPrefixListId",
    "egressOnlyGatewayId": "EgressOnlyInternetGatewayId",
    "instanceId": "InstanceId",
    "ipv6CidrBlock": "DestinationIpv6CidrBlock",
    "localGatewayId": "LocalGatewayId",
    "natGatewayId": "NatGatewayId",
    "networkInterfaceId": "NetworkInterfaceId",
    "odbNetworkArn": "OdbNetworkArn",
    "transitGatewayId": "TransitGatewayId",
    "vpcPeeringConnectionId": "VpcPeeringConnectionId",
}


def provider_routes(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The routes as the provider lists them: no local route, no propagated or endpoint routes."""
    routes = []
    for route in table.get("Routes") or ():
        gateway = str(route.get("GatewayId") or "")
        if gateway == "local" or route.get("Origin") == "EnableVgwRoutePropagation":
            continue
        if route.get("DestinationPrefixListId") and gateway.startswith("vpce-"):
            continue  # a gateway endpoint's route: the endpoint's own resource manages it
        rendered = {field: str(route.get(key) or "") for field, key in _ROUTE_TARGETS.items()}
        rendered["cidrBlock"] = str(route.get("DestinationCidrBlock") or "")
        rendered["gatewayId"] = "" if gateway.startswith("vpce-") else gateway
        rendered["vpcEndpointId"] = gateway if gateway.startswith("vpce-") else ""
        routes.append(rendered)
    return routes


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
            "no matching EC2 Route Table found (a subnet without an explicit route table association,"
            " such as a default subnet, uses its VPC's main route table, which"
            " get_route_table(vpc_id=..., filters=[association.main = true]) finds)"
        )
    table = _one(request, "EC2 Route Table", found)
    owner = table.get("OwnerId", request.account_id)
    return {
        "arn": _arn(request, owner, "route-table", table["RouteTableId"]),
        "associations": [
            {
                "gatewayId": a.get("GatewayId", ""),
                "main": bool(a.get("Main")),
                "routeTableAssociationId": a.get("RouteTableAssociationId", ""),
                "routeTableId": a.get("RouteTableId", ""),
                "subnetId": a.get("SubnetId", ""),
            }
            for a in table.get("Associations") or ()
        ],
        "filters": args.get("filters"),
        "gatewayId": args.get("gatewayId") or "",
        "id": table["RouteTableId"],
        "ownerId": owner,
        "region": request.region,
        "routeTableId": table["RouteTableId"],
        "routes": provider_routes(table),
        "subnetId": args.get("subnetId") or "",
        "tags": _tags(table),
        "vpcId": table["VpcId"],
    }


def get_route_tables(request: Request) -> dict[str, Any]:
    args = request.args
    filters = with_arguments(args.get("filters"), {"vpc-id": args.get("vpcId")})
    found = _matching_route_tables(request, with_tags(filters, args.get("tags")))
    return {
        "filters": args.get("filters"),
        "id": request.region,
        "ids": [table["RouteTableId"] for table in found],
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
    record = _one(
        request, "EC2 Managed Prefix List", found, "the offline engine holds those of S3 and DynamoDB"
    )
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
