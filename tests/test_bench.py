"""The benchmark's own machinery: the synthetic fleets and the verdicts (no timings asserted)."""

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from sandbox.bench import (
    FLEET_DIR,
    FLEET_PROJECT,
    Figure,
    fleet_worker,
    format_table,
    growth_line,
    percentile,
    run_child,
    stack_line,
)
from sandbox.fleet import crowd_endpoints, replicate, stamp_copy
from sandbox.program import ProgramError, Recording, run_program
from sandbox.stackconfig import load_stack_config

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
