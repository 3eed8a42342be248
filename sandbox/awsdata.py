"""The sandbox's built-in AWS data: what the AWS provider's invokes would answer.

Availability Zones and endpoint-service AZs are a plausible sample, not AWS's live lists (there is
no AWS account here); the shape of every answer is the provider's. The one gap in endpoint
service AZs below is deliberate sample data so the subnet filtering path is exercised.
"""

import hashlib
from dataclasses import dataclass, field

from awsfacts import CATALOG, PARTITION_DNS_SUFFIX, parse_service_name, partition_of, service_name

ACCOUNT_ID = "123456789012"

# AZ letters per Region in the sample; Regions not listed get a, b, c.
_AZ_LETTERS: dict[str, str] = {
    "us-east-1": "abcdef",
    "us-west-1": "bc",
    "us-west-2": "abcd",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "ca-central-1": "abd",
    "cn-north-1": "ab",
    "cn-northwest-1": "abc",
}

# (Region, service key) -> AZ names the service does not support in the sample.
_UNSUPPORTED_AZS: dict[tuple[str, str], frozenset[str]] = {
    ("us-east-1", "ecs-telemetry"): frozenset({"us-east-1e"}),
}


def _zone_id_prefix(region: str) -> str:
    # us-east-1 -> use1 (sample ids; AWS's own differ for some Regions)
    area, *middle, number = region.split("-")
    return area + "".join(word[0] for word in middle) + number


def availability_zones(region: str) -> list[str]:
    partition_of(region)  # raises for an unknown Region
    return [f"{region}{letter}" for letter in _AZ_LETTERS.get(region, "abc")]


def zone_ids(region: str) -> list[str]:
    prefix = _zone_id_prefix(region)
    return [f"{prefix}-az{i + 1}" for i in range(len(availability_zones(region)))]


def service_availability_zones(region: str, key: str) -> list[str]:
    gaps = _UNSUPPORTED_AZS.get((region, key), frozenset())
    return [az for az in availability_zones(region) if az not in gaps]


@dataclass
class AwsData:
    """Answers the invokes a program makes, for the Region the stack's provider is set to."""

    default_region: str
    account_id: str = ACCOUNT_ID
    calls: list[str] = field(default_factory=list)

    def answer(self, token: str, args: dict, region: str | None = None) -> dict:
        region = region or args.get("region") or self.default_region
        self.calls.append(token)
        partition = partition_of(region)
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = availability_zones(region)
            return {
                "id": region,
                "names": names,
                "zoneIds": zone_ids(region),
                "groupNames": [region] * len(names),
                "state": args.get("state"),
                "region": region,
            }
        if token == "aws:index/getRegion:getRegion":
            dns = PARTITION_DNS_SUFFIX[partition]
            return {
                "id": region,
                "name": region,
                "region": region,
                "endpoint": f"ec2.{region}.{dns}",
                "description": region,
            }
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "id": self.account_id,
                "accountId": self.account_id,
                "arn": f"arn:{partition}:iam::{self.account_id}:user/sandbox",
                "userId": "AIDASANDBOX",
            }
        if token == "aws:index/getPartition:getPartition":
            return {
                "id": partition,
                "partition": partition,
                "dnsSuffix": PARTITION_DNS_SUFFIX[partition],
                "reverseDnsPrefix": "com.amazonaws",
            }
        if token == "aws:ec2/getVpcEndpointService:getVpcEndpointService":
            return self._endpoint_service(region, args)
        if token == "aws:ec2/getPrefixList:getPrefixList":
            return self._prefix_list(region, args)
        raise LookupError(f"the sandbox has no answer for the invoke {token}")

    def _endpoint_service(self, region: str, args: dict) -> dict:
        key = args.get("service")
        if key is None and args.get("serviceName"):
            parsed = parse_service_name(str(args["serviceName"]))
            key = parsed.key if parsed is not None and parsed.region == region else str(args["serviceName"])
        if key not in CATALOG:
            raise LookupError(f"no VPC endpoint service '{key}' in {region}")
        name = service_name(key, region)
        entry = CATALOG[key]
        return {
            "id": name,
            "service": key,
            "serviceName": name,
            "serviceType": args.get("serviceType") or entry.type.value,
            "availabilityZones": service_availability_zones(region, key),
            "acceptanceRequired": False,
            "managesVpcEndpoints": False,
            "owner": "amazon",
            "privateDnsName": f"{key}.{region}.{PARTITION_DNS_SUFFIX[partition_of(region)]}",
            "privateDnsNames": [],
            "serviceId": "vpce-svc-" + hashlib.sha256(name.encode()).hexdigest()[:17],
            "supportedIpAddressTypes": ["ipv4"],
            "vpcEndpointPolicySupported": True,
            "baseEndpointDnsNames": [f"{key}.{region}.vpce.{PARTITION_DNS_SUFFIX[partition_of(region)]}"],
            "region": region,
            "tags": {},
        }

    def _prefix_list(self, region: str, args: dict) -> dict:
        # The AWS-managed prefix list of a gateway endpoint service (S3, DynamoDB); sample id and CIDRs.
        name = args.get("name")
        gateways = {service_name(key, region) for key, entry in CATALOG.items() if entry.type == "Gateway"}
        if name not in gateways:
            raise LookupError(f"no AWS-managed prefix list '{name}' in {region}")
        prefix_list_id = "pl-" + hashlib.sha256(str(name).encode()).hexdigest()[:8]
        return {
            "id": prefix_list_id,
            "prefixListId": prefix_list_id,
            "name": name,
            "cidrBlocks": ["52.216.0.0/15", "3.5.0.0/19"],  # sample
            "filters": None,
            "region": region,
        }
