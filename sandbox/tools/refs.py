"""References between recorded resources: which resources an input names.

A program passes another resource's output (``vpc.id``) as an input; the recording keeps it as a
property dependency (always, in preview too) and, once ids exist, as the physical id itself.
"""

from collections.abc import Iterable
from typing import Any

from ..engine.program import RecordedResource


class References:
    """Looks up the resources an input refers to, by property dependency or by physical id."""

    def __init__(self, resources: list[RecordedResource]):
        self.by_urn = {r.urn: r for r in resources}
        self.by_id = {r.id: r for r in resources if r.id}

    def refs(self, resource: RecordedResource, key: str, type_: str | None = None) -> list[RecordedResource]:
        """Resources named by input ``key`` (at any depth inside it), optionally of one type only."""
        found: dict[str, RecordedResource] = {}
        for urn in resource.property_dependencies.get(key, []):
            if urn in self.by_urn:
                found[urn] = self.by_urn[urn]
        for item in _strings(resource.inputs.get(key)):
            if item in self.by_id:
                found[self.by_id[item].urn] = self.by_id[item]
        return [r for r in found.values() if type_ is None or r.type == type_]

    def ref(self, resource: RecordedResource, key: str) -> RecordedResource | None:
        refs = self.refs(resource, key)
        return refs[0] if refs else None


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
