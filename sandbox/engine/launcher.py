"""Start a Pulumi program in its own Python process, as the Pulumi CLI does, and wait for it.

Which Python: ``Pulumi.yaml``'s ``runtime.options.virtualenv`` (relative to the program
directory), created from ``requirements.txt`` when missing (toolchain pip only); without that
option, the sandbox's own interpreter (``sys.executable``). The program gets the sandbox's
environment less PYTHONPATH (so nothing of the sandbox is importable unless its venv has it), its
config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS, and the program directory as working
directory.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..yamlfiles import read_yaml

LANGHOST = Path(__file__).with_name("langhost.py")
# Named without .py so that nothing in its directory is importable by the program.
HOST_SCRIPT_NAME = "sandbox-language-python-exec"
DEFAULT_TIMEOUT_S = 600.0
PIP_TAIL_LINES = 15


class LaunchError(Exception):
    """The program could not be started (its Python or virtualenv); the message is one line or pip's tail."""


@dataclass(frozen=True)
class Finished:
    """How the program process ended."""

    returncode: int
    stdout: str
    stderr: str
    message: str  # the failure's one-line message from the language host, "" on success


def runtime_options(program_dir: Path) -> dict[str, Any]:
    """``runtime.options`` of the program's Pulumi.yaml ({} when runtime is just "python")."""
    path = program_dir / "Pulumi.yaml"
    if not path.is_file():
        return {}
    try:
        project = read_yaml(path) or {}
    except yaml.YAMLError as error:
        raise LaunchError(f"cannot read {path}: {error}") from None
    runtime = project.get("runtime") if isinstance(project, dict) else None
    options = runtime.get("options") if isinstance(runtime, dict) else None
    return options if isinstance(options, dict) else {}


def program_python(program_dir: Path) -> str:
    """The interpreter the program runs under; creates its virtualenv from requirements.txt if needed."""
    options = runtime_options(program_dir)
    toolchain = options.get("toolchain", "pip")
    if toolchain != "pip":
        raise LaunchError(
            f"Pulumi.yaml runtime.options.toolchain is {toolchain}: the offline engine runs pip virtualenvs "
            "only; set toolchain: pip (or leave it out) and point virtualenv at a pip-made one"
        )
    virtualenv = options.get("virtualenv")
    if not virtualenv:
        return sys.executable
    venv = program_dir / str(virtualenv)
    python = venv / "bin" / "python"
    if not python.exists():
        create_virtualenv(venv, program_dir / "requirements.txt")
    return str(python)


def create_virtualenv(venv: Path, requirements: Path) -> None:
    if not requirements.is_file():
        raise LaunchError(
            f"the program's virtualenv {venv} does not exist and there is no {requirements.name} "
            "to create it from"
        )
    print(
        f"Creating the program's virtualenv {venv} from {requirements.name} ...", file=sys.stderr, flush=True
    )
    started = time.monotonic()
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-r",
            str(requirements),
        ],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)  # a half-made venv would be taken as ready next time
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-PIP_TAIL_LINES:])
            raise LaunchError(f"creating the virtualenv {venv} failed ({' '.join(step[-3:])}):\n{tail}")
    print(f"Created {venv} in {time.monotonic() - started:.1f} s.", file=sys.stderr, flush=True)


def run_host(
    program_dir: Path,
    *,
    python: str,
    project: str,
    stack: str,
    config: dict[str, str],
    preview: bool,
    address: str,
    python_path: list[Path],
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Finished:
    """Run the language host on ``program_dir`` against the services at ``address``, for ``timeout`` s."""
    with tempfile.TemporaryDirectory(prefix="sandbox-langhost-") as scratch:
        host = Path(scratch) / HOST_SCRIPT_NAME
        shutil.copyfile(LANGHOST, host)
        result = Path(scratch) / "result.json"
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        if python_path:
            env["PYTHONPATH"] = os.pathsep.join(str(path) for path in python_path)
        env["PULUMI_CONFIG"] = json.dumps(config)
        env["PULUMI_CONFIG_SECRET_KEYS"] = "[]"  # none: the stack loader refuses `secure:` values
        command = [
            python,
            str(host),
            f"--project={project}",
            f"--stack={stack}",
            f"--dry_run={'true' if preview else 'false'}",
            f"--monitor={address}",
            f"--engine={address}",
            f"--pwd={program_dir}",
            f"--result={result}",
            str(program_dir),
        ]
        process = subprocess.Popen(
            command,
            cwd=program_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, so a timeout ends its children too
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            message = f"the program did not finish within {timeout:g} s and was stopped"
            return Finished(-signal.SIGKILL, stdout, stderr, message)
        finally:
            if process.poll() is None:  # interrupted while waiting
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        message = ""
        if process.returncode != 0:
            message = json.loads(result.read_text())["message"] if result.is_file() else last_line(stderr)
        return Finished(process.returncode, stdout, stderr, message)


def last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "the program's Python exited without a message"
