"""PrivateNetwork: a VPC with one private subnet per AZ and no path to the internet."""

import json
from collections.abc import Callable
from ipaddress import IPv4Network
from typing import NotRequired, Required, TypedDict

import pulumi
import pulumi_aws as aws

from .addressing import subnet_cidrs
from .hardening import DEFAULT_FLOW_LOG_RETENTION_DAYS
from .taskiam import flow_log_role_policy, trust_policy

FLOW_LOGS_PRINCIPAL = "vpc-flow-logs.amazonaws.com"


class PrivateNetworkArgs(TypedDict, total=False):
    """Plain values, not Inputs: the number of subnets and their CIDRs must be known to declare them."""

    vpc_cidr: Required[str]
    """Private IPv4 CIDR of the VPC (e.g. 10.0.0.0/16), cut into eight equal slots, one subnet per AZ."""
    availability_zones: Required[list[str]]
    """Availability Zones of the private subnets, one subnet each (at most eight)."""
    tags: NotRequired[dict[str, str]]
    """Tags for every resource created (each also gets its Name)."""
    flow_logs: NotRequired[bool]
    """Log the VPC's accepted and rejected traffic to CloudWatch Logs (default true; Security Hub EC2.6)."""
    flow_log_retention_days: NotRequired[int]
    """Retention of the flow log group in days (default 365), a value CloudWatch Logs accepts."""
    flow_log_account_id: NotRequired[str]
    """The stack's account: the flow log role trusts VPC Flow Logs only on its behalf. Unset: no condition."""
    protect: NotRequired[bool]
    """Protect the flow log group from deletion (default false)."""


class PrivateNetwork(pulumi.ComponentResource):
    """VPC (DNS support and hostnames on, C4), a subnet and route table per AZ; no IGW, no NAT."""

    vpc_id: pulumi.Output[str]
    """The VPC's id."""
    subnet_ids: pulumi.Output[list[str]]
    """The private subnets' ids, one per Availability Zone, in the order of availability_zones."""
    route_table_ids: pulumi.Output[list[str]]
    """The subnets' route tables (each has only the VPC's local route, and the S3 gateway's)."""

    def __init__(
        self, name: str, args: PrivateNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ecs-privatelink:index:PrivateNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        given_tags = args.get("tags", {})

        def tagged(resource_name: str) -> dict[str, str]:
            return {**given_tags, "Name": resource_name}

        zones = list(args["availability_zones"])

        vpc_cidr = IPv4Network(args["vpc_cidr"])
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=str(vpc_cidr),
            enable_dns_support=True,  # C4: private DNS of the endpoints needs both
            enable_dns_hostnames=True,
            tags=tagged(f"{name}-vpc"),
            opts=child,
        )
        # Adopt the default security group and strip its rules, so nothing lands in an open group.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=vpc.id,
            ingress=[],
            egress=[],
            tags=tagged(f"{name}-default-sg"),
            opts=child,
        )

        # Plain per-AZ data for composition (instance data, no schema output): what PrivateLinkEndpoints
        # would otherwise look up.
        self.subnet_ids_by_az: dict[str, pulumi.Output[str]] = {}
        self.subnet_cidrs: list[str] = []
        self.route_table_id_list: list[pulumi.Output[str]] = []
        cidrs = subnet_cidrs(vpc_cidr, len(zones))
        for zone, cidr in zip(zones, cidrs, strict=True):
            subnet = aws.ec2.Subnet(
                f"{name}-subnet-{zone}",
                vpc_id=vpc.id,
                cidr_block=str(cidr),
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags=tagged(f"{name}-subnet-{zone}"),
                opts=child,
            )
            # A route table of its own per subnet, with only the VPC's local route (and the S3 gateway).
            route_table = aws.ec2.RouteTable(
                f"{name}-rt-{zone}",
                vpc_id=vpc.id,
                tags=tagged(f"{name}-rt-{zone}"),
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
            self.route_table_id_list.append(route_table.id)

        if args.get("flow_logs", True):
            self._flow_logs(name, vpc, args, tagged)

        self.vpc_id = vpc.id
        self.subnet_ids = pulumi.Output.all(*self.subnet_ids_by_az.values())
        self.route_table_ids = pulumi.Output.all(*self.route_table_id_list)
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "subnetIds": list(self.subnet_ids_by_az.values()),
                "routeTableIds": self.route_table_id_list,
            }
        )

    def _flow_logs(
        self,
        name: str,
        vpc: aws.ec2.Vpc,
        args: PrivateNetworkArgs,
        tagged: Callable[[str], dict[str, str]],
    ) -> None:
        """EC2.6: every flow of the VPC, accepted or rejected, to a log group of its own."""
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            retention_in_days=args.get("flow_log_retention_days", DEFAULT_FLOW_LOG_RETENTION_DAYS),
            tags=tagged(f"{name}-flow-logs"),
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(protect=args.get("protect", False))
            ),
        )
        role = aws.iam.Role(
            f"{name}-flow-log-role",
            description="VPC Flow Logs: delivery to the VPC's flow log group",
            assume_role_policy=json.dumps(trust_policy(FLOW_LOGS_PRINCIPAL, args.get("flow_log_account_id"))),
            tags=tagged(f"{name}-flow-log-role"),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-flow-log-policy",
            role=role.id,
            policy=log_group.arn.apply(lambda arn: json.dumps(flow_log_role_policy(arn))),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=tagged(f"{name}-flow-log"),
            # Delivery fails until the role may write: create the log only once its policy exists.
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[policy])),
        )
