"""Auto-names as the bridged pulumi-aws provider's Check fills them in, so they are known at preview.

The bridge (pulumi-terraform-bridge ``info/autonaming.go``: ``AutoName``, ``ComputeAutoNameDefault``)
takes the logical name, applies the resource's transform (lower-casing for S3 buckets), appends "-" and
7 random characters from ``0123456789abcdef`` (pulumi ``resource.NewUniqueName``), and fails Check when
that would exceed the maximum length: it never cuts the logical name. pulumi-aws auto-names every
resource with an input ``name`` at 255 characters (``provider/autonaming.go``) unless
``provider/resources.go`` overrides it; the table below lists the resources the sandbox emulates.

When the program sets the conflicting prefix property (``namePrefix``, ``bucketPrefix``) the bridge
applies no default (``buildConflictsWith`` in ``schema.go``): the provider then computes the name at
create time, so it stays unknown at preview, as here.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

RANDOM_LENGTH = 7  # tfbridge.AutoName: Randlen 7
SEPARATOR = "-"
DEFAULT_SEED = 0


@dataclass(frozen=True)
class AutoNamed:
    """How the provider names one resource type when the program gives no name."""

    property: str  # the Pulumi input property the provider fills
    max_length: int
    lower_case: bool = False  # AutoNameTransform with strings.ToLower
    prefix_property: str | None = "namePrefix"  # conflicts with the name: no default when it is set
    fifo_flag: str | None = None  # PostTransform: ".fifo" appended when this input is true


_DEFAULT = AutoNamed("name", 255)  # provider/autonaming.go: setAutonaming(255, "-")
_NO_PREFIX = AutoNamed("name", 255, prefix_property=None)

AUTO_NAMED: dict[str, AutoNamed] = {
    "aws:cloudwatch/logGroup:LogGroup": _DEFAULT,
    "aws:cloudwatch/eventRule:EventRule": AutoNamed("name", 64),
    "aws:ecs/cluster:Cluster": _NO_PREFIX,
    "aws:ecs/service:Service": _NO_PREFIX,
    "aws:ecs/capacityProvider:CapacityProvider": _NO_PREFIX,
    # No transform in resources.go: a mixed-case logical name stays mixed-case (and ECR rejects it).
    "aws:ecr/repository:Repository": _NO_PREFIX,
    "aws:iam/role:Role": AutoNamed("name", 64),
    "aws:iam/policy:Policy": _DEFAULT,
    "aws:iam/instanceProfile:InstanceProfile": _DEFAULT,
    "aws:ec2/securityGroup:SecurityGroup": _DEFAULT,
    "aws:ec2/launchTemplate:LaunchTemplate": _DEFAULT,
    "aws:autoscaling/group:Group": _DEFAULT,
    "aws:lb/targetGroup:TargetGroup": AutoNamed("name", 32),
    "aws:secretsmanager/secret:Secret": _DEFAULT,
    "aws:sqs/queue:Queue": AutoNamed("name", 80, fifo_flag="fifoQueue"),
    "aws:s3/bucket:Bucket": AutoNamed("bucket", 63, lower_case=True, prefix_property="bucketPrefix"),
    "aws:s3/bucketV2:BucketV2": AutoNamed("bucket", 63, lower_case=True, prefix_property="bucketPrefix"),
    "aws:lambda/function:Function": AutoNamed("name", 64, prefix_property=None),
}


class AutoNameTooLongError(ValueError):
    """The provider's Check fails: the logical name leaves no room for the random suffix."""


def random_suffix(urn: str, seed: int) -> str:
    """7 hex characters, fixed for one resource and one run seed (the engine seeds each resource)."""
    return hashlib.sha256(f"{seed}\x00{urn}".encode()).hexdigest()[:RANDOM_LENGTH]


def auto_name(
    type_: str, logical_name: str, urn: str, inputs: dict[str, Any], seed: int
) -> tuple[str, str] | None:
    """The (property, value) the provider's Check adds to ``inputs``, or None when it adds nothing.

    Raises AutoNameTooLongError with the bridge's message when the name cannot fit.
    """
    rule = AUTO_NAMED.get(type_)
    if rule is None or _given(inputs.get(rule.property)):
        return None
    if rule.prefix_property is not None and _given(inputs.get(rule.prefix_property)):
        return None
    base = (logical_name.lower() if rule.lower_case else logical_name) + SEPARATOR
    if len(base) + RANDOM_LENGTH > rule.max_length:
        raise AutoNameTooLongError(
            f"could not make instance of '{type_}': name '{base}' plus {RANDOM_LENGTH} random chars "
            f"is longer than maximum length {rule.max_length}"
        )
    name = base + random_suffix(urn, seed)
    if rule.fifo_flag is not None and inputs.get(rule.fifo_flag) is True:
        name += ".fifo"
    return rule.property, name


def _given(value: Any) -> bool:
    """Set by the program, known or not: an unknown value is still the program's (PropertyMap.HasValue)."""
    return value is not None
