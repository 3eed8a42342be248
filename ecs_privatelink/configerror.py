"""The one error a bad stack configuration raises, the shape of its message, and shared value readers."""

import pulumi

NAMESPACE = "ecs-privatelink"


class ConfigError(pulumi.RunError):
    """Bad stack configuration. A RunError, so the CLI shows the message without a traceback."""


def invalid(key: str, value: object, allowed: str) -> ConfigError:
    return ConfigError(f"Invalid {NAMESPACE}:{key} {value!r}: {allowed}.")


def whole_number(key: str, value: object) -> int:
    """A config integer: YAML gives an int, the CLI a string; a bool is not a number here."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise invalid(key, value, "expected a whole number")
