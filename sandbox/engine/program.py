"""Run a Pulumi program as the Pulumi CLI does, offline, and record every resource registration.

This is the sandbox's engine: the program runs in its own Python process and virtualenv
(``sandbox.engine.launcher``) and talks gRPC to a resource monitor and engine served here
(``sandbox.engine.monitor``), which answer invokes from ``AwsData`` (strictly: an unknown invoke
fails the run) and keep the full RegisterResource request of each resource, as the CLI would hand
it to a policy pack.
"""

from pathlib import Path

from .autonames import DEFAULT_SEED
from .awsdata import AwsData, ClientsFactory
from .launcher import DEFAULT_TIMEOUT_S, LaunchError, program_python, run_host
from .monitor import EngineState, serving
from .recording import (
    LogMessage,
    ProgramError,
    RecordedResource,
    Recording,
    RemoteComponentError,
    ResourceFactory,
    mock_id,
    remote_component_message,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

__all__ = [
    "LogMessage",
    "ProgramError",
    "RecordedResource",
    "Recording",
    "RemoteComponentError",
    "ResourceFactory",
    "mock_id",
    "run_program",
]


def run_program(
    program_dir: Path,
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    preview: bool = True,
    factory: ResourceFactory | None = None,
    seed: int = DEFAULT_SEED,
    allow_remote_components: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
    aws: ClientsFactory | None = None,
) -> Recording:
    """Run the program in ``program_dir`` as ``pulumi preview`` (or ``up``) would, and record it.

    ``config`` holds fully qualified keys ("aws:region", "ecs-privatelink:azCount") with string
    values, as the CLI passes them. ``seed`` fixes the random part of auto-names, so repeated runs
    give the same names. Raises ProgramError when the program fails or does not finish within
    ``timeout`` seconds, and RemoteComponentError when it registered multi-language components
    (whose children nothing builds offline) unless ``allow_remote_components``. ``aws`` gives the
    clients the program's lookups read (``up``: the moto it deploys into); else an in-process moto.
    """
    program_dir = program_dir.resolve()
    data = AwsData(default_region=config.get("aws:region", "us-east-1"), clients_factory=aws)
    state = EngineState(project=project, stack=stack, aws=data, preview=preview, seed=seed, factory=factory)
    try:
        python = program_python(program_dir)
    except LaunchError as error:
        raise ProgramError(str(error), []) from None
    with serving(state) as address:
        finished = run_host(
            program_dir,
            python=python,
            project=project,
            stack=stack,
            config=dict(config),
            preview=preview,
            address=address,
            python_path=shared_packages(program_dir),
            timeout=timeout,
        )
    resources = state.snapshot()
    if finished.returncode != 0:
        # As the CLI: an error the engine answered with (an unanswered invoke, a failed Check) is the
        # run's failure; the program's own exception is then only its consequence.
        if state.engine_errors:
            raise ProgramError(state.engine_errors[0], resources)
        raise ProgramError(finished.message, resources, finished.stderr)
    remote = [resource.type for resource in resources if resource.remote]
    if remote and not allow_remote_components:
        raise RemoteComponentError(remote_component_message(remote), resources)
    logs = list(state.logs) + [LogMessage("info", line) for line in finished.stdout.splitlines()]
    # Allowed, they are still never silent: one warning per component, on the component.
    logs += [LogMessage("warning", remote_component_message([r.type]), r.urn) for r in resources if r.remote]
    return Recording(project, stack, dict(config), resources, dict(state.outputs), list(data.calls), logs)


def shared_packages(program_dir: Path) -> list[Path]:
    """Directories on the program's PYTHONPATH (after its own directory, which runpy puts first).

    A program inside this repository (the test corpora, sandbox/tools/fleet_program) imports the
    repository's packages, as a monorepo's programs would have them installed in their venv; a
    program anywhere else gets nothing of the sandbox's.
    """
    return [REPO_ROOT] if program_dir != REPO_ROOT and program_dir.is_relative_to(REPO_ROOT) else []
