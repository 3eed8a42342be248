"""Amazon's public machine images and the public SSM parameters that name them.

getAmi and ssm getParameter read the same sample releases, so a program that finds its ECS-optimized
AMI either way gets the same id. Release names follow AWS's naming; versions, dates and agent
versions are a plausible sample, and ids are derived from the Region and the image name.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from . import InvokeError, Request
from .filters import as_filter_value, matches

AMAZON_OWNER_ID = "137112412989"  # Amazon Linux images
ECS_OWNER_ID = "591542846629"  # ECS-optimized images; both have the owner alias "amazon"


@dataclass(frozen=True)
class Image:
    name: str
    owner_id: str
    architecture: str  # x86_64 or arm64
    created: str
    description: str
    boot_mode: str
    ecs_agent_version: str = ""  # ECS-optimized images only
    docker_version: str = ""

    def image_id(self, region: str) -> str:
        return "ami-" + hashlib.sha256(f"{region}/{self.name}".encode()).hexdigest()[:17]

    def snapshot_id(self, region: str) -> str:
        return "snap-" + hashlib.sha256(f"{region}/{self.name}/root".encode()).hexdigest()[:17]


def _ecs_al2023(version: str, arch: str, created: str, agent: str) -> Image:
    return Image(
        f"al2023-ami-ecs-hvm-2023.0.{version}-kernel-6.1-{arch}",
        ECS_OWNER_ID,
        arch,
        created,
        f"Amazon Linux AMI 2023.0.{version} {arch} ECS HVM EBS",
        "uefi-preferred",
        agent,
        "Docker version 25.0.13",
    )


def _al2023(version: str, arch: str, created: str) -> Image:
    return Image(
        f"al2023-ami-2023.9.{version}-kernel-6.1-{arch}",
        AMAZON_OWNER_ID,
        arch,
        created,
        f"Amazon Linux 2023 AMI 2023.9.{version} {arch} HVM kernel-6.1",
        "uefi-preferred",
    )


ECS_AL2023_X86 = _ecs_al2023("20251110", "x86_64", "2025-11-12T19:07:41.000Z", "1.100.0")
ECS_AL2023_ARM = _ecs_al2023("20251110", "arm64", "2025-11-12T19:10:03.000Z", "1.100.0")
ECS_AL2 = Image(
    "amzn2-ami-ecs-hvm-2.0.20251110-x86_64-ebs",
    ECS_OWNER_ID,
    "x86_64",
    "2025-11-12T18:55:20.000Z",
    "Amazon Linux AMI 2.0.20251110 x86_64 ECS HVM GP2",
    "legacy-bios",
    "1.100.0",
    "Docker version 25.0.13",
)
AL2023_X86 = _al2023("20251110.1", "x86_64", "2025-11-10T21:31:18.000Z")
AL2023_ARM = _al2023("20251110.1", "arm64", "2025-11-10T21:33:40.000Z")
AL2_X86 = Image(
    "amzn2-ami-kernel-5.10-hvm-2.0.20251110.0-x86_64-gp2",
    AMAZON_OWNER_ID,
    "x86_64",
    "2025-11-10T20:12:05.000Z",
    "Amazon Linux 2 Kernel 5.10 AMI 2.0.20251110.0 x86_64 HVM gp2",
    "legacy-bios",
)
IMAGES: tuple[Image, ...] = (
    _ecs_al2023("20251020", "x86_64", "2025-10-22T18:40:12.000Z", "1.99.0"),  # an older release
    ECS_AL2023_X86,
    ECS_AL2023_ARM,
    ECS_AL2,
    AL2023_X86,
    AL2023_ARM,
    AL2_X86,
)

_IMAGE_FILTERS = {
    "architecture",
    "block-device-mapping.volume-type",
    "description",
    "ena-support",
    "hypervisor",
    "image-id",
    "image-type",
    "is-public",
    "name",
    "owner-alias",
    "owner-id",
    "platform-details",
    "root-device-name",
    "root-device-type",
    "state",
    "virtualization-type",
}


def _image_attributes(image: Image, region: str) -> dict[str, list[str]]:
    return {
        "architecture": [image.architecture],
        "block-device-mapping.volume-type": ["gp3" if image.boot_mode == "uefi-preferred" else "gp2"],
        "description": [image.description],
        "ena-support": ["true"],
        "hypervisor": ["xen"],
        "image-id": [image.image_id(region)],
        "image-type": ["machine"],
        "is-public": ["true"],
        "name": [image.name],
        "owner-alias": ["amazon"],
        "owner-id": [image.owner_id],
        "platform-details": ["Linux/UNIX"],
        "root-device-name": ["/dev/xvda"],
        "root-device-type": ["ebs"],
        "state": ["available"],
        "virtualization-type": ["hvm"],
    }


def _owned_by(image: Image, owners: list[str]) -> bool:
    return not owners or any(owner in ("amazon", image.owner_id) for owner in owners)


def get_ami(request: Request) -> dict[str, Any]:
    args, region = request.args, request.region
    owners = [str(owner) for owner in args.get("owners") or ()]
    filters = list(args.get("filters") or ())
    name_regex = args.get("nameRegex")
    try:
        found = [
            image
            for image in IMAGES
            if _owned_by(image, owners) and matches(_image_attributes(image, region), filters, _IMAGE_FILTERS)
        ]
    except ValueError as error:
        raise InvokeError(f"{request.function} ({request.token}): {error}") from None
    if name_regex:
        found = [image for image in found if re.search(str(name_regex), image.name)]
    # The provider's own words (data source aws_ami).
    if not found:
        raise request.not_found(
            "Your query returned no results. Please change your search criteria and try again"
            " (the offline engine knows Amazon's ECS-optimized and Amazon Linux images only)"
        )
    if len(found) > 1 and not args.get("mostRecent"):
        raise request.not_found(
            "Your query returned more than one result. Please try a more specific search criteria,"
            " or set `most_recent` attribute to true."
        )
    image = max(found, key=lambda candidate: candidate.created)
    return _ami_result(image, request)


def _ami_result(image: Image, request: Request) -> dict[str, Any]:
    args, region = request.args, request.region
    image_id = image.image_id(region)
    volume_type = _image_attributes(image, region)["block-device-mapping.volume-type"][0]
    uefi = image.boot_mode == "uefi-preferred"
    return {
        "allowUnsafeFilter": args.get("allowUnsafeFilter"),
        "architecture": image.architecture,
        "arn": f"arn:{request.partition}:ec2:{region}::image/{image_id}",
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "ebs": {
                    "delete_on_termination": "true",
                    "encrypted": "false",
                    "iops": "3000" if uefi else "0",
                    "snapshot_id": image.snapshot_id(region),
                    "throughput": "125" if uefi else "0",
                    "volume_size": "30" if image.ecs_agent_version else "8",
                    "volume_type": volume_type,
                },
                "noDevice": "",
                "virtualName": "",
            }
        ],
        "bootMode": image.boot_mode,
        "creationDate": image.created,
        "deprecationTime": "",
        "description": image.description,
        "enaSupport": True,
        "executableUsers": args.get("executableUsers"),
        "filters": args.get("filters"),
        "hypervisor": "xen",
        "id": image_id,
        "imageId": image_id,
        "imageLocation": f"amazon/{image.name}",
        "imageOwnerAlias": "amazon",
        "imageType": "machine",
        "imdsSupport": "v2.0" if uefi else "",
        "includeDeprecated": args.get("includeDeprecated"),
        "kernelId": "",
        "lastLaunchedTime": "",
        "mostRecent": args.get("mostRecent"),
        "name": image.name,
        "nameRegex": args.get("nameRegex"),
        "ownerId": image.owner_id,
        "owners": args.get("owners"),
        "platform": "",
        "platformDetails": "Linux/UNIX",
        "productCodes": [],
        "public": True,
        "ramdiskId": "",
        "region": region,
        "rootDeviceName": "/dev/xvda",
        "rootDeviceType": "ebs",
        "rootSnapshotId": image.snapshot_id(region),
        "sriovNetSupport": "simple",
        "state": "available",
        "stateReason": {"code": "UNSET", "message": "UNSET"},
        "tags": {},
        "tpmSupport": "v2.0" if uefi else "",
        "uefiData": args.get("uefiData"),
        "usageOperation": "RunInstances",
        "virtualizationType": "hvm",
    }


# --- public SSM parameters ---------------------------------------------------------------------

_ECS_RECOMMENDED = {
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended": ECS_AL2023_X86,
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended": ECS_AL2023_ARM,
    "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended": ECS_AL2,
}
_LATEST_AMAZON_LINUX = {
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64": AL2023_X86,
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64": AL2023_X86,
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64": AL2023_ARM,
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64": AL2023_ARM,
    "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2": AL2_X86,
    "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2": AL2_X86,
}


def _recommended(image: Image, region: str) -> dict[str, Any]:
    """The JSON value of an ECS-optimized ``…/recommended`` parameter, in AWS's key order."""
    version = re.search(r"-hvm-(\d[\d.]*\d)", image.name)
    return {
        "ecs_agent_version": image.ecs_agent_version,
        "ecs_runtime_version": image.docker_version,
        "image_id": image.image_id(region),
        "image_name": image.name,
        "image_version": version.group(1) if version else "",
        "os": "Amazon Linux 2023" if image.name.startswith("al2023") else "Amazon Linux 2",
        "schema_version": 1,
        "source_image_name": image.name.replace("-ecs-hvm-", "-minimal-"),
    }


def public_parameter(name: str, region: str) -> str | None:
    """The value of one of AWS's public image parameters, or None when it is not one we hold."""
    for path, image in _ECS_RECOMMENDED.items():
        recommended = _recommended(image, region)
        if name == path:
            return json.dumps(recommended, separators=(",", ":"))
        field = name.removeprefix(path + "/")
        if name.startswith(path + "/") and field in recommended:
            return as_filter_value(recommended[field])
    latest = _LATEST_AMAZON_LINUX.get(name)
    return latest.image_id(region) if latest else None
