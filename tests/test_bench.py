"""The benchmark's own machinery: the synthetic fleets and the verdicts (no timings asserted)."""

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox import cli
from sandbox.engine.program import ProgramError, Recording, run_program
from sandbox.stackconfig import load_stack_config
from sandbox.tools import bench
from sandbox.tools.bench import (
    CHECKOV_FIXTURE,
    CHECKOV_SKIPPED_LINE,
    FLEET_DIR,
    FLEET_PROJECT,
    PROGRAM_SDK_IMPORTS,
    ChildRun,
    Figure,
    bench_verdict,
    checkov_command,
    find_checkov,
    fleet_worker,
    format_table,
    growth_line,
    percentile,
    run_child,
    stack_line,
    verdict_line,
)
from sandbox.tools.fleet import crowd_endpoints, replicate, stamp_copy

PROJECT_DIR = Path(__file__).resolve().parent.parent


def dev(preview: bool = False) -> Recording:
    config = load_stack_config(PROJECT_DIR, "dev")
    return run_program(
        PROJECT_DIR, project=config.project, stack="dev", config=config.config, preview=preview
    )


def fleet(stamps: int) -> Recording:
    config = {"aws:region": "us-east-1", f"{FLEET_PROJECT}:stamps": str(stamps)}
    return run_program(FLEET_DIR, project=FLEET_PROJECT, stack="bench", config=config)


def test_a_copy_refers_only_to_itself():
    base = dev().resources
    copy = stamp_copy(base, "-s0001")
    urns = {r.urn for r in copy}
    ids = {r.id for r in copy if r.id}
    assert len(urns) == len(base) and not urns & {r.urn for r in base}
    assert not ids & {r.id for r in base}
    vpc = next(r for r in copy if r.type == "aws:ec2/vpc:Vpc")
    for subnet in (r for r in copy if r.type == "aws:ec2/subnet:Subnet"):
        assert subnet.inputs["vpcId"] == vpc.id
        assert subnet.outputs["vpcId"] == vpc.id
        assert subnet.property_dependencies["vpcId"] == [vpc.urn]
        assert subnet.parent in urns
        assert subnet.name.endswith("-s0001") and subnet.urn.endswith("::" + subnet.name)
    for resource in copy:
        assert set(resource.dependencies) <= urns


@pytest.mark.parametrize("count", [1, 50, 500, 2000])
def test_replicate_gives_exactly_the_count_with_parents_kept(count):
    base = dev().resources
    resources = replicate(base, count)
    assert len(resources) == count
    urns = [r.urn for r in resources]
    assert len(set(urns)) == count
    # Cut copies keep their parents: components are registered before their children.
    stack_level = {r.parent for r in base if r.parent not in {b.urn for b in base}}
    assert all(r.parent in set(urns) | stack_level for r in resources)


def test_replicate_refuses_an_empty_stack():
    with pytest.raises(ValueError, match="empty"):
        replicate([], 10)


def test_each_fleet_stamp_has_the_programs_shape():
    one_stack = Counter(r.type for r in dev().resources)
    recording = fleet(3)
    assert Counter(r.type for r in recording.resources) == Counter({t: 3 * n for t, n in one_stack.items()})
    cidrs = sorted(r.inputs["cidrBlock"] for r in recording.of_type("aws:ec2/vpc:Vpc"))
    assert cidrs == ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]
    assert recording.outputs == {"stamps": 3}


def test_the_fleet_refuses_a_stamp_count_out_of_range():
    with pytest.raises(ProgramError, match="stamps must be 1 to 256"):
        fleet(0)


def test_fleet_worker_runs_the_fleet_through_the_pack():
    result = fleet_worker(2)
    assert result["stamps"] == 2
    assert result["resources"] == 2 * len(dev().resources)
    assert result["mandatory"] == 0  # the program's shape passes its own pack
    assert result["rss_program_bytes"] > 0 and result["rss_pack_bytes"] > 0


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([3.0], 0.95) == 3.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0


def test_verdicts_against_upper_bounds():
    assert Figure("s", "a", 1.2, "s", 1.2).verdict == "PASS"
    assert Figure("s", "a", 1.21, "s", 1.2).verdict == "MISS"
    assert Figure("s", "a", 99.0, "MiB").verdict == ""
    table = format_table([Figure("one", "a", 0.5, "s", 1.0), Figure("two", "b", 12.0, "×", 11.0)])
    lines = table.splitlines()
    assert lines[1] == "-- one" and lines[3] == "-- two"
    assert lines[2].endswith("PASS") and lines[4].endswith("MISS")
    assert "≤ 11.0 ×" in lines[4]


def test_run_child_reports_the_exit_code_output_and_memory():
    child = run_child(
        [sys.executable, "-c", "import json; print(json.dumps({'ok': 1})); raise SystemExit(3)"]
    )
    assert child.returncode == 3
    assert json.loads(child.stdout) == {"ok": 1}
    assert child.max_rss_bytes > 0
    assert 0 < child.cpu_seconds < child.seconds


def test_the_analyze_stack_lines_have_the_form_issue_9_asks_for():
    assert stack_line(10000, "prod", 7.25) == "AnalyzeStack 10000 resources (prod): median 7.250 s"
    assert stack_line(50, "dev", 0.0414) == "AnalyzeStack 50 resources (dev): median 0.041 s"
    assert growth_line("dev", 10.456) == "AnalyzeStack growth time(10000)/time(1000) (dev): 10.46"


def test_crowded_endpoints_share_the_one_vpc_each_with_a_group_and_rule_of_its_own():
    base = dev().resources
    resources = crowd_endpoints(base, 3)
    assert len(resources) == len(base) + 9
    assert len({r.urn for r in resources}) == len(resources)
    vpc = next(r for r in base if r.type == "aws:ec2/vpc:Vpc")
    added = resources[len(base) :]
    assert [r.type.rsplit(":", 1)[-1] for r in added[:3]] == [
        "SecurityGroup",
        "SecurityGroupIngressRule",
        "VpcEndpoint",
    ]
    for index in range(3):
        group, rule, endpoint = added[3 * index : 3 * index + 3]
        assert group.outputs["ingress"] == [] and group.outputs["vpcId"] == vpc.id
        assert rule.outputs["securityGroupId"] == group.id and rule.outputs["cidrIpv4"] == "10.0.0.0/16"
        assert rule.property_dependencies == {"securityGroupId": [group.urn]}
        assert endpoint.outputs["securityGroupIds"] == [group.id]
        assert endpoint.outputs["vpcId"] == vpc.id
        assert endpoint.outputs["serviceName"] == f"com.amazonaws.us-east-1.bench-service-{index:04d}"


# ---- time to verdict against checkov and the SDK imports ----

CHECKOV_SUMMARY = "terraform scan results:\n\nPassed checks: 15, Failed checks: 1, Skipped checks: 0\n"
OURS = ["ours-preview"]
IMPORTS = ["sdk-imports"]
CHECKOV = "/opt/checkov"


def fake_checkov(directory: Path, summary: str = CHECKOV_SUMMARY, exit_code: int = 1) -> Path:
    """A checkov stand-in: its version, or a scan's summary (exit 1: a check failed, as checkov's)."""
    script = directory / "checkov"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "if sys.argv[1:] == ['--version']:\n"
        "    print('3.3.30')\n"
        "    raise SystemExit(0)\n"
        f"print({summary!r})\n"
        f"raise SystemExit({exit_code})\n"
    )
    script.chmod(0o755)
    return script


def fake_runs(results: dict[str, ChildRun]) -> tuple[list[list[str]], Callable[[list[str]], ChildRun]]:
    """A run_child stand-in answering by the command's first word (or "<first> --version")."""
    calls: list[list[str]] = []

    def run(command: list[str]) -> ChildRun:
        calls.append(command)
        return results[" ".join(command) if command[1:] == ["--version"] else command[0]]

    return calls, run


TIMINGS = {
    "ours-preview": ChildRun(1.2, 1, 0, "0 mandatory, 1 other\n", 1.5),
    "sdk-imports": ChildRun(0.4, 1, 0, "", 0.35),
    CHECKOV: ChildRun(3.0, 1, 1, CHECKOV_SUMMARY, 4.5),
    f"{CHECKOV} --version": ChildRun(0.5, 1, 0, "3.3.30\n"),
}


def test_the_verdict_lines_have_the_form_issue_6_asks_for():
    assert (
        verdict_line(1.19, "checkov", 3.27, 0.5)
        == "Time to verdict (dev): ours 1.190 s, checkov 3.270 s, ratio 0.36 (target <= 0.5)"
    )
    assert (
        verdict_line(1.19, "import pulumi+pulumi_aws+pulumi_policy", 0.34, 3.0)
        == "Time to verdict (dev): ours 1.190 s, import pulumi+pulumi_aws+pulumi_policy 0.340 s, "
        "ratio 3.50 (target <= 3)"
    )


def test_checkov_scans_the_one_fixture_directory_with_every_terraform_check_offline():
    assert checkov_command(CHECKOV) == [
        CHECKOV,
        "-d",
        str(CHECKOV_FIXTURE),
        "--framework",
        "terraform",
        "--quiet",
        "--compact",
        "-o",
        "cli",
        "--skip-download",
    ]
    assert sorted(p.name for p in CHECKOV_FIXTURE.iterdir()) == ["main.tf"]


def test_verdict_compares_medians_of_alternated_runs(capsys):
    calls, run = fake_runs(TIMINGS)
    notes: list[str] = []
    figures = bench_verdict(3, CHECKOV, notes, ours=OURS, imports=IMPORTS, run=run)
    assert capsys.readouterr().out.splitlines() == [
        "Time to verdict (dev): ours 1.200 s, checkov 3.000 s, ratio 0.40 (target <= 0.5)",
        "Time to verdict (dev): ours 1.200 s, import pulumi+pulumi_aws+pulumi_policy 0.400 s, "
        "ratio 3.00 (target <= 3)",
    ]
    # The version once, one warm-up of each, then three rounds of ours, checkov and the imports in turn.
    each = [OURS, checkov_command(CHECKOV), IMPORTS]
    assert calls == [[CHECKOV, "--version"], *each * 4]
    assert [(f.section, f.name, round(f.value, 3), f.unit, f.verdict) for f in figures] == [
        ("time to verdict against others", "preview dev (alternated): median wall", 1.2, "s", ""),
        (
            "time to verdict against others",
            "checkov on the dev network in Terraform: median wall",
            3.0,
            "s",
            "",
        ),
        ("time to verdict against others", "ratio ours / checkov", 0.4, "×", "PASS"),
        (
            "time to verdict against others",
            "import pulumi+pulumi_aws+pulumi_policy: median wall",
            0.4,
            "s",
            "",
        ),
        ("time to verdict against others", "ratio ours / import of the SDKs", 3.0, "×", "PASS"),
    ]
    assert figures[0].detail == {"runs_s": [1.2, 1.2, 1.2], "cpu_s": 1.5}
    assert figures[1].detail == {
        "runs_s": [3.0, 3.0, 3.0],
        "cpu_s": 4.5,
        "version": "3.3.30",
        "command": "checkov -d tests/fixtures/bench/dev-terraform --framework terraform --quiet --compact "
        "-o cli --skip-download",
        "checks": {"passed": 15, "failed": 1, "skipped": 0},
    }
    assert notes == []


def test_the_floor_is_timed_beside_both_yardsticks_without_a_target(capsys):
    calls, run = fake_runs({**TIMINGS, "program-sdk-imports": ChildRun(1.8, 1, 0, "", 1.7)})
    floor = ["program-sdk-imports", "-c", "..."]
    figures = bench_verdict(1, CHECKOV, [], ours=OURS, imports=IMPORTS, floor=floor, run=run)
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Time to verdict (dev): floor (import of the dev program's pulumi_aws modules) 1.800 s, "
        "4.50× the SDK imports, 0.60× checkov"
    )
    assert calls[-1] == floor
    assert [(f.name, round(f.value, 3), f.target, f.verdict) for f in figures[-3:]] == [
        ("floor, import of the dev program's pulumi_aws modules: median wall", 1.8, None, ""),
        ("ratio floor / import of the SDKs", 4.5, None, ""),
        ("ratio floor / checkov", 0.6, None, ""),
    ]


def test_the_floor_imports_what_the_dev_program_uses():
    # One run of the real command: each name exists, so the floor is not an import that fails fast.
    done = subprocess.run([sys.executable, "-c", PROGRAM_SDK_IMPORTS], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


def test_verdict_takes_the_median_not_the_mean():
    runs = iter([1.0, 0.9, 9.0, 0.8, 1.1, 1.4, 1.3, 1.3])  # (wall, cpu): the warm-up, then three rounds
    _, run = fake_runs(TIMINGS)

    def uneven(command: list[str]) -> ChildRun:
        child = run(command)
        return ChildRun(next(runs), 1, 0, "", next(runs)) if command == OURS else child

    figures = bench_verdict(3, None, [], ours=OURS, imports=IMPORTS, run=uneven)
    assert figures[0].detail == {"runs_s": [9.0, 1.1, 1.3], "cpu_s": 1.3}
    assert figures[0].value == 1.3


def test_without_checkov_one_line_says_the_ratio_is_skipped_and_how_to_install_it(capsys):
    calls, run = fake_runs(TIMINGS)
    notes: list[str] = []
    figures = bench_verdict(1, None, notes, ours=OURS, imports=IMPORTS, run=run)
    assert capsys.readouterr().out.splitlines() == [
        "Time to verdict (dev): checkov ratio skipped, checkov not found; install it with "
        "`make bench-checkov-venv` (a venv of its own in .venv-checkov) or set CHECKOV to its executable",
        "Time to verdict (dev): ours 1.200 s, import pulumi+pulumi_aws+pulumi_policy 0.400 s, "
        "ratio 3.00 (target <= 3)",
    ]
    assert notes == [CHECKOV_SKIPPED_LINE]
    assert calls == [OURS, IMPORTS, OURS, IMPORTS]
    assert [f.name for f in figures] == [
        "preview dev (alternated): median wall",
        "import pulumi+pulumi_aws+pulumi_policy: median wall",
        "ratio ours / import of the SDKs",
    ]


def test_a_checkov_run_that_reports_no_checks_is_refused():
    _, run = fake_runs({**TIMINGS, CHECKOV: ChildRun(0.2, 1, 0, "")})
    with pytest.raises(RuntimeError, match=r"^checkov reported no Terraform checks of .*dev-terraform:"):
        bench_verdict(1, CHECKOV, [], ours=OURS, imports=IMPORTS, run=run)


def test_a_failed_checkov_run_is_refused():
    _, run = fake_runs({**TIMINGS, CHECKOV: ChildRun(0.2, 1, 2, "Error: bad flag")})
    with pytest.raises(RuntimeError, match=r"^checkov failed \(2\):\nError: bad flag$"):
        bench_verdict(1, CHECKOV, [], ours=OURS, imports=IMPORTS, run=run)


def test_checkov_is_found_through_the_env_variable_then_the_projects_venv_then_path(tmp_path):
    on_path = tmp_path / "bin"
    on_path.mkdir()
    fake_checkov(on_path)
    venv = tmp_path / "venv-checkov"
    venv.mkdir()
    in_venv = fake_checkov(venv)
    chosen = fake_checkov(tmp_path)
    missing = tmp_path / "nowhere" / "checkov"
    path = {"PATH": str(on_path)}
    assert find_checkov({**path, "CHECKOV": str(chosen)}, in_venv) == str(chosen)
    assert find_checkov(path, in_venv) == str(in_venv)
    assert find_checkov(path, missing) == str(on_path / "checkov")
    assert find_checkov({"PATH": str(tmp_path / "empty")}, missing) is None
    with pytest.raises(ValueError, match=f"^CHECKOV={missing} is not an executable file.$"):
        find_checkov({"CHECKOV": str(missing)}, in_venv)


def test_the_verdict_section_runs_a_fake_checkov_named_by_the_env_variable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHECKOV", str(fake_checkov(tmp_path)))
    trivial = [sys.executable, "-c", "pass"]
    figures = bench_verdict(1, find_checkov(), [], ours=trivial, imports=trivial)
    number = r"\d+\.\d{3}"
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        rf"Time to verdict \(dev\): ours {number} s, checkov {number} s, ratio \d+\.\d\d \(target <= 0\.5\)",
        lines[0],
    )
    assert re.fullmatch(
        rf"Time to verdict \(dev\): ours {number} s, import pulumi\+pulumi_aws\+pulumi_policy {number} s, "
        r"ratio \d+\.\d\d \(target <= 3\)",
        lines[1],
    )
    assert figures[1].detail["version"] == "3.3.30"
    assert figures[1].detail["checks"] == {"passed": 15, "failed": 1, "skipped": 0}


def test_only_verdict_runs_that_section_and_records_it_with_the_notes(tmp_path, monkeypatch):
    def verdict(runs: int, checkov: str | None, notes: list[str], floor: list[str]) -> list[Figure]:
        assert floor == [sys.executable, "-c", PROGRAM_SDK_IMPORTS]
        notes.append(CHECKOV_SKIPPED_LINE)
        return [Figure("time to verdict against others", "ratio ours / import of the SDKs", 2.5, "×", 3.0)]

    monkeypatch.setattr(bench, "bench_verdict", verdict)
    monkeypatch.setattr(bench, "find_checkov", lambda: None)
    output = tmp_path / "bench-results.json"
    assert cli.main(["bench", "--only", "verdict", "--output", str(output)]) == 0
    payload = json.loads(output.read_text())
    assert payload["notes"] == [CHECKOV_SKIPPED_LINE]
    assert [(f["name"], f["value"], f["verdict"]) for f in payload["figures"]] == [
        ("ratio ours / import of the SDKs", 2.5, "PASS")
    ]


def test_the_sdk_floor_pack_has_our_stack_policies_and_finds_nothing():
    from pulumi_policy import StackValidationPolicy

    from policies import POLICIES
    from sandbox.analyzer import PolicyPackProcess, StackContext, analyze_stack_request
    from sandbox.tools.sdkfloor import floor_pack

    recording = dev()
    context = StackContext(recording.project, recording.stack, dict(recording.config))
    with (
        floor_pack(bench.PACK_DIR) as folder,
        PolicyPackProcess(folder, project="p", stack="s", config={}) as floor,
    ):
        info = floor.analyzer_info()
        diagnostics = floor.send_analyze_stack(analyze_stack_request(recording.resources, context))
    assert info.name == "sdk-floor"
    # Every policy of ours the SDK runs in AnalyzeStack (resource-and-stack ones included), and no other.
    assert [p.name for p in info.policies] == [
        p.name for p in POLICIES if isinstance(p, StackValidationPolicy)
    ]
    assert len(info.policies) == 18
    assert diagnostics == []
