"""The pack's registry of policies: unique, kebab-case names, in registration order."""

import re
from collections.abc import Iterable

from pulumi_policy import Policy

_KEBAB_CASE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class PolicyRegistry:
    def __init__(self) -> None:
        self._policies: dict[str, Policy] = {}

    def add(self, policy: Policy) -> None:
        if not _KEBAB_CASE.match(policy.name):
            raise ValueError(
                f"Policy name '{policy.name}' is not kebab-case; rename it, e.g. 'vpc-dns-enabled'."
            )
        if policy.name in self._policies:
            raise ValueError(f"Policy '{policy.name}' is registered twice; give each policy its own name.")
        self._policies[policy.name] = policy

    def extend(self, policies: Iterable[Policy]) -> None:
        for policy in policies:
            self.add(policy)

    @property
    def policies(self) -> list[Policy]:
        return list(self._policies.values())

    def names(self) -> list[str]:
        return list(self._policies)
