"""``preview``: run the program under mocks and put the recorded plan through the policy pack.

The pack's process is started before the program runs so its start-up (a Python interpreter and
the policy modules) overlaps the program run; the verdicts arrive as soon as both are done.
"""

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analyzer import (
    AnalyzerClient,
    AnalyzerInfo,
    Diagnostic,
    PolicyConfigError,
    PolicyPackProcess,
    Remediation,
    analyze_and_remediate,
)
from .engine.awsdata import ClientsFactory
from .engine.program import ProgramError, Recording, run_program
from .stackconfig import StackConfigError, StackFiles, load_stack_config

MANDATORY = "mandatory"


def load_policy_config(path: Path | None) -> dict[str, Any] | None:
    """The CLI's policy config JSON (``{"policy": "mandatory"}``, ``{"policy": {...}}``, ``"all"``)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise PolicyConfigError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise PolicyConfigError(f"{path} is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise PolicyConfigError(f"{path} is not valid JSON: {error}") from None
    except RecursionError:
        raise PolicyConfigError(f"{path} nests objects or arrays too deeply to be a policy config") from None
    if not isinstance(data, dict):
        raise PolicyConfigError(f"{path} must hold a JSON object keyed by policy name")
    return data


@dataclass
class PreviewResult:
    stack: StackFiles
    recording: Recording | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str = ""  # the program failed: nothing to analyze
    pack: AnalyzerInfo | None = None  # the pack that gave the verdicts
    # What policies at level remediate changed; ``recording`` already holds the remediated inputs.
    remediations: list[Remediation] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.enforcement_level == MANDATORY]

    @property
    def exit_code(self) -> int:
        return 1 if self.error or self.mandatory else 0


def preview_stack(
    stack: StackFiles,
    program_dir: Path,
    pack_dir: Path | None,
    *,
    policy_config: dict[str, Any] | None = None,
    run: Callable[..., Recording] = run_program,
    allow_remote_components: bool = False,
    aws: ClientsFactory | None = None,
) -> PreviewResult:
    """Run the program in preview mode and, when ``pack_dir`` is given, analyze its recording.

    ``allow_remote_components`` goes on past multi-language components, whose children nothing
    builds offline (each gets a warning); without it they fail the run, naming each one. ``aws``:
    the clients the program's lookups read (``up`` passes the moto it deploys into).
    """
    with ExitStack() as cleanup:
        client_future: Future[AnalyzerClient] | None = None
        if pack_dir is not None:
            pack = PolicyPackProcess(
                pack_dir, project=stack.project, stack=stack.stack, config=stack.config, dry_run=True
            )
            # Unwound last to first: the starter thread is joined before the pack is stopped, so a
            # pack still starting when something fails cannot outlive this call.
            cleanup.callback(pack.__exit__, None, None, None)
            executor = cleanup.enter_context(ThreadPoolExecutor(max_workers=1))
            client_future = executor.submit(pack.__enter__)
        try:
            options: dict[str, Any] = {"allow_remote_components": True} if allow_remote_components else {}
            if aws is not None:
                options["aws"] = aws
            recording = run(
                program_dir,
                project=stack.project,
                stack=stack.stack,
                config=stack.config,
                preview=True,
                **options,
            )
        except ProgramError as error:
            return PreviewResult(stack, None, error=program_failure(error))
        if client_future is None:
            return PreviewResult(stack, recording)
        client = client_future.result()
        analysis = analyze_and_remediate(client, recording, policy_config=policy_config)
        return PreviewResult(
            stack,
            analysis.recording,
            analysis.diagnostics,
            pack=client.analyzer_info(),
            remediations=analysis.remediations,
        )


def program_failure(error: ProgramError) -> str:
    """What the user sees of a failed program: its traceback when it raised, else the one line."""
    traceback_at = error.details.find("Traceback (most recent call last):")
    return error.details[traceback_at:].strip() if traceback_at >= 0 else str(error)


def preview(
    program_dir: Path,
    stack_name: str,
    pack_dir: Path | None,
    *,
    policy_config: dict[str, Any] | None = None,
) -> PreviewResult:
    stack = load_stack_config(program_dir, stack_name)
    return preview_stack(stack, program_dir, pack_dir, policy_config=policy_config)


__all__ = [
    "MANDATORY",
    "PreviewResult",
    "StackConfigError",
    "load_policy_config",
    "preview",
    "preview_stack",
]
