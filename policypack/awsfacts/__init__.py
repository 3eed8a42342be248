"""What AWS says about running ECS over PrivateLink: the one source of truth.

Both the program's endpoint planner (``ecs_privatelink``) and the policy pack read this package.
It lives inside ``policypack/`` because ``pulumi policy publish`` uploads only that folder; it
imports nothing outside the standard library and uses relative imports only, so it works as
``awsfacts`` (inside the pack) and as ``policypack.awsfacts`` (from the project root).
"""

from .considerations import CONSIDERATIONS
from .dns import private_dns_name, zone_serves
from .ecstrio import ecs_trio_bound_by_c2, ecs_trio_completion
from .images import (
    ECR_LAYER_PULL_ACTIONS,
    ECR_TOKEN_ACTION,
    PrivateEcrImage,
    is_docker_tag,
    is_private_ecr_image,
    parse_private_ecr_image,
    private_ecr_registry,
)
from .needs import (
    PLAN_ORDER,
    LaunchType,
    Need,
    Workload,
    required_endpoints,
    ssm_managed_instance_endpoints,
)
from .regions import (
    PARTITION_DNS_SUFFIX,
    REGION_PARTITION,
    REGION_SHAPE,
    UnknownRegionError,
    is_post_line_region,
    launched_2024_or_later,
    partition_of,
)
from .resolver import AMAZON_DNS_NAMES, is_amazon_dns_server
from .services import (
    CATALOG,
    ECR_LAYER_BUCKET_ARN,
    ECS_ENDPOINT_POLICY_ACTIONS,
    ECS_OPTIMIZED_AMI_PARAMETER_PREFIX,
    ECS_TRIO,
    HTTPS_PORT,
    IAM_ACTION_PREFIX,
    MIN_ECS_AGENT_VERSION,
    SERVICE_CONSIDERATION,
    EndpointService,
    EndpointType,
    MeantService,
    ServiceName,
    ecr_layer_bucket_arn,
    meant_service,
    parse_service_name,
    service_name,
)

__all__ = [
    "AMAZON_DNS_NAMES",
    "CATALOG",
    "CONSIDERATIONS",
    "ECR_LAYER_BUCKET_ARN",
    "ECR_LAYER_PULL_ACTIONS",
    "ECR_TOKEN_ACTION",
    "ECS_ENDPOINT_POLICY_ACTIONS",
    "ECS_OPTIMIZED_AMI_PARAMETER_PREFIX",
    "ECS_TRIO",
    "HTTPS_PORT",
    "IAM_ACTION_PREFIX",
    "MIN_ECS_AGENT_VERSION",
    "PARTITION_DNS_SUFFIX",
    "PLAN_ORDER",
    "REGION_PARTITION",
    "REGION_SHAPE",
    "SERVICE_CONSIDERATION",
    "EndpointService",
    "EndpointType",
    "LaunchType",
    "MeantService",
    "Need",
    "PrivateEcrImage",
    "ServiceName",
    "UnknownRegionError",
    "Workload",
    "ecr_layer_bucket_arn",
    "ecs_trio_bound_by_c2",
    "ecs_trio_completion",
    "is_amazon_dns_server",
    "is_docker_tag",
    "is_post_line_region",
    "is_private_ecr_image",
    "launched_2024_or_later",
    "meant_service",
    "parse_private_ecr_image",
    "parse_service_name",
    "partition_of",
    "private_dns_name",
    "private_ecr_registry",
    "required_endpoints",
    "service_name",
    "ssm_managed_instance_endpoints",
    "zone_serves",
]
