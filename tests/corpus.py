"""What the two program corpora share: verdicts, cases, a pool of running packs and one analysis run.

`tests/test_fixture_corpus.py` (tests/fixtures/programs) and `tests/test_ordinary_corpus.py`
(tests/fixtures/ordinary) run their programs under the sandbox's mocks, as a preview and as an update,
and send each recording to the pack over its real gRPC interface, as the Pulumi CLI does.
"""

import ast
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.analyzer import AnalyzerClient, Diagnostic, PolicyPackProcess, run_analysis
from sandbox.engine.program import run_program

ROOT = Path(__file__).resolve().parent.parent
PACK_DIR = ROOT / "policypack"
PROJECT, STACK = "corpus", "test"
MODES = ("preview", "update")

# The pack's policies today, by default enforcement level.
MANDATORY_POLICIES = frozenset(
    {
        "ecs-endpoints-for-ec2",
        "ecs-endpoints-all-or-none",
        "endpoint-same-region",
        "endpoint-service-name-known",
        "endpoint-private-dns",
        "vpc-dns-enabled",
        "vpc-dhcp-amazon-dns",
        "endpoint-security-group-https",
        "ecr-endpoints-for-private-images",
        "secretsmanager-endpoint-for-secrets",
        "logs-endpoint-for-awslogs",
        "ecs-agent-endpoint-for-service-connect",
        "ecs-endpoints-are-interface",
        "no-duplicate-private-dns-endpoints",
        "public-image-needs-internet",
    }
)
ADVISORY_POLICIES = frozenset(
    {
        "ecs-agent-version",
        "ecs-endpoint-creation-order",
        "endpoint-policy-valid",
        "ecr-pull-restricted-to-vpc",
        "no-unneeded-ecs-endpoints",
        "s3-gateway-route-tables",
    }
)


@dataclass(frozen=True)
class Verdict:
    mandatory: frozenset[str] = frozenset()
    advisory: frozenset[str] = frozenset()


CLEAN = Verdict()


def mandatory(*names: str, advisory: tuple[str, ...] = ()) -> Verdict:
    return Verdict(mandatory=frozenset(names), advisory=frozenset(advisory))


def advisory(*names: str) -> Verdict:
    return Verdict(advisory=frozenset(names))


@dataclass(frozen=True)
class Case:
    fixture: str
    expected: Verdict
    region: str = "us-east-1"
    preview: Verdict | None = None  # when unknown ids at preview change what can be checked
    policy_config: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    flagged: frozenset[str] | None = None  # names of the resources mandatory diagnostics point at

    @property
    def name(self) -> str:
        return self.id or self.fixture

    def verdict(self, mode: str) -> Verdict:
        return self.preview if mode == "preview" and self.preview is not None else self.expected


class PackPool:
    """One running pack per (stack config, dry run): the pack reads the stack config at start."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._clients: dict[tuple[str, bool], AnalyzerClient] = {}

    def client(self, region: str, dry_run: bool) -> AnalyzerClient:
        key = (region, dry_run)
        if key not in self._clients:
            process = PolicyPackProcess(
                PACK_DIR, project=PROJECT, stack=STACK, config={"aws:region": region}, dry_run=dry_run
            )
            self._clients[key] = self._stack.enter_context(process)
        return self._clients[key]


def running_packs() -> Iterator[PackPool]:
    """Body of a module-scoped ``packs`` fixture: the packs stop when the module's tests are done."""
    with ExitStack() as stack:
        yield PackPool(stack)


def verdict_of(diagnostics: list[Diagnostic]) -> Verdict:
    return Verdict(
        mandatory=frozenset(d.policy_name for d in diagnostics if d.enforcement_level == "mandatory"),
        advisory=frozenset(d.policy_name for d in diagnostics if d.enforcement_level == "advisory"),
    )


def docstring(program: Path) -> str:
    module = ast.parse((program / "__main__.py").read_text())
    return ast.get_docstring(module) or ""


def folders(programs: Path) -> set[str]:
    return {path.name for path in programs.iterdir() if (path / "__main__.py").is_file()}


def check_case(programs: Path, case: Case, mode: str, packs: PackPool) -> None:
    """Run ``case``'s program in ``mode`` and assert the pack's verdict (and flagged resources)."""
    preview = mode == "preview"
    recording = run_program(
        programs / case.fixture,
        project=PROJECT,
        stack=STACK,
        config={"aws:region": case.region},
        preview=preview,
    )
    client = packs.client(case.region, dry_run=preview)
    diagnostics = run_analysis(client, recording, policy_config=case.policy_config, dry_run=preview)
    details = "\n".join(f"{d.enforcement_level} {d.policy_name} {d.urn}: {d.message}" for d in diagnostics)
    assert verdict_of(diagnostics) == case.verdict(mode), details
    if case.flagged is not None:
        flagged = {d.urn.rsplit("::", 1)[-1] for d in diagnostics if d.enforcement_level == "mandatory"}
        assert flagged == case.flagged, details
