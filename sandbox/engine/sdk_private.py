"""The only place the sandbox reaches into the Pulumi SDK's undocumented internals.

The engine side must turn the protobuf Structs of the gRPC protocol into Python values and back,
exactly as the SDK encodes them (secrets, unknowns, resource references, assets). The SDK's own
codec, ``pulumi.runtime.rpc``, is not a documented API, so every use of it is here, behind two
functions, and ``tests/test_engine.py`` pins the pulumi version they were checked against.
"""

import asyncio
from typing import Any

from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime import rpc

CHECKED_PULUMI_VERSION = "3.272.0"


def struct_to_dict(struct: struct_pb2.Struct, *, keep_unknowns: bool) -> dict[str, Any]:
    """A Struct as the program sent it, secrets wrapped; unknowns kept as ``Unknown`` or left out."""
    return rpc.deserialize_properties(struct, keep_unknowns)


def dict_to_struct(values: dict[str, Any]) -> struct_pb2.Struct:
    """Values (as ``struct_to_dict`` gives them, plus plain data) as a Struct for the program."""
    # serialize_properties is a coroutine; each gRPC worker thread runs it on a loop of its own.
    return asyncio.run(rpc.serialize_properties(values, {}))
