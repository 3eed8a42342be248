"""A stack's configuration as the Pulumi CLI hands it to a program: fully qualified keys, string values.

Project-level config in ``Pulumi.yaml`` (schema defaults and plain values) comes first, then the
stack file ``Pulumi.<stack>.yaml`` overrides it. Keys without a namespace belong to the project.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .messages import shown
from .yamlfiles import read_yaml


class StackConfigError(Exception):
    """The project or stack file is missing or malformed."""


@dataclass(frozen=True)
class StackFiles:
    """The project and stack named on the command line, and their config as the CLI passes it."""

    project: str
    stack: str
    config: dict[str, str]  # "aws:region" -> "us-east-1", "ecs-privatelink:azCount" -> "2"

    @property
    def region(self) -> str:
        return self.config.get("aws:region", "us-east-1")

    def get(self, key: str, default: str | None = None) -> str | None:
        """A project key by its short name ("launchType") or its full name."""
        full = key if ":" in key else f"{self.project}:{key}"
        return self.config.get(full, default)


def one_line(error: yaml.YAMLError) -> str:
    """PyYAML's message (several lines, with a caret drawing) as one line: the problem and where."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else problem


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path) or {}
    except OSError as error:
        raise StackConfigError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise StackConfigError(f"{path} is not UTF-8 text (byte {error.start})") from None
    except yaml.YAMLError as error:
        raise StackConfigError(f"{path} is not valid YAML: {one_line(error)}") from None
    if not isinstance(data, dict):
        raise StackConfigError(f"{path} must hold a mapping")
    return data


def as_config_string(value: Any) -> str:
    """How the CLI passes a YAML value to the program: strings as is, everything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _plain(where: str, value: Any) -> None:
    """Refuse what YAML makes of a scalar that is not JSON (dates, binary), naming where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise StackConfigError(f"{where}: key {shown(key)} must be a string")
            _plain(f"{where}.{key}", item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _plain(f"{where}[{index}]", item)
    elif isinstance(value, datetime.date):
        raise StackConfigError(
            f"{where}: {value.isoformat()} is a YAML date; quote it ('{value.isoformat()}') to pass a string"
        )
    elif not (value is None or isinstance(value, str | bool | int | float)):
        raise StackConfigError(
            f"{where}: a YAML {type(value).__name__} is not a config value; use a string, number, "
            "boolean, list or mapping"
        )


def _config_section(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The file's ``config:`` mapping, with string keys and JSON values, else one clear error."""
    section = data.get("config")
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise StackConfigError(f"{path.name}: config must map keys to values, not {shown(section)}")
    for key, value in section.items():
        if not isinstance(key, str) or not key:
            raise StackConfigError(f"{path.name}: config key {shown(key)} must be a non-empty string")
        _plain(f"{path.name}: {key}", value)
    return section


def _qualify(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def load_stack_config(program_dir: Path, stack: str) -> StackFiles:
    project_file = _read_yaml(program_dir / "Pulumi.yaml")
    project = project_file.get("name")
    if not isinstance(project, str) or not project:
        raise StackConfigError(f"{program_dir / 'Pulumi.yaml'} has no project name")
    config: dict[str, str] = {}
    for key, spec in _config_section(program_dir / "Pulumi.yaml", project_file).items():
        if isinstance(spec, dict):
            value = spec.get("value", spec.get("default"))
            if value is None:
                continue
        else:
            value = spec
        config[_qualify(project, key)] = as_config_string(value)
    stack_path = program_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        raise StackConfigError(f"no stack file {stack_path.name} in {program_dir}")
    for key, value in _config_section(stack_path, _read_yaml(stack_path)).items():
        if isinstance(value, dict) and "secure" in value:
            raise StackConfigError(f"{stack_path.name}: secret {key} cannot be decrypted in the sandbox")
        config[_qualify(project, key)] = as_config_string(value)
    return StackFiles(project=project, stack=stack, config=config)
