"""The stack's configuration: typed, validated, and refused with one clear message when wrong.

``parse_config`` is pure (a plain mapping in, a ``StackConfig`` out) so tests and the sandbox can
feed it; ``read_stack_config`` is the thin reader the program uses. Defaults mirror the schema in
Pulumi.yaml (a test keeps them in step).
"""

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Any

import pulumi
import pulumi.runtime.config
import pulumi_aws

from awsfacts import (
    CATALOG,
    EndpointType,
    LaunchType,
    UnknownRegionError,
    Workload,
    launched_2024_or_later,
    partition_of,
)

from .addressing import (
    LARGEST_VPC_PREFIX,
    MAX_AZ_COUNT,
    PRIVATE_RANGES,
    SMALLEST_SUBNET_PREFIX,
    SMALLEST_VPC_PREFIX,
)
from .configerror import (
    NAMESPACE,
    ConfigError,
    boolean,
    cut,
    fractional_number_text,
    invalid,
    shown,
    whole_number,
)
from .hardening import DEFAULT_HARDENING, HARDENING_DEFAULTS, INSTANCE_KEYS, Hardening, parse_hardening
from .workload_config import WORKLOAD_DEFAULTS, WorkloadConfig, parse_workload_config

__all__ = ["NAMESPACE", "ConfigError", "ExistingNetwork", "StackConfig", "parse_config", "read_stack_config"]

DEFAULTS: dict[str, Any] = {
    "launchType": "FARGATE",
    "vpcCidr": "10.0.0.0/16",
    "azCount": 2,
    "privateEcrImages": True,
    "secretsManager": False,
    "awslogs": True,
    "serviceConnect": False,
    "extraEndpoints": [],
    "restrictToAccount": True,
    "workload": False,
    "existingVpcId": "",
    "existingSubnetIds": [],
    "existingRouteTableIds": [],
    **WORKLOAD_DEFAULTS,
    **HARDENING_DEFAULTS,
}
# The AWS provider's config keys (pulumi_aws.config; a test keeps the list in step with the pinned
# SDK). The provider ignores any other aws: key, so a misspelt one would silently change nothing.
AWS_CONFIG_KEYS: tuple[str, ...] = (
    "accessKey", "allowedAccountIds", "assumeRoleWithWebIdentity", "assumeRoles", "customCaBundle",
    "defaultTags", "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "endpoints",
    "forbiddenAccountIds", "httpProxy", "httpsProxy", "ignoreTags", "insecure", "maxRetries", "noProxy",
    "profile", "region", "retryMode", "s3UsEast1RegionalEndpoint", "s3UsePathStyle", "secretKey",
    "sharedConfigFiles", "sharedCredentialsFiles", "skipCredentialsValidation", "skipMetadataApiCheck",
    "skipRegionValidation", "skipRequestingAccountId", "stsRegion", "tagPolicyCompliance", "token",
    "tokenBucketRateLimiterCapacity", "useDualstackEndpoint", "useFipsEndpoint", "userAgents",
)  # fmt: skip
WORKLOAD_ONLY_KEYS = (*WORKLOAD_DEFAULTS, *INSTANCE_KEYS)
EC2_ONLY_KEYS = ("instanceType", "minSize", "maxSize", *INSTANCE_KEYS)
EXISTING_NETWORK_KEYS = ("existingVpcId", "existingSubnetIds", "existingRouteTableIds")
# EC2 resource ids: a prefix and 8 (older) or 17 hex digits.
_RESOURCE_ID = r"-(?:[0-9a-f]{8}|[0-9a-f]{17})"

EXTRA_ENDPOINT_CHOICES: tuple[str, ...] = tuple(
    key for key, service in CATALOG.items() if service.type is EndpointType.INTERFACE
)


@dataclass(frozen=True)
class ExistingNetwork:
    """A VPC made elsewhere (a landing zone, another stack): the stack adds endpoints, not a network."""

    vpc_id: str
    subnet_ids: tuple[str, ...]
    route_table_ids: tuple[str, ...]


@dataclass(frozen=True)
class StackConfig:
    region: str
    partition: str
    launch_type: LaunchType
    vpc_cidr: IPv4Network
    az_count: int
    private_ecr_images: bool
    secrets_manager: bool
    awslogs: bool
    service_connect: bool
    extra_endpoints: tuple[str, ...]
    restrict_to_account: bool
    workload_config: WorkloadConfig | None = None  # None: a network-only stack
    existing_network: ExistingNetwork | None = None  # None: the stack makes its own VPC
    hardening: Hardening = DEFAULT_HARDENING

    @property
    def workload(self) -> Workload:
        """What the endpoint planner plans for: the workload's real inputs, else the feature flags."""
        if self.workload_config is not None:
            return self.workload_config.uses(self.launch_type)
        # internet_path stays False: this VPC never has an internet gateway or NAT.
        return Workload(
            launch_type=self.launch_type,
            private_ecr_images=self.private_ecr_images,
            secrets_manager=self.secrets_manager,
            awslogs=self.awslogs,
            service_connect=self.service_connect,
        )

    @property
    def ssm_managed_instances(self) -> bool:
        """Systems Manager manages the stack's container instances (an EC2 workload makes them)."""
        return (
            self.hardening.ssm_managed_instances
            and self.workload_config is not None
            and self.launch_type is LaunchType.EC2
        )


def _string_list(key: str, value: object, example: str = '["ssm", "kms"]') -> list[str]:
    items: object = value
    if isinstance(value, str):
        try:
            items = json.loads(value)
        except json.JSONDecodeError:
            raise invalid(key, value, f"expected a JSON list of strings such as {example}") from None
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise invalid(key, value, f"expected a list of strings such as {example}")
    return list(items)


def parse_region(region: str | None) -> tuple[str, str]:
    if not region:
        raise ConfigError("aws:region is not set: run `pulumi config set aws:region <region>`.")
    try:
        return region, partition_of(region)
    except UnknownRegionError as error:
        raise ConfigError(f"Invalid aws:region: {error}.") from None


def parse_launch_type(value: object) -> LaunchType:
    allowed = ", ".join(launch_type.value for launch_type in LaunchType)
    if isinstance(value, str) and value.upper() in LaunchType.__members__:
        return LaunchType[value.upper()]
    raise invalid("launchType", value, f"allowed values are {allowed}")


def _vpc_cidr(value: object) -> IPv4Network:
    try:
        network = IPv4Network(str(value), strict=True)
    except ValueError:
        raise invalid(
            "vpcCidr", value, "expected an IPv4 CIDR with no host bits set, such as 10.0.0.0/16"
        ) from None
    if not any(network.subnet_of(private) for private in PRIVATE_RANGES):
        ranges = ", ".join(str(private) for private in PRIVATE_RANGES)
        raise invalid("vpcCidr", value, f"the VPC must use a private (RFC 1918) range inside {ranges}")
    if network.prefixlen < LARGEST_VPC_PREFIX:
        raise invalid("vpcCidr", value, f"AWS allows VPC CIDRs from /{LARGEST_VPC_PREFIX} down")
    if network.prefixlen > SMALLEST_VPC_PREFIX:
        raise invalid(
            "vpcCidr",
            value,
            f"too small for eight /{SMALLEST_SUBNET_PREFIX} subnet slots (one per AZ); "
            f"use a prefix from /{LARGEST_VPC_PREFIX} to /{SMALLEST_VPC_PREFIX}",
        )
    return network


def _az_count(value: object) -> int:
    count = whole_number("azCount", value)
    if not 1 <= count <= MAX_AZ_COUNT:
        raise invalid("azCount", value, f"allowed values are 1 to {MAX_AZ_COUNT}")
    return count


def _extra_endpoints(value: object, region: str) -> tuple[str, ...]:
    keys = _string_list("extraEndpoints", value)
    allowed = "allowed interface services are " + ", ".join(EXTRA_ENDPOINT_CHOICES)
    for key in keys:
        service = CATALOG.get(key)
        if service is None:
            raise invalid("extraEndpoints", key, f"unknown endpoint service; {allowed}")
        if service.type is not EndpointType.INTERFACE:
            raise invalid(
                "extraEndpoints",
                key,
                f"{key} is a gateway endpoint, created with privateEcrImages; {allowed}",
            )
        if key == "ec2messages" and launched_2024_or_later(region):
            raise invalid(
                "extraEndpoints",
                key,
                f"{region} opened in 2024 or later and has no ec2messages endpoint; use ssmmessages",
            )
    return tuple(dict.fromkeys(keys))  # the same service twice would be refused by AWS (C15)


def _resource_id(key: str, value: object, prefix: str) -> str:
    if isinstance(value, str) and re.fullmatch(prefix + _RESOURCE_ID, value):
        return value
    raise invalid(key, value, f"expected an id such as {prefix}-0123456789abcdef0")


def _resource_ids(key: str, value: object, prefix: str) -> tuple[str, ...]:
    example = f'["{prefix}-0123456789abcdef0"]'
    ids = [_resource_id(key, item, prefix) for item in _string_list(key, value, example)]
    if not ids:
        raise invalid(key, value, f"expected at least one id, such as {example}")
    return tuple(dict.fromkeys(ids))


def _existing_network(values: Mapping[str, object]) -> ExistingNetwork | None:
    """All three existing-network keys, or none of them (then the stack makes its own VPC).

    Empty means unset: the CLI passes the schema's defaults ("" and []) like any value.
    """
    given = [key for key in EXISTING_NETWORK_KEYS if values[key] not in ("", [], (), "[]")]
    if not given:
        return None
    missing = [key for key in EXISTING_NETWORK_KEYS if key not in given]
    if missing:
        keys = ", ".join(f"{NAMESPACE}:{key}" for key in EXISTING_NETWORK_KEYS)
        raise ConfigError(
            f"{NAMESPACE}:{given[0]} is set but {NAMESPACE}:{missing[0]} is not: an existing network "
            f"needs all of {keys} (or none, for a VPC of the stack's own)."
        )
    return ExistingNetwork(
        vpc_id=_resource_id("existingVpcId", values["existingVpcId"], "vpc"),
        subnet_ids=_resource_ids("existingSubnetIds", values["existingSubnetIds"], "subnet"),
        route_table_ids=_resource_ids("existingRouteTableIds", values["existingRouteTableIds"], "rtb"),
    )


def parse_config(region: str | None, raw: Mapping[str, object]) -> StackConfig:
    """Validate raw values (CLI strings or native YAML values) keyed by short name."""
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        known = ", ".join(f"{NAMESPACE}:{key}" for key in DEFAULTS)
        raise ConfigError(f"Unknown config key {NAMESPACE}:{cut(unknown[0])}; known keys are {known}.")
    values = {**DEFAULTS, **raw}
    region, partition = parse_region(region)
    launch_type = parse_launch_type(values["launchType"])
    service_connect = boolean("serviceConnect", values["serviceConnect"])
    workload_config = (
        parse_workload_config(values, region, partition, launch_type, service_connect)
        if boolean("workload", values["workload"])
        else None
    )
    return StackConfig(
        region=region,
        partition=partition,
        launch_type=launch_type,
        vpc_cidr=_vpc_cidr(values["vpcCidr"]),
        az_count=_az_count(values["azCount"]),
        private_ecr_images=boolean("privateEcrImages", values["privateEcrImages"]),
        secrets_manager=boolean("secretsManager", values["secretsManager"]),
        awslogs=boolean("awslogs", values["awslogs"]),
        service_connect=service_connect,
        extra_endpoints=_extra_endpoints(values["extraEndpoints"], region),
        restrict_to_account=boolean("restrictToAccount", values["restrictToAccount"]),
        workload_config=workload_config,
        existing_network=_existing_network(values),
        hardening=parse_hardening(values, region, partition),
    )


def ignored_flags(config: StackConfig) -> list[str]:
    """Feature flags whose value the workload overrides (the plan follows the workload), for a warning."""
    if config.workload_config is None:
        return []
    derived = config.workload
    flags = (
        ("privateEcrImages", config.private_ecr_images, derived.private_ecr_images),
        ("secretsManager", config.secrets_manager, derived.secrets_manager),
        ("awslogs", config.awslogs, derived.awslogs),
    )
    return [f"{NAMESPACE}:{key}" for key, flag, used in flags if flag != used]


def check_aws_keys(names: Sequence[str]) -> None:
    """Refuse an ``aws:`` key the provider does not read (a typo would silently change nothing)."""
    for name in sorted(names):
        key = name.removeprefix("aws:")
        if key not in AWS_CONFIG_KEYS:
            close = difflib.get_close_matches(key, AWS_CONFIG_KEYS, n=1)
            hint = f"did you mean aws:{close[0]}? " if close else ""
            raise ConfigError(
                f"Unknown config key aws:{cut(key)}: the AWS provider does not read it; {hint}"
                "see the provider's configuration reference for its keys."
            )


def _given(raw: Mapping[str, object], key: str) -> bool:
    """Whether the stack sets ``key`` to other than its default (the CLI passes defaults like values)."""
    if key not in raw:
        return False
    value, default = raw[key], DEFAULTS[key]
    as_text = [item if isinstance(item, str) else json.dumps(item) for item in (value, default)]
    return as_text[0] != as_text[1] and value not in ("", [], {}, "[]", "{}")


def config_warnings(raw: Mapping[str, object], config: StackConfig) -> list[str]:
    """One line per key set in the stack that has no effect in this configuration."""
    warnings: list[str] = []

    def no_effect(key: str, because: str) -> None:
        warnings.append(f"{NAMESPACE}:{key} has no effect: {because}; remove it from the stack.")

    workload = config.workload_config
    if workload is None:
        for key in WORKLOAD_ONLY_KEYS:
            if _given(raw, key):
                no_effect(key, f"{NAMESPACE}:workload is false")
    else:
        if config.launch_type is not LaunchType.EC2:
            for key in EC2_ONLY_KEYS:
                if _given(raw, key):
                    no_effect(key, f"it applies to launchType EC2, not {config.launch_type.value}")
        if not workload.secrets and _given(raw, "secretsKmsKeyArn"):
            no_effect("secretsKmsKeyArn", f"{NAMESPACE}:secrets is empty")
        if not workload.image.in_stack_repository and _given(raw, "imageTag"):
            no_effect("imageTag", f"{NAMESPACE}:image is set and names its own tag or digest")
        elif workload.image.in_stack_repository and fractional_number_text(raw.get("imageTag")):
            tag = raw["imageTag"]
            warnings.append(
                f"{NAMESPACE}:imageTag {shown(tag)} looks like a number: YAML reads an unquoted 1.10 as "
                f"the number 1.1; quote the tag in the stack file if {shown(tag)} is not the tag you meant."
            )
        if not config.service_connect and _given(raw, "serviceConnectNamespace"):
            no_effect("serviceConnectNamespace", f"{NAMESPACE}:serviceConnect is false")
    if config.existing_network is not None:
        for key in ("vpcCidr", "azCount"):
            if _given(raw, key):
                no_effect(key, f"{NAMESPACE}:existingVpcId is set, so the stack makes no VPC")
    return warnings


def choose_availability_zones(config: StackConfig, zone_names: Sequence[str]) -> tuple[str, ...]:
    """The first azCount of the Region's AZs; refuses an azCount the Region cannot meet."""
    if config.az_count > len(zone_names):
        raise invalid(
            "azCount",
            config.az_count,
            f"{config.region} offers {len(zone_names)} Availability Zones ({', '.join(zone_names)}); "
            f"allowed values are 1 to {len(zone_names)}",
        )
    return tuple(zone_names[: config.az_count])


def read_raw_config() -> dict[str, str]:
    """The stack's project keys (short names) as the Pulumi engine passed them; refuses unknown aws: keys."""
    prefix = f"{NAMESPACE}:"
    # All keys set for the project (not only the known ones), so a misspelt key is refused, not ignored.
    names = {*pulumi.runtime.config.CONFIG.get(), *pulumi.runtime.config.get_config_env()}
    check_aws_keys([name for name in names if name.startswith("aws:")])
    return {
        name.removeprefix(prefix): value
        for name in names
        if name.startswith(prefix) and (value := pulumi.runtime.config.get_config(name)) is not None
    }


def read_stack_config() -> StackConfig:
    """The stack's config as the Pulumi engine passed it to this program."""
    # The AWS provider falls back to AWS_REGION / AWS_DEFAULT_REGION; so does its config reader.
    return parse_config(pulumi_aws.config.region, read_raw_config())
