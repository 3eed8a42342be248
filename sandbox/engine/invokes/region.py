"""The provider's top-level invokes: the Region, its Availability Zones, partition and caller."""

from typing import Any

from . import Request
from .account import availability_zones, zone_ids


def get_availability_zones(request: Request) -> dict[str, Any]:
    names = availability_zones(request.region)
    return {
        "id": request.region,
        "names": names,
        "zoneIds": zone_ids(request.region),
        "groupNames": [request.region] * len(names),
        "state": request.args.get("state"),
        "region": request.region,
    }


def get_region(request: Request) -> dict[str, Any]:
    region = request.region
    return {
        "id": region,
        "name": region,
        "region": region,
        "endpoint": f"ec2.{region}.{request.dns_suffix}",
        "description": region,
    }


def get_caller_identity(request: Request) -> dict[str, Any]:
    return {
        "id": request.account_id,
        "accountId": request.account_id,
        "arn": f"arn:{request.partition}:iam::{request.account_id}:user/sandbox",
        "userId": "AIDASANDBOX",
    }


def get_partition(request: Request) -> dict[str, Any]:
    return {
        "id": request.partition,
        "partition": request.partition,
        "dnsSuffix": request.dns_suffix,
        "reverseDnsPrefix": "com.amazonaws",
    }
