"""Reading the YAML files the CLI reads (Pulumi.yaml, Pulumi.<stack>.yaml, PulumiPolicy.yaml)."""

from pathlib import Path
from typing import Any

import yaml

# libyaml's loader, when PyYAML was built with it, is about 8× faster than the pure-Python one and
# resolves the same YAML 1.1 types; preview reads Pulumi.yaml twice on its way to a verdict.
_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):
    """Refuses a key given twice in one mapping, as the CLI's YAML decoder does (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base constructor reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found the key {key!r} twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """The file's one document, as ``yaml.safe_load`` gives it; raises OSError or yaml.YAMLError."""
    return yaml.load(path.read_text(), Loader=_Loader)
