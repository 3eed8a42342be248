"""``python -m sandbox COMMAND``: the Pulumi CLI's preview and up, offline, plus verify and the tools.

The commands are listed once, in ``COMMANDS``.

Exit codes: 0 all good; 1 a mandatory policy violation or a failed verify check; 2 the run itself
failed (bad config, program error, a resource type the sandbox cannot create).
"""

import argparse
import dataclasses
import importlib
import json
import re
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .analyzer import PolicyConfigError, PolicyPackStartError, apply_remediations
from .engine.program import ProgramError, Recording
from .messages import UserFixableError, shown
from .preview import PreviewResult, load_policy_config, preview_stack
from .report import (
    diagnostics_json,
    json_map,
    logs_json,
    pack_display_path,
    print_endpoint_reasons,
    print_outputs,
    print_preview_text,
    print_verdict,
    program_error_log,
    recording_json,
    remediations_json,
)
from .sdk_private import moto_mock_running
from .stackconfig import StackConfigError, StackFiles, load_stack_config
from .tools.cost import cost_section

# up and verify import boto3 (and moto) inside their commands: preview's time to verdict matters.

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ".sandbox"
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
MOTO_CONFIG: Any = {"iam": {"load_aws_managed_policies": True}}
# vpc- and 8 (before 2016) or 17 lowercase hex digits, as EC2 and moto name them.
_VPC_ID = re.compile(r"vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?")


class UsageError(Exception):
    """Something the user can fix on the command line or in the stack files."""


def _stack_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--stack", default="dev", help="stack name: reads Pulumi.<stack>.yaml (default dev)")
    command.add_argument("--program", type=Path, default=PROJECT_ROOT, help="program directory")
    command.add_argument("--json", action="store_true", help="machine-readable output")


def _pack_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--allow-remote-components",
        action="store_true",
        help="go on past multi-language components (awsx, ...) with a warning each; their children "
        "are built by provider plugins, which are not available offline",
    )
    _pack_location_options(command)


def _pack_location_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--policy-pack", type=Path, default=None, help="policy pack directory (default policypack)"
    )
    command.add_argument(
        "--policy-pack-config", type=Path, default=None, help="policy config JSON, CLI format"
    )


def _aws_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--endpoint-url", default=None, help="a running moto_server, e.g. http://127.0.0.1:5000"
    )
    command.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help=f"stack outputs saved by up (default {STATE_DIR}/<stack>.json)",
    )


def preview_arguments(command: argparse.ArgumentParser) -> None:
    _stack_options(command)
    _pack_options(command)


def up_arguments(command: argparse.ArgumentParser) -> None:
    _stack_options(command)
    _pack_options(command)
    _aws_options(command)


def verify_arguments(command: argparse.ArgumentParser) -> None:
    _stack_options(command)
    _pack_location_options(command)
    _aws_options(command)
    command.add_argument("--vpc-id", default=None, help="VPC to check (default: the vpcId in the state file)")
    command.add_argument("--region", default=None, help="AWS Region (default: the stack's aws:region)")
    command.add_argument(
        "--fix", action="store_true", help="restart stale ECS agents through SSM Run Command"
    )


def _pack_dir(args: argparse.Namespace) -> Path:
    # The organisation's pack applies to every stack, so the default is ours whatever --program says.
    pack = args.policy_pack or PROJECT_ROOT / "policypack"
    if not (pack / "PulumiPolicy.yaml").is_file():
        raise UsageError(f"{pack} is not a policy pack (no PulumiPolicy.yaml)")
    return Path(pack)


def _state_path(args: argparse.Namespace) -> Path:
    return Path(args.state_file or Path(args.program) / STATE_DIR / f"{args.stack}.json")


def _run_preview(args: argparse.Namespace, stack: StackFiles, aws: Any = None) -> PreviewResult:
    policy_config = load_policy_config(args.policy_pack_config)
    return preview_stack(
        stack,
        args.program,
        _pack_dir(args),
        policy_config=policy_config,
        allow_remote_components=args.allow_remote_components,
        aws=aws,
    )


PREVIEW_SCHEMA_VERSION = 1  # docs/preview.schema.json


def _preview_exit_code(result: PreviewResult) -> int:
    if result.error:
        return EXIT_ERROR
    return EXIT_FAILED if result.mandatory else EXIT_OK


def _preview_json(result: PreviewResult, pack_path: str = "") -> dict[str, Any]:
    """The ``preview --json`` document; its contract is docs/preview.schema.json."""
    recording = result.recording
    levels = [d.enforcement_level for d in result.diagnostics]
    pack = result.pack
    return {
        "schemaVersion": PREVIEW_SCHEMA_VERSION,
        "project": result.stack.project,
        "stack": result.stack.stack,
        "error": result.error or None,
        "plan": recording_json(recording) if recording else None,
        "policyPack": (
            {"name": pack.name, "version": pack.version, "path": pack_path, "policies": len(pack.policies)}
            if pack
            else None
        ),
        "diagnostics": diagnostics_json(result.diagnostics),
        "remediations": remediations_json(result.remediations),
        "logs": logs_json(recording.logs) if recording else [],
        # The stack counts as a resource to create, as the CLI counts it.
        "resourcesToCreate": len(recording.resources) + 1 if recording else 0,
        "mandatoryViolations": levels.count("mandatory"),
        "advisoryViolations": levels.count("advisory"),
        "exitCode": _preview_exit_code(result),
    }


def _print_preview(result: PreviewResult, out: TextIO, pack_path: str = "") -> None:
    """The CLI-shaped preview, then the project's own sections: the endpoints' reasons and the cost."""
    recording = result.recording
    if result.error:
        # Nothing was recorded, or only part of it: the tree holds what there is, the error is the stack's.
        shown = recording or Recording(result.stack.project, result.stack.stack, {}, [], {}, [])
        shown = dataclasses.replace(shown, logs=[*shown.logs, program_error_log(result.error)])
        print_preview_text(shown, result.diagnostics, result.pack, out, pack_path=pack_path, failed=True)
        return
    assert recording is not None
    print_preview_text(
        recording, result.diagnostics, result.pack, out, pack_path=pack_path, remediations=result.remediations
    )
    print_endpoint_reasons(recording, out)
    out.write(cost_section(recording) + "\n")
    if result.pack is not None:
        out.write("\n")
        print_verdict(result.diagnostics, result.pack, out)


def _pack_path(args: argparse.Namespace) -> str:
    return pack_display_path(_pack_dir(args))


def cmd_preview(args: argparse.Namespace, out: TextIO) -> int:
    result = _run_preview(args, load_stack_config(args.program, args.stack))
    if args.json:
        json.dump(_preview_json(result, _pack_path(args)), out, indent=2)
        out.write("\n")
    else:
        _print_preview(result, out, _pack_path(args))
    return _preview_exit_code(result)


def _moto(endpoint_url: str | None) -> AbstractContextManager[Any]:
    if endpoint_url:
        return nullcontext()
    from moto import mock_aws  # imported here: preview and verify against AWS never need it

    if moto_mock_running():
        return nullcontext()  # a caller (a test session) already runs moto: use it, config and all
    # AWS managed policies are loaded because the program can attach them (instanceRolePolicy managed,
    # ssmManagedInstances).
    return mock_aws(config=MOTO_CONFIG)


def cmd_up(args: argparse.Namespace, out: TextIO) -> int:
    from .aws.clients import checked_endpoint_url, checked_region

    stack = load_stack_config(args.program, args.stack)
    if args.endpoint_url:
        checked_endpoint_url(args.endpoint_url)
        checked_region(stack.region, f"aws:region in Pulumi.{stack.stack}.yaml")
    # One embedded AWS for the whole run: the preview's lookups see what the deploy will use.
    with _moto(args.endpoint_url):
        return _up(args, stack, out)


def _up(args: argparse.Namespace, stack: StackFiles, out: TextIO) -> int:
    from .aws.clients import AwsClients
    from .aws.deploy import (
        DeployInterruptedError,
        deploy_stack,
        planned_endpoint_policies,
        save_state,
        unsupported_types,
    )
    from .aws.verify import print_verify, settings_from_stack, stack_promise, verify_vpc

    clients = AwsClients(stack.region, endpoint_url=args.endpoint_url, moto=True)
    if args.endpoint_url:  # before the preview reads it and the deploy writes to it
        clients.check_answers()
    result = _run_preview(args, stack, aws=lambda region: clients)
    summary: dict[str, Any] = {
        "preview": _preview_json(result, _pack_path(args)),
        "deploy": None,
        "verify": None,
    }
    text = not args.json
    if text:
        _print_preview(result, out, _pack_path(args))

    def finish(code: int, message: str = "") -> int:
        if message:
            summary["message"] = message
        if args.json:
            json.dump(summary, out, indent=2, default=str)
            out.write("\n")
        elif message:
            out.write(f"\n{message}\n")
        return code

    if result.error:
        return finish(EXIT_ERROR, "Nothing was created: the program failed.")
    if result.mandatory:
        return finish(
            EXIT_FAILED, f"Nothing was created: {len(result.mandatory)} mandatory policy violation(s)."
        )
    assert result.recording is not None
    unsupported = unsupported_types(result.recording.resources)
    if unsupported:
        return finish(
            EXIT_ERROR,
            "Nothing was created: the sandbox cannot create these types in moto: " + ", ".join(unsupported),
        )

    if args.endpoint_url:
        replaced = _replace_previous(args, stack, clients)
        if replaced and text:
            out.write(f"\n{replaced}\n")
    remediations = result.remediations
    try:
        # What the preview's remediations changed is what gets created, as the CLI remediates first.
        deployed = deploy_stack(
            stack,
            args.program,
            clients,
            prepare=lambda resource: apply_remediations(resource, remediations),
        )
    except DeployInterruptedError as interrupted:
        return finish(EXIT_ERROR, "Interrupted: " + _rollback_text(interrupted.teardown))
    summary["deploy"] = {
        "created": [{"type": c.type, "id": c.id, "urn": c.urn} for c in deployed.created],
        "outputs": json_map(deployed.recording.outputs) if deployed.recording else None,
        "error": deployed.error or None,
    }
    if deployed.recording is None:
        rolled_back = _rollback_text(deployed.rolled_back) if deployed.rolled_back else ""
        return finish(
            EXIT_ERROR,
            f"Deploy failed after {len(deployed.created)} resource(s): {deployed.error}\n{rolled_back}",
        )
    if text:
        where = args.endpoint_url or "in-process moto"
        out.write(f"\nDeployed {len(deployed.created)} resources into {where}.\n\n")
        print_outputs(deployed.recording.outputs, out)
    if args.endpoint_url:  # in-process moto's state ends with this process: nothing to keep
        save_state(_state_path(args), stack, deployed, args.endpoint_url)
        if text:
            out.write(f"Saved the stack outputs to {_state_path(args)}.\n")
    vpc_id = deployed.recording.outputs.get("vpcId")
    if not isinstance(vpc_id, str):
        return finish(EXIT_ERROR, "The program exports no vpcId; nothing to verify.")
    report = verify_vpc(
        clients,
        vpc_id,
        pack_dir=_pack_dir(args),
        project=stack.project,
        stack=stack.stack,
        settings=settings_from_stack(stack),
        user_config=load_policy_config(args.policy_pack_config),
        promise=stack_promise(deployed.recording.outputs, planned_endpoint_policies(deployed.recording)),
    )
    summary["verify"] = report.to_json()
    if text:
        print_verify(report, out)
    return finish(EXIT_OK if report.passed else EXIT_FAILED)


def _rollback_text(teardown: Any, whose: str = "this run created") -> str:
    """What a rollback did, for the user: deleted count, and each resource left behind."""
    text = f"deleted the {len(teardown.deleted)} resource(s) {whose}, newest first."
    if teardown.failures:
        text += " Left behind (delete by hand): " + "; ".join(teardown.failures)
    return text


def _replace_previous(args: argparse.Namespace, stack: StackFiles, clients: Any) -> str:
    """A second ``up`` of a stack into the same moto_server replaces the first, never duplicates it."""
    from .aws.teardown import as_deployed, delete_deployed

    path = _state_path(args)
    if not path.is_file():
        return ""
    state = _read_state(path)
    if state.get("endpointUrl") != args.endpoint_url or state.get("stack") != stack.stack:
        return ""
    teardown = delete_deployed(clients, as_deployed(state.get("resources") or []))
    path.unlink()
    message = (
        f"Replacing the deployment of stack {stack.stack} recorded in {path} "
        f"(VPC {state['outputs'].get('vpcId')}): {_rollback_text(teardown, 'it had')}"
    )
    if teardown.failures:
        raise UsageError(message)
    return message


def destroy_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--stack", default="dev", help="stack name (default dev)")
    command.add_argument("--program", type=Path, default=PROJECT_ROOT, help="program directory")
    _aws_options(command)


def cmd_destroy(args: argparse.Namespace, out: TextIO) -> int:
    """Delete the deployment recorded in the state file, newest resource first, then the file."""
    from .aws.clients import AwsClients, aws_errors, checked_endpoint_url, checked_region
    from .aws.teardown import delete_deployed

    path = _state_path(args)
    if not path.is_file():
        raise UsageError(f"no deployment of stack {args.stack} is recorded ({path} does not exist)")
    state = _read_state(path)
    resources = _state_resources(state, path)
    if args.endpoint_url:
        endpoint_url = checked_endpoint_url(args.endpoint_url)
    elif isinstance(state.get("endpointUrl"), str):
        endpoint_url = checked_endpoint_url(state["endpointUrl"], f"the state file {path}: endpointUrl")
    else:
        raise UsageError(
            f"the state file {path} records no endpointUrl; give --endpoint-url of its moto_server"
        )
    region = checked_region(str(state.get("region") or "us-east-1"), f"the state file {path}: region")
    clients = AwsClients(region, endpoint_url=endpoint_url, moto=True)
    clients.check_answers()
    with aws_errors(clients):
        teardown = delete_deployed(clients, resources)
    if teardown.failures:
        out.write(f"Destroy of stack {args.stack} incomplete: {_rollback_text(teardown, 'it had')}\n")
        return EXIT_ERROR
    path.unlink()
    done = _rollback_text(teardown, "it had")
    out.write(f"Destroyed stack {args.stack} in {endpoint_url}: {done} Removed {path}.\n")
    return EXIT_OK


@dataclass(frozen=True)
class VerifyTarget:
    vpc_id: str
    region: str
    endpoint_url: str | None
    state: dict[str, Any] | None  # what up saved, when the VPC comes from its state file


def _read_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text())
    except OSError as error:
        raise UsageError(f"cannot read the state file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"the state file {path} is not valid JSON: {error}; run `up` again") from None
    if not isinstance(state, dict):
        kind = type(state).__name__
        raise UsageError(
            f"the state file {path} holds a JSON {kind}, not the object `up` writes; run `up` again"
        )
    if not isinstance(state.get("outputs"), dict):
        raise UsageError(f"the state file {path} holds no stack outputs; run `up` again")
    return state


def _state_resources(state: dict[str, Any], path: Path) -> list[Any]:
    """The resources a state file records, each with the keys destroy needs."""
    from .aws.teardown import as_deployed

    items = state.get("resources") or []
    if not isinstance(items, list):
        raise UsageError(f"the state file {path}: resources is {shown(items)}, not a list; run `up` again")
    keys = ("urn", "type", "id", "region")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not all(isinstance(item.get(key), str) for key in keys):
            raise UsageError(
                f"the state file {path}: resources[{index}] is {shown(item)}; "
                f"each resource needs string {', '.join(keys)}; run `up` again"
            )
    return as_deployed(items)


def _checked_vpc_id(vpc_id: str, source: str) -> str:
    if not _VPC_ID.fullmatch(vpc_id):
        raise UsageError(
            f"{source} {shown(vpc_id)} is not a VPC id: allowed vpc- and 8 or 17 hex digits, "
            "e.g. vpc-0123456789abcdef0"
        )
    return vpc_id


def _verify_target(args: argparse.Namespace, stack: StackFiles) -> VerifyTarget:
    """The VPC, Region and endpoint URL from the flags, else from the state ``up`` saved."""
    from .aws.clients import checked_endpoint_url, checked_region

    region, endpoint_url, vpc_id = args.region, args.endpoint_url, args.vpc_id
    region_source = "--region" if region else f"aws:region in Pulumi.{stack.stack}.yaml"
    endpoint_source = "--endpoint-url"
    state = None
    if vpc_id is None:
        path = _state_path(args)
        if not path.is_file():
            raise UsageError(f"give --vpc-id, or deploy first with `up --endpoint-url ...` (no {path})")
        state = _read_state(path)
        vpc_id = state["outputs"].get("vpcId")
        if not isinstance(vpc_id, str):
            raise UsageError(f"the state file {path} has no vpcId output; give --vpc-id")
        vpc_id = _checked_vpc_id(vpc_id, f"the state file {path}: outputs.vpcId")
        if not region and state.get("region"):
            region, region_source = str(state["region"]), f"the state file {path}: region"
        if not endpoint_url and state.get("endpointUrl"):
            endpoint_url, endpoint_source = str(state["endpointUrl"]), f"the state file {path}: endpointUrl"
    else:
        vpc_id = _checked_vpc_id(vpc_id, "--vpc-id")
    region = checked_region(region or stack.region, region_source)
    if endpoint_url is not None:
        checked_endpoint_url(endpoint_url, endpoint_source)
    return VerifyTarget(vpc_id, region, endpoint_url, state)


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    from .aws.clients import AwsClients, aws_errors
    from .aws.discover import VpcNotFoundError
    from .aws.verify import print_verify, settings_from_stack, stack_promise, verify_vpc

    stack = load_stack_config(args.program, args.stack)
    target = _verify_target(args, stack)
    user_config = load_policy_config(args.policy_pack_config)
    # Against moto any credentials do; against AWS the default chain is used.
    moto = target.endpoint_url is not None
    clients = AwsClients(target.region, endpoint_url=target.endpoint_url, moto=moto)
    if moto:  # AWS itself needs no such check, and a host without an STS route could not make it
        clients.check_answers()
    try:
        with aws_errors(clients):
            report = verify_vpc(
                clients,
                target.vpc_id,
                pack_dir=_pack_dir(args),
                project=stack.project,
                stack=stack.stack,
                settings=settings_from_stack(stack),
                user_config=user_config,
                promise=(
                    stack_promise(target.state["outputs"], target.state.get("endpointPolicies") or {})
                    if target.state
                    else None
                ),
                fix=args.fix,
            )
    except VpcNotFoundError as error:
        raise UsageError(str(error)) from None
    if args.json:
        json.dump(report.to_json(), out, indent=2)
        out.write("\n")
    else:
        print_verify(report, out)
    return EXIT_OK if report.passed else EXIT_FAILED


@dataclass(frozen=True)
class Command:
    """A ``python -m sandbox`` command: ``module`` holds its two functions, imported only when it runs."""

    help: str
    module: str
    add_arguments: str = "add_arguments"  # (parser) -> None
    run: str = "run"  # (args, out) -> exit code

    def load(
        self,
    ) -> tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace, TextIO], int]]:
        module = importlib.import_module(self.module)
        return getattr(module, self.add_arguments), getattr(module, self.run)


COMMANDS = {
    "preview": Command("plan and policy verdicts, offline", __name__, "preview_arguments", "cmd_preview"),
    "up": Command("policy check, deploy into moto, then verify", __name__, "up_arguments", "cmd_up"),
    "verify": Command(
        "check a deployed VPC against C1-C11 and C15", __name__, "verify_arguments", "cmd_verify"
    ),
    "destroy": Command(
        "delete the deployment recorded in .sandbox/<stack>.json",
        __name__,
        "destroy_arguments",
        "cmd_destroy",
    ),
    "cost": Command("monthly cost beside a NAT gateway and the reference architecture", "sandbox.tools.cost"),
    "diagram": Command("architecture drawings of the stacks (SVG, PNG)", "sandbox.tools.diagram"),
    "bench": Command("how fast the guardrail answers, against its targets", "sandbox.tools.bench"),
}


def _parser(chosen: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="Preview a Pulumi program with a policy pack, deploy it into moto, verify a VPC.",
        epilog="Exit codes: 0 all good, 1 a mandatory violation or a failed check, 2 the run itself failed.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        subparser = subparsers.add_parser(name, help=command.help, description=command.help)
        if name == chosen:  # only the command that runs is imported
            add_arguments, run = command.load()
            add_arguments(subparser)
            subparser.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = out or sys.stdout  # looked up now, not at import: tests replace sys.stdout
    args = _parser(argv[0] if argv else None).parse_args(argv)
    if hasattr(args, "program"):
        args.program = Path(args.program).resolve()
    try:
        return int(args.run(args, out))
    except (
        UsageError,
        UserFixableError,
        StackConfigError,
        PolicyConfigError,
        PolicyPackStartError,
        ProgramError,
    ) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_ERROR
