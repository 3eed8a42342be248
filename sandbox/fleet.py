"""Synthetic fleets for the benchmark: many private VPC stamps of the same shape as the program's.

``replicate`` copies a recorded stack k times under new names, URNs and ids (references between
the copied resources rewritten), for AnalyzeStack at an exact resource count. The fleet *program*
(``sandbox/fleet_program``) registers N stamps through the project's own components.
"""

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .program import RecordedResource, mock_id


def _renamed_urn(urn: str, name: str) -> str:
    # urn:pulumi:<stack>::<project>::<type chain>::<name>; the name is the part after the last "::".
    return urn[: urn.rindex("::") + 2] + name


def _rewrite(value: Any, swap: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return swap(value)
    if isinstance(value, list):
        return [_rewrite(item, swap) for item in value]
    if isinstance(value, dict):
        return {key: _rewrite(item, swap) for key, item in value.items()}
    return value


def stamp_copy(resources: list[RecordedResource], suffix: str) -> list[RecordedResource]:
    """One copy of ``resources`` with ``suffix`` on every name; URNs and ids follow."""
    urns: dict[str, str] = {}
    ids: dict[str, str] = {}
    for resource in resources:
        name = f"{resource.name}{suffix}"
        urns[resource.urn] = _renamed_urn(resource.urn, name)
        if resource.id:
            ids[resource.id] = mock_id(resource.type, name)
    mapping = {**urns, **ids}

    def swap(text: str) -> str:
        return mapping.get(text, text)

    return [
        replace(
            resource,
            urn=urns[resource.urn],
            name=f"{resource.name}{suffix}",
            parent=swap(resource.parent),
            dependencies=[swap(urn) for urn in resource.dependencies],
            property_dependencies={
                key: [swap(urn) for urn in urns_] for key, urns_ in resource.property_dependencies.items()
            },
            inputs=_rewrite(resource.inputs, swap),
            id=ids.get(resource.id, resource.id),
            outputs=_rewrite(resource.outputs, swap),
        )
        for resource in resources
    ]


def replicate(resources: list[RecordedResource], count: int) -> list[RecordedResource]:
    """Exactly ``count`` resources: whole copies of the stack, the last one cut short if need be.

    Resources are in registration order, so a cut copy keeps its parents and dependencies.
    """
    if not resources:
        raise ValueError("cannot replicate an empty stack")
    copies = math.ceil(count / len(resources))
    fleet = [r for index in range(copies) for r in stamp_copy(resources, f"-s{index:04d}")]
    return fleet[:count]
