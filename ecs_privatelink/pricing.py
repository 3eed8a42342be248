"""Prices the cost estimates use, each with its source and the date it was recorded.

Interface endpoints are billed per endpoint per AZ-hour plus per GB processed; the S3 gateway
endpoint is free. A Region missing from a table has no estimate rather than a guess.

Where the figures come from: AWS's pricing pages (https://aws.amazon.com/privatelink/pricing/,
https://aws.amazon.com/vpc/pricing/; the us-east-1 figures) and third-party quotes of AWS's price list
(the others). None was re-read
from AWS first-hand here (no internet on these machines), so every entry says ``verified=False``.
"""

from dataclasses import dataclass

HOURS_PER_MONTH = 730  # AWS's own convention in its pricing examples


@dataclass(frozen=True)
class Price:
    usd: float  # per ``unit``
    unit: str  # "hour" (per endpoint per AZ, or per NAT gateway) or "GB"
    source: str
    recorded: str  # ISO date the figure was written down here
    verified: bool  # True only once confirmed first-hand against AWS's price list


_RECORDED = "2026-11-28"
_PRIVATELINK = "AWS PrivateLink pricing page (https://aws.amazon.com/privatelink/pricing/)"
_VPC = "Amazon VPC pricing page, NAT gateway (https://aws.amazon.com/vpc/pricing/)"
_THIRD_PARTY = "third-party quotes of AWS's price list"

INTERFACE_ENDPOINT_HOURLY: dict[str, Price] = {
    "us-east-1": Price(0.01, "hour", _PRIVATELINK, _RECORDED, verified=False),
    "eu-central-1": Price(0.012, "hour", _THIRD_PARTY, _RECORDED, verified=False),
    "ap-northeast-1": Price(0.014, "hour", _THIRD_PARTY, _RECORDED, verified=False),
}
# Data processing, first PB per month tier.
INTERFACE_ENDPOINT_PER_GB: dict[str, Price] = {
    "us-east-1": Price(0.01, "GB", _PRIVATELINK, _RECORDED, verified=False),
}
NAT_GATEWAY_HOURLY: dict[str, Price] = {
    "us-east-1": Price(0.045, "hour", _VPC, _RECORDED, verified=False),
}
NAT_GATEWAY_PER_GB: dict[str, Price] = {
    "us-east-1": Price(0.045, "GB", _VPC, _RECORDED, verified=False),
}


def estimate_monthly_cost(region: str, interface_endpoint_count: int, az_count: int) -> float | None:
    """USD per month for the interface endpoints' hours; None when the Region has no known rate."""
    rate = INTERFACE_ENDPOINT_HOURLY.get(region)
    if rate is None:
        return None
    return round(interface_endpoint_count * az_count * HOURS_PER_MONTH * rate.usd, 2)
