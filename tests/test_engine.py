"""The offline engine runs a program as the Pulumi CLI does: in its own process and Python, over gRPC."""

import importlib.metadata
import textwrap
from pathlib import Path

import pytest

from sandbox.engine.program import ProgramError, RemoteComponentError, run_program
from sandbox.engine.recording import LogMessage, Recording
from sandbox.sdk_private import (
    CHECKED_MOTO_VERSION,
    CHECKED_PULUMI_VERSION,
    announced_resource,
    dict_to_struct,
    moto_mock_running,
    struct_to_dict,
)

CONFIG = {"aws:region": "us-east-1"}


def write_program(directory: Path, body: str, pulumi_yaml: str = "name: engine\nruntime: python\n") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(pulumi_yaml)
    (directory / "__main__.py").write_text(textwrap.dedent(body))
    return directory


def run(program: Path, *, allow_remote_components: bool = False, timeout: float = 600) -> Recording:
    return run_program(
        program,
        project="engine",
        stack="dev",
        config=CONFIG,
        allow_remote_components=allow_remote_components,
        timeout=timeout,
    )


def test_the_program_imports_its_own_components_package_and_nothing_of_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))  # not passed on
    program = write_program(
        tmp_path / "program",
        """
        import importlib.util
        import os

        import pulumi
        import components

        pulumi.export("components", components.WHOSE)
        pulumi.export("sandbox", importlib.util.find_spec("sandbox") is not None)
        pulumi.export("cwd", os.getcwd())
        pulumi.export("config", pulumi.Config("aws").get("region"))
        """,
    )
    (program / "components").mkdir()
    (program / "components" / "__init__.py").write_text('WHOSE = "the program\'s"\n')
    recording = run_program(program, project="engine", stack="dev", config=CONFIG)
    assert recording.outputs == {
        "components": "the program's",
        "sandbox": False,
        "cwd": str(program.resolve()),
        "config": "us-east-1",
    }


def test_a_failing_program_gives_its_exception_and_its_own_traceback(tmp_path: Path) -> None:
    program = write_program(
        tmp_path,
        """
        import pulumi

        def check(size):
            raise ValueError(f"size {size} is too big")

        check(7)
        """,
    )
    with pytest.raises(ProgramError) as failed:
        run(program)
    assert str(failed.value) == "size 7 is too big"
    main = program.resolve() / "__main__.py"
    assert failed.value.details == (
        "Program failed with an unhandled exception:\n"
        "Traceback (most recent call last):\n"
        f'  File "{main}", line 7, in <module>\n'
        "    check(7)\n"
        f'  File "{main}", line 5, in check\n'
        '    raise ValueError(f"size {size} is too big")\n'
        "ValueError: size 7 is too big\n"
    )


def test_log_messages_and_printed_lines_are_recorded(tmp_path: Path) -> None:
    program = write_program(
        tmp_path,
        """
        import pulumi

        pulumi.log.warn("no price for this Region")
        print("hello from the program")
        """,
    )
    assert run(program).logs == [
        LogMessage("warning", "no price for this Region"),
        LogMessage("info", "hello from the program"),
    ]


REMOTE_PROGRAM = """
import pulumi

vpc = pulumi.ComponentResource("awsx:ec2:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}, remote=True)
lb = pulumi.ComponentResource("awsx:lb:ApplicationLoadBalancer", "lb", {}, remote=True)
pulumi.export("vpc", vpc.urn)
"""


def test_remote_components_are_refused_naming_each_type_and_package(tmp_path: Path) -> None:
    with pytest.raises(RemoteComponentError) as refused:
        run(write_program(tmp_path, REMOTE_PROGRAM))
    assert str(refused.value) == (
        "awsx:ec2:Vpc from pulumi-awsx is built by its provider plugin, which is not available offline: "
        "the pack cannot see its children\n"
        "awsx:lb:ApplicationLoadBalancer from pulumi-awsx is built by its provider plugin, which is not "
        "available offline: the pack cannot see its children"
    )
    assert [(r.type, r.remote) for r in refused.value.resources] == [
        ("awsx:ec2:Vpc", True),
        ("awsx:lb:ApplicationLoadBalancer", True),
    ]


def test_remote_components_are_recorded_when_allowed_and_the_program_goes_on(tmp_path: Path) -> None:
    recording = run(write_program(tmp_path, REMOTE_PROGRAM), allow_remote_components=True)
    [vpc] = [
        r
        for r in recording.resources
        if r.urn == "urn:pulumi:dev::engine::pulumi:pulumi:Stack$awsx:ec2:Vpc::vpc"
    ]
    assert (vpc.remote, vpc.inputs) == (True, {"cidrBlock": "10.0.0.0/16"})
    assert recording.outputs == {"vpc": "urn:pulumi:dev::engine::pulumi:pulumi:Stack$awsx:ec2:Vpc::vpc"}


def test_an_unanswered_invoke_fails_the_run_with_one_line(tmp_path: Path) -> None:
    program = write_program(
        tmp_path,
        """
        import pulumi_aws as aws

        aws.ec2.get_vpc_peering_connection(id="pcx-1")
        """,
    )
    with pytest.raises(ProgramError) as failed:
        run(program)
    assert str(failed.value) == (
        "aws.ec2.get_vpc_peering_connection (aws:ec2/getVpcPeeringConnection:getVpcPeeringConnection) "
        "is not answered by the offline engine; see docs/offline-engine.md"
    )


def test_reading_an_existing_resource_is_refused(tmp_path: Path) -> None:
    program = write_program(tmp_path, "import pulumi_aws as aws\n\naws.ec2.Vpc.get('shared', 'vpc-123')\n")
    with pytest.raises(ProgramError) as failed:
        run(program)
    assert str(failed.value) == (
        "aws:ec2/vpc:Vpc shared: reading an existing resource (Vpc.get) is not emulated by the offline "
        "engine, whose account holds only what the program creates"
    )


def test_a_program_that_does_not_finish_is_stopped(tmp_path: Path) -> None:
    program = write_program(tmp_path, "import time\n\ntime.sleep(60)\n")
    with pytest.raises(ProgramError) as failed:
        run(program, timeout=2)
    assert str(failed.value) == "the program did not finish within 2 s and was stopped"


def test_a_toolchain_other_than_pip_is_refused_in_one_line(tmp_path: Path) -> None:
    yaml = "name: engine\nruntime:\n  name: python\n  options:\n    toolchain: uv\n"
    with pytest.raises(ProgramError) as failed:
        run(write_program(tmp_path, "import pulumi\n", yaml))
    assert str(failed.value) == (
        "Pulumi.yaml runtime.options.toolchain is uv: the offline engine runs pip virtualenvs only; set "
        "toolchain: pip (or leave it out) and point virtualenv at a pip-made one"
    )


def test_a_missing_virtualenv_without_requirements_is_refused(tmp_path: Path) -> None:
    yaml = "name: engine\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n"
    with pytest.raises(ProgramError) as failed:
        run(write_program(tmp_path, "import pulumi\n", yaml))
    assert str(failed.value) == (
        f"the program's virtualenv {tmp_path.resolve() / 'venv'} does not exist and there is no "
        "requirements.txt to create it from"
    )


def test_the_virtualenv_is_created_from_requirements_and_the_program_runs_in_it(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # Takes about a minute: pip installs pulumi (from its cache when it has it) into a fresh venv.
    yaml = "name: engine\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: .venv\n"
    program = write_program(
        tmp_path, "import sys\n\nimport pulumi\n\npulumi.export('prefix', sys.prefix)\n", yaml
    )
    (program / "requirements.txt").write_text(f"pulumi=={CHECKED_PULUMI_VERSION}\n")
    venv = program.resolve() / ".venv"
    assert run(program).outputs == {"prefix": str(venv)}
    said = capfd.readouterr().err
    assert f"Creating the program's virtualenv {venv} from requirements.txt ..." in said
    assert f"Created {venv} in " in said


def test_sdk_private_codec_is_pinned_to_the_checked_pulumi_version() -> None:
    # sandbox/sdk_private.py uses pulumi.runtime.rpc, which is not a documented API.
    assert importlib.metadata.version("pulumi") == CHECKED_PULUMI_VERSION
    values = {"name": "app", "ports": [80.0, 443.0], "tags": {"Name": "app"}}
    assert struct_to_dict(dict_to_struct(values), keep_unknowns=True) == values
    assert announced_resource(
        "registering resource: ty=aws:ec2/vpc:Vpc, name=main, custom=True, remote=False"
    ) == ("aws:ec2/vpc:Vpc", "main")


def test_sdk_private_moto_check_is_pinned_to_the_checked_moto_version() -> None:
    # moto has no public "is a mock running" call; sandbox/sdk_private.py reads MockAWS._nested_count.
    from moto import mock_aws

    assert importlib.metadata.version("moto") == CHECKED_MOTO_VERSION
    assert not moto_mock_running()
    with mock_aws():
        assert moto_mock_running()
    assert not moto_mock_running()


def test_resources_are_recorded_in_the_order_the_program_constructs_them(tmp_path: Path) -> None:
    # The later groups' inputs are ready first, so they reach the monitor first.
    program = write_program(
        tmp_path,
        """
        import time

        import pulumi
        import pulumi_aws as aws

        slow = pulumi.Output.from_input("a").apply(lambda v: time.sleep(0.5) or v)
        aws.ec2.SecurityGroup("first", description=slow)
        aws.ec2.SecurityGroup("second", description="b")
        aws.ec2.SecurityGroup("third", description="c")
        """,
    )
    assert [r.name for r in run(program).resources] == ["first", "second", "third"]
