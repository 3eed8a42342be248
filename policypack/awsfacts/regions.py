"""Regions and partitions.

``REGION_PARTITION`` mirrors botocore's ``partitions.json`` (tests/test_awsfacts.py fails when the
pinned botocore disagrees), so the pack needs no botocore at run time.
"""

# What a Region name looks like (us-east-1, us-gov-west-1, eusc-de-east-1): RE2- and ECMA-compatible, so
# it also serves as a JSON Schema pattern the Pulumi CLI can check.
REGION_SHAPE = r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]+"

PARTITION_DNS_SUFFIX: dict[str, str] = {
    "aws": "amazonaws.com",
    "aws-cn": "amazonaws.com.cn",
    "aws-us-gov": "amazonaws.com",
    "aws-eusc": "amazonaws.eu",
    "aws-iso": "c2s.ic.gov",
    "aws-iso-b": "sc2s.sgov.gov",
    "aws-iso-e": "cloud.adc-e.uk",
    "aws-iso-f": "csp.hci.ic.gov",
}

_PARTITION_REGIONS: dict[str, tuple[str, ...]] = {
    "aws": (
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
        "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
        "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
        "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
        "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "me-west-1", "mx-central-1",
        "sa-east-1", "sa-west-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    ),
    "aws-cn": ("cn-north-1", "cn-northwest-1"),
    "aws-us-gov": ("us-gov-east-1", "us-gov-west-1"),
    "aws-eusc": ("eusc-de-east-1",),
    "aws-iso": ("us-iso-east-1", "us-iso-west-1"),
    "aws-iso-b": ("us-isob-east-1", "us-isob-west-1"),
    "aws-iso-e": ("eu-isoe-west-1",),
    "aws-iso-f": ("us-isof-east-1", "us-isof-south-1"),
}  # fmt: skip

REGION_PARTITION: dict[str, str] = {
    region: partition for partition, regions in _PARTITION_REGIONS.items() for region in regions
}

# Regions live before 2023-12-23. Every other known Region is treated as on/after the line (C2):
# AWS's own page uses ca-west-1 (launched 2023-12-20) as its example, and a Region newer than this
# list is, by construction, after the line. Treating an unknown one as new is the safe side: it
# only ever asks for the full ECS trio.
REGIONS_BEFORE_LINE: frozenset[str] = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ap-southeast-4", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ca-central-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2",
        "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1",
        "me-south-1", "me-central-1", "sa-east-1", "cn-north-1", "cn-northwest-1",
        "us-gov-east-1", "us-gov-west-1", "us-iso-east-1", "us-iso-west-1",
        "us-isob-east-1",
    }
)  # fmt: skip

# Regions that opened in 2024 or later have no ec2messages endpoint (only ssmmessages).
_REGIONS_BEFORE_2024: frozenset[str] = REGIONS_BEFORE_LINE | {"ca-west-1"}


class UnknownRegionError(ValueError):
    """A Region name that botocore's partition data does not list."""


def partition_of(region: str) -> str:
    """The partition id of a known Region; raises UnknownRegionError otherwise."""
    try:
        return REGION_PARTITION[region]
    except KeyError:
        raise UnknownRegionError(
            f"'{region}' is not an AWS Region botocore knows; known Regions: "
            + ", ".join(sorted(REGION_PARTITION))
        ) from None


def is_post_line_region(region: str) -> bool:
    """True for Regions introduced on or after 2023-12-23, where the ECS trio is all-or-nothing."""
    return region not in REGIONS_BEFORE_LINE


def launched_2024_or_later(region: str) -> bool:
    return region not in _REGIONS_BEFORE_2024
