"""The endpoints a Fargate service pulling private ECR images needs, added to an existing VPC.

Run with `pulumi up` in this directory after setting the ids in Pulumi.dev.yaml. The ids may as well
come from the stack that made the VPC:

    network = pulumi.StackReference("acme/landing-zone/prod")
    vpc_id = network.get_output("vpcId")
"""

import pulumi

from ecs_privatelink import PrivateLinkEndpoints, PrivateLinkEndpointsArgs

config = pulumi.Config()

endpoints = PrivateLinkEndpoints(
    "fargate",
    PrivateLinkEndpointsArgs(
        vpc_id=config.require("vpcId"),
        subnet_ids=config.require_object("subnetIds"),
        route_table_ids=config.require_object("routeTableIds"),
        # What the tasks use: each adds its endpoints (ecr.api, ecr.dkr and the S3 gateway; logs).
        launch_type="FARGATE",
        private_ecr_images=True,
        awslogs=True,
        tags={"owner": "platform"},
    ),
)

pulumi.export("endpointSecurityGroupId", endpoints.security_group_id)
pulumi.export("endpointIds", endpoints.endpoint_ids)
