"""Whole programs through `python -m sandbox preview --program DIR`: the shapes public programs have.

Each folder of tests/fixtures/engine is a complete Pulumi project (Pulumi.yaml with a pip virtualenv,
Pulumi.dev.yaml, requirements.txt, __main__.py, sometimes a local package), in the shape of a public
program its docstring names. The engine runs each in its own process and venv, which it makes from the
program's requirements.txt on the first preview (about a minute each), so the programs are copied once
per session into a temporary directory and every preview is run once and shared by the tests.
"""

import ast
import io
import json
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox import cli
from tests.corpus import ADVISORY_POLICIES, CLEAN, MANDATORY_POLICIES, Verdict, advisory, mandatory

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "engine"
ALLOW_REMOTE = "--allow-remote-components"
OPEN = "endpoint-policy-valid"  # endpoints without a policy allow everything (C12)
AWSX_COMPONENTS = ("awsx:ec2:Vpc", "awsx:ecs:FargateService")


@dataclass(frozen=True)
class EngineCase:
    program: str
    exit_code: int
    resources: int  # in the plan, the stack and providers (type "pulumi:…") left out
    expected: Verdict
    allow_remote: bool = False
    id: str = ""

    @property
    def name(self) -> str:
        return self.id or self.program

    @property
    def flags(self) -> tuple[str, ...]:
        return (ALLOW_REMOTE,) if self.allow_remote else ()


CASES = [
    EngineCase("random_suffix_nat_vpc", 0, 23, CLEAN),
    EngineCase(
        "local_components_private_vpc",
        1,
        16,
        mandatory("ecr-endpoints-for-private-images", advisory=(OPEN,)),
    ),
    EngineCase("default_vpc_lookup_fargate", 0, 9, CLEAN),
    EngineCase("policy_document_roles_isolated", 0, 21, advisory("ecr-pull-restricted-to-vpc")),
    EngineCase(
        "autonamed_log_group_no_logs_endpoint",
        1,
        17,
        mandatory("logs-endpoint-for-awslogs", advisory=(OPEN,)),
    ),
    EngineCase("awsx_vpc_fargate_service", 2, 0, CLEAN, id="awsx_vpc_fargate_service_refused"),
    EngineCase("awsx_vpc_fargate_service", 0, 4, CLEAN, allow_remote=True),
    EngineCase("lambda_runs_fargate_task", 0, 10, CLEAN),
]


@dataclass(frozen=True)
class Run:
    exit_code: int
    output: dict[str, Any]  # the --json document
    stderr: str

    @property
    def plan_resources(self) -> list[dict[str, Any]]:
        plan = self.output.get("plan") or {}
        return [r for r in plan.get("resources", []) if not r["type"].startswith("pulumi:")]

    @property
    def verdict(self) -> Verdict:
        diagnostics = self.output.get("diagnostics") or []
        return Verdict(
            mandatory=frozenset(d["policyName"] for d in diagnostics if d["enforcementLevel"] == "mandatory"),
            advisory=frozenset(d["policyName"] for d in diagnostics if d["enforcementLevel"] == "advisory"),
        )

    def details(self) -> str:
        diagnostics = self.output.get("diagnostics") or []
        lines = [f"exit {self.exit_code}, error: {self.output.get('error')}", self.stderr[-2000:]]
        lines += [
            f"{d['enforcementLevel']} {d['policyName']} {d['urn']}: {d['message']}" for d in diagnostics
        ]
        return "\n".join(lines)


class Previews:
    """Each program copied once into the session's directory; each preview run once, on first use."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._runs: dict[tuple[str, tuple[str, ...]], Run] = {}

    def program_dir(self, program: str) -> Path:
        copy = self._directory / program
        if not copy.exists():
            shutil.copytree(PROGRAMS / program, copy, ignore=shutil.ignore_patterns("venv", "__pycache__"))
        return copy

    def run(self, program: str, flags: tuple[str, ...] = ()) -> Run:
        key = (program, flags)
        if key not in self._runs:
            argv = [
                "preview",
                "--program",
                str(self.program_dir(program)),
                "--stack",
                "dev",
                "--json",
                *flags,
            ]
            out, err = io.StringIO(), io.StringIO()
            with redirect_stderr(err):
                code = cli.main(argv, out=out)
            text = out.getvalue()
            self._runs[key] = Run(code, json.loads(text) if text.strip() else {}, err.getvalue())
        return self._runs[key]


@pytest.fixture(scope="session")
def previews(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Previews]:
    yield Previews(tmp_path_factory.mktemp("engine-programs"))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_engine_preview_exit_resources_and_verdict(case: EngineCase, previews: Previews) -> None:
    run = previews.run(case.program, case.flags)
    assert run.exit_code == case.exit_code, run.details()
    assert len(run.plan_resources) == case.resources, run.details()
    assert run.verdict == case.expected, run.details()


def test_remote_components_are_refused_by_name(previews: Previews) -> None:
    run = previews.run("awsx_vpc_fargate_service")
    said = json.dumps(run.output.get("error")) + run.stderr
    for component in AWSX_COMPONENTS:
        assert component in said, run.details()


def test_allowed_remote_components_are_named_in_a_warning(previews: Previews) -> None:
    run = previews.run("awsx_vpc_fargate_service", (ALLOW_REMOTE,))
    assert {r["type"] for r in run.plan_resources} >= set(AWSX_COMPONENTS), run.details()
    # Outside the plan (which lists them as resources) the run must say that their children are missing.
    beside_plan = json.dumps({key: value for key, value in run.output.items() if key != "plan"}) + run.stderr
    for component in AWSX_COMPONENTS:
        assert component in beside_plan, run.details()


def test_the_programs_own_components_package_wins(previews: Previews) -> None:
    run = previews.run("local_components_private_vpc")
    types = {r["type"] for r in run.plan_resources}
    assert {"acme:network:PrivateVpc", "acme:ecs:FargateApp"} <= types, run.details()


def test_auto_named_log_group_is_known_in_container_definitions(previews: Previews) -> None:
    run = previews.run("autonamed_log_group_no_logs_endpoint")
    (log_group,) = [r for r in run.plan_resources if r["type"] == "aws:cloudwatch/logGroup:LogGroup"]
    name = log_group["inputs"]["name"]
    assert isinstance(name, str) and name.startswith("shop-logs-"), run.details()
    definitions = [
        json.loads(r["inputs"]["containerDefinitions"])
        for r in run.plan_resources
        if r["type"] == "aws:ecs/taskDefinition:TaskDefinition"
    ]
    groups = {c["logConfiguration"]["options"]["awslogs-group"] for d in definitions for c in d}
    assert len(definitions) == 2 and groups == {name}, run.details()


def test_lambda_assets_reach_the_json_plan(previews: Previews) -> None:
    run = previews.run("lambda_runs_fargate_task")
    functions = [r for r in run.plan_resources if r["type"] == "aws:lambda/function:Function"]
    assert len(functions) == 1 and "code" in functions[0]["inputs"], run.details()


def test_every_program_is_in_the_table() -> None:
    folders = {path.name for path in PROGRAMS.iterdir() if (path / "__main__.py").is_file()}
    assert folders == {case.program for case in CASES}


def test_every_policy_named_is_known() -> None:
    assert set().union(*(case.expected.mandatory for case in CASES)) <= MANDATORY_POLICIES
    assert set().union(*(case.expected.advisory for case in CASES)) <= ADVISORY_POLICIES
    # Verdicts both ways: some program must fail the pack.
    assert any(case.exit_code == 1 for case in CASES)


def _docstring(program: str) -> str:
    module = ast.parse((PROGRAMS / program / "__main__.py").read_text())
    return " ".join((ast.get_docstring(module) or "").split())


@pytest.mark.parametrize("case", [case for case in CASES if not case.id], ids=lambda case: case.program)
def test_docstring_states_the_shape_and_the_verdict(case: EngineCase) -> None:
    text = _docstring(case.program)
    assert "Shape of: " in text
    assert "Expected verdict" in text
    for name in case.expected.mandatory | case.expected.advisory:
        assert name in text, f"{case.program}: the docstring does not name {name}"
    assert ("no violations" in text) == (case.expected == CLEAN)
    remote = any(c.program == case.program and c.exit_code == 2 for c in CASES)
    label = (
        "REMOTE"
        if remote
        else "BAD"
        if case.expected.mandatory
        else "ADVISORY"
        if case.expected.advisory
        else "GOOD"
    )
    assert text.split()[0].rstrip(".") == label


def _pins(requirements: Path) -> dict[str, str]:
    pins = {}
    for line in requirements.read_text().splitlines():
        name, _, version = line.partition("==")
        if version:
            pins[name.strip().lower().replace("_", "-")] = version.split()[
                0
            ]  # a lock's line ends in a backslash
    return pins


@pytest.mark.parametrize("program", sorted({case.program for case in CASES}))
def test_program_is_a_pip_project_with_the_projects_pins(program: str) -> None:
    project = yaml.safe_load((PROGRAMS / program / "Pulumi.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    stack = yaml.safe_load((PROGRAMS / program / "Pulumi.dev.yaml").read_text())
    assert stack["config"]["aws:region"] == "us-east-1"
    ours, theirs = _pins(ROOT / "requirements.txt"), _pins(PROGRAMS / program / "requirements.txt")
    # The same pulumi and pulumi-aws as the project's, so pip's cache serves every program's venv.
    assert {name: theirs.get(name) for name in ("pulumi", "pulumi-aws")} == {
        name: ours[name] for name in ("pulumi", "pulumi-aws")
    }
