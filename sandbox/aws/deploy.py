"""``up``'s engine side: back the program's resources with real moto resources, then save the outputs.

``MotoFactory`` is a ``run_program`` factory: called once per custom resource with its resolved
inputs, it creates the resource through the handler for its type (``motoresources``) and returns the
physical id and computed outputs, so real ids flow to dependent resources.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..engine.program import ProgramError, RecordedResource, Recording, run_program
from ..stackconfig import StackFiles
from .clients import AwsClients
from .handlers import HANDLERS, MotoContext, reveal
from .teardown import Deployed, Teardown, delete_deployed


class UnsupportedResourceError(Exception):
    """The sandbox cannot create this resource type in moto."""


def unsupported_types(resources: list[RecordedResource]) -> list[str]:
    """Custom resource types in a recording that ``up`` cannot create, so it fails before creating any."""
    return sorted({r.type for r in resources if r.custom and r.type not in HANDLERS})


Created = Deployed  # what up created, in creation order


class DeployStoppedError(Exception):
    """A resource was asked for after the run was stopped and its resources deleted."""


class DeployInterruptedError(Exception):
    """Ctrl-C during ``up``: what the run had created was deleted (``teardown`` says what)."""

    def __init__(self, teardown: Teardown) -> None:
        super().__init__("interrupted")
        self.teardown = teardown


@dataclass
class MotoFactory:
    clients: AwsClients
    created: list[Created] = field(default_factory=list)
    # new_resource runs on several executor threads; moto and our bookkeeping want one at a time.
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopped: bool = False

    def __post_init__(self) -> None:
        self.context = MotoContext(self.clients)

    def __call__(self, resource: RecordedResource) -> tuple[str, dict[str, Any]]:
        handler = HANDLERS.get(resource.type)
        if handler is None:
            raise UnsupportedResourceError(
                f"the sandbox cannot create {resource.type} ('{resource.name}') in moto; "
                "add a handler in sandbox/aws/handlers/ (a module per service)"
            )
        resource = replace(resource, inputs=reveal(resource.inputs))
        with self._lock:
            if self._stopped:
                raise DeployStoppedError(f"the deployment was stopped before {resource.name} was created")
            region = self._region_of(resource)
            id_, outputs = handler(self.context, resource, region)
            self.created.append(Created(resource.urn, resource.type, id_, region))
        return id_, {"id": id_, **outputs}

    def roll_back(self) -> Teardown:
        """Stop creating and delete what this run created, newest first."""
        with self._lock:
            self._stopped = True
            return delete_deployed(self.clients, self.created)

    def _region_of(self, resource: RecordedResource) -> str:
        explicit = resource.inputs.get("region")
        if isinstance(explicit, str) and explicit:
            return explicit
        provider_urn = resource.provider.rsplit("::", 1)[0] if resource.provider else ""
        return self.context.provider_regions.get(provider_urn, self.clients.region)


@dataclass
class DeployResult:
    recording: Recording | None  # None when the deploy failed
    created: list[Created]
    error: str = ""
    rolled_back: Teardown | None = None  # after a failure: what was deleted again


def deploy_stack(
    stack: StackFiles,
    program_dir: Path,
    clients: AwsClients,
    *,
    prepare: Callable[[RecordedResource], RecordedResource] | None = None,
) -> DeployResult:
    """Run the program again, this time with every custom resource created in moto.

    ``prepare`` turns the program's resource into the one to create (the policy pack's remediations).
    A failure deletes what the run created (``rolled_back``); Ctrl-C does too, then raises
    DeployInterruptedError. Nothing is left half-deployed.
    """
    moto_factory = MotoFactory(clients)
    factory = moto_factory if prepare is None else (lambda resource: moto_factory(prepare(resource)))
    try:
        recording = run_program(
            program_dir,
            project=stack.project,
            stack=stack.stack,
            config=stack.config,
            preview=False,
            factory=factory,
            aws=lambda region: clients,  # the program's lookups read the moto it deploys into
        )
    except ProgramError as error:
        cause = error.__cause__
        message = str(cause) if isinstance(cause, UnsupportedResourceError) else str(error)
        return DeployResult(
            None, list(moto_factory.created), error=message, rolled_back=moto_factory.roll_back()
        )
    except KeyboardInterrupt:
        raise DeployInterruptedError(moto_factory.roll_back()) from None
    return DeployResult(recording, moto_factory.created)


def planned_endpoint_policies(recording: Recording) -> dict[str, str | None]:
    """Each VPC endpoint's id and the policy the program gave it (None: AWS's full-access default)."""
    return {
        resource.id: policy if isinstance(policy := resource.inputs.get("policy"), str) and policy else None
        for resource in recording.resources
        if resource.type == "aws:ec2/vpcEndpoint:VpcEndpoint" and resource.id
    }


def save_state(path: Path, stack: StackFiles, result: DeployResult, endpoint_url: str | None) -> None:
    """The stack's outputs and resource ids, for a later ``verify`` against the same moto_server."""
    assert result.recording is not None
    state = {
        "project": stack.project,
        "stack": stack.stack,
        "region": stack.region,
        "endpointUrl": endpoint_url,
        "outputs": result.recording.outputs,
        "endpointPolicies": planned_endpoint_policies(result.recording),
        "resources": [{"urn": c.urn, "type": c.type, "id": c.id, "region": c.region} for c in result.created],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=2, default=str) + "\n")
