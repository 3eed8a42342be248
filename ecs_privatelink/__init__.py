"""Pulumi ComponentResources for Amazon ECS in a private VPC over AWS PrivateLink, and the pure
endpoint planner. The AWS knowledge comes from ``awsfacts`` (policypack/awsfacts), installed with
this package."""

__version__ = "0.1.0"

from .endpoints import (
    EndpointArgsError,
    EndpointPlacementError,
    PrivateLinkEndpoints,
    PrivateLinkEndpointsArgs,
)
from .network import PrivateNetwork, PrivateNetworkArgs
from .private_vpc import PrivateEcsVpc, PrivateEcsVpcArgs

__all__ = [
    "EndpointArgsError",
    "EndpointPlacementError",
    "PrivateEcsVpc",
    "PrivateEcsVpcArgs",
    "PrivateLinkEndpoints",
    "PrivateLinkEndpointsArgs",
    "PrivateNetwork",
    "PrivateNetworkArgs",
]
