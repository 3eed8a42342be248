"""Private ECR images: which registry an image reference names, and the IAM actions of a pull (C6, C13).

A private registry is ``<account>.dkr.ecr.<region>.<dns suffix>``, or ``dkr.ecr-fips`` for its FIPS
endpoint. Pull-through cache repositories live in the same registry (``<prefix>/<upstream path>``),
so they are private repositories like any other.
"""

import re
from dataclasses import dataclass

from .regions import PARTITION_DNS_SUFFIX, partition_of

# Registries of the aws and aws-us-gov (amazonaws.com) and aws-cn (amazonaws.com.cn) partitions.
_ECR_DNS_SUFFIXES = (PARTITION_DNS_SUFFIX["aws"], PARTITION_DNS_SUFFIX["aws-cn"])

_REGISTRY = (
    r"(?P<account>\d{12})\.dkr\.(?P<service>ecr|ecr-fips)\.(?P<region>[a-z0-9-]+)\."
    rf"(?P<suffix>{'|'.join(re.escape(suffix) for suffix in _ECR_DNS_SUFFIXES)})"
)
_PRIVATE_ECR_REGISTRY = re.compile(rf"^{_REGISTRY}/", re.ASCII)
_TAG = r"\w[\w.-]{0,127}"  # Docker's tag grammar
_DOCKER_TAG = re.compile(_TAG, re.ASCII)
# Repository names as ECR's CreateRepository allows them; ECR digests are sha256.
_PRIVATE_ECR_IMAGE = re.compile(
    rf"{_REGISTRY}/(?P<repository>(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>sha256:[0-9a-f]{{64}}))?",
    re.ASCII,
)
_REPOSITORY_LENGTH = range(2, 256 + 1)

# The pull actions C13 conditions on the VPC's endpoints, and the token action it must leave alone.
ECR_LAYER_PULL_ACTIONS: tuple[str, ...] = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
ECR_TOKEN_ACTION = "ecr:GetAuthorizationToken"


@dataclass(frozen=True)
class PrivateEcrImage:
    account: str
    region: str
    dns_suffix: str  # "amazonaws.com" or "amazonaws.com.cn"
    fips: bool  # pulled from the registry's FIPS endpoint, dkr.ecr-fips.<region>
    repository: str  # "team/api"
    tag: str | None  # None: no tag given
    digest: str | None  # "sha256:<64 hex digits>"; None: no digest given

    @property
    def repository_arn(self) -> str:
        """The repository's ARN; raises UnknownRegionError for a Region botocore does not list."""
        return (
            f"arn:{partition_of(self.region)}:ecr:{self.region}:{self.account}:repository/{self.repository}"
        )


def parse_private_ecr_image(image: str) -> PrivateEcrImage | None:
    """The parts of a private ECR image reference; None for anything else (public or malformed)."""
    match = _PRIVATE_ECR_IMAGE.fullmatch(image)
    if match is None or len(match["repository"]) not in _REPOSITORY_LENGTH:
        return None
    return PrivateEcrImage(
        account=match["account"],
        region=match["region"],
        dns_suffix=match["suffix"],
        fips=match["service"] == "ecr-fips",
        repository=match["repository"],
        tag=match["tag"],
        digest=match["digest"],
    )


def is_private_ecr_image(image: str) -> bool:
    """Whether the image is pulled from a private ECR registry (the registry is all that decides)."""
    return _PRIVATE_ECR_REGISTRY.match(image) is not None


def is_docker_tag(text: str) -> bool:
    """Whether ``text`` is an image tag: letters, digits, '_', '.', '-', at most 128, led by no '.' or '-'."""
    return _DOCKER_TAG.fullmatch(text) is not None


def private_ecr_registry(account_id: str, region: str) -> str:
    """An account's private registry host in a Region, for its partition (not the FIPS endpoint)."""
    return f"{account_id}.dkr.ecr.{region}.{PARTITION_DNS_SUFFIX[partition_of(region)]}"
