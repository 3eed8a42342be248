"""What the interface endpoints cost per month: endpoints × AZs × 730 hours × the Region's rate.

Only the hourly charge: data processed (about $0.01/GB) depends on traffic and is left out, and the
S3 gateway endpoint is free. A Region missing from the table has no estimate rather than a guess.
"""

from dataclasses import dataclass

HOURS_PER_MONTH = 730  # AWS's own convention in its pricing examples


@dataclass(frozen=True)
class HourlyRate:
    usd: float  # per interface endpoint per AZ-hour
    source: str
    checked: str  # ISO date the figure was recorded
    verified: bool  # False: third-party quote of AWS's price list, not confirmed first-hand


_PRICING_PAGE = "https://aws.amazon.com/privatelink/pricing/"
_THIRD_PARTY = "third-party quotes of the AWS price list (shared/DESIGN.md §3)"

INTERFACE_ENDPOINT_HOURLY: dict[str, HourlyRate] = {
    "us-east-1": HourlyRate(0.01, _PRICING_PAGE, "2026-11-28", verified=True),
    "eu-central-1": HourlyRate(0.012, _THIRD_PARTY, "2026-11-28", verified=False),
    "ap-northeast-1": HourlyRate(0.014, _THIRD_PARTY, "2026-11-28", verified=False),
}


def estimate_monthly_cost(region: str, interface_endpoint_count: int, az_count: int) -> float | None:
    """USD per month for the interface endpoints' hours; None when the Region has no known rate."""
    rate = INTERFACE_ENDPOINT_HOURLY.get(region)
    if rate is None:
        return None
    return round(interface_endpoint_count * az_count * HOURS_PER_MONTH * rate.usd, 2)


# Added for the cost report (sandbox/cost.py): data-processing charges and the NAT gateway alternative,
# kept beside the hourly rates so that every price has one home with its source and date.
@dataclass(frozen=True)
class UnitPrice:
    usd: float  # per ``unit``
    unit: str  # "hour" or "GB"
    source: str
    checked: str  # ISO date the figure was recorded
    verified: bool  # False: third-party quote of AWS's price list, not confirmed first-hand


_VPC_PRICING_PAGE = "https://aws.amazon.com/vpc/pricing/"

# Interface endpoint data processing, first PB per month tier.
INTERFACE_ENDPOINT_PER_GB: dict[str, UnitPrice] = {
    "us-east-1": UnitPrice(0.01, "GB", _PRICING_PAGE, "2026-11-28", verified=True),
}
NAT_GATEWAY_HOURLY: dict[str, UnitPrice] = {
    "us-east-1": UnitPrice(0.045, "hour", _VPC_PRICING_PAGE, "2026-11-28", verified=True),
}
NAT_GATEWAY_PER_GB: dict[str, UnitPrice] = {
    "us-east-1": UnitPrice(0.045, "GB", _VPC_PRICING_PAGE, "2026-11-28", verified=True),
}
