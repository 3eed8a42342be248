"""PrivateLinkEndpoints: the endpoints an ECS workload needs, added to any VPC (new or existing).

It takes the VPC, subnets and route tables as Inputs (a StackReference's outputs work), plans the
endpoints from the workload's needs (or takes an explicit service list), and looks up what it must:
each subnet's AZ and CIDR, and the AZs each endpoint service is offered in.
"""

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NotRequired, Required, TypedDict, TypeVar

import pulumi
import pulumi_aws as aws

from awsfacts import CATALOG, ECS_TRIO, HTTPS_PORT, EndpointType, LaunchType, Workload

from .planner import EndpointSpec, endpoint_policy, endpoint_set_digest, plan_endpoints

SubnetId = TypeVar("SubnetId")
ENDPOINTS_TYPE = "ecs-privatelink:index:PrivateLinkEndpoints"
# The group's and the subnets' rule texts of the first release: a changed description replaces the group.
GROUP_DESCRIPTION = "HTTPS from the private subnets to the VPC endpoints"
CIDR_RULE_DESCRIPTION = "HTTPS from the private subnets"
GROUP_RULE_DESCRIPTION = "HTTPS from the consumers' security groups"


class EndpointPlacementError(pulumi.RunError):
    """No subnet lies in an Availability Zone the endpoint service supports."""


class EndpointArgsError(pulumi.RunError):
    """Arguments of PrivateLinkEndpoints that cannot make a working endpoint set."""


class PrivateLinkEndpointsArgs(TypedDict, total=False):
    """Where the endpoints go and what they are for. Plain (non-Input) fields decide which resources exist."""

    vpc_id: Required[pulumi.Input[str]]
    """The VPC to add the endpoints to; it needs DNS support and DNS hostnames on for private DNS (C4)."""
    subnet_ids: Required[pulumi.Input[list[pulumi.Input[str]]]]
    """Subnets of the workload; each interface endpoint gets one per Availability Zone it is offered in."""
    route_table_ids: NotRequired[pulumi.Input[list[pulumi.Input[str]]]]
    """Route tables of the workload's subnets, for the S3 gateway endpoint (needed when the plan has it)."""
    subnet_zones: NotRequired[list[str]]
    """Availability Zone of each subnet in subnet_ids, in the same order; looked up when left out."""
    region: NotRequired[str]
    """The VPC's Region; defaults to the AWS provider's (aws:region)."""
    launch_type: NotRequired[str]
    """ECS launch type, FARGATE (default) or EC2; EC2 adds the ecs-agent, ecs-telemetry and ecs endpoints."""
    private_ecr_images: NotRequired[bool]
    """Tasks pull private ECR images (default true): ecr.api, ecr.dkr and the S3 gateway endpoint (C6)."""
    secrets_manager: NotRequired[bool]
    """Task definitions reference Secrets Manager secrets (default false): the secretsmanager endpoint."""
    awslogs: NotRequired[bool]
    """Containers use the awslogs log driver (default true): the logs endpoint."""
    service_connect: NotRequired[bool]
    """Services use ECS Service Connect (default false): the ecs-agent endpoint."""
    ssm_managed_instances: NotRequired[bool]
    """Systems Manager manages the container instances (default false): the ssm and ssmmessages endpoints,
    and ec2messages where the Region has it."""
    extra_services: NotRequired[list[str]]
    """Further interface endpoint services by short name (e.g. ssm, kms, sts), added to the planned ones."""
    services: NotRequired[list[str]]
    """An explicit service list (short names, e.g. ecr.api, s3, logs) instead of the workload's needs."""
    restrict_to_account_id: NotRequired[pulumi.Input[str]]
    """Endpoint policies allow only principals of this AWS account (aws:PrincipalAccount); unset: any."""
    ingress_cidrs: NotRequired[pulumi.Input[list[pulumi.Input[str]]]]
    """CIDRs allowed to reach the endpoints on HTTPS; with no ingress given, the subnets' own CIDRs."""
    ingress_security_group_ids: NotRequired[pulumi.Input[list[pulumi.Input[str]]]]
    """Security groups of the consumers (tasks, instances) allowed to reach the endpoints on HTTPS."""
    security_group_id: NotRequired[pulumi.Input[str]]
    """An existing security group for the endpoints instead of a new one; its own rules then decide."""
    tags: NotRequired[pulumi.Input[dict[str, pulumi.Input[str]]]]
    """Tags for every resource created (each also gets its Name)."""


def child_key(key: str) -> str:
    """A service key as part of a resource name: "ecr.dkr" -> "ecr-dkr"."""
    return key.replace(".", "-")


def subnets_in_zones(
    spec: EndpointSpec, subnet_ids_by_az: Mapping[str, pulumi.Input[str]], service_zones: Sequence[str]
) -> list[pulumi.Input[str]]:
    """The subnets in AZs the service supports; refuses a service none of them can host."""
    chosen = [subnet for zone, subnet in subnet_ids_by_az.items() if zone in service_zones]
    if not chosen:
        raise EndpointPlacementError(
            f"{spec.service_name} is not offered in any Availability Zone of the subnets "
            f"({', '.join(subnet_ids_by_az)}); it is offered in {', '.join(service_zones) or 'none'}. "
            "Add a subnet in one of those zones (this project's VPC: raise azCount) or drop the endpoint."
        )
    return chosen


def check_placement(
    plan: Iterable[EndpointSpec], subnet_zones: Sequence[str], offered_zones: Callable[[str], Sequence[str]]
) -> None:
    """Refuse an interface endpoint that no subnet's AZ offers, before any resource exists.

    ``offered_zones`` looks up a service's AZs by full name; a program calls this ahead of the
    components, so a bad plan fails before the first resource instead of after a network is built.
    """
    zones = {zone: zone for zone in subnet_zones}
    for spec in plan:
        if spec.is_interface:
            subnets_in_zones(spec, zones, offered_zones(spec.service_name))


def first_subnet_per_zone(zones: Iterable[str], subnet_ids: Iterable[SubnetId]) -> dict[str, SubnetId]:
    """One subnet per AZ (an interface endpoint takes at most one per AZ): the first listed."""
    chosen: dict[str, SubnetId] = {}
    for zone, subnet in zip(zones, subnet_ids, strict=True):
        chosen.setdefault(zone, subnet)
    return chosen


def with_name(name: str, tags: Mapping[str, pulumi.Input[str]]) -> dict[str, pulumi.Input[str]]:
    """The given tags and the resource's Name (which wins, so each resource keeps its own)."""
    return {**tags, "Name": name}


def plan_for(args: PrivateLinkEndpointsArgs, region: str, account_id: str | None) -> list[EndpointSpec]:
    """The endpoint plan the arguments ask for: an explicit list, else the workload's needs plus extras."""
    allowed = ", ".join(CATALOG)
    asked = [*args.get("services", []), *args.get("extra_services", [])]
    for key in asked:
        if key not in CATALOG:
            raise EndpointArgsError(f"Unknown endpoint service {key!r}: known services are {allowed}.")
    if "services" in args:
        if not args["services"]:
            raise EndpointArgsError("services is empty: name at least one endpoint service, or leave it out.")
        return plan_endpoints(
            region,
            Workload(launch_type=None),
            asked,
            account_id,
            ssm_managed_instances=args.get("ssm_managed_instances", False),
        )
    launch_type = args.get("launch_type", LaunchType.FARGATE.value)
    if launch_type not in LaunchType.__members__:
        choices = ", ".join(member.value for member in LaunchType)
        raise EndpointArgsError(f"Invalid launch_type {launch_type!r}: allowed values are {choices}.")
    workload = Workload(
        launch_type=LaunchType[launch_type],
        private_ecr_images=args.get("private_ecr_images", True),
        secrets_manager=args.get("secrets_manager", False),
        awslogs=args.get("awslogs", True),
        service_connect=args.get("service_connect", False),
    )
    return plan_endpoints(
        region, workload, asked, account_id, ssm_managed_instances=args.get("ssm_managed_instances", False)
    )


class PrivateLinkEndpoints(pulumi.ComponentResource):
    """The AWS PrivateLink endpoints an ECS workload needs in a VPC, behind one security group that
    admits only HTTPS from the consumers (C5), the ECS trio created in C11 order."""

    security_group_id: pulumi.Output[str]
    """The endpoints' security group (the given one, or the one created)."""
    endpoint_ids: pulumi.Output[dict[str, str]]
    """VPC endpoint id by service short name (e.g. "ecr.dkr")."""
    service_names: pulumi.Output[dict[str, str]]
    """Full endpoint service name by short name (e.g. "com.amazonaws.us-east-1.ecr.dkr")."""
    endpoint_set_digest: pulumi.Output[str]
    """Fingerprint of the endpoint set, for EcsWorkload's endpoint_set_digest (EC2 instances roll with it,
    C10)."""

    def __init__(
        self, name: str, args: PrivateLinkEndpointsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(ENDPOINTS_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        region = args.get("region") or aws.config.region
        if not region:
            raise EndpointArgsError("No Region: set aws:region or pass region to PrivateLinkEndpoints.")
        account = args.get("restrict_to_account_id")
        plain_account = account if isinstance(account, str) or account is None else None
        # The planned endpoints in creation order, with their reasons (instance data, no schema output).
        self.plan: list[EndpointSpec] = plan_for(args, region, plain_account)
        has_gateway = any(spec.type is EndpointType.GATEWAY for spec in self.plan)
        if has_gateway and "route_table_ids" not in args:
            raise EndpointArgsError(
                "The S3 gateway endpoint needs the workload's route tables: pass route_table_ids."
            )
        tags = args.get("tags")

        def tagged(resource_name: str) -> pulumi.Input[Mapping[str, pulumi.Input[str]]]:
            if tags is None:
                return {"Name": resource_name}
            return pulumi.Output.from_input(tags).apply(functools.partial(with_name, resource_name))

        def policy(spec: EndpointSpec) -> pulumi.Input[str]:
            if account is None or isinstance(account, str):
                return json.dumps(spec.policy)
            return pulumi.Output.all(account).apply(
                lambda found: json.dumps(endpoint_policy(spec.key, region, found[0]))
            )

        security_group_id = args.get("security_group_id")
        if security_group_id is not None:
            if "ingress_cidrs" in args or "ingress_security_group_ids" in args:
                raise EndpointArgsError(
                    "security_group_id is an existing group whose own rules admit the consumers: "
                    "leave out ingress_cidrs and ingress_security_group_ids, or leave out security_group_id."
                )
        else:
            # Endpoint network interfaces only answer; a security group is stateful, so replies need no
            # egress rule, and with none the group cannot be used to reach anything else.
            security_group_id = aws.ec2.SecurityGroup(
                f"{name}-sg",
                vpc_id=args["vpc_id"],
                description=GROUP_DESCRIPTION,
                ingress=self._ingress(args),
                egress=[],
                tags=tagged(f"{name}-sg"),
                opts=child,
            ).id

        subnets_by_zone = self._subnets_by_zone(args)
        self.endpoints: dict[str, aws.ec2.VpcEndpoint] = {}
        # What clients resolve to each endpoint (None: the gateway, which has no DNS name).
        self.private_dns_names: dict[str, pulumi.Output[str] | None] = {}
        previous_ecs: aws.ec2.VpcEndpoint | None = None
        for spec in self.plan:
            resource_name = f"{name}-{child_key(spec.key)}"
            endpoint_opts = child
            if spec.key in ECS_TRIO and previous_ecs is not None:
                # C11: ecs-agent, then ecs-telemetry, then ecs, for container instances already running.
                endpoint_opts = pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(depends_on=[previous_ecs])
                )
            if spec.type is EndpointType.GATEWAY:
                endpoint = aws.ec2.VpcEndpoint(
                    resource_name,
                    vpc_id=args["vpc_id"],
                    service_name=spec.service_name,
                    vpc_endpoint_type=EndpointType.GATEWAY.value,
                    route_table_ids=args["route_table_ids"],
                    policy=policy(spec),
                    tags=tagged(resource_name),
                    opts=endpoint_opts,
                )
                self.private_dns_names[spec.key] = None
            else:
                # By full name, not short key: the provider prefixes a key with com.amazonaws even where
                # China names it cn.com.amazonaws (hashicorp/terraform-provider-aws#17640). The output
                # form keeps the lookup asynchronous: a blocking invoke per endpoint pumps the event loop
                # once per call, which made a stack of many endpoints quadratic.
                service = aws.ec2.get_vpc_endpoint_service_output(
                    service_name=spec.service_name,
                    service_type=EndpointType.INTERFACE.value,
                    opts=pulumi.InvokeOptions(parent=self),
                )
                subnet_ids: pulumi.Input[list[pulumi.Input[str]]]
                if isinstance(subnets_by_zone, dict):
                    # Known zones: each endpoint depends on exactly the subnets it is placed in.
                    subnet_ids = service.availability_zones.apply(
                        functools.partial(subnets_in_zones, spec, subnets_by_zone)
                    )
                else:
                    subnet_ids = pulumi.Output.all(service.availability_zones, subnets_by_zone).apply(
                        functools.partial(_place, spec)
                    )
                endpoint = aws.ec2.VpcEndpoint(
                    resource_name,
                    vpc_id=args["vpc_id"],
                    service_name=spec.service_name,
                    vpc_endpoint_type=EndpointType.INTERFACE.value,
                    private_dns_enabled=spec.private_dns,  # explicit: Pulumi's default is false (C4)
                    subnet_ids=subnet_ids,
                    security_group_ids=[security_group_id],
                    policy=policy(spec),
                    tags=tagged(resource_name),
                    opts=endpoint_opts,
                )
                self.private_dns_names[spec.key] = service.private_dns_name
            if spec.key in ECS_TRIO:
                previous_ecs = endpoint
            self.endpoints[spec.key] = endpoint

        self.security_group_id = pulumi.Output.from_input(security_group_id)
        self.endpoint_ids = pulumi.Output.all(
            **{key: endpoint.id for key, endpoint in self.endpoints.items()}
        ).apply(dict)
        self.service_names = pulumi.Output.from_input({spec.key: spec.service_name for spec in self.plan})
        self.endpoint_set_digest = pulumi.Output.from_input(endpoint_set_digest(self.plan))
        self.register_outputs(
            {
                "securityGroupId": self.security_group_id,
                "endpointIds": self.endpoint_ids,
                "serviceNames": self.service_names,
                "endpointSetDigest": self.endpoint_set_digest,
            }
        )

    def _subnet_lookups(self, args: PrivateLinkEndpointsArgs, attribute: str) -> pulumi.Output[list[str]]:
        """One attribute ("availability_zone", "cidr_block") of each subnet in subnet_ids, in order."""

        def look_up(subnet_ids: list[pulumi.Input[str]]) -> pulumi.Output[list[str]]:
            found = [
                getattr(
                    aws.ec2.get_subnet_output(id=subnet, opts=pulumi.InvokeOptions(parent=self)), attribute
                )
                for subnet in subnet_ids
            ]
            return pulumi.Output.all(*found)

        return pulumi.Output.from_input(args["subnet_ids"]).apply(look_up)

    def _subnets_by_zone(
        self, args: PrivateLinkEndpointsArgs
    ) -> dict[str, pulumi.Input[str]] | pulumi.Output[dict[str, str]]:
        subnet_ids = args["subnet_ids"]
        zones = args.get("subnet_zones")
        if zones is not None and isinstance(subnet_ids, list):
            if len(zones) != len(subnet_ids):
                raise EndpointArgsError(
                    f"subnet_zones has {len(zones)} zones for {len(subnet_ids)} subnet_ids: "
                    "give one zone per subnet."
                )
            return first_subnet_per_zone(zones, subnet_ids)
        looked_up = self._subnet_lookups(args, "availability_zone")
        return pulumi.Output.all(looked_up, pulumi.Output.from_input(subnet_ids)).apply(
            lambda found: first_subnet_per_zone(found[0], found[1])
        )

    def _ingress(self, args: PrivateLinkEndpointsArgs) -> list[aws.ec2.SecurityGroupIngressArgs]:
        """HTTPS from the given CIDRs and security groups; with neither, from the subnets' own CIDRs."""

        rules = []
        cidrs: pulumi.Input[Sequence[pulumi.Input[str]]] | None = args.get("ingress_cidrs")
        groups = args.get("ingress_security_group_ids")
        if cidrs is None and groups is None:
            cidrs = self._subnet_lookups(args, "cidr_block")
        if cidrs is not None:
            rules.append(
                aws.ec2.SecurityGroupIngressArgs(
                    description=CIDR_RULE_DESCRIPTION,
                    protocol="tcp",
                    from_port=HTTPS_PORT,
                    to_port=HTTPS_PORT,
                    cidr_blocks=cidrs,
                )
            )
        if groups is not None:
            rules.append(
                aws.ec2.SecurityGroupIngressArgs(
                    description=GROUP_RULE_DESCRIPTION,
                    protocol="tcp",
                    from_port=HTTPS_PORT,
                    to_port=HTTPS_PORT,
                    security_groups=groups,
                )
            )
        return rules


def _place(spec: EndpointSpec, found: list[Any]) -> list[pulumi.Input[str]]:
    """subnets_in_zones once the service's zones and the subnets' zones are known."""
    service_zones, subnets_by_zone = found
    return subnets_in_zones(spec, subnets_by_zone, service_zones)
