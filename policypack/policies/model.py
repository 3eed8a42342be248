"""A typed view of the stack as the engine hands it to the pack, with references resolved.

Which resource a property points at is found two ways, because neither is enough alone: at
preview the ids are unknown but ``property_dependencies`` names the resource; a literal id or ARN
(from another stack, or after an update) matches a resource's own ``id``/``arn``/``name`` outputs.
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pulumi_policy import PolicyResource, ResourceValidationArgs

from .props import UNKNOWN, get, is_unknown, plain

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_VPC = "aws:ec2/defaultVpc:DefaultVpc"
VPCS = (VPC, DEFAULT_VPC)
SUBNET = "aws:ec2/subnet:Subnet"
DEFAULT_SUBNET = "aws:ec2/defaultSubnet:DefaultSubnet"
SUBNETS = (SUBNET, DEFAULT_SUBNET)
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ROUTE_TABLE_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
INTERNET_GATEWAY_ATTACHMENT = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
VPN_GATEWAY = "aws:ec2/vpnGateway:VpnGateway"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
VPC_ENDPOINT_PRIVATE_DNS = "aws:vpc/endpointPrivateDns:EndpointPrivateDns"
VPC_ENDPOINT_POLICY = "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"
VPC_ENDPOINT_ROUTE_TABLE_ASSOCIATION = (
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
)
# pulumi-aws names the endpoint-to-security-group association aws.ec2.SecurityGroupAssociation.
VPC_ENDPOINT_SECURITY_GROUP_ASSOCIATION = "aws:ec2/securityGroupAssociation:SecurityGroupAssociation"
DHCP_OPTIONS = "aws:ec2/vpcDhcpOptions:VpcDhcpOptions"
DHCP_OPTIONS_ASSOCIATION = "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation"
RESOLVER_ENDPOINT = "aws:route53/resolverEndpoint:ResolverEndpoint"
HOSTED_ZONE = "aws:route53/zone:Zone"
HOSTED_ZONE_ASSOCIATION = "aws:route53/zoneAssociation:ZoneAssociation"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_SERVICE = "aws:ecs/service:Service"
ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ECS_CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
ECS_CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
AUTOSCALING_GROUP = "aws:autoscaling/group:Group"
EC2_INSTANCE = "aws:ec2/instance:Instance"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SECRETS = ("aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion")
IAM_ROLE = "aws:iam/role:Role"
IAM_POLICY = "aws:iam/policy:Policy"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

T = TypeVar("T")

# Outputs that other resources use to point at a resource.
_IDENTIFYING_PROPS = ("id", "arn", "name")


@dataclass(eq=False)
class Resource:
    type: str
    name: str
    urn: str
    props: dict[str, Any]  # plain values, unknowns as UNKNOWN
    provider_props: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)  # URNs
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)  # property -> URNs

    def get(self, *path: str | int) -> Any:
        if len(path) == 1 and isinstance(path[0], str):
            return self.props.get(path[0])  # the common case, without the general walk
        return get(self.props, *path)

    @property
    def label(self) -> str:
        """How messages name the resource."""
        return f"'{self.name}'"


def _provider_props(provider: object) -> dict[str, Any]:
    props = getattr(provider, "props", None)
    if props is None:
        return {}
    converted = plain(props)
    return converted if isinstance(converted, dict) else {}


def _props(value: object) -> dict[str, Any]:
    converted = plain(value)
    return converted if isinstance(converted, dict) else {}


def resource_from_policy_resource(resource: PolicyResource) -> Resource:
    return Resource(
        type=str(resource.resource_type),
        name=str(resource.name),
        urn=str(resource.urn),
        props=_props(resource.props),
        provider_props=_provider_props(resource.provider),
        dependencies=[dependency.urn for dependency in (resource.dependencies or [])],
        property_dependencies={
            str(key): [dependency.urn for dependency in dependencies]
            for key, dependencies in (resource.property_dependencies or {}).items()
        },
    )


def resource_from_args(args: ResourceValidationArgs) -> Resource:
    return Resource(
        type=str(args.resource_type),
        name=str(args.name),
        urn=str(args.urn),
        props=_props(args.props),
        provider_props=_provider_props(args.provider),
    )


def _strings_in(value: Any) -> Iterable[str]:
    """Every string in a nested value: a reference may sit anywhere inside a property."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


class Stack:
    """All resources of one stack, indexed by type, URN and identifying outputs."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = list(resources)
        self.by_urn: dict[str, Resource] = {resource.urn: resource for resource in self.resources}
        self._by_type: dict[str, list[Resource]] = {}
        self._by_identifier: dict[str, list[Resource]] = {}
        self._memo: dict[Hashable, Any] = {}
        self._referrers: dict[tuple[str, tuple[str, ...]], dict[Resource, tuple[Resource, ...]]] = {}
        self._upstream: dict[str, frozenset[str]] = {}
        for resource in self.resources:
            self._by_type.setdefault(resource.type, []).append(resource)
            for key in _IDENTIFYING_PROPS:
                identifier = resource.props.get(key)
                if isinstance(identifier, str) and identifier:
                    self._by_identifier.setdefault(identifier, []).append(resource)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A derived fact computed once per stack view (a policy run), e.g. the VPCs' endpoints."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @classmethod
    def from_policy_resources(cls, resources: Iterable[PolicyResource]) -> "Stack":
        return cls(resource_from_policy_resource(resource) for resource in resources)

    def of_type(self, *types: str) -> list[Resource]:
        return [resource for type_ in types for resource in self._by_type.get(type_, [])]

    def refs(
        self, resource: Resource, prop: str, *types: str, path: tuple[str | int, ...] = ()
    ) -> list[Resource]:
        """Resources of ``types`` that ``resource.props[prop]`` (at ``path`` inside it) points at.

        Property dependencies are recorded per top-level property only, so with a ``path`` they
        are used when the value at the path is unknown and the dependency has a wanted type.
        """
        found: list[Resource] = []
        value = resource.get(prop, *path)
        for string in _strings_in(value):
            for target in self._by_identifier.get(string, []):
                if target.type in types and target not in found and target is not resource:
                    found.append(target)
        if not path or is_unknown(value) or (value is not None and not found):
            for urn in resource.property_dependencies.get(prop, []):
                dependency = self.by_urn.get(urn)
                if dependency is not None and dependency.type in types and dependency not in found:
                    found.append(dependency)
        return found

    def find(self, identifier: str, *types: str) -> list[Resource]:
        """Resources of ``types`` whose id, ARN or name is ``identifier``."""
        return [resource for resource in self._by_identifier.get(identifier, []) if resource.type in types]

    def dependencies(self, resource: Resource, prop: str) -> list[Resource]:
        """The resources a property's value was computed from, whatever their type."""
        found = (self.by_urn.get(urn) for urn in resource.property_dependencies.get(prop, []))
        return [dependency for dependency in found if dependency is not None]

    def points_at_something_unknown(self, resource: Resource, prop: str, *path: str | int) -> bool:
        """True when a reference property holds values not (yet) matched to any resource."""
        value = resource.get(prop, *path)
        return value is UNKNOWN or (isinstance(value, list) and any(item is UNKNOWN for item in value))

    def referrers(self, target: Resource, prop: str, *types: str) -> tuple[Resource, ...]:
        """Resources of ``types`` whose ``prop`` points at ``target`` (the inverse of ``refs``), indexed once.

        Equal to ``[r for r in self.of_type(*types) if target in self.refs(r, prop, target.type)]``;
        the index of each (``prop``, ``types``) is built on first use, in one pass over those types.
        """
        index = self._referrers.get((prop, types))
        if index is None:
            building: dict[Resource, list[Resource]] = {}
            for resource in self.of_type(*types):
                for found in self._targets(resource, prop):
                    building.setdefault(found, []).append(resource)
            # Tuples: callers share the index's entries, so nobody may change one.
            index = {found: tuple(referring) for found, referring in building.items()}
            self._referrers[(prop, types)] = index
        return index.get(target, ())

    def _targets(self, resource: Resource, prop: str) -> list[Resource]:
        """Every resource ``refs(resource, prop, <its type>)`` would find, of any type, once each."""
        found: dict[Resource, None] = {}
        for string in _strings_in(resource.get(prop)):
            for target in self._by_identifier.get(string, []):
                if target is not resource:
                    found[target] = None
        for urn in resource.property_dependencies.get(prop, []):
            dependency = self.by_urn.get(urn)
            if dependency is not None:
                found[dependency] = None
        return list(found)

    def depends_on(self, resource: Resource, target: Resource) -> bool:
        """Whether ``resource`` is created after ``target`` through a chain of dependencies."""
        return target.urn in self._created_after(resource.urn)

    def _created_after(self, start: str) -> frozenset[str]:
        """Every URN that ``start`` depends on, directly or transitively; remembered per start.

        A walk reuses what earlier walks found, so asking about many resources of one chain
        does not walk the chain again each time.
        """
        known = self._upstream.get(start)
        if known is not None:
            return known
        reached: set[str] = set()
        seen: set[str] = set()
        pending = [start]
        while pending:
            urn = pending.pop()
            earlier = self._upstream.get(urn) if urn != start else None
            if earlier is not None:
                reached |= earlier
                continue
            current = self.by_urn.get(urn)
            if current is None:
                continue
            direct = set(current.dependencies)
            for urns in current.property_dependencies.values():
                direct.update(urns)
            reached |= direct
            for next_urn in direct - seen:
                seen.add(next_urn)
                pending.append(next_urn)
        self._upstream[start] = frozenset(reached)
        return self._upstream[start]
