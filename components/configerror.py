"""The one error a bad stack configuration raises, and the shape of its message."""

import pulumi

NAMESPACE = "ecs-privatelink"


class ConfigError(pulumi.RunError):
    """Bad stack configuration. A RunError, so the CLI shows the message without a traceback."""


def invalid(key: str, value: object, allowed: str) -> ConfigError:
    return ConfigError(f"Invalid {NAMESPACE}:{key} {value!r}: {allowed}.")
