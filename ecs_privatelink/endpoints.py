"""PrivateLinkEndpoints: the planned endpoints, their security group, and the ECS trio's order."""

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from awsfacts import ECS_TRIO, HTTPS_PORT, EndpointType

from .planner import EndpointSpec


class EndpointPlacementError(pulumi.RunError):
    """No subnet of the stack lies in an Availability Zone the endpoint service supports."""


@dataclass
class PrivateLinkEndpointsArgs:
    vpc_id: pulumi.Input[str]
    # Plain keys and CIDRs: subnets are picked per AZ, and the security group rule lists the CIDRs.
    subnet_ids_by_az: Mapping[str, pulumi.Input[str]]
    subnet_cidrs: Sequence[str]
    route_table_ids: Sequence[pulumi.Input[str]]
    plan: Sequence[EndpointSpec]


def child_key(key: str) -> str:
    """A service key as part of a resource name: "ecr.dkr" -> "ecr-dkr"."""
    return key.replace(".", "-")


def subnets_in_zones(
    spec: EndpointSpec, subnet_ids_by_az: Mapping[str, pulumi.Input[str]], service_zones: Sequence[str]
) -> list[pulumi.Input[str]]:
    """The stack's subnets in AZs the service supports; refuses a service none of them can host."""
    chosen = [subnet for zone, subnet in subnet_ids_by_az.items() if zone in service_zones]
    if not chosen:
        raise EndpointPlacementError(
            f"{spec.service_name} is not offered in any Availability Zone of this stack "
            f"({', '.join(subnet_ids_by_az)}); it is offered in {', '.join(service_zones) or 'none'}. "
            "Raise azCount or drop the endpoint."
        )
    return chosen


class PrivateLinkEndpoints(pulumi.ComponentResource):
    """One security group (TCP 443 from the private subnets, C5) and an endpoint per planned service."""

    security_group_id: pulumi.Output[str]
    endpoints: dict[str, aws.ec2.VpcEndpoint]
    # What clients resolve to each endpoint (None: the gateway, which has no DNS name).
    private_dns_names: dict[str, pulumi.Output[str] | None]

    def __init__(self, name: str, args: PrivateLinkEndpointsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ecs-privatelink:index:PrivateLinkEndpoints", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # Endpoint network interfaces only answer; a security group is stateful, so replies need no
        # egress rule, and with none the group cannot be used to reach anything else.
        security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args.vpc_id,
            description="HTTPS from the private subnets to the VPC endpoints",
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    description="HTTPS from the private subnets",
                    protocol="tcp",
                    from_port=HTTPS_PORT,
                    to_port=HTTPS_PORT,
                    cidr_blocks=list(args.subnet_cidrs),
                )
            ],
            egress=[],
            tags={"Name": f"{name}-sg"},
            opts=child,
        )

        self.endpoints = {}
        self.private_dns_names = {}
        previous_ecs: aws.ec2.VpcEndpoint | None = None
        for spec in args.plan:
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
                    vpc_id=args.vpc_id,
                    service_name=spec.service_name,
                    vpc_endpoint_type=EndpointType.GATEWAY.value,
                    route_table_ids=list(args.route_table_ids),
                    policy=json.dumps(spec.policy),
                    tags={"Name": resource_name},
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
                endpoint = aws.ec2.VpcEndpoint(
                    resource_name,
                    vpc_id=args.vpc_id,
                    service_name=spec.service_name,
                    vpc_endpoint_type=EndpointType.INTERFACE.value,
                    private_dns_enabled=spec.private_dns,  # explicit: Pulumi's default is false (C4)
                    subnet_ids=service.availability_zones.apply(
                        functools.partial(subnets_in_zones, spec, args.subnet_ids_by_az)
                    ),
                    security_group_ids=[security_group.id],
                    policy=json.dumps(spec.policy),
                    tags={"Name": resource_name},
                    opts=endpoint_opts,
                )
                self.private_dns_names[spec.key] = service.private_dns_name
            if spec.key in ECS_TRIO:
                previous_ecs = endpoint
            self.endpoints[spec.key] = endpoint

        self.security_group_id = security_group.id
        self.register_outputs(
            {
                "securityGroupId": self.security_group_id,
                "endpointIds": {key: endpoint.id for key, endpoint in self.endpoints.items()},
            }
        )
