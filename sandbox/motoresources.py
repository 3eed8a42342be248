"""How each resource type is created in moto with boto3, from the program's own inputs.

One handler per Pulumi type token, registered with ``@_handles``: it receives the resource with its
inputs resolved (camelCase wire names, real ids of its dependencies) and returns the physical id and
the outputs the AWS provider would compute. ``deploy.MotoFactory`` dispatches to them.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .awsclients import AwsClients
from .program import RecordedResource

Outputs = dict[str, Any]


@dataclass
class MotoContext:
    """What a handler may use: clients per Region, and the Region of each explicit provider."""

    clients: AwsClients
    provider_regions: dict[str, str] = field(default_factory=dict)  # provider URN -> Region

    def ec2(self, region: str) -> Any:
        return self.clients("ec2", region)


Handler = Callable[[MotoContext, RecordedResource, str], tuple[str, Outputs]]
HANDLERS: dict[str, Handler] = {}


def _handles(*types: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for type_ in types:
            HANDLERS[type_] = handler
        return handler

    return register


_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # pulumi's secret marker on the wire
_SIG_KEY = "4dabf18193072939515e22adb298388d"


def reveal(value: Any) -> Any:
    """Inputs with secrets unwrapped: AWS gets the plain value (e.g. a SecretVersion's secretString)."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return reveal(value.get("value"))
        return {key: reveal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [reveal(item) for item in value]
    return value


def physical_name(resource: RecordedResource, key: str = "name") -> str:
    """The name the provider would give: the explicit one, or the logical name plus a suffix."""
    explicit = resource.inputs.get(key)
    if isinstance(explicit, str) and explicit:
        return explicit
    prefix = resource.inputs.get(f"{key}Prefix")
    base = prefix if isinstance(prefix, str) and prefix else f"{resource.name}-"
    return base + hashlib.sha256(resource.urn.encode()).hexdigest()[:7]


def _tag_spec(resource: RecordedResource, kind: str) -> list[dict[str, Any]]:
    tags = resource.inputs.get("tags") or {}
    if not tags:
        return []
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": str(v)} for k, v in tags.items()]}]


def _int(value: Any) -> int:
    return int(value)  # numbers arrive as floats over the wire


def _arn(region: str, service: str, resource: str, account: str = "123456789012") -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


@_handles("pulumi:providers:aws")
def _provider(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ctx.provider_regions[resource.urn] = resource.inputs.get("region") or ctx.clients.region
    return hashlib.sha256(resource.urn.encode()).hexdigest()[:32], {}


@_handles("aws:ec2/vpc:Vpc")
def _vpc(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2, inputs = ctx.ec2(region), resource.inputs
    args: dict[str, Any] = {"CidrBlock": inputs["cidrBlock"]}
    if inputs.get("instanceTenancy"):
        args["InstanceTenancy"] = inputs["instanceTenancy"]
    if spec := _tag_spec(resource, "vpc"):
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
        "arn": _arn(region, "ec2", f"vpc/{vpc_id}"),
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


@_handles("aws:ec2/subnet:Subnet")
def _subnet(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {"VpcId": inputs["vpcId"], "CidrBlock": inputs["cidrBlock"]}
    if inputs.get("availabilityZone"):
        args["AvailabilityZone"] = inputs["availabilityZone"]
    elif inputs.get("availabilityZoneId"):
        args["AvailabilityZoneId"] = inputs["availabilityZoneId"]
    if spec := _tag_spec(resource, "subnet"):
        args["TagSpecifications"] = spec
    subnet = ctx.ec2(region).create_subnet(**args)["Subnet"]
    return subnet["SubnetId"], {
        "arn": subnet.get("SubnetArn") or _arn(region, "ec2", f"subnet/{subnet['SubnetId']}"),
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


@_handles("aws:ec2/routeTable:RouteTable")
def _route_table(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2 = ctx.ec2(region)
    args: dict[str, Any] = {"VpcId": resource.inputs["vpcId"]}
    if spec := _tag_spec(resource, "route-table"):
        args["TagSpecifications"] = spec
    table_id = ec2.create_route_table(**args)["RouteTable"]["RouteTableId"]
    for route in resource.inputs.get("routes") or []:
        ec2.create_route(RouteTableId=table_id, **_route_args(route))
    return table_id, {"arn": _arn(region, "ec2", f"route-table/{table_id}")}


@_handles("aws:ec2/route:Route")
def _route(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    table_id = resource.inputs["routeTableId"]
    args = _route_args(resource.inputs)
    ctx.ec2(region).create_route(RouteTableId=table_id, **args)
    destination = args.get("DestinationCidrBlock") or args.get("DestinationPrefixListId", "")
    return f"r-{table_id}{hashlib.sha256(destination.encode()).hexdigest()[:10]}", {}


@_handles("aws:ec2/routeTableAssociation:RouteTableAssociation")
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


@_handles("aws:ec2/internetGateway:InternetGateway")
def _internet_gateway(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2 = ctx.ec2(region)
    gateway_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    if resource.inputs.get("vpcId"):
        ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=resource.inputs["vpcId"])
    return gateway_id, {"arn": _arn(region, "ec2", f"internet-gateway/{gateway_id}")}


def _permission(rule: dict[str, Any], group_id: str) -> dict[str, Any]:
    """An inline rule of SecurityGroup / DefaultSecurityGroup, or a SecurityGroupRule, as IpPermissions."""
    protocol = str(rule.get("protocol") or rule.get("ipProtocol") or "-1")
    permission: dict[str, Any] = {"IpProtocol": protocol}
    if protocol not in ("-1", "all"):
        permission["FromPort"] = _int(rule.get("fromPort", 0))
        permission["ToPort"] = _int(rule.get("toPort", 0))
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


@_handles("aws:ec2/securityGroup:SecurityGroup")
def _security_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ec2, inputs = ctx.ec2(region), resource.inputs
    args: dict[str, Any] = {
        "GroupName": physical_name(resource),
        "Description": inputs.get("description") or "Managed by Pulumi",
    }
    if inputs.get("vpcId"):
        args["VpcId"] = inputs["vpcId"]
    if spec := _tag_spec(resource, "security-group"):
        args["TagSpecifications"] = spec
    group_id = ec2.create_security_group(**args)["GroupId"]
    # Like the provider: drop AWS's default allow-all egress, then add exactly the declared rules.
    _revoke_all(ec2, group_id)
    _apply_inline_rules(ec2, group_id, inputs)
    return group_id, {"arn": _arn(region, "ec2", f"security-group/{group_id}"), "name": args["GroupName"]}


@_handles("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
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
    return group_id, {"arn": _arn(region, "ec2", f"security-group/{group_id}"), "name": "default"}


@_handles("aws:ec2/securityGroupRule:SecurityGroupRule")
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
        permission["FromPort"] = _int(inputs.get("fromPort", 0))
        permission["ToPort"] = _int(inputs.get("toPort", 0))
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


@_handles("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
def _ingress_rule(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    group_id = resource.inputs["securityGroupId"]
    response = ctx.ec2(region).authorize_security_group_ingress(
        GroupId=group_id, IpPermissions=[_vpc_rule_permission(resource.inputs)]
    )
    rule_id = response["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    return rule_id, {
        "arn": _arn(region, "ec2", f"security-group-rule/{rule_id}"),
        "securityGroupRuleId": rule_id,
    }


@_handles("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
def _egress_rule(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    group_id = resource.inputs["securityGroupId"]
    response = ctx.ec2(region).authorize_security_group_egress(
        GroupId=group_id, IpPermissions=[_vpc_rule_permission(resource.inputs)]
    )
    rule_id = response["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    return rule_id, {
        "arn": _arn(region, "ec2", f"security-group-rule/{rule_id}"),
        "securityGroupRuleId": rule_id,
    }


def _endpoint_outputs(endpoint: dict[str, Any], region: str) -> Outputs:
    return {
        "arn": _arn(region, "ec2", f"vpc-endpoint/{endpoint['VpcEndpointId']}"),
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


@_handles("aws:ec2/vpcEndpoint:VpcEndpoint")
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
    if spec := _tag_spec(resource, "vpc-endpoint"):
        args["TagSpecifications"] = spec
    endpoint = ctx.ec2(region).create_vpc_endpoint(**args)["VpcEndpoint"]
    return endpoint["VpcEndpointId"], _endpoint_outputs(endpoint, region)


@_handles("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation")
def _endpoint_route_table(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    endpoint_id, table_id = resource.inputs["vpcEndpointId"], resource.inputs["routeTableId"]
    ctx.ec2(region).modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=[table_id])
    return f"a-{endpoint_id}{table_id}", {}


@_handles("aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation")
def _endpoint_subnet(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    endpoint_id, subnet_id = resource.inputs["vpcEndpointId"], resource.inputs["subnetId"]
    ctx.ec2(region).modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[subnet_id])
    return f"a-{endpoint_id}{subnet_id}", {}


@_handles("aws:ec2/securityGroupAssociation:SecurityGroupAssociation")
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


@_handles("aws:ec2/vpcDhcpOptions:VpcDhcpOptions")
def _dhcp_options(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    configurations = []
    for key, wire in _DHCP_KEYS.items():
        value = resource.inputs.get(key)
        if value:
            values = value if isinstance(value, list) else [value]
            configurations.append({"Key": wire, "Values": [str(v) for v in values]})
    args: dict[str, Any] = {"DhcpConfigurations": configurations}
    if spec := _tag_spec(resource, "dhcp-options"):
        args["TagSpecifications"] = spec
    options_id = ctx.ec2(region).create_dhcp_options(**args)["DhcpOptions"]["DhcpOptionsId"]
    return options_id, {"arn": _arn(region, "ec2", f"dhcp-options/{options_id}")}


@_handles("aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation")
def _dhcp_association(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    options_id, vpc_id = resource.inputs["dhcpOptionsId"], resource.inputs["vpcId"]
    ctx.ec2(region).associate_dhcp_options(DhcpOptionsId=options_id, VpcId=vpc_id)
    return f"{options_id}-{vpc_id}", {}


@_handles("aws:ecr/repository:Repository")
def _ecr_repository(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {"repositoryName": physical_name(resource)}
    if inputs.get("imageTagMutability"):
        args["imageTagMutability"] = inputs["imageTagMutability"]
    scanning = inputs.get("imageScanningConfiguration") or {}
    if "scanOnPush" in scanning:
        args["imageScanningConfiguration"] = {"scanOnPush": bool(scanning["scanOnPush"])}
    repository = ctx.clients("ecr", region).create_repository(**args)["repository"]
    return repository["repositoryName"], {
        "arn": repository["repositoryArn"],
        "name": repository["repositoryName"],
        "registryId": repository["registryId"],
        "repositoryUrl": repository["repositoryUri"],
    }


@_handles("aws:cloudwatch/logGroup:LogGroup")
def _log_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    logs, name = ctx.clients("logs", region), physical_name(resource)
    args: dict[str, Any] = {"logGroupName": name}
    if resource.inputs.get("kmsKeyId"):
        args["kmsKeyId"] = resource.inputs["kmsKeyId"]
    logs.create_log_group(**args)
    if resource.inputs.get("retentionInDays"):
        logs.put_retention_policy(logGroupName=name, retentionInDays=_int(resource.inputs["retentionInDays"]))
    return name, {"arn": _arn(region, "logs", f"log-group:{name}"), "name": name}


@_handles("aws:secretsmanager/secret:Secret")
def _secret(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {"Name": physical_name(resource)}
    for key, wire in (("description", "Description"), ("kmsKeyId", "KmsKeyId")):
        if resource.inputs.get(key):
            args[wire] = resource.inputs[key]
    secret = ctx.clients("secretsmanager", region).create_secret(**args)
    return secret["ARN"], {"arn": secret["ARN"], "name": secret["Name"]}


@_handles("aws:secretsmanager/secretVersion:SecretVersion")
def _secret_version(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    secret_id = resource.inputs["secretId"]
    version = ctx.clients("secretsmanager", region).put_secret_value(
        SecretId=secret_id, SecretString=str(resource.inputs.get("secretString", ""))
    )
    return f"{secret_id}|{version['VersionId']}", {"arn": version["ARN"], "versionId": version["VersionId"]}


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@_handles("aws:iam/role:Role")
def _iam_role(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    iam, inputs = ctx.clients("iam", region), resource.inputs
    args: dict[str, Any] = {
        "RoleName": physical_name(resource),
        "AssumeRolePolicyDocument": _document(inputs["assumeRolePolicy"]),
    }
    for key, wire in (("path", "Path"), ("description", "Description")):
        if inputs.get(key):
            args[wire] = inputs[key]
    role = iam.create_role(**args)["Role"]
    for arn in inputs.get("managedPolicyArns") or []:
        iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
    return role["RoleName"], {"arn": role["Arn"], "name": role["RoleName"], "uniqueId": role["RoleId"]}


@_handles("aws:iam/rolePolicy:RolePolicy")
def _iam_role_policy(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    role, name = resource.inputs["role"], physical_name(resource)
    ctx.clients("iam", region).put_role_policy(
        RoleName=role, PolicyName=name, PolicyDocument=_document(resource.inputs["policy"])
    )
    return f"{role}:{name}", {"name": name}


@_handles("aws:iam/policy:Policy")
def _iam_policy(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {
        "PolicyName": physical_name(resource),
        "PolicyDocument": _document(resource.inputs["policy"]),
    }
    for key, wire in (("path", "Path"), ("description", "Description")):
        if resource.inputs.get(key):
            args[wire] = resource.inputs[key]
    policy = ctx.clients("iam", region).create_policy(**args)["Policy"]
    return policy["Arn"], {"arn": policy["Arn"], "name": policy["PolicyName"], "policyId": policy["PolicyId"]}


@_handles("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def _iam_attachment(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    role, arn = resource.inputs["role"], resource.inputs["policyArn"]
    ctx.clients("iam", region).attach_role_policy(RoleName=role, PolicyArn=arn)
    return f"{role}-{hashlib.sha256(arn.encode()).hexdigest()[:10]}", {}


@_handles("aws:ecs/cluster:Cluster")
def _ecs_cluster(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {"clusterName": physical_name(resource)}
    settings = resource.inputs.get("settings") or []
    if settings:
        args["settings"] = [{"name": s["name"], "value": s["value"]} for s in settings]
    defaults = resource.inputs.get("serviceConnectDefaults") or {}
    if defaults.get("namespace"):
        args["serviceConnectDefaults"] = {"namespace": defaults["namespace"]}
    cluster = ctx.clients("ecs", region).create_cluster(**args)["cluster"]
    return cluster["clusterArn"], {"arn": cluster["clusterArn"], "name": cluster["clusterName"]}


@_handles("aws:ecs/taskDefinition:TaskDefinition")
def _ecs_task_definition(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    containers = inputs["containerDefinitions"]
    args: dict[str, Any] = {
        "family": inputs["family"],
        "containerDefinitions": json.loads(containers) if isinstance(containers, str) else containers,
    }
    for key in ("cpu", "memory", "networkMode", "executionRoleArn", "taskRoleArn"):
        if inputs.get(key):
            args[key] = str(inputs[key])
    if inputs.get("requiresCompatibilities"):
        args["requiresCompatibilities"] = list(inputs["requiresCompatibilities"])
    definition = ctx.clients("ecs", region).register_task_definition(**args)["taskDefinition"]
    arn = definition["taskDefinitionArn"]
    return definition["family"], {
        "arn": arn,
        "arnWithoutRevision": arn.rsplit(":", 1)[0],
        "revision": definition["revision"],
    }


@_handles("aws:ecs/service:Service")
def _ecs_service(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {
        "serviceName": physical_name(resource),
        "taskDefinition": inputs["taskDefinition"],
        "desiredCount": _int(inputs.get("desiredCount", 1)),
    }
    if inputs.get("cluster"):
        args["cluster"] = inputs["cluster"]
    if inputs.get("launchType"):
        args["launchType"] = inputs["launchType"]
    if inputs.get("capacityProviderStrategies"):
        args["capacityProviderStrategy"] = _strategy(inputs["capacityProviderStrategies"])
    if inputs.get("propagateTags"):
        args["propagateTags"] = inputs["propagateTags"]
    if "enableEcsManagedTags" in inputs:
        args["enableECSManagedTags"] = bool(inputs["enableEcsManagedTags"])
    network = inputs.get("networkConfiguration")
    if network:
        args["networkConfiguration"] = {
            "awsvpcConfiguration": {
                "subnets": list(network.get("subnets") or []),
                "securityGroups": list(network.get("securityGroups") or []),
                "assignPublicIp": "ENABLED" if network.get("assignPublicIp") else "DISABLED",
            }
        }
    service = ctx.clients("ecs", region).create_service(**args)["service"]
    return service["serviceArn"], {"name": service["serviceName"], "arn": service["serviceArn"]}


# --- EC2 capacity for the workload (ECS on EC2) ------------------------------------------------


@_handles("aws:iam/instanceProfile:InstanceProfile")
def _instance_profile(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    iam, name = ctx.clients("iam", region), physical_name(resource)
    args: dict[str, Any] = {"InstanceProfileName": name}
    if resource.inputs.get("path"):
        args["Path"] = resource.inputs["path"]
    profile = iam.create_instance_profile(**args)["InstanceProfile"]
    if resource.inputs.get("role"):
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=resource.inputs["role"])
    return name, {"arn": profile["Arn"], "name": name, "uniqueId": profile["InstanceProfileId"]}


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
        converted: dict[str, Any] = {"DeviceIndex": _int(interface.get("deviceIndex", 0))}
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
    metadata = inputs.get("metadataOptions") or {}
    if metadata:
        data["MetadataOptions"] = {
            "HttpEndpoint": metadata.get("httpEndpoint", "enabled"),
            "HttpTokens": metadata.get("httpTokens", "optional"),
            "HttpPutResponseHopLimit": _int(metadata.get("httpPutResponseHopLimit", 1)),
        }
    return data


@_handles("aws:ec2/launchTemplate:LaunchTemplate")
def _launch_template(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {
        "LaunchTemplateName": physical_name(resource),
        "LaunchTemplateData": _launch_template_data(resource.inputs),
    }
    if resource.inputs.get("description"):
        args["VersionDescription"] = resource.inputs["description"]
    if spec := _tag_spec(resource, "launch-template"):
        args["TagSpecifications"] = spec
    template = ctx.ec2(region).create_launch_template(**args)["LaunchTemplate"]
    template_id = template["LaunchTemplateId"]
    return template_id, {
        "arn": _arn(region, "ec2", f"launch-template/{template_id}"),
        "name": template["LaunchTemplateName"],
        "latestVersion": template.get("LatestVersionNumber", 1),
        "defaultVersion": template.get("DefaultVersionNumber", 1),
    }


@_handles("aws:autoscaling/group:Group")
def _autoscaling_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs, name = resource.inputs, physical_name(resource)
    args: dict[str, Any] = {
        "AutoScalingGroupName": name,
        "MinSize": _int(inputs.get("minSize", 0)),
        "MaxSize": _int(inputs.get("maxSize", 0)),
        "VPCZoneIdentifier": ",".join(inputs.get("vpcZoneIdentifiers") or []),
    }
    if "desiredCapacity" in inputs:
        args["DesiredCapacity"] = _int(inputs["desiredCapacity"])
    template = inputs.get("launchTemplate") or {}
    if template:
        reference = (
            {"LaunchTemplateId": template["id"]}
            if template.get("id")
            else {"LaunchTemplateName": template["name"]}
        )
        args["LaunchTemplate"] = {**reference, "Version": str(template.get("version") or "$Default")}
    if inputs.get("healthCheckType"):
        args["HealthCheckType"] = inputs["healthCheckType"]
    tags = [
        {"Key": t["key"], "Value": str(t["value"]), "PropagateAtLaunch": bool(t.get("propagateAtLaunch"))}
        for t in inputs.get("tags") or []
    ]
    if tags:
        args["Tags"] = tags
    autoscaling = ctx.clients("autoscaling", region)
    autoscaling.create_auto_scaling_group(**args)
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    return name, {"arn": group["AutoScalingGroupARN"], "name": name}


@_handles("aws:ecs/capacityProvider:CapacityProvider")
def _capacity_provider(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    provider = resource.inputs["autoScalingGroupProvider"]
    group: dict[str, Any] = {"autoScalingGroupArn": provider["autoScalingGroupArn"]}
    scaling = provider.get("managedScaling") or {}
    if scaling:
        group["managedScaling"] = {
            key: _int(value) if isinstance(value, float) else value for key, value in scaling.items()
        }
    if provider.get("managedTerminationProtection"):
        group["managedTerminationProtection"] = provider["managedTerminationProtection"]
    created = ctx.clients("ecs", region).create_capacity_provider(
        name=physical_name(resource), autoScalingGroupProvider=group
    )["capacityProvider"]
    return created["capacityProviderArn"], {"arn": created["capacityProviderArn"], "name": created["name"]}


def _strategy(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "capacityProvider": s["capacityProvider"],
            "weight": _int(s.get("weight", 0)),
            "base": _int(s.get("base", 0)),
        }
        for s in items
    ]


@_handles("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
def _cluster_capacity(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    cluster = resource.inputs["clusterName"]
    ctx.clients("ecs", region).put_cluster_capacity_providers(
        cluster=cluster,
        capacityProviders=list(resource.inputs.get("capacityProviders") or []),
        defaultCapacityProviderStrategy=_strategy(
            resource.inputs.get("defaultCapacityProviderStrategies") or []
        ),
    )
    return cluster, {}


@_handles("aws:servicediscovery/httpNamespace:HttpNamespace")
def _http_namespace(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    discovery, name = ctx.clients("servicediscovery", region), physical_name(resource)
    args: dict[str, Any] = {"Name": name}
    if resource.inputs.get("description"):
        args["Description"] = resource.inputs["description"]
    discovery.create_http_namespace(**args)
    namespace = next(n for n in discovery.list_namespaces()["Namespaces"] if n["Name"] == name)
    return namespace["Id"], {"arn": namespace["Arn"], "name": name, "httpName": name}
