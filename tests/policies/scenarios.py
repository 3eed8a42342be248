"""Whole stacks for the requirement policies: a private VPC and the ECS resources in it."""

import base64
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource

from tests.policies.builder import UNKNOWN, StackBuilder

IMAGE = "123456789012.dkr.ecr.{region}.amazonaws.com/shop:1.0"
SECRET = "arn:aws:secretsmanager:{region}:123456789012:secret:db-AbCdEf"


@dataclass
class Private:
    builder: StackBuilder
    region: str
    vpc: PolicyResource
    subnets: list[PolicyResource]
    route_table: PolicyResource
    group: PolicyResource
    endpoints: dict[str, PolicyResource] = field(default_factory=dict)

    def add_endpoints(self, *keys: str, chain: bool = True) -> None:
        previous: PolicyResource | None = None
        for key in keys:
            extra: dict[str, Any] = {}
            if key == "s3":
                extra = {"routeTableIds": [UNKNOWN], "deps": {"routeTableIds": [self.route_table]}}
            depends_on = [previous] if chain and previous is not None and key.startswith("ecs") else None
            deps = extra.pop("deps", None)
            endpoint = self.builder.endpoint(
                self.vpc,
                key,
                service_region=self.region,
                group=self.group,
                subnets=self.subnets,
                depends_on=depends_on,
                **extra,
            )
            if deps:
                endpoint.property_dependencies.update(deps)
            self.endpoints[key] = endpoint
            previous = endpoint if key.startswith("ecs") else previous

    def fargate_service(self, containers: list[dict[str, Any]] | str, **service_props: Any) -> PolicyResource:
        task = self.builder.task_definition(containers=containers)
        return self.builder.service(task, self.subnets, launchType="FARGATE", **service_props)

    def ec2_capacity(
        self,
        image_id: str = "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
        user_data: str = "#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config",
    ) -> PolicyResource:
        template = self.builder.add(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "prod-instances",
            {"imageId": image_id, "userData": base64.b64encode(user_data.encode()).decode()},
        )
        group = self.builder.add(
            "aws:autoscaling/group:Group",
            "prod-asg",
            {"vpcZoneIdentifiers": [UNKNOWN for _ in self.subnets], "launchTemplate": {"id": UNKNOWN}},
            {"vpcZoneIdentifiers": self.subnets, "launchTemplate": [template]},
        )
        return self.builder.add(
            "aws:ecs/capacityProvider:CapacityProvider",
            "prod-capacity",
            {"autoScalingGroupProvider": {"autoScalingGroupArn": UNKNOWN}},
            {"autoScalingGroupProvider": [group]},
        )


def private_vpc(region: str = "us-east-1", name: str = "dev") -> Private:
    builder = StackBuilder(region=region)
    vpc = builder.vpc(f"{name}-vpc")
    subnets = [
        builder.subnet(vpc, f"{name}-a", "10.0.1.0/24"),
        builder.subnet(vpc, f"{name}-b", "10.0.2.0/24"),
    ]
    table = builder.add(
        "aws:ec2/routeTable:RouteTable", f"{name}-private", {"vpcId": UNKNOWN}, {"vpcId": [vpc]}
    )
    for subnet in subnets:
        builder.add(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            f"{subnet.name}-rta",
            {"subnetId": UNKNOWN, "routeTableId": UNKNOWN},
            {"subnetId": [subnet], "routeTableId": [table]},
        )
    group = builder.security_group(vpc, f"{name}-endpoints-sg")
    return Private(builder, region, vpc, subnets, table, group)


def container(
    region: str = "us-east-1", *, ecr: bool = True, awslogs: bool = True, secrets: bool = True
) -> dict:
    definition: dict[str, Any] = {
        "name": "app",
        "image": IMAGE.format(region=region) if ecr else "nginx:1.27",
    }
    if awslogs:
        definition["logConfiguration"] = {"logDriver": "awslogs", "options": {"awslogs-group": "/shop"}}
    if secrets:
        definition["secrets"] = [{"name": "DB", "valueFrom": SECRET.format(region=region)}]
    return definition


def with_internet(private: Private) -> None:
    """Give the VPC a default route to an internet gateway (as a separate Route resource)."""
    gateway = private.builder.add(
        "aws:ec2/internetGateway:InternetGateway", "dev-igw", {"vpcId": UNKNOWN}, {"vpcId": [private.vpc]}
    )
    private.builder.add(
        "aws:ec2/route:Route",
        "dev-default",
        {"routeTableId": UNKNOWN, "destinationCidrBlock": "0.0.0.0/0", "gatewayId": UNKNOWN},
        {"routeTableId": [private.route_table], "gatewayId": [gateway]},
    )
