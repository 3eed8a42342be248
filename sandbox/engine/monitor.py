"""The engine services a Pulumi program talks to: a ResourceMonitor and an Engine, over gRPC.

They play the part of the Pulumi CLI's engine for the program process started by
``sandbox.engine.launcher``: each RegisterResource request is kept whole (as the CLI would hand
it to a policy pack), invokes are answered from the embedded AWS (``AwsData``), and log messages
and the stack's outputs are recorded. Nothing is deployed; ``up`` backs resources with moto
through the ``factory`` hook.
"""

import threading
import uuid
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2  # type: ignore[import-untyped]
from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]
from pulumi.output import Unknown
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, resource_pb2, resource_pb2_grpc

from ..sdk_private import (
    UNKNOWN_SENTINEL,
    announced_resource,
    dict_to_struct,
    is_secret,
    struct_to_dict,
    unwrap_secret,
)
from .autonames import auto_name
from .awsdata import AwsData, InvokeError
from .recording import LogMessage, RecordedResource, ResourceFactory, mock_id

STACK_TYPE = "pulumi:pulumi:Stack"

# The features the monitor answers yes to: all but "outputValues" (so Outputs never reach the
# recorded inputs, as with pulumi's MockMonitor) and the invoke dependency gate (the SDK keeps its own).
SUPPORTED_FEATURES = [
    resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER,
    resource_pb2.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    resource_pb2.RESOURCE_MONITOR_FEATURE_REPLACE_WITH,
    resource_pb2.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
    resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_ERROR_HOOKS,
]

# Sentinels of the Pulumi wire format (sdk/proto's property encoding).

SEVERITIES = {
    engine_pb2.DEBUG: "debug",
    engine_pb2.INFO: "info",
    engine_pb2.WARNING: "warning",
    engine_pb2.ERROR: "error",
}


class NotEmulatedError(Exception):
    """The program asked the engine for something the offline engine does not do."""


@dataclass
class EngineState:
    """What the engine services saw of one run; shared by the gRPC worker threads."""

    project: str
    stack: str
    aws: AwsData
    preview: bool
    seed: int
    factory: ResourceFactory | None = None
    resources: list[RecordedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    logs: list[LogMessage] = field(default_factory=list)
    # The first error the engine itself answered with (an invoke it cannot answer, a failed
    # Check, ...): the run's failure as the CLI would report it, whatever the program then raised.
    engine_errors: list[str] = field(default_factory=list)
    root_urn: str = ""
    # (type, name) -> its place in the order the program constructed resources
    construction_order: dict[tuple[str, str], int] = field(default_factory=dict)
    _provider_regions: dict[str, str | None] = field(default_factory=dict)  # provider URN -> region
    _states: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # URN -> (id, outputs)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent:
            parent_type = parent.split("::")[2].split("$")[-1]
            type_ = f"{parent_type}${type_}"
        return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

    def provider_region(self, provider_ref: str) -> str | None:
        """The region of an explicit provider, from its reference "urn::id"; None for the default."""
        urn = provider_ref.rpartition("::")[0]
        with self._lock:
            return self._provider_regions.get(urn)

    def engine_error(self, error: Exception) -> str:
        message = str(error)
        with self._lock:
            self.engine_errors.append(message)
        return message

    def snapshot(self) -> list[RecordedResource]:
        """The registrations in the order the program constructed the resources (arrival order is racy)."""
        with self._lock:
            last = len(self.construction_order)
            return sorted(self.resources, key=lambda r: self.construction_order.get((r.type, r.name), last))


def stack_outputs(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Stack outputs as the CLI shows them: nulls kept, secrets unwrapped, and an output with any
    unknown part unknown as a whole (an Output is known only when all of it is)."""

    def has_unknown(value: Any) -> bool:
        if value == UNKNOWN_SENTINEL:
            return True
        if isinstance(value, dict):
            return any(has_unknown(item) for item in value.values())
        if isinstance(value, list):
            return any(has_unknown(item) for item in value)
        return False

    def plain(value: Any) -> Any:
        if is_secret(value):
            return plain(unwrap_secret(value))
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    # MessageToDict, not the SDK's deserializer, which drops null members of objects.
    outputs = MessageToDict(struct)
    return {key: Unknown() if has_unknown(value) else plain(value) for key, value in outputs.items()}


class ResourceMonitor(resource_pb2_grpc.ResourceMonitorServicer):
    def __init__(self, state: EngineState):
        self.state = state

    def _refuse(self, context: Any, error: Exception) -> None:
        """Fail the program's request with the error, kept as the run's failure (raises, as abort does)."""
        context.abort(grpc.StatusCode.UNKNOWN, self.state.engine_error(error))

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:  # noqa: N802 - gRPC method names
        return resource_pb2.DeploymentInfo(supportedFeatures=SUPPORTED_FEATURES)

    def SupportsFeature(self, request: Any, context: Any) -> Any:  # noqa: N802
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    def RegisterPackage(self, request: Any, context: Any) -> Any:  # noqa: N802
        return resource_pb2.RegisterPackageResponse(ref=str(uuid.uuid4()))

    def RegisterResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        try:
            return self._register(request)
        except Exception as error:  # the program sees it as the registration's failure
            self._refuse(context, error)

    def _register(self, request: Any) -> Any:
        state = self.state
        urn = state.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        if request.transforms:
            raise NotEmulatedError(
                f"{request.type} {request.name}: resource transforms are not run by the offline engine"
            )
        inputs = struct_to_dict(request.object, keep_unknowns=True)
        if request.custom:
            # The provider's Check names the resource before preview and create alike, so it is known.
            named = auto_name(request.type, request.name, urn, inputs, state.seed)
            if named is not None:
                inputs[named[0]] = named[1]
        resource = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent,
            provider=request.provider,
            dependencies=list(request.dependencies),
            property_dependencies={
                key: list(deps.urns) for key, deps in request.propertyDependencies.items()
            },
            inputs=inputs,
            remote=bool(request.remote),
            protect=bool(request.protect),
        )
        outputs: dict[str, Any] = dict(inputs)
        if resource.custom:
            if state.factory is not None:
                resource.id, extra = state.factory(resource)
                outputs.update(extra)
            elif not state.preview:
                resource.id = mock_id(request.type, request.name)
                outputs.update(id=resource.id, arn=f"arn:aws:mock:::{resource.id}")
            # In preview a new resource's id and computed outputs are unknown, as with the CLI.
        resource.outputs = outputs
        with state._lock:
            state.resources.append(resource)
            state._states[urn] = (resource.id, outputs)
            if resource.type.startswith("pulumi:providers:"):
                region = inputs.get("region")
                state._provider_regions[urn] = region if isinstance(region, str) else None
        if resource.remote:
            # The CLI answers with what the provider's Construct built; offline nothing builds it, so
            # answer as for a resource the engine could not build: every output unknown, the program goes on.
            return resource_pb2.RegisterResourceResponse(urn=urn, result=resource_pb2.Result.FAIL)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource.id, object=dict_to_struct(outputs))

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:  # noqa: N802
        if request.urn.split("::")[2] == STACK_TYPE:
            outputs = stack_outputs(request.outputs)
            with self.state._lock:
                self.state.outputs = outputs
        return empty_pb2.Empty()

    def Invoke(self, request: Any, context: Any) -> Any:  # noqa: N802
        try:
            args = struct_to_dict(request.args, keep_unknowns=False)
            if request.tok == "pulumi:pulumi:getResource":
                answer = self._registered(args["urn"])
            else:
                region = self.state.provider_region(request.provider)
                answer = self.state.aws.answer(request.tok, args, region)
            return resource_pb2.ResourceInvokeResponse(**{"return": dict_to_struct(answer)})
        except (InvokeError, NotEmulatedError) as error:
            self._refuse(context, error)

    def _registered(self, urn: str) -> dict[str, Any]:
        with self.state._lock:
            known = self.state._states.get(urn)
        if known is None:
            raise NotEmulatedError(f"unknown resource {urn}")
        return {"urn": urn, "id": known[0], "state": known[1]}

    def ExistsResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        with self.state._lock:
            exists = any(
                urn.split("::")[2].split("$")[-1] == request.type and id_ == request.id
                for urn, (id_, _) in self.state._states.items()
            )
        return resource_pb2.ExistsResourceResponse(exists=exists)

    def ReadResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        kind = request.type.split(":")[-1]
        error = NotEmulatedError(
            f"{request.type} {request.name}: reading an existing resource ({kind}.get) is not emulated by "
            "the offline engine, whose account holds only what the program creates"
        )
        self._refuse(context, error)

    def Call(self, request: Any, context: Any) -> Any:  # noqa: N802
        error = NotEmulatedError(f"method call {request.tok} is not emulated by the offline engine")
        self._refuse(context, error)

    def RegisterStackTransform(self, request: Any, context: Any) -> Any:  # noqa: N802
        error = NotEmulatedError("stack transforms are not run by the offline engine")
        self._refuse(context, error)

    def RegisterStackInvokeTransform(self, request: Any, context: Any) -> Any:  # noqa: N802
        error = NotEmulatedError("stack invoke transforms are not run by the offline engine")
        self._refuse(context, error)

    def RegisterResourceHook(self, request: Any, context: Any) -> Any:  # noqa: N802
        return empty_pb2.Empty()  # hooks run around provider operations, which never happen offline

    def RegisterErrorHook(self, request: Any, context: Any) -> Any:  # noqa: N802
        return empty_pb2.Empty()

    def SignalAndWaitForShutdown(self, request: Any, context: Any) -> Any:  # noqa: N802
        return empty_pb2.Empty()


class Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self, state: EngineState):
        self.state = state

    def Log(self, request: Any, context: Any) -> Any:  # noqa: N802
        if request.severity == engine_pb2.DEBUG:
            # The SDK's own tracing, shown by the CLI only with --debug; it tells construction order.
            announced = announced_resource(request.message)
            if announced is not None:
                with self.state._lock:
                    self.state.construction_order.setdefault(announced, len(self.state.construction_order))
            return empty_pb2.Empty()
        message = LogMessage(SEVERITIES.get(request.severity, "info"), request.message, request.urn)
        with self.state._lock:
            self.state.logs.append(message)
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn=self.state.root_urn)

    def SetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        self.state.root_urn = request.urn
        return engine_pb2.SetRootResourceResponse()


@contextmanager
def serving(state: EngineState) -> Iterator[str]:
    """Serve the monitor and the engine on one loopback port; yields its address; always stops."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=16),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    resource_pb2_grpc.add_ResourceMonitorServicer_to_server(ResourceMonitor(state), server)
    engine_pb2_grpc.add_EngineServicer_to_server(Engine(state), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)
