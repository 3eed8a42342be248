"""What AWS says about running ECS over PrivateLink: the one source of truth.

Both the program's endpoint planner (``components/``) and the policy pack read this package.
It lives inside ``policypack/`` because ``pulumi policy publish`` uploads only that folder; it
imports nothing outside the standard library and uses relative imports only, so it works as
``awsfacts`` (inside the pack) and as ``policypack.awsfacts`` (from the project root).
"""

from .considerations import CONSIDERATIONS
from .needs import LaunchType, Need, Workload, required_endpoints
from .regions import (
    PARTITION_DNS_SUFFIX,
    REGION_PARTITION,
    UnknownRegionError,
    is_post_line_region,
    launched_2024_or_later,
    partition_of,
)
from .services import (
    CATALOG,
    ECR_LAYER_BUCKET_ARN,
    ECS_ENDPOINT_POLICY_ACTIONS,
    ECS_OPTIMIZED_AMI_PARAMETER_PREFIX,
    ECS_TRIO,
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
    "CATALOG",
    "CONSIDERATIONS",
    "ECR_LAYER_BUCKET_ARN",
    "ECS_ENDPOINT_POLICY_ACTIONS",
    "ECS_OPTIMIZED_AMI_PARAMETER_PREFIX",
    "ECS_TRIO",
    "IAM_ACTION_PREFIX",
    "MIN_ECS_AGENT_VERSION",
    "PARTITION_DNS_SUFFIX",
    "REGION_PARTITION",
    "SERVICE_CONSIDERATION",
    "EndpointService",
    "EndpointType",
    "LaunchType",
    "MeantService",
    "Need",
    "ServiceName",
    "UnknownRegionError",
    "Workload",
    "ecr_layer_bucket_arn",
    "is_post_line_region",
    "launched_2024_or_later",
    "meant_service",
    "parse_service_name",
    "partition_of",
    "required_endpoints",
    "service_name",
]
