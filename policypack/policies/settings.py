"""Policy configuration: the schema each policy publishes and the typed reading of it.

Numbers in policy config arrive as floats and anything may be mistyped, so every reader falls back
to the documented default instead of failing.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import awsfacts
from awsfacts import LaunchType

from .props import as_bool, as_str, plain

AUTO = "auto"
DEFAULT_MINIMUM_AGENT_VERSION = ".".join(str(part) for part in awsfacts.MIN_ECS_AGENT_VERSION)

REGION_SCHEMA: dict[str, dict[str, Any]] = {
    "region": {
        "type": "string",
        "pattern": f"^{awsfacts.REGION_SHAPE}$",
        "description": "Region of resources that set none and whose provider sets none; "
        "defaults to the stack's aws:region config.",
    }
}
LAUNCH_TYPE_SCHEMA: dict[str, dict[str, Any]] = {
    "launchType": {
        "type": "string",
        "enum": [AUTO, LaunchType.FARGATE.value, LaunchType.EC2.value],
        "default": AUTO,
        "description": "auto infers the launch type from the stack's ECS resources; FARGATE or EC2 "
        "states it for every VPC of the stack (network-only stacks whose workloads live elsewhere).",
    }
}
MINIMUM_AGENT_VERSION_SCHEMA: dict[str, dict[str, Any]] = {
    "minimumAgentVersion": {
        "type": "string",
        "pattern": r"^\d+\.\d+\.\d+$",
        "default": DEFAULT_MINIMUM_AGENT_VERSION,
        "description": "Lowest ECS container agent version accepted on container instances.",
    }
}


TRANSIT_EGRESS = ("unknown", "internet", "none")
TRANSIT_GATEWAY_EGRESS_SCHEMA: dict[str, dict[str, Any]] = {
    "transitGatewayEgress": {
        "type": "string",
        "enum": list(TRANSIT_EGRESS),
        "default": "unknown",
        "description": "Whether a default route to a transit gateway (or a VPN gateway, peering connection, "
        "Cloud WAN, firewall endpoint or private NAT gateway) reaches the internet: unknown (no mandatory "
        "verdict, one advisory note), internet (centralised egress: no endpoints needed) or none (no "
        "internet through it: the endpoints are needed, in the VPC or, per centralisedEndpoints, in a hub "
        "VPC).",
    }
}


CENTRALISED = ("unknown", "shared", "none")
CENTRALISED_ENDPOINTS_SCHEMA: dict[str, dict[str, Any]] = {
    "centralisedEndpoints": {
        "type": "string",
        "enum": list(CENTRALISED),
        "default": "unknown",
        "description": "Whether interface endpoints in another VPC (a hub reached through a transit gateway "
        "or peering, with private hosted zones associated outside this stack) serve the VPCs whose subnets "
        "route there: unknown (no mandatory verdict for a missing interface endpoint, one advisory note), "
        "shared (they do) or none (the endpoints must be in the VPC).",
    }
}
FORWARDING_DNS_SERVERS_SCHEMA: dict[str, dict[str, Any]] = {
    "forwardingDnsServers": {
        "type": "array",
        "items": {"type": "string", "maxLength": 64},
        "maxItems": 64,
        "default": [],
        "description": "DNS servers outside the VPC (on-premises or a shared-services VPC) known to forward "
        "the AWS service domains to an inbound Route 53 Resolver endpoint in the VPC that another stack "
        "creates.",
    }
}


def assume_schema(key: str, what: str) -> dict[str, dict[str, Any]]:
    return {
        key: {
            "type": "boolean",
            "default": False,
            "description": f"Treat every VPC of the stack as running tasks that {what}, even when no "
            "task definition of this stack says so (network-only stacks).",
        }
    }


@dataclass(frozen=True)
class Settings:
    region: str | None = None
    launch_type: LaunchType | None = None  # None: infer from the stack
    minimum_agent_version: tuple[int, int, int] = awsfacts.MIN_ECS_AGENT_VERSION
    assume_private_ecr_images: bool = False
    assume_secrets_manager: bool = False
    assume_awslogs: bool = False
    assume_service_connect: bool = False
    transit_gateway_egress: str = "unknown"  # one of TRANSIT_EGRESS
    forwarding_dns_servers: frozenset[str] = frozenset()
    centralised_endpoints: str = "unknown"  # one of CENTRALISED


_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)")


def parse_version(text: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(text.strip())
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def config_value(config: Mapping[str, Any], key: str) -> Any:
    return plain(config.get(key))


def _flag(config: Mapping[str, Any], key: str) -> bool:
    return as_bool(config_value(config, key)) is True


def stack_region_config() -> str | None:
    """The stack's ``aws:region``, as the CLI passes it to the pack in PULUMI_CONFIG."""
    try:
        import pulumi

        region = pulumi.Config("aws").get("region")
    except Exception:  # no Pulumi runtime configured: the config simply is not there
        return None
    return region if isinstance(region, str) and region else None


def read_settings(config: Mapping[str, Any] | None) -> Settings:
    config = config if isinstance(config, Mapping) else {}
    region = as_str(config_value(config, "region"))
    launch_type_text = as_str(config_value(config, "launchType"))
    launch_type = None
    if isinstance(launch_type_text, str) and launch_type_text.upper() in LaunchType.__members__:
        launch_type = LaunchType(launch_type_text.upper())
    version_text = as_str(config_value(config, "minimumAgentVersion"))
    version = parse_version(version_text) if isinstance(version_text, str) else None
    return Settings(
        region=region if isinstance(region, str) else stack_region_config(),
        launch_type=launch_type,
        minimum_agent_version=version or awsfacts.MIN_ECS_AGENT_VERSION,
        assume_private_ecr_images=_flag(config, "assumePrivateEcrImages"),
        assume_secrets_manager=_flag(config, "assumeSecretsManagerSecrets"),
        assume_awslogs=_flag(config, "assumeAwslogs"),
        assume_service_connect=_flag(config, "assumeServiceConnect"),
        transit_gateway_egress=_choice(config, "transitGatewayEgress", TRANSIT_EGRESS),
        forwarding_dns_servers=_strings(config, "forwardingDnsServers"),
        centralised_endpoints=_choice(config, "centralisedEndpoints", CENTRALISED),
    )


def _strings(config: Mapping[str, Any], key: str) -> frozenset[str]:
    value = config_value(config, key)
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item.strip() for item in value if isinstance(item, str))


def _choice(config: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = as_str(config_value(config, key))
    return value.lower() if isinstance(value, str) and value.lower() in allowed else allowed[0]
