"""The ECS workload's configuration, validated, and what it uses: the ``awsfacts.Workload`` it implies.

Pure (no Pulumi resources): ``parse_workload_config`` turns raw config values into a ``WorkloadConfig``
or raises a ``ConfigError`` naming key, value and what is allowed; ``WorkloadConfig.uses`` is the
derivation the endpoint planner is fed with, so the endpoints follow the workload's real inputs.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from awsfacts import PARTITION_DNS_SUFFIX, LaunchType, Workload, is_docker_tag, parse_private_ecr_image

from .configerror import invalid, whole_number
from .taskiam import execution_role_policy

WORKLOAD_DEFAULTS: dict[str, object] = {
    "image": "",
    "imageTag": "v1",
    "cpu": 256,
    "memory": 512,
    "desiredCount": 2,
    "containerPort": 8080,
    "secrets": {},
    "secretsKmsKeyArn": "",
    "logRetentionDays": 30,
    "logKmsKeyArn": "",
    "serviceConnectNamespace": "internal",
    "instanceType": "t3.medium",
    "minSize": 1,
    "maxSize": 3,
}

# Fargate task sizes (Linux): cpu units -> allowed memory in MiB (ECS developer guide, task size).
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

# The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days.
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# ASCII only ([0-9], not \d) and matched whole (fullmatch: "$" also matches before a final newline).
_SECRET_ARN = re.compile(
    r"(?P<arn>arn:(?P<partition>aws[a-z-]*):secretsmanager:(?P<region>[a-z0-9-]+):[0-9]{12}:secret:"
    r"[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6})(?::[^:\s]*:[^:\s]*:[^:\s]*)?",
    re.ASCII,
)  # the full ARN (with AWS's six-character suffix), optionally ECS's ":json-key:version-stage:version-id"
_KMS_KEY_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z0-9-]+):[0-9]{12}:"
    r"key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})",
    re.ASCII,
)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}", re.ASCII)
_DNS_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DNS_NAME = re.compile(rf"(?=.{{1,253}}\Z){_DNS_LABEL}(?:\.{_DNS_LABEL})*", re.ASCII)
# A family ("t3", "m7i-flex", "u-6tb1") and one of the sizes EC2 names (botocore's InstanceType list;
# a test keeps them in step): "t3.mega" is refused, not left to fail at launch.
_INSTANCE_TYPE = re.compile(
    r"[a-z][a-z0-9-]*\.(?:nano|micro|small|medium|large|[0-9]*xlarge|metal|metal-[0-9]+xl)", re.ASCII
)
# Variables the ECS agent sets in every container for the task role and the metadata endpoint: a
# secret of that name would break the SDKs' credentials or metadata lookup.
RESERVED_VARIABLES: tuple[str, ...] = (
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "ECS_CONTAINER_METADATA_URI",
    "ECS_CONTAINER_METADATA_URI_V4",
)
# IAM's limit on a role's inline policies together (characters, whitespace not counted) and ECS's on
# a task definition's container definitions (bytes); the secrets' ARNs go into both.
IAM_INLINE_POLICY_CHARACTERS = 10_240
CONTAINER_DEFINITIONS_BYTES = 64 * 1024
# Room the execution policy's other statements (ECR, logs, KMS) take, with margin.
OTHER_STATEMENTS_CHARACTERS = 1_600
# No policy naming more secrets fits IAM's limit (the shortest ARN takes over 50 characters): refused
# before any size is computed. Fewer secrets can still be too many: check_size_limits measures.
MAX_SECRETS = 200
MAX_ASG_SIZE = 100  # a guard against typos (1000 instead of 10), not an AWS limit


@dataclass(frozen=True)
class Image:
    """The container image: the stack's own ECR repository, another private ECR image, or a public one."""

    reference: str | None  # None: the stack's repository, at ``tag``
    tag: str
    repository_arn: str | None  # a configured private ECR image's repository (for the pull permission)

    @property
    def in_stack_repository(self) -> bool:
        return self.reference is None

    @property
    def private_ecr(self) -> bool:
        return self.reference is None or self.repository_arn is not None


@dataclass(frozen=True)
class WorkloadConfig:
    image: Image
    cpu: int
    memory: int
    desired_count: int
    container_port: int
    secrets: tuple[tuple[str, str | None], ...]  # (variable name, secret ARN or None: the stack creates it)
    secrets_kms_key_arn: str | None
    log_retention_days: int
    log_kms_key_arn: str | None
    service_connect: bool
    service_connect_namespace: str
    instance_type: str
    min_size: int
    max_size: int

    def uses(self, launch_type: LaunchType) -> Workload:
        """What the workload needs from the VPC: the input of the endpoint planner.

        awslogs is always on (every container logs with it); internet_path stays False, as this VPC
        never has an internet gateway or NAT.
        """
        return Workload(
            launch_type=launch_type,
            private_ecr_images=self.image.private_ecr,
            secrets_manager=bool(self.secrets),
            awslogs=True,
            service_connect=self.service_connect,
        )


def _in_range(key: str, value: object, low: int, high: int) -> int:
    number = whole_number(key, value)
    if not low <= number <= high:
        raise invalid(key, value, f"allowed values are {low} to {high}")
    return number


def _string(key: str, value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise invalid(key, value, "expected a string, and YAML read this as a number: quote it")
    if not isinstance(value, str):
        raise invalid(key, value, "expected a string")
    return value.strip()


def parse_image(value: object, tag: object, region: str, partition: str) -> Image:
    """``""``: the stack's repository; a private ECR URI must be in the stack's Region; else public."""
    reference = _string("image", value)
    tag_text = _string("imageTag", tag)
    if not is_docker_tag(tag_text):
        raise invalid(
            "imageTag",
            tag,
            "expected a Docker tag: ASCII letters, digits, '_', '.', '-', at most 128, not led by '.' or '-'",
        )
    if not reference:
        return Image(None, tag_text, None)
    if (
        not reference.isascii()
        or any(ch.isspace() for ch in reference)
        or reference.startswith(("http://", "https://"))
    ):
        raise invalid("image", value, "expected an image reference such as 'nginx:1.27' or an ECR URI")
    private = parse_private_ecr_image(reference)
    if private is None or (private.tag is None) == (private.digest is None):
        if ".dkr.ecr" in reference:  # names an ECR registry (ecr or ecr-fips): meant to be private
            raise invalid(
                "image",
                value,
                "expected a private ECR image as <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> "
                "or @sha256:<digest>",
            )
        return Image(reference, tag_text, None)
    # A FIPS registry of the stack's Region is the same registry behind a FIPS-validated endpoint.
    if private.region != region or private.dns_suffix != PARTITION_DNS_SUFFIX[partition]:
        raise invalid(
            "image",
            value,
            f"the ECR registry must be in the stack's Region {region} (VPC endpoints serve only their own "
            "Region, C3); replicate the image there",
        )
    return Image(reference, tag_text, private.repository_arn)


def _arn_in_region(key: str, value: object, pattern: re.Pattern[str], region: str, partition: str) -> str:
    text = _string(key, value)
    match = pattern.fullmatch(text)
    if match is None:
        raise invalid(key, value, "expected a full ARN, e.g. " + _ARN_EXAMPLES[key])
    if match["partition"] != partition or match["region"] != region:
        raise invalid(
            key, value, f"it must be in the stack's Region {region} ({partition}), which the endpoints serve"
        )
    return text


_ARN_EXAMPLES = {
    "secrets": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf",
    "secretsKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "logKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "ecrKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
}


def optional_kms_key(key: str, value: object, region: str, partition: str) -> str | None:
    if value is None or value == "":
        return None
    return _arn_in_region(key, value, _KMS_KEY_ARN, region, partition)


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object's members; a name given twice is refused (json.loads would keep the last)."""
    seen: dict[str, object] = {}
    for name, item in pairs:
        if name in seen:
            raise invalid("secrets", name, "this variable is given twice; give each secret once")
        seen[name] = item
    return seen


def parse_secrets(value: object, region: str, partition: str) -> tuple[tuple[str, str | None], ...]:
    """A map of environment variable name -> secret ARN, or -> null for a secret the stack creates."""
    items: object = value
    if isinstance(value, str):
        try:
            items = json.loads(value, object_pairs_hook=_refuse_duplicate_keys) if value.strip() else {}
        except json.JSONDecodeError:
            raise invalid("secrets", value, 'expected a JSON map such as {"DB_PASSWORD": null}') from None
    if not isinstance(items, Mapping):
        raise invalid("secrets", value, "expected a map of variable name to secret ARN or null")
    if len(items) > MAX_SECRETS:
        raise invalid(
            "secrets",
            f"{len(items)} secrets",
            f"at most {MAX_SECRETS}: no more fit IAM's {IAM_INLINE_POLICY_CHARACTERS}-character limit on "
            "the execution role's policy (one JSON secret can hold several values)",
        )
    secrets: list[tuple[str, str | None]] = []
    for name, arn in items.items():
        if not isinstance(name, str) or not _ENV_NAME.fullmatch(name):
            raise invalid(
                "secrets",
                name,
                "a secret's name is its variable's: ASCII letters, digits and '_', not led by a digit, "
                "at most 255",
            )
        if name in RESERVED_VARIABLES:
            raise invalid(
                "secrets", name, "ECS sets this variable in every container (task role, metadata); rename it"
            )
        if arn is None or arn == "":
            secrets.append((name, None))
        else:
            # The ECS form with a JSON key is allowed; its base ARN is what IAM and the endpoint see.
            secrets.append((name, _arn_in_region("secrets", arn, _SECRET_ARN, region, partition)))
    return tuple(sorted(secrets))


def secret_base_arn(arn: str) -> str:
    """The secret's own ARN, without ECS's ":json-key:version-stage:version-id" selector."""
    match = _SECRET_ARN.fullmatch(arn)
    return match["arn"] if match else arn


def _task_size(launch_type: LaunchType, cpu_value: object, memory_value: object) -> tuple[int, int]:
    cpu, memory = whole_number("cpu", cpu_value), whole_number("memory", memory_value)
    if launch_type is LaunchType.FARGATE:
        if cpu not in FARGATE_SIZES:
            allowed = ", ".join(str(units) for units in FARGATE_SIZES)
            raise invalid("cpu", cpu_value, f"Fargate allows {allowed} CPU units")
        if memory not in FARGATE_SIZES[cpu]:
            sizes = FARGATE_SIZES[cpu]
            allowed = (
                ", ".join(str(size) for size in sizes)
                if len(sizes) <= 4
                else (f"{sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}")
            )
            raise invalid("memory", memory_value, f"with cpu {cpu} Fargate allows {allowed} MiB")
    else:
        if not 128 <= cpu <= 196608:
            raise invalid("cpu", cpu_value, "allowed values are 128 to 196608 CPU units")
        if not 128 <= memory <= 1048576:
            raise invalid("memory", memory_value, "allowed values are 128 to 1048576 MiB")
    return cpu, memory


def parse_workload_config(
    raw: Mapping[str, object], region: str, partition: str, launch_type: LaunchType, service_connect: bool
) -> WorkloadConfig:
    """Validate the workload keys (``raw`` already has the defaults filled in)."""
    cpu, memory = _task_size(launch_type, raw["cpu"], raw["memory"])
    retention = whole_number("logRetentionDays", raw["logRetentionDays"])
    if retention not in LOG_RETENTION_DAYS:
        allowed = ", ".join(str(days) for days in LOG_RETENTION_DAYS)
        raise invalid("logRetentionDays", raw["logRetentionDays"], f"CloudWatch Logs allows {allowed}")
    namespace = _string("serviceConnectNamespace", raw["serviceConnectNamespace"])
    if not _DNS_NAME.fullmatch(namespace):
        raise invalid(
            "serviceConnectNamespace", raw["serviceConnectNamespace"], "expected a DNS name such as internal"
        )
    instance_type = _string("instanceType", raw["instanceType"])
    if not _INSTANCE_TYPE.fullmatch(instance_type):
        raise invalid(
            "instanceType",
            raw["instanceType"],
            "expected an EC2 instance type such as t3.medium: a family, '.', "
            "and a size (nano, micro, small, medium, large, xlarge, <n>xlarge, metal, metal-<n>xl)",
        )
    min_size = _in_range("minSize", raw["minSize"], 0, MAX_ASG_SIZE)
    max_size = _in_range("maxSize", raw["maxSize"], 1, MAX_ASG_SIZE)
    if min_size > max_size:
        raise invalid("minSize", raw["minSize"], f"it must not exceed maxSize ({max_size})")
    return WorkloadConfig(
        image=parse_image(raw["image"], raw["imageTag"], region, partition),
        cpu=cpu,
        memory=memory,
        desired_count=_in_range("desiredCount", raw["desiredCount"], 0, 1000),
        container_port=_in_range("containerPort", raw["containerPort"], 1, 65535),
        secrets=parse_secrets(raw["secrets"], region, partition),
        secrets_kms_key_arn=optional_kms_key("secretsKmsKeyArn", raw["secretsKmsKeyArn"], region, partition),
        log_retention_days=retention,
        log_kms_key_arn=optional_kms_key("logKmsKeyArn", raw["logKmsKeyArn"], region, partition),
        service_connect=service_connect,
        service_connect_namespace=namespace,
        instance_type=instance_type,
        min_size=min_size,
        max_size=max_size,
    )


_EXAMPLE_ACCOUNT = "123456789012"  # every account id has 12 digits: the sizes below do not depend on it
_EXAMPLE_ENDPOINT_ID = "vpce-0123456789abcdef0"
_SECRET_SUFFIX = "-AbCdEf"  # the six characters Secrets Manager appends to a created secret's ARN
MAX_SECRET_NAME = 512  # Secrets Manager's limit on a secret's name


def check_size_limits(config: WorkloadConfig, region: str, partition: str, family: str) -> None:
    """Refuse, before any resource exists, what AWS would refuse halfway through a deployment:
    a created secret's name, the execution role's inline policy and the container definitions."""
    secret_arns: list[str] = []
    for variable, arn in config.secrets:
        if arn is None:
            name = f"{family}/{variable}"
            if len(name) > MAX_SECRET_NAME:
                raise invalid(
                    "secrets",
                    variable,
                    f"the created secret's name {family}/<name> must be at most {MAX_SECRET_NAME} characters",
                )
            arn = f"arn:{partition}:secretsmanager:{region}:{_EXAMPLE_ACCOUNT}:secret:{name}{_SECRET_SUFFIX}"
        secret_arns.append(arn)
    repository_arn = None
    if config.image.private_ecr:
        repository_arn = config.image.repository_arn or (
            f"arn:{partition}:ecr:{region}:{_EXAMPLE_ACCOUNT}:repository/{family}"
        )
    policy = execution_role_policy(
        region=region,
        partition=partition,
        log_group_arn=f"arn:{partition}:logs:{region}:{_EXAMPLE_ACCOUNT}:log-group:/ecs/{family}",
        ecr_repository_arn=repository_arn,
        ecr_endpoint_ids=[_EXAMPLE_ENDPOINT_ID, _EXAMPLE_ENDPOINT_ID],
        secret_arns=[secret_base_arn(arn) for arn in secret_arns],
        secrets_kms_key_arn=config.secrets_kms_key_arn,
    )
    # IAM counts a policy's characters without whitespace.
    policy_size = len(json.dumps(policy, separators=(",", ":")))
    if policy_size > IAM_INLINE_POLICY_CHARACTERS:
        raise invalid(
            "secrets",
            f"{len(config.secrets)} secrets",
            f"their ARNs make the execution role's policy {policy_size} characters and IAM allows "
            f"{IAM_INLINE_POLICY_CHARACTERS}; use fewer secrets (one JSON secret can hold several values)",
        )
    entries = [
        {"name": variable, "valueFrom": arn}
        for (variable, _), arn in zip(config.secrets, secret_arns, strict=True)
    ]
    # What else a container definition holds (image, ports, log options) stays well under this margin.
    definitions_size = len(json.dumps(entries).encode()) + OTHER_STATEMENTS_CHARACTERS
    if definitions_size > CONTAINER_DEFINITIONS_BYTES:
        raise invalid(
            "secrets",
            f"{len(config.secrets)} secrets",
            f"they make the container definitions about {definitions_size} bytes and ECS allows "
            f"{CONTAINER_DEFINITIONS_BYTES}; use fewer secrets",
        )
