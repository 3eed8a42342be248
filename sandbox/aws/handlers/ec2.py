"""moto handlers: EC2 (VPCs, subnets, routes, security groups, endpoints, DHCP options, launch templates,
flow logs)."""

import hashlib
import json
from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, as_int, aws_arn, handles, physical_name, tag_spec


@handles("aws:ec2/vpc:Vpc")
def _vpc(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2, inputs = ctx.ec2(region), resource.inputs
    args: dict[str, Any] = {"CidrBlock": inputs["cidrBlock"]}
    if inputs.get("instanceTenancy"):
        args["InstanceTenancy"] = inputs["instanceTenancy"]
    if spec := tag_spec(resource, "vpc"):
        args["TagSpecifications"] = spec
    vpc = ec2.create_vpc(**args)["Vpc"]
    vpc_id = vpc["VpcId"]
    # The provider's defaults: DNS support on, DNS hostnames off.
    dns_support = bool(inputs.get("enableDnsSupport", True))
    dns_hostnames = bool(inputs.get("enableDnsHostnames", False))
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": dns_support})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": dns_hostnames})
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    return vpc_id, {
        "arn": aws_arn(region, "ec2", f"vpc/{vpc_id}"),
        "cidrBlock": vpc["CidrBlock"],
        "enableDnsSupport": dns_support,
        "enableDnsHostnames": dns_hostnames,
        "defaultSecurityGroupId": groups[0]["GroupId"] if groups else "",
        "mainRouteTableId": tables[0]["RouteTableId"] if tables else "",
        "defaultRouteTableId": tables[0]["RouteTableId"] if tables else "",
        "dhcpOptionsId": vpc.get("DhcpOptionsId", ""),
        "ownerId": vpc.get("OwnerId", ""),
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
    }


@handles("aws:ec2/subnet:Subnet")
def _subnet(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {"VpcId": inputs["vpcId"], "CidrBlock": inputs["cidrBlock"]}
    if inputs.get("availabilityZone"):
        args["AvailabilityZone"] = inputs["availabilityZone"]
    elif inputs.get("availabilityZoneId"):
        args["AvailabilityZoneId"] = inputs["availabilityZoneId"]
    if spec := tag_spec(resource, "subnet"):
        args["TagSpecifications"] = spec
    subnet = ctx.ec2(region).create_subnet(**args)["Subnet"]
    return subnet["SubnetId"], {
        "arn": subnet.get("SubnetArn") or aws_arn(region, "ec2", f"subnet/{subnet['SubnetId']}"),
        "availabilityZone": subnet["AvailabilityZone"],
        "availabilityZoneId": subnet.get("AvailabilityZoneId", ""),
        "ownerId": subnet.get("OwnerId", ""),
    }


def _route_args(route: dict[str, Any]) -> dict[str, Any]:
    names = {
        "cidrBlock": "DestinationCidrBlock",
        "destinationCidrBlock": "DestinationCidrBlock",
        "ipv6CidrBlock": "DestinationIpv6CidrBlock",
        "destinationPrefixListId": "DestinationPrefixListId",
        "gatewayId": "GatewayId",
        "natGatewayId": "NatGatewayId",
        "vpcEndpointId": "VpcEndpointId",
        "transitGatewayId": "TransitGatewayId",
        "networkInterfaceId": "NetworkInterfaceId",
        "vpcPeeringConnectionId": "VpcPeeringConnectionId",
    }
    return {wire: route[key] for key, wire in names.items() if route.get(key)}


@handles("aws:ec2/routeTable:RouteTable")
def _route_table(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2 = ctx.ec2(region)
    args: dict[str, Any] = {"VpcId": resource.inputs["vpcId"]}
    if spec := tag_spec(resource, "route-table"):
        args["TagSpecifications"] = spec
    table_id = ec2.create_route_table(**args)["RouteTable"]["RouteTableId"]
    for route in resource.inputs.get("routes") or []:
        ec2.create_route(RouteTableId=table_id, **_route_args(route))
    return table_id, {"arn": aws_arn(region, "ec2", f"route-table/{table_id}")}


@handles("aws:ec2/route:Route")
def _route(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    table_id = resource.inputs["routeTableId"]
    args = _route_args(resource.inputs)
    ctx.ec2(region).create_route(RouteTableId=table_id, **args)
    destination = args.get("DestinationCidrBlock") or args.get("DestinationPrefixListId", "")
    return f"r-{table_id}{hashlib.sha256(destination.encode()).hexdigest()[:10]}", {}


@handles("aws:ec2/routeTableAssociation:RouteTableAssociation")
def _route_table_association(
    ctx: MotoContext, resource: RecordedResource, region: str
) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {"RouteTableId": inputs["routeTableId"]}
    if inputs.get("subnetId"):
        args["SubnetId"] = inputs["subnetId"]
    else:
        args["GatewayId"] = inputs["gatewayId"]
    return ctx.ec2(region).associate_route_table(**args)["AssociationId"], {}


@handles("aws:ec2/internetGateway:InternetGateway")
def _internet_gateway(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2 = ctx.ec2(region)
    gateway_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    if resource.inputs.get("vpcId"):
        ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=resource.inputs["vpcId"])
    return gateway_id, {"arn": aws_arn(region, "ec2", f"internet-gateway/{gateway_id}")}


def _permission(rule: dict[str, Any], group_id: str) -> dict[str, Any]:
    """An inline rule of SecurityGroup / DefaultSecurityGroup, or a SecurityGroupRule, as IpPermissions."""
    protocol = str(rule.get("protocol") or rule.get("ipProtocol") or "-1")
    permission: dict[str, Any] = {"IpProtocol": protocol}
    if protocol not in ("-1", "all"):
        permission["FromPort"] = as_int(rule.get("fromPort", 0))
        permission["ToPort"] = as_int(rule.get("toPort", 0))
    else:
        permission["IpProtocol"] = "-1"
    description = {"Description": rule["description"]} if rule.get("description") else {}
    permission["IpRanges"] = [{"CidrIp": c, **description} for c in rule.get("cidrBlocks") or []]
    permission["Ipv6Ranges"] = [{"CidrIpv6": c, **description} for c in rule.get("ipv6CidrBlocks") or []]
    groups = list(rule.get("securityGroups") or [])
    if rule.get("sourceSecurityGroupId"):
        groups.append(rule["sourceSecurityGroupId"])
    if rule.get("self"):
        groups.append(group_id)
    permission["UserIdGroupPairs"] = [{"GroupId": g, **description} for g in groups]
    permission["PrefixListIds"] = [{"PrefixListId": p} for p in rule.get("prefixListIds") or []]
    return permission


def _apply_inline_rules(ec2: Any, group_id: str, inputs: dict[str, Any]) -> None:
    ingress = [_permission(rule, group_id) for rule in inputs.get("ingress") or []]
    egress = [_permission(rule, group_id) for rule in inputs.get("egress") or []]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=ingress)
    if egress:
        ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=egress)


def _revoke_all(ec2: Any, group_id: str) -> None:
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    if group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=group["IpPermissions"])
    if group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=group["IpPermissionsEgress"])


@handles("aws:ec2/securityGroup:SecurityGroup")
def _security_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2, inputs = ctx.ec2(region), resource.inputs
    args: dict[str, Any] = {
        "GroupName": physical_name(resource),
        "Description": inputs.get("description") or "Managed by Pulumi",
    }
    if inputs.get("vpcId"):
        args["VpcId"] = inputs["vpcId"]
    if spec := tag_spec(resource, "security-group"):
        args["TagSpecifications"] = spec
    group_id = ec2.create_security_group(**args)["GroupId"]
    # Like the provider: drop AWS's default allow-all egress, then add exactly the declared rules.
    _revoke_all(ec2, group_id)
    _apply_inline_rules(ec2, group_id, inputs)
    return group_id, {"arn": aws_arn(region, "ec2", f"security-group/{group_id}"), "name": args["GroupName"]}


@handles("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
def _default_security_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2 = ctx.ec2(region)
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [resource.inputs["vpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    group_id = groups[0]["GroupId"]
    # Adopting the default group removes every rule not declared (the provider does the same).
    _revoke_all(ec2, group_id)
    _apply_inline_rules(ec2, group_id, resource.inputs)
    return group_id, {"arn": aws_arn(region, "ec2", f"security-group/{group_id}"), "name": "default"}


@handles("aws:ec2/securityGroupRule:SecurityGroupRule")
def _security_group_rule(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2, inputs = ctx.ec2(region), resource.inputs
    group_id = inputs["securityGroupId"]
    permission = _permission(inputs, group_id)
    if inputs.get("type") == "egress":
        ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=[permission])
    else:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[permission])
    digest = hashlib.sha256(json.dumps(permission, sort_keys=True).encode()).hexdigest()[:10]
    return f"sgrule-{digest}", {}


def _vpc_rule_permission(inputs: dict[str, Any]) -> dict[str, Any]:
    """A vpc.SecurityGroupIngressRule / EgressRule (one source each) as IpPermissions."""
    protocol = str(inputs.get("ipProtocol", "-1"))
    permission: dict[str, Any] = {"IpProtocol": protocol}
    if protocol != "-1":
        permission["FromPort"] = as_int(inputs.get("fromPort", 0))
        permission["ToPort"] = as_int(inputs.get("toPort", 0))
    description = {"Description": inputs["description"]} if inputs.get("description") else {}
    if inputs.get("cidrIpv4"):
        permission["IpRanges"] = [{"CidrIp": inputs["cidrIpv4"], **description}]
    if inputs.get("cidrIpv6"):
        permission["Ipv6Ranges"] = [{"CidrIpv6": inputs["cidrIpv6"], **description}]
    if inputs.get("referencedSecurityGroupId"):
        permission["UserIdGroupPairs"] = [{"GroupId": inputs["referencedSecurityGroupId"], **description}]
    if inputs.get("prefixListId"):
        permission["PrefixListIds"] = [{"PrefixListId": inputs["prefixListId"], **description}]
    return permission


@handles("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
def _ingress_rule(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    group_id = resource.inputs["securityGroupId"]
    response = ctx.ec2(region).authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[_vpc_rule_permission(resource.inputs)]
    )
    rule_id = response["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    return rule_id, {
        "arn": aws_arn(region, "ec2", f"security-group-rule/{rule_id}"),
        "securityGroupRuleId": rule_id,
    }


@handles("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
def _egress_rule(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    group_id = resource.inputs["securityGroupId"]
    response = ctx.ec2(region).authorize_security_group_egress(
        GroupId=group_id, IpPermissions=[_vpc_rule_permission(resource.inputs)]
    )
    rule_id = response["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    return rule_id, {
        "arn": aws_arn(region, "ec2", f"security-group-rule/{rule_id}"),
        "securityGroupRuleId": rule_id,
    }


def _endpoint_outputs(endpoint: dict[str, Any], region: str) -> Outputs:
    return {
        "arn": aws_arn(region, "ec2", f"vpc-endpoint/{endpoint['VpcEndpointId']}"),
        "state": endpoint.get("State", "available"),
        "privateDnsEnabled": endpoint.get("PrivateDnsEnabled", False),
        "dnsEntries": [
            {"dnsName": e.get("DnsName", ""), "hostedZoneId": e.get("HostedZoneId", "")}
            for e in endpoint.get("DnsEntries", [])
        ],
        "networkInterfaceIds": endpoint.get("NetworkInterfaceIds", []),
        "ownerId": endpoint.get("OwnerId", ""),
        "requesterManaged": False,
        "prefixListId": endpoint.get("PrefixListId", ""),
        "cidrBlocks": [],
    }


@handles("aws:ec2/vpcEndpoint:VpcEndpoint")
def _vpc_endpoint(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    kind = inputs.get("vpcEndpointType") or "Gateway"  # the provider's default
    args: dict[str, Any] = {
        "VpcEndpointType": kind,
        "VpcId": inputs["vpcId"],
        "ServiceName": inputs["serviceName"],
    }
    if inputs.get("policy"):
        args["PolicyDocument"] = inputs["policy"]
    if kind == "Interface":
        # The EC2 API turns private DNS on when omitted; the provider's default is off: say it.
        args["PrivateDnsEnabled"] = bool(inputs.get("privateDnsEnabled", False))
        args["SubnetIds"] = list(inputs.get("subnetIds") or [])
        args["SecurityGroupIds"] = list(inputs.get("securityGroupIds") or [])
    elif kind == "Gateway":
        args["RouteTableIds"] = list(inputs.get("routeTableIds") or [])
    if spec := tag_spec(resource, "vpc-endpoint"):
        args["TagSpecifications"] = spec
    endpoint = ctx.ec2(region).create_vpc_endpoint(**args)["VpcEndpoint"]
    return endpoint["VpcEndpointId"], _endpoint_outputs(endpoint, region)


@handles("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation")
def _endpoint_route_table(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    endpoint_id, table_id = resource.inputs["vpcEndpointId"], resource.inputs["routeTableId"]
    ctx.ec2(region).modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=[table_id])
    return f"a-{endpoint_id}{table_id}", {}


@handles("aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation")
def _endpoint_subnet(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    endpoint_id, subnet_id = resource.inputs["vpcEndpointId"], resource.inputs["subnetId"]
    ctx.ec2(region).modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[subnet_id])
    return f"a-{endpoint_id}{subnet_id}", {}


@handles("aws:ec2/securityGroupAssociation:SecurityGroupAssociation")
def _endpoint_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    endpoint_id, group_id = resource.inputs["vpcEndpointId"], resource.inputs["securityGroupId"]
    ctx.ec2(region).modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSecurityGroupIds=[group_id])
    return f"{endpoint_id}/{group_id}", {}


_DHCP_KEYS = {
    "domainNameServers": "domain-name-servers",
    "domainName": "domain-name",
    "ntpServers": "ntp-servers",
    "netbiosNameServers": "netbios-name-servers",
    "netbiosNodeType": "netbios-node-type",
}


@handles("aws:ec2/vpcDhcpOptions:VpcDhcpOptions")
def _dhcp_options(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    configurations = []
    for key, wire in _DHCP_KEYS.items():
        value = resource.inputs.get(key)
        if value:
            values = value if isinstance(value, list) else [value]
            configurations.append({"Key": wire, "Values": [str(v) for v in values]})
    args: dict[str, Any] = {"DhcpConfigurations": configurations}
    if spec := tag_spec(resource, "dhcp-options"):
        args["TagSpecifications"] = spec
    options_id = ctx.ec2(region).create_dhcp_options(**args)["DhcpOptions"]["DhcpOptionsId"]
    return options_id, {"arn": aws_arn(region, "ec2", f"dhcp-options/{options_id}")}


@handles("aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation")
def _dhcp_association(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    options_id, vpc_id = resource.inputs["dhcpOptionsId"], resource.inputs["vpcId"]
    ctx.ec2(region).associate_dhcp_options(DhcpOptionsId=options_id, VpcId=vpc_id)
    return f"{options_id}-{vpc_id}", {}


_LAUNCH_TEMPLATE_FIELDS = {
    "imageId": "ImageId",
    "instanceType": "InstanceType",
    "userData": "UserData",
    "keyName": "KeyName",
    "ebsOptimized": "EbsOptimized",
}


def _launch_template_data(inputs: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        wire: inputs[key] for key, wire in _LAUNCH_TEMPLATE_FIELDS.items() if key in inputs
    }
    profile = inputs.get("iamInstanceProfile") or {}
    if profile.get("arn"):
        data["IamInstanceProfile"] = {"Arn": profile["arn"]}
    elif profile.get("name"):
        data["IamInstanceProfile"] = {"Name": profile["name"]}
    if inputs.get("vpcSecurityGroupIds"):
        data["SecurityGroupIds"] = list(inputs["vpcSecurityGroupIds"])
    interfaces = []
    for interface in inputs.get("networkInterfaces") or []:
        converted: dict[str, Any] = {"DeviceIndex": as_int(interface.get("deviceIndex", 0))}
        if interface.get("securityGroups"):
            converted["Groups"] = list(interface["securityGroups"])
        if interface.get("subnetId"):
            converted["SubnetId"] = interface["subnetId"]
        if "associatePublicIpAddress" in interface:
            converted["AssociatePublicIpAddress"] = (
                str(interface["associatePublicIpAddress"]).lower() == "true"
            )
        interfaces.append(converted)
    if interfaces:
        data["NetworkInterfaces"] = interfaces
    mappings = []
    for mapping in inputs.get("blockDeviceMappings") or []:
        ebs = mapping.get("ebs") or {}
        converted_ebs: dict[str, Any] = {}
        for key, wire in (("encrypted", "Encrypted"), ("deleteOnTermination", "DeleteOnTermination")):
            if key in ebs:
                converted_ebs[wire] = str(ebs[key]).lower() == "true"  # the provider's strings
        for key, wire in (("volumeType", "VolumeType"), ("kmsKeyId", "KmsKeyId")):
            if ebs.get(key):
                converted_ebs[wire] = ebs[key]
        if "volumeSize" in ebs:
            converted_ebs["VolumeSize"] = as_int(ebs["volumeSize"])
        mappings.append({"DeviceName": mapping["deviceName"], "Ebs": converted_ebs})
    if mappings:
        data["BlockDeviceMappings"] = mappings
    metadata = inputs.get("metadataOptions") or {}
    if metadata:
        data["MetadataOptions"] = {
            "HttpEndpoint": metadata.get("httpEndpoint", "enabled"),
            "HttpTokens": metadata.get("httpTokens", "optional"),
            "HttpPutResponseHopLimit": as_int(metadata.get("httpPutResponseHopLimit", 1)),
        }
    return data


@handles("aws:ec2/launchTemplate:LaunchTemplate")
def _launch_template(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {
        "LaunchTemplateName": physical_name(resource),
        "LaunchTemplateData": _launch_template_data(resource.inputs),
    }
    if resource.inputs.get("description"):
        args["VersionDescription"] = resource.inputs["description"]
    if spec := tag_spec(resource, "launch-template"):
        args["TagSpecifications"] = spec
    template = ctx.ec2(region).create_launch_template(**args)["LaunchTemplate"]
    template_id = template["LaunchTemplateId"]
    return template_id, {
        "arn": aws_arn(region, "ec2", f"launch-template/{template_id}"),
        "name": template["LaunchTemplateName"],
        "latestVersion": template.get("LatestVersionNumber", 1),
        "defaultVersion": template.get("DefaultVersionNumber", 1),
    }


@handles("aws:ec2/flowLog:FlowLog")
def _flow_log(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {
        "ResourceIds": [inputs["vpcId"]],
        "ResourceType": "VPC",
        "TrafficType": inputs.get("trafficType", "ALL"),
        "LogDestinationType": inputs.get("logDestinationType", "cloud-watch-logs"),
        "LogDestination": inputs["logDestination"],
    }
    if inputs.get("iamRoleArn"):
        args["DeliverLogsPermissionArn"] = inputs["iamRoleArn"]
    if "maxAggregationInterval" in inputs:
        args["MaxAggregationInterval"] = as_int(inputs["maxAggregationInterval"])
    if spec := tag_spec(resource, "vpc-flow-log"):
        args["TagSpecifications"] = spec
    created = ctx.ec2(region).create_flow_logs(**args)
    if created.get("Unsuccessful"):
        raise ValueError(f"flow log of {inputs['vpcId']} refused: {created['Unsuccessful']}")
    (flow_log_id,) = created["FlowLogIds"]
    return flow_log_id, {"arn": aws_arn(region, "ec2", f"vpc-flow-log/{flow_log_id}")}
