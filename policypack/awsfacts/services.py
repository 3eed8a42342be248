"""The catalog of endpoint services: names per partition, endpoint type, defaults."""

import re
from dataclasses import dataclass
from enum import StrEnum

from .regions import REGION_SHAPE, partition_of


class EndpointType(StrEnum):
    INTERFACE = "Interface"
    GATEWAY = "Gateway"


@dataclass(frozen=True)
class EndpointService:
    key: str  # the suffix after the Region in the service name: "ecr.dkr"
    type: EndpointType
    description: str
    china_prefixed: bool = False  # aws-cn names it cn.com.amazonaws.<region>.<key>
    private_dns: bool = True  # interface endpoints only; gateways have no DNS

    @property
    def is_ecs(self) -> bool:
        return self.key in ECS_TRIO


# ECS trio in the order the seed asks for when container instances already exist (C11).
ECS_TRIO: tuple[str, str, str] = ("ecs-agent", "ecs-telemetry", "ecs")

_I, _G = EndpointType.INTERFACE, EndpointType.GATEWAY

# China prefixes as AWS CDK's vpc-endpoint.ts lists them (from DescribeVpcEndpointServices in cn-*).
CATALOG: dict[str, EndpointService] = {
    s.key: s
    for s in (
        EndpointService("ecs-agent", _I, "ECS container agent and Service Connect's Envoy"),
        EndpointService("ecs-telemetry", _I, "ECS container agent telemetry"),
        EndpointService("ecs", _I, "ECS API"),
        EndpointService("ecr.api", _I, "ECR API (auth tokens, manifests)", china_prefixed=True),
        EndpointService("ecr.dkr", _I, "ECR Docker registry", china_prefixed=True),
        EndpointService("s3", _G, "S3 gateway (ECR image layers)", private_dns=False),
        EndpointService("secretsmanager", _I, "Secrets Manager"),
        EndpointService("logs", _I, "CloudWatch Logs (awslogs driver)"),
        EndpointService("ssm", _I, "Systems Manager"),
        EndpointService("ssmmessages", _I, "Session Manager channels"),
        EndpointService("ec2messages", _I, "SSM Run Command messages (Regions before 2024)"),
        EndpointService("kms", _I, "Key Management Service"),
        EndpointService("sts", _I, "Security Token Service", china_prefixed=True),
        EndpointService("ec2", _I, "EC2 API", china_prefixed=True),
        EndpointService("monitoring", _I, "CloudWatch metrics", china_prefixed=True),
        EndpointService("xray", _I, "AWS X-Ray", china_prefixed=True),
        EndpointService("elasticloadbalancing", _I, "Elastic Load Balancing API"),
        EndpointService("autoscaling", _I, "EC2 Auto Scaling API", china_prefixed=True),
        EndpointService("application-autoscaling", _I, "Application Auto Scaling API", china_prefixed=True),
        EndpointService("elasticfilesystem", _I, "Amazon EFS API", china_prefixed=True),
        EndpointService("servicediscovery", _I, "Cloud Map API"),
        EndpointService("appmesh-envoy-management", _I, "App Mesh Envoy management", china_prefixed=True),
    )
}

# Actions each ECS endpoint serves (seed: "Creating a VPC endpoint policy"), C12.
ECS_ENDPOINT_POLICY_ACTIONS: dict[str, tuple[str, ...]] = {
    "ecs-agent": ("ecs:Poll",),
    "ecs-telemetry": ("ecs:Poll", "ecs:StartTelemetrySession"),
    "ecs": ("ecs:*",),
}

# IAM action prefix of each service, to scope endpoint policies to the service's own actions (C12).
IAM_ACTION_PREFIX: dict[str, str] = {
    "ecs-agent": "ecs",
    "ecs-telemetry": "ecs",
    "ecs": "ecs",
    "ecr.api": "ecr",
    "ecr.dkr": "ecr",
    "s3": "s3",
    "secretsmanager": "secretsmanager",
    "logs": "logs",
    "ssm": "ssm",
    "ssmmessages": "ssmmessages",
    "ec2messages": "ec2messages",
    "kms": "kms",
    "sts": "sts",
    "ec2": "ec2",
    "monitoring": "cloudwatch",
    "xray": "xray",
    "elasticloadbalancing": "elasticloadbalancing",
    "autoscaling": "autoscaling",
    "application-autoscaling": "application-autoscaling",
    "elasticfilesystem": "elasticfilesystem",
    "servicediscovery": "servicediscovery",
    "appmesh-envoy-management": "appmesh",
}

# Interface endpoints, and S3 behind its gateway, serve AWS APIs on HTTPS only (C5).
HTTPS_PORT = 443
MIN_ECS_AGENT_VERSION: tuple[int, int, int] = (1, 25, 1)
ECS_OPTIMIZED_AMI_PARAMETER_PREFIX = "/aws/service/ecs/optimized-ami/"
ECR_LAYER_BUCKET_ARN = "arn:{partition}:s3:::prod-{region}-starport-layer-bucket/*"


def ecr_layer_bucket_arn(region: str) -> str:
    """The S3 bucket ECR keeps image layers in, for a tight S3 gateway policy (C6)."""
    return ECR_LAYER_BUCKET_ARN.format(partition=partition_of(region), region=region)


def service_name(key: str, region: str) -> str:
    """The full endpoint service name of a catalog service in a Region, for its partition."""
    service = CATALOG[key]
    china = partition_of(region) == "aws-cn"
    prefix = "cn.com.amazonaws" if china and service.china_prefixed else "com.amazonaws"
    return f"{prefix}.{region}.{key}"


@dataclass(frozen=True)
class ServiceName:
    prefix: str  # "com.amazonaws" or "cn.com.amazonaws"
    region: str
    key: str


# The Region part must look like a Region: customer and partner PrivateLink services are named
# com.amazonaws.vpce.<region>.vpce-svc-<hex>, and S3 Multi-Region Access Points
# com.amazonaws.s3-global.accesspoint; neither is a Regional AWS service the AWS-service rules can judge.
_SERVICE_NAME = re.compile(rf"^(?P<prefix>(?:cn\.)?com\.amazonaws)\.(?P<region>{REGION_SHAPE})\.(?P<key>.+)$")


def parse_service_name(name: str) -> ServiceName | None:
    """Split an AWS service name; None for names of other shapes (PrivateLink partner and customer
    services ``com.amazonaws.vpce.<region>.vpce-svc-...``, global names)."""
    match = _SERVICE_NAME.match(name)
    if match is None:
        return None
    return ServiceName(match["prefix"], match["region"], match["key"])


# The consideration that makes each service matter to an ECS workload.
SERVICE_CONSIDERATION: dict[str, str] = {
    "ecs-agent": "C1",
    "ecs-telemetry": "C1",
    "ecs": "C1",
    "ecr.api": "C6",
    "ecr.dkr": "C6",
    "s3": "C6",
    "secretsmanager": "C7",
    "logs": "C8",
}


@dataclass(frozen=True)
class MeantService:
    keys: tuple[str, ...]  # catalog keys, in the order to name them: ("ecr.api", "ecr.dkr")
    consideration: str  # the one that makes the meant service matter
    hint: str = ""  # why the name is easy to get wrong, as a sentence


def _letters(service: str) -> str:
    return re.sub(r"[._-]", "", service).lower()


_BY_LETTERS: dict[str, str] = {_letters(key): key for key in SERVICE_CONSIDERATION}

# Confusions that are not separator or case typos, keyed by their letters.
_ALIASES: dict[str, MeantService] = {
    "ecssc": MeantService(
        ("ecs-agent",), "C9", "Service Connect has no endpoint of its own; its Envoy proxy uses ecs-agent."
    ),
    "ecr": MeantService(("ecr.api", "ecr.dkr"), "C6", "ECR is served by two endpoints, one per name."),
    "cloudwatchlogs": MeantService(("logs",), "C8"),
    "secretmanager": MeantService(("secretsmanager",), "C7"),
}


def meant_service(service: str) -> MeantService | None:
    """For the part X of ``com.amazonaws.<region>.X`` that is no AWS service, the catalog service the
    user surely meant; None when X is a real service or not a near miss of an ECS-related one.

    Precision first: only X with exactly the letters of a catalog key (ignoring '.', '-', '_' and
    case, as in ecs.agent, ecr-dkr, Logs) and a few well-known confusions count; nothing is guessed by
    edit distance, so real services such as eks, sms or ssm are never taken for ecs or ssm typos.
    """
    if service in CATALOG:
        return None
    letters = _letters(service)
    if letters in _ALIASES:
        return _ALIASES[letters]
    key = _BY_LETTERS.get(letters)
    return MeantService((key,), SERVICE_CONSIDERATION[key]) if key is not None else None
