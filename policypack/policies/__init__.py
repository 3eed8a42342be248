"""The pack's policies, one module per subject, collected in a registry that refuses duplicates."""

from pulumi_policy import Policy

from . import dns, endpoints, iam, instances, network, requirements
from .registry import PolicyRegistry

REGISTRY = PolicyRegistry()
for module in (requirements, endpoints, dns, network, instances, iam):
    REGISTRY.extend(module.POLICIES)

POLICIES: list[Policy] = REGISTRY.policies
