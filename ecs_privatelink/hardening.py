"""Secure defaults of what the stack deploys, each a config key that can opt out, with the AWS Security
Hub control it answers (docs/configuration.md lists them).

Pure like the rest of the configuration: ``parse_hardening`` turns raw values into ``Hardening`` or
raises a ``ConfigError`` naming key, value and what is allowed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .configerror import boolean, invalid, whole_number
from .workload_config import LOG_RETENTION_DAYS, optional_kms_key

DEFAULT_FLOW_LOG_RETENTION_DAYS = 365  # Security Hub CloudWatch.16 asks for a year
HARDENING_DEFAULTS: dict[str, object] = {
    "flowLogs": True,
    "flowLogRetentionDays": DEFAULT_FLOW_LOG_RETENTION_DAYS,
    "readonlyRootFilesystem": True,
    "containerUser": "1000",
    "ecrKeepImages": 30,
    "ecrKmsKeyArn": "",
    "protect": False,
    "instanceRolePolicy": "scoped",
    "ssmManagedInstances": False,
}
# Keys about the EC2 container instances: no effect without them (config warns).
INSTANCE_KEYS = ("instanceRolePolicy", "ssmManagedInstances")
MAX_KEPT_IMAGES = 10000  # ECR's limit of images per repository
ROOT_USERS = ("0", "root")
# ECS's "user" forms: user, uid, user:group, uid:gid, uid:group, user:gid.
_CONTAINER_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")


class InstanceRolePolicy(StrEnum):
    SCOPED = "scoped"  # an inline policy: the ECS agent's actions on the stack's own resources
    MANAGED = "managed"  # AmazonEC2ContainerServiceforEC2Role: every agent feature, on any resource


@dataclass(frozen=True)
class Hardening:
    flow_logs: bool  # EC2.6: the VPC the stack makes logs its traffic to CloudWatch Logs
    flow_log_retention_days: int
    readonly_root_filesystem: bool  # ECS.5
    container_user: str | None  # None: the image's own USER; else never root (ECS task definitions)
    ecr_keep_images: int  # ECR.3: a lifecycle policy keeps this many images; 0: no policy
    ecr_kms_key_arn: str | None  # None: ECR's default AES-256 encryption
    protect: bool  # deletion protection of the stateful resources
    instance_role_policy: InstanceRolePolicy = InstanceRolePolicy.SCOPED  # least privilege (IAM.1)
    ssm_managed_instances: bool = False  # SSM.1: AmazonSSMManagedInstanceCore and the SSM endpoints


def _container_user(value: object) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str) or not _CONTAINER_USER.match(value):
        raise invalid(
            "containerUser", value, 'expected a user such as 1000 or 1000:1000, or "" for the image\'s own'
        )
    if value.split(":")[0] in ROOT_USERS:
        raise invalid(
            "containerUser", value, 'a task should not run as root; use "" for the image\'s own user'
        )
    return value


def _instance_role_policy(value: object) -> InstanceRolePolicy:
    if isinstance(value, str) and value.lower() in [policy.value for policy in InstanceRolePolicy]:
        return InstanceRolePolicy(value.lower())
    allowed = " and ".join(policy.value for policy in InstanceRolePolicy)
    raise invalid("instanceRolePolicy", value, f"allowed values are {allowed}")


def _retention(key: str, value: object) -> int:
    days = whole_number(key, value)
    if days not in LOG_RETENTION_DAYS:
        raise invalid(key, value, "CloudWatch Logs allows " + ", ".join(str(d) for d in LOG_RETENTION_DAYS))
    return days


def parse_hardening(raw: Mapping[str, object], region: str, partition: str) -> Hardening:
    """Validate the hardening keys (``raw`` already has the defaults filled in)."""
    keep = whole_number("ecrKeepImages", raw["ecrKeepImages"])
    if not 0 <= keep <= MAX_KEPT_IMAGES:
        raise invalid(
            "ecrKeepImages", raw["ecrKeepImages"], f"allowed values are 0 (no policy) to {MAX_KEPT_IMAGES}"
        )
    return Hardening(
        flow_logs=boolean("flowLogs", raw["flowLogs"]),
        flow_log_retention_days=_retention("flowLogRetentionDays", raw["flowLogRetentionDays"]),
        readonly_root_filesystem=boolean("readonlyRootFilesystem", raw["readonlyRootFilesystem"]),
        container_user=_container_user(raw["containerUser"]),
        ecr_keep_images=keep,
        ecr_kms_key_arn=optional_kms_key("ecrKmsKeyArn", raw["ecrKmsKeyArn"], region, partition),
        protect=boolean("protect", raw["protect"]),
        instance_role_policy=_instance_role_policy(raw["instanceRolePolicy"]),
        ssm_managed_instances=boolean("ssmManagedInstances", raw["ssmManagedInstances"]),
    )


DEFAULT_HARDENING = parse_hardening(HARDENING_DEFAULTS, "us-east-1", "aws")  # no ARN: any Region will do
