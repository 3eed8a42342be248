"""The one error a bad stack configuration raises, the shape of its message, and shared value readers."""

import json
import re

import pulumi

NAMESPACE = "ecs-privatelink"
SHOWN_CHARACTERS = 80  # a value is cut to this in a message: one readable line, whatever was configured
# ASCII digits only: str.isdigit and int() accept any Unicode digit ("٢", "²"), which AWS does not.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}", re.ASCII)  # 18 digits: far past any limit, never slow


class ConfigError(pulumi.RunError):
    """Bad stack configuration. A RunError, so the CLI shows the message without a traceback."""


def cut(text: str) -> str:
    """``text`` cut to SHOWN_CHARACTERS, with an ellipsis when it was longer."""
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def shown(value: object) -> str:
    """A value as a message shows it: its repr, cut to SHOWN_CHARACTERS."""
    return cut(repr(value))


def invalid(key: str, value: object, allowed: str) -> ConfigError:
    return ConfigError(f"Invalid {NAMESPACE}:{key} {shown(value)}: {allowed}.")


def whole_number(key: str, value: object) -> int:
    """A config integer: YAML gives an int, the CLI a string; a bool is not a number here."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**18:
        return value
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value)
    raise invalid(key, value, "expected a whole number in ASCII digits (0-9)")


def boolean(key: str, value: object) -> bool:
    """A config boolean: YAML gives a bool, the CLI a string."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid(key, value, "allowed values are true and false")


def fractional_number_text(value: object) -> bool:
    """Whether a string reads as a non-integer number: a YAML number lost its text ("1.10" became "1.1")."""
    if not isinstance(value, str) or not any(mark in value for mark in ".eE"):
        return False
    try:
        parsed = json.loads(value)
    except ValueError:
        return False
    return isinstance(parsed, float)
