"""PrivateNetwork: a VPC with one private subnet per AZ and no path to the internet."""

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network

import pulumi
import pulumi_aws as aws

from .addressing import subnet_cidrs


@dataclass
class PrivateNetworkArgs:
    # Plain values, not Inputs: the number of subnets and their CIDRs must be known to declare them.
    vpc_cidr: IPv4Network
    availability_zones: Sequence[str]  # already checked against the Region's AZs (config.py)


class PrivateNetwork(pulumi.ComponentResource):
    """VPC (DNS support and hostnames on, C4), a subnet and route table per AZ; no IGW, no NAT."""

    vpc_id: pulumi.Output[str]
    subnet_ids_by_az: dict[str, pulumi.Output[str]]
    subnet_cidrs: list[str]
    route_table_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: PrivateNetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ecs-privatelink:index:PrivateNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=str(args.vpc_cidr),
            enable_dns_support=True,  # C4: private DNS of the endpoints needs both
            enable_dns_hostnames=True,
            tags={"Name": f"{name}-vpc"},
            opts=child,
        )
        # Adopt the default security group and strip its rules, so nothing lands in an open group.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=vpc.id,
            ingress=[],
            egress=[],
            tags={"Name": f"{name}-default-sg"},
            opts=child,
        )

        self.subnet_ids_by_az = {}
        self.subnet_cidrs = []
        self.route_table_ids = []
        cidrs = subnet_cidrs(args.vpc_cidr, len(args.availability_zones))
        for zone, cidr in zip(args.availability_zones, cidrs, strict=True):
            subnet = aws.ec2.Subnet(
                f"{name}-subnet-{zone}",
                vpc_id=vpc.id,
                cidr_block=str(cidr),
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-subnet-{zone}"},
                opts=child,
            )
            # A route table of its own per subnet, with only the VPC's local route (and the S3 gateway).
            route_table = aws.ec2.RouteTable(
                f"{name}-rt-{zone}",
                vpc_id=vpc.id,
                tags={"Name": f"{name}-rt-{zone}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-rta-{zone}",
                subnet_id=subnet.id,
                route_table_id=route_table.id,
                opts=child,
            )
            self.subnet_ids_by_az[zone] = subnet.id
            self.subnet_cidrs.append(str(cidr))
            self.route_table_ids.append(route_table.id)

        self.vpc_id = vpc.id
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "subnetIds": list(self.subnet_ids_by_az.values()),
                "routeTableIds": self.route_table_ids,
            }
        )
