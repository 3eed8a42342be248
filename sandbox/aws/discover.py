"""Read a deployed VPC with boto3 and describe it as Pulumi resources, the shape the policy pack reads.

Each AWS object becomes a ``RecordedResource`` of the Pulumi type that would have created it, with the
provider's output property names (``aws:ec2/vpcEndpoint:VpcEndpoint`` with ``serviceName``,
``privateDnsEnabled``, ``subnetIds``, ...), named by its AWS id. References are literal ids, which the
pack resolves against other resources' ``id`` outputs, as it does for an update's state.

Read: the VPC and its network, endpoints and security groups; the ECS services whose tasks run in its
subnets, their task definitions, clusters and capacity providers; the task definitions' execution roles
and their policies (C13); the Auto Scaling groups launching into its subnets and the launch template
version each starts; its private hosted zones and Route 53 Resolver endpoints. Read-only, every list paged.
"""

import json
from typing import Any

from ..engine.invokes.ec2 import provider_routes, vpc_attribute
from ..engine.program import RecordedResource
from .clients import AwsClients, all_items

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_VPC = "aws:ec2/defaultVpc:DefaultVpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ROUTE_TABLE_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
DHCP_OPTIONS = "aws:ec2/vpcDhcpOptions:VpcDhcpOptions"
DHCP_OPTIONS_ASSOCIATION = "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ECS_CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
ECS_CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
HOSTED_ZONE = "aws:route53/zone:Zone"
RESOLVER_ENDPOINT = "aws:route53/resolverEndpoint:ResolverEndpoint"
IAM_ROLE = "aws:iam/role:Role"
IAM_POLICY = "aws:iam/policy:Policy"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

# Endpoints in these states no longer serve the VPC.
_GONE_STATES = {"deleting", "deleted", "rejected", "failed", "expired"}


class VpcNotFoundError(LookupError):
    """No VPC with that id in the Region."""


def urn_of(project: str, stack: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


class _Builder:
    def __init__(self, project: str, stack: str) -> None:
        self.project, self.stack = project, stack
        self.resources: list[RecordedResource] = []

    def has(self, id_: str) -> bool:
        return any(resource.id == id_ for resource in self.resources)

    def add(self, type_: str, id_: str, props: dict[str, Any], *, name: str = "") -> None:
        """One resource named by its id, or by ``name`` where one id stands for several (versions)."""
        outputs = {"id": id_, **props}
        self.resources.append(
            RecordedResource(
                urn=urn_of(self.project, self.stack, type_, name or id_),
                type=type_,
                name=name or id_,
                custom=True,
                parent="",
                provider="",
                dependencies=[],
                property_dependencies={},
                inputs=outputs,
                id=id_,
                outputs=outputs,
            )
        )


def _ingress(group: dict[str, Any]) -> list[dict[str, Any]]:
    rules = []
    for permission in group.get("IpPermissions", []):
        sources = [pair["GroupId"] for pair in permission.get("UserIdGroupPairs", []) if pair.get("GroupId")]
        protocol = str(permission.get("IpProtocol", ""))
        rules.append(
            {
                "protocol": protocol,
                "fromPort": permission.get("FromPort", 0),
                "toPort": permission.get("ToPort", 0),
                "cidrBlocks": [r["CidrIp"] for r in permission.get("IpRanges", [])],
                "ipv6CidrBlocks": [r["CidrIpv6"] for r in permission.get("Ipv6Ranges", [])],
                "prefixListIds": [p["PrefixListId"] for p in permission.get("PrefixListIds", [])],
                "securityGroups": [source for source in sources if source != group["GroupId"]],
                "self": group["GroupId"] in sources,
            }
        )
    return rules


def _policy_text(document: Any) -> str:
    if isinstance(document, str):
        return document
    return json.dumps(document) if document is not None else ""


def _endpoint_props(endpoint: dict[str, Any]) -> dict[str, Any]:
    return {
        "vpcId": endpoint["VpcId"],
        "serviceName": endpoint["ServiceName"],
        "vpcEndpointType": endpoint.get("VpcEndpointType", "Gateway"),
        "privateDnsEnabled": bool(endpoint.get("PrivateDnsEnabled", False)),
        "subnetIds": list(endpoint.get("SubnetIds", [])),
        "securityGroupIds": [group["GroupId"] for group in endpoint.get("Groups", [])],
        "routeTableIds": list(endpoint.get("RouteTableIds", [])),
        "policy": _policy_text(endpoint.get("PolicyDocument")),
        "state": endpoint.get("State", ""),
    }


def _dhcp_options(ec2: Any, options_id: str) -> dict[str, Any]:
    found = ec2.describe_dhcp_options(DhcpOptionsIds=[options_id])["DhcpOptions"][0]
    values = {
        item["Key"]: [value["Value"] for value in item.get("Values", [])]
        for item in found.get("DhcpConfigurations", [])
    }
    return {
        "domainNameServers": values.get("domain-name-servers", []),
        "domainName": (values.get("domain-name") or [""])[0],
        "ntpServers": values.get("ntp-servers", []),
    }


def discover_vpc(clients: AwsClients, vpc_id: str, *, project: str, stack: str) -> list[RecordedResource]:
    """The VPC and what lies in it, as Pulumi resources; raises VpcNotFoundError when there is no such VPC."""
    ec2 = clients("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"]
    if not vpcs:
        raise VpcNotFoundError(
            f"no VPC {vpc_id} in {clients.region}: give the id of a VPC there (aws ec2 describe-vpcs)"
        )
    vpc = vpcs[0]
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    out = _Builder(project, stack)

    tables = list(all_items(ec2, "describe_route_tables", "RouteTables", Filters=by_vpc))
    main_table = next(
        (t["RouteTableId"] for t in tables if any(a.get("Main") for a in t.get("Associations", []))), ""
    )
    options_id = vpc.get("DhcpOptionsId", "default")
    out.add(
        DEFAULT_VPC if vpc.get("IsDefault") else VPC,
        vpc_id,
        {
            "cidrBlock": vpc.get("CidrBlock", ""),
            "enableDnsSupport": vpc_attribute(ec2, vpc_id, "enableDnsSupport"),
            "enableDnsHostnames": vpc_attribute(ec2, vpc_id, "enableDnsHostnames"),
            "dhcpOptionsId": options_id,
            "mainRouteTableId": main_table,
            "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        },
    )
    if options_id and options_id != "default":  # "default" is AWS's own options: AmazonProvidedDNS
        out.add(DHCP_OPTIONS, options_id, _dhcp_options(ec2, options_id))
        out.add(
            DHCP_OPTIONS_ASSOCIATION,
            f"{options_id}-{vpc_id}",
            {"vpcId": vpc_id, "dhcpOptionsId": options_id},
        )

    subnet_ids: set[str] = set()
    for subnet in all_items(ec2, "describe_subnets", "Subnets", Filters=by_vpc):
        subnet_ids.add(subnet["SubnetId"])
        out.add(
            SUBNET,
            subnet["SubnetId"],
            {
                "vpcId": vpc_id,
                "cidrBlock": subnet.get("CidrBlock", ""),
                "availabilityZone": subnet.get("AvailabilityZone", ""),
                "mapPublicIpOnLaunch": bool(subnet.get("MapPublicIpOnLaunch", False)),
            },
        )

    for table in tables:
        table_id = table["RouteTableId"]
        out.add(ROUTE_TABLE, table_id, {"vpcId": vpc_id, "routes": provider_routes(table)})
        for association in table.get("Associations", []):
            if association.get("Main"):
                out.add(
                    MAIN_ROUTE_TABLE_ASSOCIATION,
                    association["RouteTableAssociationId"],
                    {"vpcId": vpc_id, "routeTableId": table_id},
                )
            elif association.get("SubnetId"):
                out.add(
                    ROUTE_TABLE_ASSOCIATION,
                    association["RouteTableAssociationId"],
                    {"subnetId": association["SubnetId"], "routeTableId": table_id},
                )

    attached = [{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
    for gateway in all_items(ec2, "describe_internet_gateways", "InternetGateways", Filters=attached):
        out.add(INTERNET_GATEWAY, gateway["InternetGatewayId"], {"vpcId": vpc_id})
    for nat in all_items(ec2, "describe_nat_gateways", "NatGateways", Filters=by_vpc):
        if nat.get("State") in ("deleting", "deleted", "failed"):
            continue
        out.add(
            NAT_GATEWAY,
            nat["NatGatewayId"],
            {"subnetId": nat.get("SubnetId", ""), "connectivityType": nat.get("ConnectivityType", "public")},
        )

    for group in all_items(ec2, "describe_security_groups", "SecurityGroups", Filters=by_vpc):
        out.add(
            SECURITY_GROUP,
            group["GroupId"],
            {
                "vpcId": vpc_id,
                "name": group.get("GroupName", ""),
                "description": group.get("Description", ""),
                "ingress": _ingress(group),
            },
        )

    for endpoint in all_items(ec2, "describe_vpc_endpoints", "VpcEndpoints", Filters=by_vpc):
        if str(endpoint.get("State", "")).lower() in _GONE_STATES:
            continue
        out.add(VPC_ENDPOINT, endpoint["VpcEndpointId"], _endpoint_props(endpoint))
    # Only execution roles: C13 judges the image pulls they grant; the pack reads no task or instance role.
    _discover_auto_scaling_groups(clients("autoscaling"), ec2, subnet_ids, out)
    _discover_private_zones(clients("route53"), vpc_id, clients.region, out)
    _discover_resolver_endpoints(clients("route53resolver"), vpc_id, out)
    for role_arn in sorted(_discover_ecs(clients("ecs"), subnet_ids, out)):
        _discover_role(clients("iam"), role_arn, out)
    return out.resources


def _template_spec(spec: dict[str, Any]) -> dict[str, str]:
    return {
        "id": spec.get("LaunchTemplateId", ""),
        "name": spec.get("LaunchTemplateName", ""),
        "version": str(spec.get("Version", "$Default")),
    }


def _group_props(group: dict[str, Any]) -> dict[str, Any]:
    """An Auto Scaling group as pulumi-aws's Group: its subnets and the launch template it starts."""
    props: dict[str, Any] = {
        "name": group["AutoScalingGroupName"],
        "arn": group.get("AutoScalingGroupARN", ""),
        "vpcZoneIdentifiers": [s for s in str(group.get("VPCZoneIdentifier") or "").split(",") if s],
        "minSize": group.get("MinSize", 0),
        "maxSize": group.get("MaxSize", 0),
    }
    if group.get("LaunchTemplate"):
        props["launchTemplate"] = _template_spec(group["LaunchTemplate"])
    mixed = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate")
    if mixed:
        spec = _template_spec(mixed.get("LaunchTemplateSpecification") or {})
        props["mixedInstancesPolicy"] = {
            "launchTemplate": {
                "launchTemplateSpecification": {
                    "launchTemplateId": spec["id"],
                    "launchTemplateName": spec["name"],
                    "version": spec["version"],
                }
            }
        }
    return props


def _template_props(version: dict[str, Any]) -> dict[str, Any]:
    """One version of a launch template as pulumi-aws's LaunchTemplate (user data stays base64)."""
    data = version.get("LaunchTemplateData", {})
    metadata = data.get("MetadataOptions") or {}
    return {
        "name": version.get("LaunchTemplateName", ""),
        "latestVersion": version.get("VersionNumber", 0),
        "imageId": data.get("ImageId", ""),  # a resolve:ssm: parameter stays one: no ResolveAlias
        "instanceType": data.get("InstanceType", ""),
        "userData": data.get("UserData", ""),
        "vpcSecurityGroupIds": list(data.get("SecurityGroupIds", [])),
        "networkInterfaces": [
            {
                "deviceIndex": interface.get("DeviceIndex", 0),
                "associatePublicIpAddress": (
                    str(interface["AssociatePublicIpAddress"]).lower()
                    if "AssociatePublicIpAddress" in interface
                    else ""
                ),
                "securityGroups": list(interface.get("Groups", [])),
                "subnetId": interface.get("SubnetId", ""),
            }
            for interface in data.get("NetworkInterfaces", [])
        ],
        "metadataOptions": {
            "httpEndpoint": metadata.get("HttpEndpoint", ""),
            "httpTokens": metadata.get("HttpTokens", ""),
            "httpPutResponseHopLimit": metadata.get("HttpPutResponseHopLimit", 0),
        },
        "iamInstanceProfile": {"arn": (data.get("IamInstanceProfile") or {}).get("Arn", "")},
    }


def _discover_auto_scaling_groups(autoscaling: Any, ec2: Any, subnet_ids: set[str], out: _Builder) -> None:
    """The Auto Scaling groups that launch instances into the VPC's subnets, with the launch template
    version each starts: container instances are EC2 consumers of the endpoints (C1, C10)."""
    templates: dict[tuple[str, str], None] = {}  # (template id, version), once each
    for group in all_items(autoscaling, "describe_auto_scaling_groups", "AutoScalingGroups"):
        props = _group_props(group)
        if not subnet_ids & set(props["vpcZoneIdentifiers"]):
            continue
        out.add(AUTOSCALING_GROUP, props["name"], props)
        spec = props.get("launchTemplate") or (
            props.get("mixedInstancesPolicy", {}).get("launchTemplate", {}).get("launchTemplateSpecification")
        )
        if spec:
            templates[(spec.get("id") or spec.get("launchTemplateId", ""), spec.get("version", ""))] = None
    for template_id, version in templates:
        if not template_id:
            continue  # named only: moto and AWS always return the id as well
        [found] = ec2.describe_launch_template_versions(LaunchTemplateId=template_id, Versions=[version])[
            "LaunchTemplateVersions"
        ]
        several = sum(1 for other, _ in templates if other == template_id) > 1
        out.add(
            LAUNCH_TEMPLATE,
            template_id,
            _template_props(found),
            name=f"{template_id}:{found.get('VersionNumber')}" if several else "",
        )


def _discover_private_zones(route53: Any, vpc_id: str, region: str, out: _Builder) -> None:
    """The private hosted zones associated with the VPC, whoever owns them: a zone that answers for an
    endpoint's name serves the VPC from a hub's endpoints (the pack accepts it for the endpoint)."""
    token: dict[str, str] = {}
    while True:  # no paginator for this call: NextToken by hand
        page = route53.list_hosted_zones_by_vpc(VPCId=vpc_id, VPCRegion=region, **token)
        for zone in page.get("HostedZoneSummaries", []):
            zone_id = zone["HostedZoneId"].rsplit("/", 1)[-1]
            out.add(
                HOSTED_ZONE,
                zone_id,
                {
                    "zoneId": zone_id,
                    "name": zone["Name"].rstrip("."),  # the provider's name has no final dot
                    "vpcs": [{"vpcId": vpc_id, "vpcRegion": region}],
                },
            )
        if not page.get("NextToken"):
            return
        token = {"NextToken": page["NextToken"]}


def _discover_resolver_endpoints(resolver: Any, vpc_id: str, out: _Builder) -> None:
    """The VPC's Route 53 Resolver endpoints with their addresses: an inbound one lets custom DNS servers
    forward AWS names to Amazon-provided DNS (C4). Rules are not read: the pack judges none."""
    in_vpc = [{"Name": "HostVPCId", "Values": [vpc_id]}]
    for endpoint in all_items(resolver, "list_resolver_endpoints", "ResolverEndpoints", Filters=in_vpc):
        if endpoint.get("Status") in ("DELETING", "ACTION_NEEDED"):
            continue  # not answering
        addresses = all_items(
            resolver,
            "list_resolver_endpoint_ip_addresses",
            "IpAddresses",
            ResolverEndpointId=endpoint["Id"],
        )
        out.add(
            RESOLVER_ENDPOINT,
            endpoint["Id"],
            {
                "arn": endpoint.get("Arn", ""),
                "name": endpoint.get("Name", ""),
                "direction": endpoint.get("Direction", ""),
                "hostVpcId": vpc_id,
                "securityGroupIds": list(endpoint.get("SecurityGroupIds", [])),
                "ipAddresses": [
                    {"subnetId": a.get("SubnetId", ""), "ip": a.get("Ip", ""), "ipId": a.get("IpId", "")}
                    for a in addresses
                ],
            },
        )


def _service_props(service: dict[str, Any]) -> dict[str, Any]:
    """An ECS service as pulumi-aws's Service: what decides its tasks' subnets and needs."""
    network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    props: dict[str, Any] = {
        "name": service.get("serviceName", ""),
        "cluster": service.get("clusterArn", ""),
        "taskDefinition": service.get("taskDefinition", ""),
        "networkConfiguration": {
            "subnets": list(network.get("subnets", [])),
            "securityGroups": list(network.get("securityGroups", [])),
            "assignPublicIp": network.get("assignPublicIp") == "ENABLED",
        },
    }
    if service.get("launchType"):
        props["launchType"] = service["launchType"]
    strategy = service.get("capacityProviderStrategy") or []
    if strategy:
        props["capacityProviderStrategies"] = [
            {"capacityProvider": item.get("capacityProvider", ""), "weight": item.get("weight", 0)}
            for item in strategy
        ]
    connect = next(
        (
            d["serviceConnectConfiguration"]
            for d in service.get("deployments", [])
            if "serviceConnectConfiguration" in d
        ),
        None,
    )
    if connect is not None:
        props["serviceConnectConfiguration"] = {"enabled": bool(connect.get("enabled"))}
    return props


def _task_definition_props(definition: dict[str, Any]) -> dict[str, Any]:
    """A task definition as pulumi-aws's TaskDefinition: containerDefinitions is the API's JSON."""
    return {
        "arn": definition.get("taskDefinitionArn", ""),
        "family": definition.get("family", ""),
        "containerDefinitions": json.dumps(definition.get("containerDefinitions", [])),
        "requiresCompatibilities": list(definition.get("requiresCompatibilities", [])),
        "networkMode": definition.get("networkMode", ""),
        "executionRoleArn": definition.get("executionRoleArn", ""),
        "taskRoleArn": definition.get("taskRoleArn", ""),
    }


def _discover_ecs(ecs: Any, subnet_ids: set[str], out: _Builder) -> set[str]:
    """The ECS services whose tasks run in the VPC's subnets, their task definitions and clusters;
    returns the task definitions' execution role ARNs."""
    clusters = [arn for page in ecs.get_paginator("list_clusters").paginate() for arn in page["clusterArns"]]
    task_definitions: set[str] = set()
    for cluster in clusters:
        arns = [
            arn
            for page in ecs.get_paginator("list_services").paginate(cluster=cluster)
            for arn in page["serviceArns"]
        ]
        services = [
            service
            for start in range(0, len(arns), 10)  # describe_services takes ten at a time
            for service in ecs.describe_services(cluster=cluster, services=arns[start : start + 10])[
                "services"
            ]
            if service.get("status") != "INACTIVE"
        ]
        in_vpc = [
            s for s in services if subnet_ids & set(_service_props(s)["networkConfiguration"]["subnets"])
        ]
        if in_vpc:
            out.add(ECS_CLUSTER, cluster, {"arn": cluster, "name": cluster.rsplit("/", 1)[-1]})
            _discover_capacity_providers(ecs, cluster, out)
        for service in in_vpc:
            out.add(ECS_SERVICE, service["serviceArn"], _service_props(service))
            task_definitions.add(service.get("taskDefinition", ""))
    execution_roles: set[str] = set()
    for arn in sorted(task_definitions - {""}):
        definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        out.add(ECS_TASK_DEFINITION, definition.get("family", arn), _task_definition_props(definition))
        execution_roles.add(definition.get("executionRoleArn", ""))
    return execution_roles - {""}


def _discover_capacity_providers(ecs: Any, cluster_arn: str, out: _Builder) -> None:
    """A cluster's capacity providers and default strategy: which Auto Scaling groups run its container
    instances, whatever AMI they start (the pack's other sign is an ECS-optimized AMI or ECS user data)."""
    [cluster] = ecs.describe_clusters(clusters=[cluster_arn])["clusters"]
    names = list(cluster.get("capacityProviders", []))
    if not names:
        return
    name = cluster.get("clusterName", cluster_arn.rsplit("/", 1)[-1])
    out.add(
        ECS_CLUSTER_CAPACITY_PROVIDERS,
        name,
        {
            "clusterName": name,
            "capacityProviders": names,
            "defaultCapacityProviderStrategies": [
                {
                    "capacityProvider": s["capacityProvider"],
                    "weight": s.get("weight", 0),
                    "base": s.get("base", 0),
                }
                for s in cluster.get("defaultCapacityProviderStrategy", [])
            ],
        },
    )
    for provider in ecs.describe_capacity_providers(capacityProviders=names)["capacityProviders"]:
        group = provider.get("autoScalingGroupProvider")
        if not group or out.has(provider["name"]):
            continue  # FARGATE and FARGATE_SPOT have no group; a provider serves one cluster only
        out.add(
            ECS_CAPACITY_PROVIDER,
            provider["name"],
            {
                "name": provider["name"],
                "arn": provider.get("capacityProviderArn", ""),
                "autoScalingGroupProvider": {
                    "autoScalingGroupArn": group.get("autoScalingGroupArn", ""),
                    "managedTerminationProtection": group.get("managedTerminationProtection", "DISABLED"),
                },
            },
        )


def _managed_by_aws(policy_arn: str) -> bool:
    """AWS managed policies (arn:<partition>:iam::aws:policy/...): the pack knows them by name."""
    return policy_arn.split(":")[4:5] == ["aws"]


def _discover_role(iam: Any, role_arn: str, out: _Builder) -> None:
    """A task execution role as the stack declares one: the Role, a RolePolicy per inline policy, a
    RolePolicyAttachment per attached policy, and a Policy with its default version per customer managed
    policy. Each points at the role by name, as ``role=role.id`` does in a program."""
    name = role_arn.rsplit("/", 1)[-1]
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return  # deleted: the tasks cannot start, which ECS reports; nothing here for C13 to read
    if role_arn.startswith("arn:") and role["Arn"] != role_arn:
        return  # a role of another account (or path) with the same name: not this one
    out.add(
        IAM_ROLE,
        name,
        {
            "arn": role["Arn"],
            "name": name,
            "path": role.get("Path", "/"),
            "assumeRolePolicy": _policy_text(role.get("AssumeRolePolicyDocument")),
        },
    )
    for policy_name in all_items(iam, "list_role_policies", "PolicyNames", RoleName=name):
        document = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
        out.add(
            IAM_ROLE_POLICY,
            f"{name}:{policy_name}",  # the provider's RolePolicy id
            {"role": name, "name": policy_name, "policy": _policy_text(document)},
        )
    for attached in all_items(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name):
        policy_arn = attached["PolicyArn"]
        out.add(IAM_ROLE_POLICY_ATTACHMENT, f"{name}/{policy_arn}", {"role": name, "policyArn": policy_arn})
        if _managed_by_aws(policy_arn) or out.has(policy_arn):
            continue
        policy = iam.get_policy(PolicyArn=policy_arn)["Policy"]
        version = iam.get_policy_version(PolicyArn=policy_arn, VersionId=policy["DefaultVersionId"])
        out.add(
            IAM_POLICY,
            policy_arn,
            {
                "arn": policy_arn,
                "name": policy.get("PolicyName", ""),
                "policy": _policy_text(version["PolicyVersion"].get("Document")),
            },
        )
