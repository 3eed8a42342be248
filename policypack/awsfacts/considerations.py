"""The numbered considerations that every rule and policy cites.

From AWS's page "Amazon ECS interface VPC endpoints (AWS PrivateLink)"
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html), the ECR guide's
interface endpoint page (C6, C13) and the EC2 API reference (C4, C15).
"""

CONSIDERATIONS: dict[str, str] = {
    "C1": "EC2 launch type without an internet path needs the ecs-agent, ecs-telemetry and ecs endpoints.",
    "C2": "In Regions introduced on or after 2023-12-23 the three ECS endpoints are all-or-nothing.",
    "C3": "An endpoint serves only its own Region; service names of another Region are errors.",
    "C4": "Only Amazon-provided DNS works: private DNS on the endpoint, VPC DNS support and hostnames on.",
    "C5": "The endpoint security group must allow inbound TCP 443 from the private subnets.",
    "C6": "Private ECR images need ecr.api, ecr.dkr and the S3 gateway endpoint on the tasks' route tables.",
    "C7": "Secrets Manager secrets in task definitions need the secretsmanager endpoint.",
    "C8": "The awslogs log driver in a VPC without an internet gateway needs the logs endpoint.",
    "C9": "Service Connect's Envoy management uses the ecs-agent endpoint.",
    "C10": "EC2 container instances need ECS agent 1.25.1 or later.",
    "C11": "Create the ECS endpoints in the order ecs-agent, ecs-telemetry, ecs.",
    "C12": "Endpoint policies name principals, actions and resources deliberately.",
    "C13": "The task execution role may restrict ECR pulls with aws:SourceVpc / aws:SourceVpce.",
    "C14": "Fargate tasks do not need the ECS endpoints unless C2 or C9 apply.",
    "C15": "Two interface endpoints for one service with private DNS in one VPC are rejected.",
}
