"""The handlers' shared parts: what a handler gets, the registry, and helpers for inputs."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...engine.program import RecordedResource
from ..clients import AwsClients

Outputs = dict[str, Any]


@dataclass
class MotoContext:
    """What a handler may use: clients per Region, and the Region of each explicit provider."""

    clients: AwsClients
    provider_regions: dict[str, str] = field(default_factory=dict)  # provider URN -> Region

    def ec2(self, region: str) -> Any:
        return self.clients("ec2", region)


Handler = Callable[[MotoContext, RecordedResource, str], tuple[str, Outputs]]
HANDLERS: dict[str, Handler] = {}


def handles(*types: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for type_ in types:
            HANDLERS[type_] = handler
        return handler

    return register


_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # pulumi's secret marker on the wire
_SIG_KEY = "4dabf18193072939515e22adb298388d"


def reveal(value: Any) -> Any:
    """Inputs with secrets unwrapped: AWS gets the plain value (e.g. a SecretVersion's secretString)."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return reveal(value.get("value"))
        return {key: reveal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [reveal(item) for item in value]
    return value


def physical_name(resource: RecordedResource, key: str = "name") -> str:
    """The name the provider would give: the explicit one, or the logical name plus a suffix."""
    explicit = resource.inputs.get(key)
    if isinstance(explicit, str) and explicit:
        return explicit
    prefix = resource.inputs.get(f"{key}Prefix")
    base = prefix if isinstance(prefix, str) and prefix else f"{resource.name}-"
    return base + hashlib.sha256(resource.urn.encode()).hexdigest()[:7]


def tag_spec(resource: RecordedResource, kind: str) -> list[dict[str, Any]]:
    tags = resource.inputs.get("tags") or {}
    if not tags:
        return []
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": str(v)} for k, v in tags.items()]}]


def as_int(value: Any) -> int:
    return int(value)  # numbers arrive as floats over the wire


def aws_arn(region: str, service: str, resource: str, account: str = "123456789012") -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


@handles("pulumi:providers:aws")
def _provider(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    ctx.provider_regions[resource.urn] = resource.inputs.get("region") or ctx.clients.region
    return hashlib.sha256(resource.urn.encode()).hexdigest()[:32], {}
