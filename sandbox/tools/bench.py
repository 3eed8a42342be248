"""``python -m sandbox bench``: how fast the guardrail answers, against the targets of issue 6.

1. Time to verdict: ``python -m sandbox preview --stack dev|prod`` as a subprocess (warm venv), wall
   time and peak RSS, median of several runs.
2. Time to verdict against others (issue 6): the dev preview's wall time beside checkov's on the
   same network in Terraform (``tests/fixtures/bench/dev-terraform``) and beside importing the
   Pulumi SDKs alone, alternated run by run, each printed as a ``Time to verdict (dev): ...`` line.
3. Pack throughput over the real gRPC interface: Analyze per resource (median, p95); AnalyzeStack
   for synthetic stacks of 50, 500, 1,000, 2,000 and 10,000 resources of the dev (Fargate) and the
   prod (EC2) shape (copies of the recorded stack, ``fleet.replicate``), each printed as
   ``AnalyzeStack <N> resources (<dev|prod>): median <X> s`` as it is measured, then the growth
   time(10000)/time(1000) of each shape (issue 9); and one VPC with 1,000 interface endpoints, each
   with a security group and ingress rule of its own (``fleet.crowd_endpoints``).
4. Scale: the fleet program (``sandbox/tools/fleet_program``, N stamps of the dev stack's shape) through
   the sandbox preview with the policy pack, each N in a fresh process so its peak RSS is its own.

Prints a table with each target and PASS/MISS, and writes ``bench-results.json``.
"""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from ..analyzer import (
    AnalyzerClient,
    Diagnostic,
    PolicyPackProcess,
    StackContext,
    analyze_stack_request,
    engine_resources,
)
from ..engine.program import RecordedResource, Recording, run_program
from ..preview import preview_stack
from ..stackconfig import StackFiles, load_stack_config
from .fleet import crowd_endpoints, replicate
from .sdkfloor import floor_pack

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLEET_DIR = Path(__file__).resolve().parent / "fleet_program"
FLEET_PROJECT = "ecs-privatelink-fleet"
PACK_DIR = PROJECT_ROOT / "policypack"
MIB = 1024 * 1024
STACK_SIZES = [50, 500, 1000, 2000, 10000]
GROWTH_SIZES = (1000, 10000)  # issue 9: time(10000)/time(1000) <= 12
CROWDED_ENDPOINTS = 1000


@dataclass
class Figure:
    section: str
    name: str
    value: float
    unit: str
    target: float | None = None  # an upper bound; None: reported without a target
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "PASS" if self.value <= self.target else "MISS"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95: fraction 0.95) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without float surprises at exact ranks
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    max_rss_bytes: int  # largest single process of the child's tree (wait4's ru_maxrss)
    returncode: int
    stdout: str
    cpu_seconds: float = 0.0  # user + system of the child and the descendants it reaped


def run_child(command: list[str], cwd: Path = PROJECT_ROOT) -> ChildRun:
    """Run a command to completion; wall time and its own rusage (not the cumulative RUSAGE_CHILDREN)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    with process.stdout:
        stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # reaped here, so Popen must not wait again
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(seconds, usage.ru_maxrss * 1024, process.returncode, stdout.decode(errors="replace"), cpu)


# ---- 1. time to verdict -------------------------------------------------------------------------


def bench_preview(stacks: list[str], runs: int) -> list[Figure]:
    figures = []
    for stack in stacks:
        command = [sys.executable, "-m", "sandbox", "preview", "--stack", stack]
        warm = run_child(command)  # warms the OS file cache and .pyc files; not counted
        if warm.returncode not in (0, 1):  # 1 is a verdict (a mandatory violation), 2 a failed run
            raise RuntimeError(f"preview --stack {stack} failed ({warm.returncode}):\n{warm.stdout}")
        samples = [run_child(command) for _ in range(runs)]
        seconds = [s.seconds for s in samples]
        rss = max(s.max_rss_bytes for s in samples) / MIB
        # The minimum is the least disturbed run on a shared machine; the target is judged on the median.
        detail = {
            "runs_s": [round(s, 4) for s in seconds],
            "min_s": round(min(seconds), 4),
            "exit_code": samples[0].returncode,
        }
        target = 1.2 if stack == "dev" else None
        figures.append(Figure("time to verdict", f"preview {stack}: median wall", statistics.median(seconds),
                              "s", target, detail))  # fmt: skip
        figures.append(Figure("time to verdict", f"preview {stack}: peak RSS (largest process)", rss, "MiB"))
    return figures


# ---- 2. time to verdict against others ----------------------------------------------------------

# The dev stack's network and endpoints in plain Terraform, for checkov to check (its header says what).
CHECKOV_FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "bench" / "dev-terraform"
CHECKOV_VENV_EXECUTABLE = PROJECT_ROOT / ".venv-checkov" / "bin" / "checkov"
CHECKOV_RATIO_TARGET = 0.5
SDK_IMPORTS = "import pulumi, pulumi_aws, pulumi_policy"
SDK_IMPORTS_LABEL = "import pulumi+pulumi_aws+pulumi_policy"
IMPORTS_RATIO_TARGET = 3.0
# The floor of any engine that runs the dev program as published: importing the pulumi_aws modules the
# program uses (pulumi_aws loads a module on first access, each with hundreds of classes).
PROGRAM_SDK_IMPORTS = (
    "import pulumi, pulumi_aws; from pulumi_aws import cloudwatch, ec2, ecr, ecs, iam; "
    "cloudwatch.LogGroup, ec2.Vpc, ecr.Repository, ecs.Cluster, iam.Role"
)
PROGRAM_SDK_IMPORTS_LABEL = "import of the dev program's pulumi_aws modules"
CHECKOV_SUMMARY = re.compile(r"Passed checks: (\d+), Failed checks: (\d+), Skipped checks: (\d+)")


def find_checkov(
    environ: Mapping[str, str] = os.environ, venv_executable: Path = CHECKOV_VENV_EXECUTABLE
) -> str | None:
    """CHECKOV (the executable's path), else the project's .venv-checkov, else checkov on PATH."""
    if environ.get("CHECKOV"):
        found = shutil.which(environ["CHECKOV"])
        if found is None:
            raise ValueError(f"CHECKOV={environ['CHECKOV']} is not an executable file.")
        return found
    if os.access(venv_executable, os.X_OK):
        return str(venv_executable)
    return shutil.which("checkov", path=environ.get("PATH"))


def checkov_command(checkov: str, directory: Path = CHECKOV_FIXTURE) -> list[str]:
    # Every Terraform check on the one directory. --skip-download keeps checkov offline, as ours is:
    # without it each run first asks Prisma Cloud for its guideline mappings.
    return [checkov, "-d", str(directory), "--framework", "terraform", "--quiet", "--compact", "-o", "cli",
            "--skip-download"]  # fmt: skip


def verdict_line(ours: float, other: str, other_seconds: float, target: float) -> str:
    """How the bench reports one comparison of the dev stack's time to verdict (issue 6)."""
    ratio = ours / other_seconds
    return (
        f"Time to verdict (dev): ours {ours:.3f} s, {other} {other_seconds:.3f} s, ratio {ratio:.2f} "
        f"(target <= {target:g})"
    )


CHECKOV_SKIPPED_LINE = (
    "Time to verdict (dev): checkov ratio skipped, checkov not found; install it with "
    "`make bench-checkov-venv` (a venv of its own in .venv-checkov) or set CHECKOV to its executable"
)


def _checked(name: str, child: ChildRun, verdicts: tuple[int, ...]) -> ChildRun:
    if child.returncode not in verdicts:
        raise RuntimeError(f"{name} failed ({child.returncode}):\n{child.stdout}")
    return child


def bench_verdict(
    runs: int,
    checkov: str | None,
    notes: list[str],
    *,
    ours: list[str] | None = None,
    imports: list[str] | None = None,
    floor: list[str] | None = None,
    run: Callable[[list[str]], ChildRun] = run_child,
) -> list[Figure]:
    """The dev preview beside checkov on its Terraform twin and beside importing the SDKs alone.

    ``floor``, when given, is timed too: what the program's own process cannot do without (see
    PROGRAM_SDK_IMPORTS), so the report shows how much of ours any faithful engine pays.
    """
    # Exit codes that are verdicts: ours 1 on a mandatory violation, checkov 1 on a failed check.
    commands: dict[str, tuple[list[str], tuple[int, ...]]] = {
        "ours": (ours or [sys.executable, "-m", "sandbox", "preview", "--stack", "dev"], (0, 1)),
    }
    version = ""
    if checkov is not None:
        commands["checkov"] = (checkov_command(checkov), (0, 1))
        version = _checked("checkov --version", run([checkov, "--version"]), (0,)).stdout.strip()
    commands[SDK_IMPORTS_LABEL] = (imports or [sys.executable, "-c", SDK_IMPORTS], (0,))
    if floor is not None:
        commands[PROGRAM_SDK_IMPORTS_LABEL] = (floor, (0,))
    for name, (command, verdicts) in commands.items():
        _checked(name, run(command), verdicts)  # warms the file cache and .pyc files; not counted
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    checkov_output = ""
    # Alternated, one of each per round, so that other work on the machine falls on all of them alike.
    for _ in range(runs):
        for name, (command, verdicts) in commands.items():
            child = _checked(name, run(command), verdicts)
            seconds[name].append(child.seconds)
            cpu[name].append(child.cpu_seconds)
            if name == "checkov":
                checkov_output = child.stdout
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    # CPU time moves less than wall time with other work on the machine (not nothing: shared caches).
    runs_s = {
        name: {"runs_s": [round(s, 4) for s in values], "cpu_s": round(statistics.median(cpu[name]), 4)}
        for name, values in seconds.items()
    }
    section = "time to verdict against others"
    figures = [
        Figure(section, "preview dev (alternated): median wall", medians["ours"], "s", None, runs_s["ours"]),
    ]  # fmt: skip
    if checkov is None:
        print(CHECKOV_SKIPPED_LINE, flush=True)
        notes.append(CHECKOV_SKIPPED_LINE)
    else:
        summary = CHECKOV_SUMMARY.search(checkov_output)
        if summary is None:  # a run that parsed nothing would be fast and mean nothing
            raise RuntimeError(
                f"checkov reported no Terraform checks of {CHECKOV_FIXTURE}:\n{checkov_output}"
            )
        print(verdict_line(medians["ours"], "checkov", medians["checkov"], CHECKOV_RATIO_TARGET), flush=True)
        detail = {
            **runs_s["checkov"],
            "version": version,
            "command": " ".join(checkov_command("checkov", CHECKOV_FIXTURE.relative_to(PROJECT_ROOT))),
            "checks": dict(zip(("passed", "failed", "skipped"), map(int, summary.groups()), strict=True)),
        }
        figures.append(Figure(section, "checkov on the dev network in Terraform: median wall",
                              medians["checkov"], "s", None, detail))  # fmt: skip
        figures.append(Figure(section, "ratio ours / checkov", medians["ours"] / medians["checkov"], "×",
                              CHECKOV_RATIO_TARGET))  # fmt: skip
    imported = medians[SDK_IMPORTS_LABEL]
    print(verdict_line(medians["ours"], SDK_IMPORTS_LABEL, imported, IMPORTS_RATIO_TARGET), flush=True)
    figures.append(Figure(section, f"{SDK_IMPORTS_LABEL}: median wall", imported, "s", None,
                          runs_s[SDK_IMPORTS_LABEL]))  # fmt: skip
    figures.append(Figure(section, "ratio ours / import of the SDKs", medians["ours"] / imported, "×",
                          IMPORTS_RATIO_TARGET))  # fmt: skip
    if floor is not None:
        floor_s = medians[PROGRAM_SDK_IMPORTS_LABEL]
        print(floor_line(floor_s, imported, medians.get("checkov")), flush=True)
        figures.append(Figure(section, f"floor, {PROGRAM_SDK_IMPORTS_LABEL}: median wall", floor_s, "s", None,
                              runs_s[PROGRAM_SDK_IMPORTS_LABEL]))  # fmt: skip
        figures.append(Figure(section, "ratio floor / import of the SDKs", floor_s / imported, "×"))
        if "checkov" in medians:
            figures.append(Figure(section, "ratio floor / checkov", floor_s / medians["checkov"], "×"))
    return figures


def floor_line(floor: float, imported: float, checkov: float | None) -> str:
    """The floor beside the two yardsticks: no engine running the program as published goes below it."""
    against_checkov = f", {floor / checkov:.2f}× checkov" if checkov else ""
    return (
        f"Time to verdict (dev): floor ({PROGRAM_SDK_IMPORTS_LABEL}) {floor:.3f} s, "
        f"{floor / imported:.2f}× the SDK imports{against_checkov}"
    )


# ---- 3. pack throughput -------------------------------------------------------------------------


def _record(stack: str, *, preview: bool) -> Recording:
    config = load_stack_config(PROJECT_ROOT, stack)
    return run_program(
        PROJECT_ROOT, project=config.project, stack=stack, config=config.config, preview=preview
    )


@contextmanager
def _pack(recording: Recording, pack_dir: Path = PACK_DIR) -> Iterator[AnalyzerClient]:
    with PolicyPackProcess(
        pack_dir, project=recording.project, stack=recording.stack, config=recording.config
    ) as client:
        client.configure_stack(project=recording.project, stack=recording.stack, config=recording.config)
        client.configure({})
        yield client


def bench_analyze(rounds: int) -> list[Figure]:
    figures = []
    # Analyze: every resource the engine sends for the dev and prod previews, ``rounds`` times over.
    samples: list[float] = []
    for stack in ("dev", "prod"):
        recording = _record(stack, preview=True)
        context = StackContext(recording.project, recording.stack, dict(recording.config))
        everything = engine_resources(recording.resources, context)
        with _pack(recording) as client:
            for _ in range(rounds):
                for item in everything:
                    start = time.perf_counter()
                    client.analyze(item, everything)
                    samples.append(time.perf_counter() - start)
    calls = {"calls": len(samples), "mean_ms": round(statistics.fmean(samples) * 1e3, 3)}
    figures.append(Figure("pack throughput", "Analyze per resource: median", statistics.median(samples) * 1e3,
                          "ms", 2.0, calls))  # fmt: skip
    figures.append(Figure("pack throughput", "Analyze per resource: p95", percentile(samples, 0.95) * 1e3,
                          "ms", 2.0, calls))  # fmt: skip

    return figures


def stack_line(size: int, shape: str, median: float) -> str:
    """How the bench reports one AnalyzeStack measurement (one line per stack, as issue 9 asks)."""
    return f"AnalyzeStack {size} resources ({shape}): median {median:.3f} s"


def growth_line(shape: str, ratio: float) -> str:
    return f"AnalyzeStack growth time({GROWTH_SIZES[1]})/time({GROWTH_SIZES[0]}) ({shape}): {ratio:.2f}"


def _time_analyze_stack(
    client: AnalyzerClient, resources: list[RecordedResource], context: StackContext, runs: int
) -> tuple[float, dict[str, Any]]:
    times: list[float] = []
    build: list[float] = []
    diagnostics: list[Diagnostic] = []
    for _ in range(runs):
        start = time.perf_counter()
        # The request is the engine's work (the CLI builds it in Go): timed apart from the pack's call.
        request = analyze_stack_request(resources, context)
        build.append(time.perf_counter() - start)
        start = time.perf_counter()
        diagnostics = client.send_analyze_stack(request)
        times.append(time.perf_counter() - start)
    detail = {
        "runs_s": [round(t, 4) for t in times],
        "request_build_s": round(statistics.median(build), 4),
        "diagnostics": len(diagnostics),
        "mandatory": sum(1 for d in diagnostics if d.enforcement_level == "mandatory"),
    }
    return statistics.median(times), detail


def _floor_figure(
    floor: AnalyzerClient, resources: list[RecordedResource], context: StackContext, runs: int, shape: str
) -> Figure:
    """The SDK's share: the same request to our pack with every stack check a no-op (tools/sdkfloor.py)."""
    median, detail = _time_analyze_stack(floor, resources, context, runs)
    name = f"AnalyzeStack {len(resources)} resources ({shape}), SDK floor: median"
    print(f"{name} {median:.3f} s", flush=True)
    return Figure("pack throughput", name, median, "s", None, detail)


def bench_analyze_stack(sizes: list[int], stack_runs: dict[int, int], crowd: int | None) -> list[Figure]:
    """AnalyzeStack over copies of the dev (Fargate) and prod (EC2) stacks, every value known (as in `up`)."""
    figures = []
    for shape in ("dev", "prod"):
        base = _record(shape, preview=False)
        context = StackContext(base.project, base.stack, dict(base.config))
        medians: dict[int, float] = {}
        with _pack(base) as client, floor_pack(PACK_DIR) as floor_dir, _pack(base, floor_dir) as floor:
            for size in sizes:
                resources = replicate(base.resources, size)
                median, detail = _time_analyze_stack(client, resources, context, stack_runs.get(size, 3))
                medians[size] = median
                print(stack_line(size, shape, median), flush=True)
                if size in GROWTH_SIZES:
                    figures.append(_floor_figure(floor, resources, context, stack_runs.get(size, 3), shape))
                target = (
                    1.0
                    if (size, shape) == (2000, "dev")
                    else 10.0
                    if (size, shape) == (10000, "prod")
                    else None
                )
                figures.append(Figure("pack throughput", f"AnalyzeStack {size} resources ({shape}): median",
                                      median, "s", target, detail))  # fmt: skip
            if crowd is not None and shape == "dev":
                resources = crowd_endpoints(base.resources, crowd)
                median, detail = _time_analyze_stack(client, resources, context, 3)
                name = f"AnalyzeStack {len(resources)} resources (one VPC, {crowd} interface endpoints)"
                print(f"{name}: median {median:.3f} s", flush=True)
                figures.append(Figure("pack throughput", f"{name}: median", median, "s", None, detail))
        small, large = GROWTH_SIZES
        if small in medians and large in medians:
            ratio = medians[large] / medians[small]
            print(growth_line(shape, ratio), flush=True)
            name = f"AnalyzeStack growth time({large})/time({small}) ({shape})"
            figures.append(Figure("pack throughput", name, ratio, "×", 12.0))
    return figures


# ---- 4. scale -----------------------------------------------------------------------------------


def fleet_worker(stamps: int) -> dict[str, Any]:
    """One fleet preview in this process: program under mocks with the pack started alongside."""
    program_seconds: list[float] = []

    def timed_run(*args: Any, **kwargs: Any) -> Recording:
        start = time.perf_counter()
        try:
            return run_program(*args, **kwargs)
        finally:
            program_seconds.append(time.perf_counter() - start)

    config = {"aws:region": "us-east-1", f"{FLEET_PROJECT}:stamps": str(stamps)}
    stack = StackFiles(FLEET_PROJECT, f"fleet{stamps}", config)
    start = time.perf_counter()
    result = preview_stack(stack, FLEET_DIR, PACK_DIR, run=timed_run)
    total = time.perf_counter() - start
    if result.recording is None:
        raise RuntimeError(f"the fleet program failed: {result.error}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    pack = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the pack, killed and reaped
    return {
        "stamps": stamps,
        "resources": len(result.recording.resources),
        "total_s": total,
        "program_s": program_seconds[0],
        "analysis_s": total - program_seconds[0],
        "diagnostics": len(result.diagnostics),
        "mandatory": len(result.mandatory),
        "rss_program_bytes": own,
        "rss_pack_bytes": pack,
    }


def bench_fleet(sizes: list[int], runs: dict[int, int]) -> list[Figure]:
    figures = []
    medians: dict[int, float] = {}
    for stamps in sizes:
        command = [sys.executable, "-m", "sandbox", "bench", "--fleet-worker", str(stamps)]
        results = []
        for _ in range(runs.get(stamps, 1)):
            child = run_child(command)
            if child.returncode != 0:
                raise RuntimeError(f"fleet worker ({stamps} stamps) failed:\n{child.stdout}")
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        total = statistics.median(r["total_s"] for r in results)
        medians[stamps] = total
        first = results[0]
        rss = max(r["rss_program_bytes"] + r["rss_pack_bytes"] for r in results) / MIB
        detail = {
            "resources": first["resources"],
            "runs": len(results),
            "program_s": round(statistics.median(r["program_s"] for r in results), 3),
            "analysis_s": round(statistics.median(r["analysis_s"] for r in results), 3),
            "diagnostics": first["diagnostics"],
            "mandatory": first["mandatory"],
            "rss_program_mib": round(max(r["rss_program_bytes"] for r in results) / MIB, 1),
            "rss_pack_mib": round(max(r["rss_pack_bytes"] for r in results) / MIB, 1),
        }
        figures.append(Figure("scale", f"fleet {stamps} stamps: total", total, "s",
                              30.0 if stamps == 100 else None, detail))  # fmt: skip
        figures.append(Figure("scale", f"fleet {stamps} stamps: per resource",
                              total / first["resources"] * 1e3, "ms"))  # fmt: skip
        figures.append(Figure("scale", f"fleet {stamps} stamps: peak RSS (program + pack)", rss, "MiB",
                              1024.0 if stamps == 100 else None))  # fmt: skip
    if 10 in medians and 100 in medians:
        figures.append(Figure("scale", "growth time(100)/time(10)", medians[100] / medians[10], "×", 11.0))
    return figures


# ---- output -------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def format_table(figures: list[Figure]) -> str:
    rows = [("benchmark", "figure", "target", "")]
    for f in figures:
        target = f"≤ {_number(f.target)} {f.unit}" if f.target is not None else ""
        rows.append((f.name, f"{_number(f.value)} {f.unit}", target, f.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    section = ""
    for index, row in enumerate(rows):
        if index and figures[index - 1].section != section:
            section = figures[index - 1].section
            lines.append(f"-- {section}")
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
            )
        )
    return "\n".join(line.rstrip() for line in lines)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1m": round(os.getloadavg()[0], 2),  # other work on the machine skews every figure
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


PARTS = ["preview", "verdict", "pack", "fleet"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", choices=PARTS, action="append", help="run a part")
    parser.add_argument("--quick", action="store_true", help="fewer runs and a smaller fleet (a smoke test)")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "bench-results.json")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--fleet-worker", type=int, metavar="N", help=argparse.SUPPRESS)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """``python -m sandbox bench``: the figures and their targets; bench-results.json."""
    if args.fleet_worker is not None:
        out.write(json.dumps(fleet_worker(args.fleet_worker)) + "\n")
        return 0

    parts = args.only or PARTS
    notes: list[str] = []
    runners: dict[str, Callable[[], list[Figure]]] = {
        "preview": lambda: bench_preview(["dev", "prod"], 3 if args.quick else 7),
        "verdict": lambda: bench_verdict(
            1 if args.quick else 3, find_checkov(), notes, floor=[sys.executable, "-c", PROGRAM_SDK_IMPORTS]
        ),
        "pack": lambda: (
            bench_analyze(2 if args.quick else 20)
            + bench_analyze_stack(
                STACK_SIZES[:4] if args.quick else STACK_SIZES,
                {50: 3, 500: 2, 1000: 1, 2000: 1}
                if args.quick
                else {50: 7, 500: 5, 1000: 3, 2000: 3, 10000: 2},
                None if args.quick else CROWDED_ENDPOINTS,
            )
        ),
        "fleet": lambda: bench_fleet(
            [1, 10] if args.quick else [1, 10, 50, 100],
            {1: 3, 10: 3, 50: 1, 100: 2} if not args.quick else {},
        ),
    }
    figures: list[Figure] = []
    for part in parts:
        print(f"running {part} …", file=sys.stderr, flush=True)
        figures.extend(runners[part]())
    out.write(format_table(figures) + "\n")
    payload = {
        "machine": machine(),
        "figures": [{**asdict(f), "verdict": f.verdict} for f in figures],
        "notes": notes,
    }
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    out.write(f"\nwrote {args.output}\n")
    missed = [f.name for f in figures if f.verdict == "MISS"]
    return 1 if args.strict and missed else 0
