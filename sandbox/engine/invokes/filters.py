"""EC2 Describe* filters ({name, values}) over the embedded account's resources.

A value matches as EC2 matches it: exact, with ``*`` and ``?`` wildcards; a filter matches when any
of its values does, and a resource matches when every filter does.
"""

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

# filter name -> the resource's values for it
Attributes = Mapping[str, Sequence[str]]


def as_filter_value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def tag_attributes(tags: Mapping[str, str]) -> dict[str, list[str]]:
    attributes = {f"tag:{key}": [value] for key, value in tags.items()}
    attributes["tag-key"] = list(tags)
    attributes["tag-value"] = list(tags.values())
    return attributes


def matches(attributes: Attributes, filters: Sequence[Mapping[str, Any]], known: set[str]) -> bool:
    """True when every filter matches; an unknown filter name raises ValueError as EC2 refuses it."""
    for entry in filters:
        name = str(entry.get("name"))
        if name not in known and not name.startswith("tag:"):
            raise ValueError(f"the filter '{name}' is invalid")
        have = attributes.get(name, ())
        wanted = [as_filter_value(value) for value in entry.get("values") or ()]
        if not any(fnmatchcase(value, pattern) for value in have for pattern in wanted):
            return False
    return True


def with_arguments(
    filters: Sequence[Mapping[str, Any]] | None, arguments: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The provider turns a data source's plain arguments into filters; None or "" means unset."""
    combined = [dict(entry) for entry in filters or ()]
    for name, value in arguments.items():
        if value is not None and value != "":
            combined.append({"name": name, "values": [value]})
    return combined


def with_tags(filters: list[dict[str, Any]], tags: Mapping[str, str] | None) -> list[dict[str, Any]]:
    return filters + [{"name": f"tag:{key}", "values": [value]} for key, value in (tags or {}).items()]
