"""What a workload needs: from launch type and features to the endpoints and the reasons."""

from dataclasses import dataclass
from enum import StrEnum

from .ecstrio import ecs_trio_bound_by_c2
from .regions import launched_2024_or_later
from .services import ECS_TRIO


class LaunchType(StrEnum):
    FARGATE = "FARGATE"
    EC2 = "EC2"


@dataclass(frozen=True)
class Workload:
    launch_type: LaunchType | None  # None: no ECS capacity known (network-only stack)
    private_ecr_images: bool = False
    secrets_manager: bool = False
    awslogs: bool = False
    service_connect: bool = False
    # The tasks (or container instances) reach AWS's public endpoints: through a NAT, or an internet
    # gateway with a public IP. The seed's requirements are all for workloads *without* such a path.
    internet_path: bool = False


@dataclass(frozen=True)
class Need:
    key: str  # catalog key, e.g. "ecr.dkr"
    considerations: tuple[str, ...]  # why, e.g. ("C1",) or ("C9", "C2")


# Order of the plan: the ECS trio first in C11 order, then the rest.
PLAN_ORDER: tuple[str, ...] = (*ECS_TRIO, "ecr.api", "ecr.dkr", "s3", "secretsmanager", "logs")


def required_endpoints(region: str, workload: Workload) -> list[Need]:
    """The minimal, ordered set of endpoints a workload needs; none when it has an internet path."""
    if workload.internet_path:
        return []
    reasons: dict[str, list[str]] = {}

    def need(key: str, consideration: str) -> None:
        reasons.setdefault(key, [])
        if consideration not in reasons[key]:
            reasons[key].append(consideration)

    if workload.launch_type is LaunchType.EC2:
        for key in ECS_TRIO:
            need(key, "C1")
    if workload.service_connect:
        need("ecs-agent", "C9")
    for key in ecs_trio_bound_by_c2(region, reasons):
        need(key, "C2")
    if workload.private_ecr_images:
        for key in ("ecr.api", "ecr.dkr", "s3"):
            need(key, "C6")
    if workload.secrets_manager:
        need("secretsmanager", "C7")
    if workload.awslogs:
        need("logs", "C8")
    return [Need(key, tuple(reasons[key])) for key in PLAN_ORDER if key in reasons]


def ssm_managed_instance_endpoints(region: str) -> tuple[str, ...]:
    """The interface endpoints SSM Agent needs on an instance without an internet path (Systems
    Manager's VPC endpoint guide): ssm and ssmmessages, and ec2messages where the Region has it."""
    if launched_2024_or_later(region):
        return ("ssm", "ssmmessages")  # the agent sends Run Command messages over ssmmessages there
    return ("ssm", "ssmmessages", "ec2messages")
