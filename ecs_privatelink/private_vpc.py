"""PrivateEcsVpc: a new private VPC (PrivateNetwork) with the endpoints its ECS workload needs
(PrivateLinkEndpoints, the component for existing VPCs, given what the new network already knows)."""

from typing import NotRequired, Required, TypedDict

import pulumi

from .endpoints import PrivateLinkEndpoints, PrivateLinkEndpointsArgs
from .network import PrivateNetwork, PrivateNetworkArgs

# What PrivateEcsVpcArgs passes on unchanged to PrivateLinkEndpointsArgs.
ENDPOINT_FIELDS = (
    "region",
    "launch_type",
    "private_ecr_images",
    "secrets_manager",
    "awslogs",
    "service_connect",
    "extra_services",
    "restrict_to_account_id",
    "tags",
)


class PrivateEcsVpcArgs(TypedDict, total=False):
    """The new VPC's shape and what its ECS workload needs. Plain fields decide which resources exist."""

    vpc_cidr: Required[str]
    """Private IPv4 CIDR of the VPC (e.g. 10.0.0.0/16), cut into eight equal slots, one subnet per AZ."""
    availability_zones: Required[list[str]]
    """Availability Zones of the private subnets, one subnet each (at most eight)."""
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
    extra_services: NotRequired[list[str]]
    """Further interface endpoint services by short name (e.g. ssm, kms, sts), added to the planned ones."""
    restrict_to_account_id: NotRequired[pulumi.Input[str]]
    """Endpoint policies allow only principals of this AWS account (aws:PrincipalAccount); unset: any."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource created (each also gets its Name)."""


class PrivateEcsVpc(pulumi.ComponentResource):
    """A VPC with one private subnet per AZ and no path to the internet, and the AWS PrivateLink
    endpoints its ECS workload needs, reachable on HTTPS from those subnets only."""

    vpc_id: pulumi.Output[str]
    """The VPC's id."""
    subnet_ids: pulumi.Output[list[str]]
    """The private subnets' ids, one per Availability Zone."""
    route_table_ids: pulumi.Output[list[str]]
    """The subnets' route tables."""
    security_group_id: pulumi.Output[str]
    """The endpoints' security group."""
    endpoint_ids: pulumi.Output[dict[str, str]]
    """VPC endpoint id by service short name (e.g. "ecr.dkr")."""

    def __init__(
        self, name: str, args: PrivateEcsVpcArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ecs-privatelink:index:PrivateEcsVpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        network_args = PrivateNetworkArgs(
            vpc_cidr=args["vpc_cidr"], availability_zones=args["availability_zones"]
        )
        if "tags" in args:
            network_args["tags"] = args["tags"]
        self.network = PrivateNetwork(f"{name}-network", network_args, opts=child)
        endpoint_args = PrivateLinkEndpointsArgs(
            vpc_id=self.network.vpc_id,
            subnet_ids=list(self.network.subnet_ids_by_az.values()),
            route_table_ids=list(self.network.route_table_id_list),
            # Known to the new network: no lookups, and each endpoint depends on its own subnets only.
            subnet_zones=list(self.network.subnet_ids_by_az),
            ingress_cidrs=list(self.network.subnet_cidrs),
        )
        for field in ENDPOINT_FIELDS:
            if field in args:
                endpoint_args[field] = args[field]  # type: ignore[literal-required]
        self.endpoints = PrivateLinkEndpoints(f"{name}-endpoints", endpoint_args, opts=child)

        self.vpc_id = self.network.vpc_id
        self.subnet_ids = self.network.subnet_ids
        self.route_table_ids = self.network.route_table_ids
        self.security_group_id = self.endpoints.security_group_id
        self.endpoint_ids = self.endpoints.endpoint_ids
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "subnetIds": self.subnet_ids,
                "routeTableIds": self.route_table_ids,
                "securityGroupId": self.security_group_id,
                "endpointIds": self.endpoint_ids,
            }
        )
