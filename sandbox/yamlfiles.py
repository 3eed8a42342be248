"""Reading the YAML files the CLI reads (Pulumi.yaml, Pulumi.<stack>.yaml, PulumiPolicy.yaml)."""

from pathlib import Path
from typing import Any

import yaml

# libyaml's loader, when PyYAML was built with it, is about 8× faster than the pure-Python one and
# resolves the same YAML 1.1 types; preview reads Pulumi.yaml twice on its way to a verdict.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The file's one document, as ``yaml.safe_load`` gives it; raises OSError or yaml.YAMLError."""
    return yaml.load(path.read_text(), Loader=_LOADER)
