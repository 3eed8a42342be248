"""The engine side of Pulumi's Analyzer protocol: drive a policy pack as the Pulumi CLI does.

``PolicyPackProcess`` starts the pack exactly like the CLI (``python -u -m pulumi.policy <engine> .``
in the pack folder, stack settings in ``PULUMI_*`` variables), reads the port it prints and connects
over gRPC. ``AnalyzerClient`` then builds the requests the CLI builds from a ``Recording``: inputs
for Analyze, outputs for AnalyzeStack, unknowns as the engine's sentinel, the resource's provider
(explicit, or the default provider the CLI would create from the stack's config), parents,
dependencies and property dependencies. Reference: pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go,
pkg/resource/deploy/step_generator.go and pkg/resource/analyzer/config.go.
"""

import dataclasses
import difflib
import functools
import importlib.metadata
import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
import pulumi
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.output import Unknown
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .engine.program import RecordedResource, Recording
from .messages import shown
from .sdk_private import UNKNOWN_SENTINEL
from .yamlfiles import read_yaml

ENFORCEMENT_LEVELS: dict[int, str] = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
_LEVEL_VALUES: dict[str, int] = {name: value for value, name in ENFORCEMENT_LEVELS.items()}
_SEVERITIES: dict[int, str] = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_POLICY_TYPES: dict[int, str] = {
    analyzer_pb2.POLICY_TYPE_UNKNOWN: "",
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}

# The wire encoding of values (sdk/go/common/resource/properties.go), as the engine sends them.
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
_ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"

# The CLI raises gRPC's receive limit the same way (rpcutil.GrpcChannelOptions).
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]
_STDERR_KEEP = 64 * 1024  # bytes of the pack's stderr kept for error messages


@dataclass(frozen=True)
class Diagnostic:
    policy_name: str
    policy_pack_name: str
    enforcement_level: str  # "advisory" | "mandatory" | "remediate" | "disabled"
    message: str
    urn: str
    description: str
    severity: str = ""  # "" (unspecified), "low", "medium", "high", "critical"
    policy_pack_version: str = ""


@dataclass(frozen=True)
class Remediation:
    """One property a policy's ``remediate`` changed on one resource before the resource was analyzed."""

    policy_name: str
    policy_pack_name: str
    urn: str
    property: str
    old: Any  # the program's value; None when it left the property unset
    new: Any  # None when the remediation removed the property


@dataclass(frozen=True)
class Analysis:
    """What the CLI's policy calls give for one preview or update."""

    diagnostics: list[Diagnostic]
    remediations: list[Remediation]
    recording: Recording  # with the remediated inputs: what Analyze, AnalyzeStack and the deploy see


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    enforcement_level: str
    description: str
    policy_type: str = ""  # "resource" | "stack"
    severity: str = ""
    config_schema: dict[str, Any] = field(default_factory=dict)  # {"properties": {...}, "required": [...]}


@dataclass(frozen=True)
class AnalyzerInfo:
    name: str
    version: str
    policies: list[PolicyInfo]
    supports_config: bool = False
    initial_config: dict[str, dict[str, Any]] = field(default_factory=dict)  # the CLI's config JSON shape

    def policy(self, name: str) -> PolicyInfo:
        for policy in self.policies:
            if policy.name == name:
                return policy
        raise KeyError(f"the policy pack '{self.name}' has no policy named '{name}'")


class PolicyPackStartError(RuntimeError):
    """The pack did not start or did not print its port in time."""


class PolicyConfigError(ValueError):
    """The policy config is unreadable, not the CLI's JSON format, or does not fit the pack's policies."""


@functools.cache  # asked for every resource; the installed version does not change during a run
def default_provider_name(package: str) -> str:
    """As the CLI names a default provider: ``default_<version>`` of the plugin (``default_7_51_1``).

    The plugin's version is the installed SDK's here; ``default`` when the SDK is not installed.
    """
    try:
        version = importlib.metadata.version(f"pulumi_{package.replace('-', '_')}")
    except importlib.metadata.PackageNotFoundError:
        return "default"
    return "default_" + version.replace(".", "_").replace("-", "_")


@dataclass(frozen=True)
class StackContext:
    """What the engine knows about the stack being analyzed."""

    project: str
    stack: str
    config: dict[str, str]
    organization: str = "organization"

    @property
    def stack_urn(self) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::pulumi:pulumi:Stack::{self.project}-{self.stack}"

    def default_provider(self, package: str) -> RecordedResource:
        """The provider the CLI creates for resources without an explicit one: inputs from config."""
        type_ = f"pulumi:providers:{package}"
        name = default_provider_name(package)
        prefix = f"{package}:"
        inputs: dict[str, Any] = {
            key[len(prefix) :]: value for key, value in self.config.items() if key.startswith(prefix)
        }
        return RecordedResource(
            urn=f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}",
            type=type_,
            name=name,
            custom=True,
            parent="",
            provider="",
            dependencies=[],
            property_dependencies={},
            inputs=inputs,
            outputs=dict(inputs),
        )

    def stack_resource(self) -> RecordedResource:
        return RecordedResource(
            urn=self.stack_urn,
            type="pulumi:pulumi:Stack",
            name=f"{self.project}-{self.stack}",
            custom=False,
            parent="",
            provider="",
            dependencies=[],
            property_dependencies={},
            inputs={},
        )


# --- values on the wire ------------------------------------------------------------------------


def to_wire(value: Any) -> Any:
    """A recorded value as the engine marshals it (KeepUnknowns, KeepSecrets): JSON-able data."""
    if isinstance(value, Unknown):
        return UNKNOWN_SENTINEL
    if isinstance(value, dict):
        return {str(key): to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    if isinstance(value, pulumi.FileAsset):
        return {_SIG_KEY: _ASSET_SIG, "path": value.path}
    if isinstance(value, pulumi.StringAsset):
        return {_SIG_KEY: _ASSET_SIG, "text": value.text}
    if isinstance(value, pulumi.RemoteAsset):
        return {_SIG_KEY: _ASSET_SIG, "uri": value.uri}
    if isinstance(value, pulumi.AssetArchive):
        return {_SIG_KEY: _ARCHIVE_SIG, "assets": to_wire(dict(value.assets))}
    if isinstance(value, pulumi.FileArchive):
        return {_SIG_KEY: _ARCHIVE_SIG, "path": value.path}
    if isinstance(value, pulumi.RemoteArchive):
        return {_SIG_KEY: _ARCHIVE_SIG, "uri": value.uri}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"cannot send a value of type {type(value).__name__} to a policy pack")


def from_wire(value: Any) -> Any:
    """A value a policy pack sent back (a remediation), as the recording holds values."""
    if value == UNKNOWN_SENTINEL:
        return Unknown()
    if isinstance(value, dict) and _SIG_KEY not in value:
        return {key: from_wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_wire(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Struct numbers are doubles; the program's integers stay integers
    return value


def to_struct(properties: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(to_wire(properties))
    return struct


# --- requests ----------------------------------------------------------------------------------


def package_of(type_: str) -> str:
    return type_.split(":", 1)[0]


def is_provider(resource: RecordedResource) -> bool:
    return resource.type.startswith("pulumi:providers:")


def provider_of(
    resource: RecordedResource, resources: list[RecordedResource], context: StackContext
) -> RecordedResource | None:
    """The provider resource the engine would name for ``resource``, or None (components, providers)."""
    if not resource.custom or is_provider(resource):
        return None
    if not resource.provider:
        return context.default_provider(package_of(resource.type))
    urn = resource.provider.rsplit("::", 1)[0]  # a provider reference is "<urn>::<id>"
    for candidate in resources:
        if candidate.urn == urn:
            return candidate
    raise LookupError(f"{resource.urn} names the provider {urn}, which the recording does not hold")


def engine_resources(resources: list[RecordedResource], context: StackContext) -> list[RecordedResource]:
    """Every resource the engine registers: the stack, default providers when first used, the rest."""
    result = [context.stack_resource()]
    seen_defaults: set[str] = set()
    for resource in resources:
        if resource.custom and not resource.provider and not is_provider(resource):
            default = context.default_provider(package_of(resource.type))
            if default.urn not in seen_defaults:
                seen_defaults.add(default.urn)
                result.append(default)
        result.append(resource)
    return result


def _provider_message(provider: RecordedResource | None) -> analyzer_pb2.AnalyzerProviderResource | None:
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type, urn=provider.urn, name=provider.name, properties=to_struct(provider.inputs)
    )


def _options(resource: RecordedResource) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        parent=resource.parent, customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts()
    )


def analyze_request(
    resource: RecordedResource, resources: list[RecordedResource], context: StackContext
) -> analyzer_pb2.AnalyzeRequest:
    """Analyze sees a resource's inputs before it is created, with its provider."""
    return analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        urn=resource.urn,
        name=resource.name,
        properties=to_struct(resource.inputs),
        options=_options(resource),
        provider=_provider_message(provider_of(resource, resources, context)),
    )


def analyze_stack_request(
    resources: list[RecordedResource], context: StackContext
) -> analyzer_pb2.AnalyzeStackRequest:
    """AnalyzeStack sees every registered resource's outputs, parent and dependencies."""
    everything = engine_resources(resources, context)
    messages = []
    for resource in everything:
        provider = provider_of(resource, everything, context)
        messages.append(
            analyzer_pb2.AnalyzerResource(
                type=resource.type,
                urn=resource.urn,
                name=resource.name,
                properties=to_struct(resource.outputs),
                options=_options(resource),
                provider=_provider_message(provider),
                parent=resource.parent,
                dependencies=resource.dependencies,
                propertyDependencies={
                    key: analyzer_pb2.AnalyzerPropertyDependencies(urns=urns)
                    for key, urns in resource.property_dependencies.items()
                    if urns  # the engine leaves out properties without dependencies
                },
            )
        )
    return analyzer_pb2.AnalyzeStackRequest(resources=messages)


# --- policy config -----------------------------------------------------------------------------


def _split_config(name: str, value: Any) -> tuple[str | None, dict[str, Any]]:
    """One entry of the CLI's config JSON: "level" or {"enforcementLevel": ..., properties...}."""
    level: Any
    properties: dict[str, Any]
    if isinstance(value, str):
        level, properties = value, {}
    elif isinstance(value, dict):
        properties = {key: item for key, item in value.items() if key != "enforcementLevel"}
        level = value.get("enforcementLevel")
    else:
        raise PolicyConfigError(f"{name}: {shown(value)} is not a valid value; must be a string or an object")
    if level is not None and (not isinstance(level, str) or level not in _LEVEL_VALUES):
        raise PolicyConfigError(
            f"{name}: {shown(level)} is not a valid enforcement level; one of {', '.join(_LEVEL_VALUES)}"
        )
    if name == "all" and properties:
        raise PolicyConfigError(
            f"all: takes an enforcement level only, not properties ({', '.join(sorted(properties))}); "
            "set properties on the policy they belong to"
        )
    return level, properties


def _control_characters(where: str, value: Any) -> list[str]:
    """Complaints for strings with control characters (a pasted newline): Python's schema patterns let
    ``$`` match before a final newline, where the CLI's (Go's) do not."""
    if isinstance(value, dict):
        return [c for key, item in value.items() for c in _control_characters(f"{where}.{key}", item)]
    if isinstance(value, list):
        return [c for index, item in enumerate(value) for c in _control_characters(f"{where}[{index}]", item)]
    bad = [char for char in value if ord(char) < 0x20 or ord(char) == 0x7F] if isinstance(value, str) else []
    return [f"{where}: {shown(value)} has a control character (U+{ord(bad[0]):04X})"] if bad else []


def _unknown_properties(policy: "PolicyInfo", properties: dict[str, Any]) -> list[str]:
    """One complaint per property the policy's schema does not declare, with the nearest name."""
    declared = sorted(policy.config_schema.get("properties", {}))
    complaints = []
    for key in sorted(set(properties) - set(declared)):
        near = difflib.get_close_matches(key, declared, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        known = f" (its properties: {', '.join(declared)})" if declared else " (it takes none)"
        complaints.append(f"{policy.name}: no property '{key}'{hint}{known}")
    return complaints


def reconcile_policy_config(
    info: AnalyzerInfo, policy_config: dict[str, Any]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The config the CLI sends: schema defaults, then the pack's initial config, then the user's.

    Returns policy name -> (enforcement level, properties) for every policy; raises
    PolicyConfigError listing every problem (unknown policy names, bad levels, schema violations).
    """
    known = {policy.name for policy in info.policies}
    unknown = sorted(set(policy_config) - known - {"all"})
    if unknown:
        raise PolicyConfigError(
            f"the policy pack '{info.name}' has no policies named {', '.join(unknown)}; "
            f"its policies are {', '.join(sorted(known))}"
        )
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for policy in info.policies:
        defaults = {
            key: schema["default"]
            for key, schema in policy.config_schema.get("properties", {}).items()
            if isinstance(schema, dict) and "default" in schema
        }
        result[policy.name] = (policy.enforcement_level, defaults)
    for layer in (info.initial_config, policy_config):
        if "all" in layer:
            all_level, _ = _split_config("all", layer["all"])
            if all_level is not None:
                result = {name: (all_level, props) for name, (_, props) in result.items()}
        for name, value in layer.items():
            if name == "all" or name not in result:
                continue
            level, properties = _split_config(name, value)
            old_level, old_properties = result[name]
            result[name] = (level or old_level, {**old_properties, **properties})
    import jsonschema  # type: ignore[import-untyped]  # 0.1 s: imported when a config is validated

    errors: list[str] = []
    for policy in info.policies:
        if policy.name in policy_config:
            _, properties = _split_config(policy.name, policy_config[policy.name])
            errors.extend(_unknown_properties(policy, properties))
            errors.extend(_control_characters(policy.name, properties))
    for policy in info.policies:
        schema = {"type": "object", **policy.config_schema}
        validator = jsonschema.Draft7Validator(schema)
        for error in sorted(validator.iter_errors(result[policy.name][1]), key=str):
            errors.append(f"{policy.name}: {error.message}")
    if errors:
        raise PolicyConfigError("the policy config is invalid: " + "; ".join(errors))
    return result


# --- the client --------------------------------------------------------------------------------


def _diagnostic(message: analyzer_pb2.AnalyzeDiagnostic, urn: str, pack_version: str) -> Diagnostic:
    return Diagnostic(
        policy_name=message.policyName,
        policy_pack_name=message.policyPackName,
        enforcement_level=ENFORCEMENT_LEVELS[message.enforcementLevel],
        message=message.message,
        urn=urn,
        description=message.description,
        severity=_SEVERITIES.get(message.severity, ""),
        policy_pack_version=pack_version or message.policyPackVersion,
    )


class AnalyzerClient:
    """Analyzer RPCs with the CLI's request shapes; one instance per running pack."""

    def __init__(
        self, stub: analyzer_pb2_grpc.AnalyzerStub, context: StackContext, *, pack_version: str = ""
    ) -> None:
        self._stub = stub
        self.context = context
        # Python packs always report 0.0.1; the CLI uses PulumiPolicy.yaml's version instead.
        self.pack_version = pack_version
        self.remediating = False  # some policy's level is remediate: Remediate can change something
        self.levels: dict[str, str] = {}  # each policy's level, as configure sent it

    def analyzer_info(self) -> AnalyzerInfo:
        info = self._stub.GetAnalyzerInfo(empty_pb2.Empty())
        policies = [
            PolicyInfo(
                name=policy.name,
                enforcement_level=ENFORCEMENT_LEVELS[policy.enforcementLevel],
                description=policy.description,
                policy_type=_POLICY_TYPES.get(policy.policy_type, ""),
                severity=_SEVERITIES.get(policy.severity, ""),
                config_schema=json_format.MessageToDict(policy.configSchema),
            )
            for policy in info.policies
        ]
        initial_config = {
            name: {
                "enforcementLevel": ENFORCEMENT_LEVELS[config.enforcementLevel],
                **json_format.MessageToDict(config.properties),
            }
            for name, config in info.initialConfig.items()
        }
        version = self.pack_version or info.version
        return AnalyzerInfo(info.name, version, policies, info.supportsConfig, initial_config)

    def plugin_info(self) -> str:
        return str(self._stub.GetPluginInfo(empty_pb2.Empty()).version)

    def handshake(self, pack_dir: Path) -> bool:
        """The CLI's first call; Python packs do not implement it, which the CLI accepts."""
        directory = str(pack_dir)
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address="127.0.0.1:1", root_directory=directory, program_directory=directory
        )
        try:
            self._stub.Handshake(request)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.UNIMPLEMENTED:
                return False
            raise
        return True

    def configure(self, policy_config: dict[str, Any]) -> None:
        """Send the reconciled config for every policy, as the CLI does after GetAnalyzerInfo.

        ``policy_config`` is the CLI's JSON: {"policy-name": "advisory"} or
        {"policy-name": {"enforcementLevel": "advisory", "param": 1}}, and "all" for every policy.
        """
        reconciled = reconcile_policy_config(self.analyzer_info(), policy_config)
        self.levels = {name: level for name, (level, _) in reconciled.items()}
        self.remediating = "remediate" in self.levels.values()
        request = analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={
                name: analyzer_pb2.PolicyConfig(
                    enforcementLevel=_LEVEL_VALUES[level],  # type: ignore[arg-type]
                    properties=to_struct(properties),
                )
                for name, (level, properties) in reconciled.items()
            }
        )
        self._stub.Configure(request)

    def configure_stack(
        self,
        *,
        project: str,
        stack: str,
        organization: str = "organization",
        dry_run: bool = True,
        config: dict[str, str] | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        self._stub.ConfigureStack(
            analyzer_pb2.AnalyzerStackConfigureRequest(
                project=project,
                stack=stack,
                organization=organization,
                dry_run=dry_run,
                config=config or {},
                tags=tags or {},
            )
        )
        self.context = StackContext(project, stack, dict(config or {}), organization)

    def analyze(self, resource: RecordedResource, resources: list[RecordedResource]) -> list[Diagnostic]:
        """Resource policies on one resource; ``resources`` resolves its explicit provider."""
        response = self._stub.Analyze(analyze_request(resource, resources, self.context))
        # The CLI reports every diagnostic of an Analyze call against the analyzed resource.
        return [_diagnostic(message, resource.urn, self.pack_version) for message in response.diagnostics]

    def remediate(
        self, resource: RecordedResource, resources: list[RecordedResource]
    ) -> tuple[RecordedResource, list[Remediation], list[Diagnostic]]:
        """Remediate, as the CLI sends it before Analyze: the resource with the remediated inputs.

        Each remediation in the response carries the whole property set after it (the SDK runs them in
        order, each on the previous one's result); a policy's changes are the differences to the one before.
        """
        response = self._stub.Remediate(analyze_request(resource, resources, self.context))
        values = dict(resource.inputs)
        current = to_wire(values)
        changes: list[Remediation] = []
        diagnostics: list[Diagnostic] = []
        for remediation in response.remediations:
            if remediation.diagnostic:
                diagnostics.append(
                    Diagnostic(
                        policy_name=remediation.policyName,
                        policy_pack_name=remediation.policyPackName,
                        enforcement_level="advisory",
                        message=remediation.diagnostic,
                        urn=resource.urn,
                        description=remediation.description,
                        policy_pack_version=self.pack_version or remediation.policyPackVersion,
                    )
                )
            if not remediation.HasField("properties"):
                continue
            after = json_format.MessageToDict(remediation.properties)
            for key in sorted(set(current) | set(after)):
                if current.get(key) != after.get(key):
                    name, new = remediation.policyName, from_wire(after[key]) if key in after else None
                    changes.append(
                        Remediation(name, remediation.policyPackName, resource.urn, key, values.get(key), new)
                    )
                    values[key] = new
            current = after
        return apply_remediations(resource, changes), changes, diagnostics

    def analyze_stack(self, resources: list[RecordedResource]) -> list[Diagnostic]:
        """Stack policies over everything; diagnostics without a known URN go to the stack."""
        return self.send_analyze_stack(analyze_stack_request(resources, self.context))

    def send_analyze_stack(self, request: analyzer_pb2.AnalyzeStackRequest) -> list[Diagnostic]:
        """AnalyzeStack with a request built beforehand (the engine's share, which the CLI does in Go)."""
        urns = {resource.urn for resource in request.resources}
        response = self._stub.AnalyzeStack(request)
        return [
            _diagnostic(
                message, message.urn if message.urn in urns else self.context.stack_urn, self.pack_version
            )
            for message in response.diagnostics
        ]


class PolicyPackProcess:
    """Runs a policy pack as the CLI does; ``with`` yields a connected AnalyzerClient.

    The process is killed on exit; a pack that exits or stays silent at start raises
    PolicyPackStartError with its stderr.
    """

    def __init__(
        self,
        pack_dir: Path,
        *,
        project: str,
        stack: str,
        config: dict[str, str],
        dry_run: bool = True,
        python: str = sys.executable,
        organization: str = "organization",
        start_timeout: float = 60.0,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.context = StackContext(project, stack, dict(config), organization)
        self.dry_run = dry_run
        self.python = python
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr = bytearray()
        self._readers: list[threading.Thread] = []
        self.pack_version = ""

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PULUMI_CONFIG=json.dumps(self.context.config),
            PULUMI_PROJECT=self.context.project,
            PULUMI_STACK=self.context.stack,
            PULUMI_ORGANIZATION=self.context.organization,
            PULUMI_DRY_RUN="true" if self.dry_run else "false",
        )
        return env

    def _read_stdout(self, stream: Any) -> None:
        for line in iter(stream.readline, b""):
            self._lines.put(line)
        self._lines.put(None)

    def _read_stderr(self, stream: Any) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            self._stderr.extend(chunk)
            del self._stderr[:-_STDERR_KEEP]

    @property
    def stderr(self) -> str:
        return self._stderr.decode(errors="replace")

    def _fail(self, reason: str) -> PolicyPackStartError:
        self._stop()
        return PolicyPackStartError(
            f"the policy pack in {self.pack_dir} {reason}; its stderr:\n{self.stderr.strip() or '(empty)'}"
        )

    def _wait_for_port(self) -> int:
        try:
            line = self._lines.get(timeout=self.start_timeout)
        except queue.Empty:
            raise self._fail(f"printed no port within {self.start_timeout:g} s") from None
        if line is None:
            self._join_readers()  # the process is gone: collect all it wrote to stderr
            raise self._fail("exited before printing its port")
        try:
            return int(line.strip())
        except ValueError:
            raise self._fail(f"printed {line!r} where its port was expected") from None

    def _load_policy_project(self) -> None:
        """Like the CLI, refuse a folder without a readable PulumiPolicy.yaml; keep its version."""
        path = self.pack_dir / "PulumiPolicy.yaml"
        try:
            project = read_yaml(path)
        except (OSError, yaml.YAMLError) as error:
            raise PolicyPackStartError(f"failed to load the Pulumi policy project {path}: {error}") from None
        version = project.get("version") if isinstance(project, dict) else None
        self.pack_version = str(version) if version is not None else ""

    def __enter__(self) -> AnalyzerClient:
        self._load_policy_project()
        command = [self.python, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."]
        self.process = subprocess.Popen(
            command,
            cwd=self.pack_dir,
            env=self._environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._readers = [
            threading.Thread(target=self._read_stdout, args=(self.process.stdout,), daemon=True),
            threading.Thread(target=self._read_stderr, args=(self.process.stderr,), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        try:
            return self._connect(self._wait_for_port())
        except BaseException:
            self._stop()  # never leave a pack running behind a failed start
            raise

    def _connect(self, port: int) -> AnalyzerClient:
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(self._channel).result(timeout=self.start_timeout)
        except grpc.FutureTimeoutError:
            raise self._fail(f"did not accept connections on port {port}") from None
        stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        client = AnalyzerClient(stub, self.context, pack_version=self.pack_version)
        client.handshake(self.pack_dir)
        return client

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _join_readers(self) -> None:
        for reader in self._readers:
            reader.join(timeout=5)

    def _stop(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()  # the pack blocks in a sleep loop; nothing to flush
            self.process.wait(timeout=10)
            self._join_readers()
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()


def apply_remediations(resource: RecordedResource, remediations: list[Remediation]) -> RecordedResource:
    """``resource`` with the remediated properties set (removed when a remediation dropped one).

    A remediation applies only while the property still holds the value it fixed: ``up`` runs the program
    again and applies what the preview's remediations changed, as the CLI would remediate the same inputs.
    """
    inputs, outputs = dict(resource.inputs), dict(resource.outputs)
    changed = False
    for remediation in remediations:
        if remediation.urn != resource.urn or to_wire(inputs.get(remediation.property)) != to_wire(
            remediation.old
        ):
            continue
        changed = True
        for properties in (inputs, outputs):
            if remediation.new is None:
                properties.pop(remediation.property, None)
            else:
                properties[remediation.property] = remediation.new
    return dataclasses.replace(resource, inputs=inputs, outputs=outputs) if changed else resource


def run_analysis(
    client: AnalyzerClient,
    recording: Recording,
    *,
    policy_config: dict[str, Any] | None = None,
    dry_run: bool = True,
) -> list[Diagnostic]:
    """The CLI's calls for one preview or update on a running pack; returns all diagnostics."""
    return analyze_and_remediate(client, recording, policy_config=policy_config, dry_run=dry_run).diagnostics


def analyze_and_remediate(
    client: AnalyzerClient,
    recording: Recording,
    *,
    policy_config: dict[str, Any] | None = None,
    dry_run: bool = True,
) -> Analysis:
    """The CLI's calls for one preview or update on a running pack.

    ConfigureStack, Configure (schema defaults plus ``policy_config``), then for every resource the engine
    registers (stack, default providers, the program's resources), in registration order, Remediate (when
    some policy is set to remediate; the CLI sends it always, it changes nothing otherwise) and Analyze on
    the remediated inputs, then AnalyzeStack once over the remediated stack. The pack must run with the
    recording's stack config (PULUMI_CONFIG). The program itself ran before and saw its own values.
    """
    context = StackContext(recording.project, recording.stack, dict(recording.config))
    client.configure_stack(
        project=context.project, stack=context.stack, dry_run=dry_run, config=context.config
    )
    client.configure(policy_config or {})
    everything = engine_resources(recording.resources, context)
    diagnostics: list[Diagnostic] = []
    remediations: list[Remediation] = []
    for index, resource in enumerate(everything):
        if client.remediating:
            resource, changes, failures = client.remediate(resource, everything)
            everything[index] = resource
            remediations.extend(changes)
            diagnostics.extend(failures)
        diagnostics.extend(client.analyze(resource, everything))
    by_urn = {resource.urn: resource for resource in everything}
    remediated = dataclasses.replace(
        recording, resources=[by_urn.get(resource.urn, resource) for resource in recording.resources]
    )
    diagnostics.extend(client.analyze_stack(remediated.resources))
    return Analysis(diagnostics, remediations, remediated)
