"""Safe reading of resource properties: never raises, and keeps unknown values visible.

The policy SDK hands properties as proxies that raise ``UnknownValueError`` on an unknown value. A
policy that let that escape would be skipped whole, so everything here first copies properties
into plain Python with unknowns replaced by the ``UNKNOWN`` sentinel, and the accessors return
either a value of the asked type, ``UNKNOWN``, or a default for missing and mistyped values.
"""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)
from typing_extensions import TypeIs


class Unknown:
    """A value the engine does not know yet (preview)."""

    _instance: "Unknown | None" = None

    def __new__(cls) -> "Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; test it with is_unknown() first")


UNKNOWN: Final = Unknown()

_SENTINELS = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


def is_unknown(value: object) -> TypeIs[Unknown]:
    return value is UNKNOWN


def _is_unknown_raw(value: object) -> bool:
    if isinstance(value, str):
        return value in _SENTINELS
    # pulumi.output.Unknown, as a recording of a preview under mocks holds it.
    return type(value).__name__ == "Unknown" and type(value).__module__.startswith("pulumi")


# Deeper than any real resource property (IAM documents nest about 6 levels); a deeper value is read
# as UNKNOWN. A cap keeps every walk over plain values (here, parse_json, the stack model's string
# search) far from Python's recursion limit without rewriting each of them as a loop.
MAX_DEPTH: Final = 64


def plain(value: object) -> Any:
    """A deep copy of ``value`` in plain dicts and lists, with every unknown as ``UNKNOWN``.

    Containers nested deeper than ``MAX_DEPTH`` levels become ``UNKNOWN``: no policy can read them,
    and the result is shallow enough for any recursive walk.
    """
    return _plain(value, 0)


def _plain(value: object, depth: int) -> Any:
    if value is UNKNOWN or _is_unknown_raw(value):
        return UNKNOWN
    if isinstance(value, str | bytes | int | float | bool) or value is None:
        return value
    if depth >= MAX_DEPTH and isinstance(value, Mapping | Sequence):
        return UNKNOWN
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key in list(value):
            try:
                result[str(key)] = _plain(value[key], depth + 1)
            except UnknownValueError:
                result[str(key)] = UNKNOWN
            except Exception:  # a broken mapping: treat the entry as absent
                continue
        return result
    if isinstance(value, Sequence):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                items.append(_plain(value[index], depth + 1))
            except UnknownValueError:
                items.append(UNKNOWN)
            except Exception:
                continue
        return items
    inner = getattr(value, "value", None)  # pulumi_policy.Secret
    if type(value).__name__ == "Secret" and inner is not None:
        return _plain(inner, depth)
    return value


def get(props: Mapping[str, Any], *path: str | int) -> Any:
    """The value at ``path`` (keys and list indexes), ``None`` when any step is missing or mistyped."""
    current: Any = props
    for step in path:
        if is_unknown(current):
            return UNKNOWN
        if isinstance(step, int):
            if not isinstance(current, list) or not -len(current) <= step < len(current):
                return None
            current = current[step]
        else:
            if not isinstance(current, dict):
                return None
            current = current.get(step)
    return current


def as_str(value: object) -> "str | Unknown | None":
    if is_unknown(value):
        return UNKNOWN
    return value if isinstance(value, str) and value else None


def as_bool(value: object) -> "bool | Unknown | None":
    """Booleans, also as the strings "true"/"false" that some providers send."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


_DECIMAL = re.compile(r"-?[0-9]+")


def as_int(value: object) -> "int | Unknown | None":
    """Integers, also as floats (policy config and Struct numbers) and decimal strings.

    A string counts only as ASCII digits with at most one leading '-': "443", "-1". Anything else
    ("+443", " 4 43", "--443", Unicode digits such as "²" or "٢" that ``str.isdigit`` accepts) is None.
    """
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        try:
            return int(value)
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            return None
    return None


def as_list(value: object) -> "list[Any] | Unknown":
    """A list; a missing or mistyped value is an empty list."""
    if is_unknown(value):
        return UNKNOWN
    return value if isinstance(value, list) else []


def as_dict(value: object) -> "dict[str, Any] | Unknown":
    if is_unknown(value):
        return UNKNOWN
    return value if isinstance(value, dict) else {}


def strings(value: object) -> "list[str] | Unknown":
    """The strings of a list (or a lone string); ``UNKNOWN`` when the list or any item is unknown."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, list):
        return []
    if any(is_unknown(item) for item in value):
        return UNKNOWN
    return [item for item in value if isinstance(item, str) and item]


def parse_json(value: object) -> "Any | Unknown | None":
    """A JSON document given as a string (or already as an object); ``None`` when invalid or absent."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, dict | list):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    if any(sentinel in value for sentinel in _SENTINELS):
        return UNKNOWN  # an interpolated string with an unknown part
    try:
        return plain(json.loads(value))
    except (ValueError, RecursionError):
        return None


def field_of(value: object, key: str) -> Any:
    """``value[key]`` of a possibly unknown, missing or mistyped object."""
    mapping = as_dict(value)
    return UNKNOWN if is_unknown(mapping) else mapping.get(key)


def listify(value: object) -> list[Any]:
    """An IAM-style field that holds one value or a list of them, as a list."""
    return value if isinstance(value, list) else [value] if value is not None else []
