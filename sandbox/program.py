"""Run a Pulumi program under mocks and record every resource registration.

This is the sandbox's engine: it plays the part of the Pulumi CLI's resource monitor, answers
invokes from ``AwsData`` (strictly: an unknown invoke fails the run), and keeps the full
RegisterResource request of each resource, as the CLI would hand it to a policy pack.
"""

import hashlib
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .autonames import DEFAULT_SEED, auto_name
from .awsdata import AwsData

# new_resource hook: (type, name, inputs) -> (id, extra outputs); lets `up` back mocks with moto.
ResourceFactory = Callable[["RecordedResource"], tuple[str, dict[str, Any]]]


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

    def by_urn(self) -> dict[str, RecordedResource]:
        return {r.urn: r for r in self.resources}


class ProgramError(Exception):
    """The program failed; ``resources`` holds what it had registered by then."""

    def __init__(self, message: str, resources: list[RecordedResource]):
        super().__init__(message)
        self.resources = resources


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


class _Mocks(pulumi_mocks.Mocks):
    def __init__(self, aws: AwsData, factory: ResourceFactory | None):
        self.aws = aws
        self.factory = factory
        self.monitor: _RecordingMonitor | None = None

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        region = self.monitor.provider_region(args.provider) if self.monitor else None
        return self.aws.answer(args.token, dict(args.args), region), []

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        raise AssertionError("unused: _RecordingMonitor.RegisterResource answers directly")


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that keeps each full RegisterResource request."""

    def __init__(self, mocks: _Mocks, preview: bool, seed: int = DEFAULT_SEED):
        super().__init__(mocks)
        self.preview = preview
        self.seed = seed
        mocks.monitor = self
        self.mock_source = mocks
        self.recorded: list[RecordedResource] = []
        self._provider_regions: dict[str, str | None] = {}  # provider URN -> its region input
        self._lock = threading.Lock()  # new_resource runs on several executor threads

    def provider_region(self, provider_ref: str) -> str | None:
        """The region of an explicit provider, from its reference "urn::id"; None for the default."""
        urn = provider_ref.rpartition("::")[0]
        with self._lock:
            return self._provider_regions.get(urn)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        from pulumi.runtime.proto import resource_pb2

        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        pulumi_mocks._ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        if request.custom:
            # The provider's Check names the resource before preview and create alike, so it is known.
            named = auto_name(request.type, request.name, urn, inputs, self.seed)
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
        )
        outputs: dict[str, Any] = dict(inputs)
        if resource.custom:
            factory = self.mock_source.factory
            if factory is not None:
                resource.id, extra = factory(resource)
                outputs.update(extra)
            elif not self.preview:
                resource.id = mock_id(request.type, request.name)
                outputs.update(id=resource.id, arn=f"arn:aws:mock:::{resource.id}")
            # In preview a new resource's id and computed outputs are unknown, as with the CLI.
        resource.outputs = outputs
        with self._lock:
            self.recorded.append(resource)
            if resource.type.startswith("pulumi:providers:"):
                region = inputs.get("region")
                self._provider_regions[urn] = region if isinstance(region, str) else None
        state = _sync_await(rpc.serialize_properties(outputs, {}))
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource.id, outputs)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource.id, object=state)


@contextmanager
def _program_on_path(program_dir: Path) -> Iterator[None]:
    sys.path.insert(0, str(program_dir))
    try:
        yield
    finally:
        sys.path.remove(str(program_dir))


def run_program(
    program_dir: Path,
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    preview: bool = True,
    factory: ResourceFactory | None = None,
    seed: int = DEFAULT_SEED,
) -> Recording:
    """Run ``program_dir/__main__.py`` as the Pulumi engine would, under mocks, and record it.

    ``config`` holds fully qualified keys ("aws:region", "ecs-privatelink:azCount") with string
    values, as the CLI passes them. ``seed`` fixes the random part of auto-names, so repeated runs
    give the same names. Raises ProgramError when the program fails.
    """
    aws = AwsData(default_region=config.get("aws:region", "us-east-1"))
    mocks = _Mocks(aws, factory)
    monitor = _RecordingMonitor(mocks, preview, seed)
    settings.reset_options()
    settings.set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_all_config(config)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    root = settings.get_root_resource()

    def body() -> None:
        with _program_on_path(program_dir):
            runpy.run_path(str(program_dir / "__main__.py"), run_name="__main__")

    try:
        _sync_await(run_pulumi_func(body))
        outputs = _sync_await(_resolve(getattr(root, "outputs", {})))
    except Exception as error:  # reported with what had been registered
        raise ProgramError(str(error), list(monitor.recorded)) from error
    finally:
        settings.set_root_resource(None)  # type: ignore[arg-type]
    return Recording(project, stack, dict(config), list(monitor.recorded), outputs, aws.calls)


async def _resolve(outputs: dict[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    for key, value in outputs.items():
        resolved[key] = await pulumi.Output.from_input(value).future()
    return resolved
