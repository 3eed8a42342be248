"""The only place the sandbox reaches into undocumented internals of the SDKs it uses.

Pulumi: the engine side must turn the protobuf Structs of the gRPC protocol into Python values and
back, exactly as the SDK encodes them (secrets, unknowns, resource references, assets). The SDK's
own codec, ``pulumi.runtime.rpc``, is not a documented API. moto: whether a caller already runs a
mock has no public answer. Every such use is here, and ``tests/test_engine.py`` pins the versions
they were checked against.
"""

import asyncio
import re
from typing import Any

from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import rpc

CHECKED_PULUMI_VERSION = "3.272.0"
CHECKED_MOTO_VERSION = "5.2.5"


# The wire's "unknown value" string (protocol constant; the SDK names it rpc.UNKNOWN).
UNKNOWN_SENTINEL: str = rpc.UNKNOWN


def is_secret(value: Any) -> bool:
    """Whether a value from ``struct_to_dict`` is a secret's wrapper."""
    return bool(rpc.is_rpc_secret(value))


def unwrap_secret(value: Any) -> Any:
    return rpc.unwrap_rpc_secret(value)


def struct_to_dict(struct: struct_pb2.Struct, *, keep_unknowns: bool) -> dict[str, Any]:
    """A Struct as the program sent it, secrets wrapped; unknowns kept as ``Unknown`` or left out."""
    return rpc.deserialize_properties(struct, keep_unknowns)


# pulumi/runtime/resource.py logs this at debug level, synchronously, when the program constructs a
# resource: so the engine sees the program's order, which registrations (sent once inputs resolve) lose.
_ANNOUNCEMENT = re.compile(
    r"registering resource: ty=(?P<type>.*), name=(?P<name>.*), custom=(True|False), remote="
)


def announced_resource(debug_message: str) -> tuple[str, str] | None:
    """(type, name) of a resource the program just constructed, from the SDK's debug message."""
    match = _ANNOUNCEMENT.match(debug_message)
    return (match["type"], match["name"]) if match else None


def dict_to_struct(values: dict[str, Any]) -> struct_pb2.Struct:
    """Values (as ``struct_to_dict`` gives them, plus plain data) as a Struct for the program."""
    # serialize_properties is a coroutine; each gRPC worker thread runs it on a loop of its own.
    return asyncio.run(rpc.serialize_properties(values, {}))


def moto_mock_running() -> bool:
    """Whether this process already runs a moto mock (a test session, ``up`` in-process)."""
    from moto.core.models import MockAWS  # imported here: moto takes about a second to import

    return MockAWS._nested_count > 0
