"""Pulumi ComponentResources for Amazon ECS in a private VPC over AWS PrivateLink, and the pure
endpoint planner. The AWS knowledge comes from ``awsfacts`` (policypack/awsfacts), installed with
this package."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The components, importable from the package; loaded on first use, so the pure modules (planner,
# pricing, config checks) do not pay for importing pulumi_aws.
_EXPORTS = {
    "EcsWorkload": "workload",
    "EcsWorkloadArgs": "workload",
    "EndpointArgsError": "endpoints",
    "EndpointPlacementError": "endpoints",
    "PrivateLinkEndpoints": "endpoints",
    "PrivateLinkEndpointsArgs": "endpoints",
    "PrivateNetwork": "network",
    "PrivateNetworkArgs": "network",
    "PrivateEcsVpc": "private_vpc",
    "PrivateEcsVpcArgs": "private_vpc",
}
__all__ = [
    "EcsWorkload",
    "EcsWorkloadArgs",
    "EndpointArgsError",
    "EndpointPlacementError",
    "PrivateEcsVpc",
    "PrivateEcsVpcArgs",
    "PrivateLinkEndpoints",
    "PrivateLinkEndpointsArgs",
    "PrivateNetwork",
    "PrivateNetworkArgs",
    "__version__",
]

if TYPE_CHECKING:
    from .endpoints import (
        EndpointArgsError,
        EndpointPlacementError,
        PrivateLinkEndpoints,
        PrivateLinkEndpointsArgs,
    )
    from .network import PrivateNetwork, PrivateNetworkArgs
    from .private_vpc import PrivateEcsVpc, PrivateEcsVpcArgs
    from .workload import EcsWorkload, EcsWorkloadArgs


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
