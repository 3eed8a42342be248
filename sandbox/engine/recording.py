"""What a run of a program leaves: its registrations, outputs, invokes and log messages."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedResource:
    urn: str
    type: str
    name: str
    custom: bool
    parent: str  # parent URN, "" for the stack itself
    provider: str  # provider reference "urn::id", "" for the default provider
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    # A multi-language component (awsx's, say): its provider plugin builds its children, offline nobody does.
    remote: bool = False
    protect: bool = False  # the protect option: `pulumi destroy` refuses to delete it


# The `up` hook, called once per custom resource: its (id, extra outputs), from moto.
ResourceFactory = Callable[[RecordedResource], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class LogMessage:
    """One message the program logged through the engine (``pulumi.log.warn``, an error, ...)."""

    severity: str  # "debug", "info", "warning" or "error", as the CLI names them
    message: str
    urn: str = ""  # the resource it is about, "" for the stack


@dataclass
class Recording:
    project: str
    stack: str
    config: dict[str, str]
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    invokes: list[str]
    logs: list[LogMessage] = field(default_factory=list)

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]


class ProgramError(Exception):
    """The program failed; ``resources`` holds what it had registered by then.

    The message is the one line the user sees (the program's exception, or the engine's own error
    that caused it); ``details`` is what the program printed on stderr, its traceback among it.
    """

    def __init__(self, message: str, resources: list[RecordedResource], details: str = ""):
        super().__init__(message)
        self.resources = resources
        self.details = details


class RemoteComponentError(ProgramError):
    """The program registered multi-language components, whose children only their plugin builds."""


def remote_component_message(types: list[str]) -> str:
    """One sentence per remote component type: awsx:ec2:Vpc from pulumi-awsx is built by ..."""
    return "\n".join(
        f"{type_} from pulumi-{type_.split(':')[0]} is built by its provider plugin, which is not available "
        "offline: the pack cannot see its children"
        for type_ in sorted(set(types))
    )


def mock_id(type_: str, name: str) -> str:
    """A stable, readable physical id: vpc-3f2a…, subnet-…; the prefix from the type token."""
    kind = type_.rsplit(":", 1)[-1]
    prefix = {
        "Vpc": "vpc",
        "Subnet": "subnet",
        "RouteTable": "rtb",
        "SecurityGroup": "sg",
        "VpcEndpoint": "vpce",
        "InternetGateway": "igw",
        "NatGateway": "nat",
        "VpcDhcpOptions": "dopt",
    }.get(kind, kind.lower())
    return f"{prefix}-{hashlib.sha256(f'{type_}/{name}'.encode()).hexdigest()[:17]}"
