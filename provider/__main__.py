"""The components served to programs in any language (TypeScript, Go, C#, YAML, ...).

The schema (tokens ecs-privatelink:index:<Component>, every input and output with its type and
description) is inferred from the components' typed args and outputs by the Pulumi SDK.
"""

from pulumi.provider.experimental import component_provider_host

from ecs_privatelink import EcsWorkload, PrivateEcsVpc, PrivateLinkEndpoints, PrivateNetwork, __version__

PACKAGE = "ecs-privatelink"
COMPONENTS = [PrivateLinkEndpoints, PrivateEcsVpc, PrivateNetwork, EcsWorkload]

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name=PACKAGE, version=__version__)
