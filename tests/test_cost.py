"""The cost report: exact figures for known stacks, and a Region without prices reported, not guessed."""

from pathlib import Path

import pytest

from ecs_privatelink.pricing import INTERFACE_ENDPOINT_HOURLY
from sandbox import cli
from sandbox.engine.program import RecordedResource, Recording, run_program
from sandbox.stackconfig import load_stack_config
from sandbox.tools.cost import (
    REFERENCE_INTERFACE_ENDPOINTS,
    cost_report,
    cost_section,
    format_report,
    stack_endpoints,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent


def resource(type_: str, name: str, id_: str, **inputs) -> RecordedResource:
    return RecordedResource(
        urn=f"urn:pulumi:t::p::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        parent="",
        provider="",
        dependencies=[],
        property_dependencies={},
        inputs=inputs,
        id=id_,
        outputs=dict(inputs),
    )


def stack(region: str, keys: list[str], zones: int = 2, launch_type: str = "FARGATE") -> Recording:
    """A VPC with a subnet per AZ, the interface endpoints ``keys`` in every subnet, and the S3 gateway."""
    subnets = [
        resource("aws:ec2/subnet:Subnet", f"subnet-{i}", f"subnet-{i}", availabilityZone=region + "abc"[i])
        for i in range(zones)
    ]
    endpoints = [
        resource(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            key,
            f"vpce-{key}",
            serviceName=f"com.amazonaws.{region}.{key}",
            vpcEndpointType="Interface",
            subnetIds=[s.id for s in subnets],
        )
        for key in keys
    ]
    gateway = resource(
        "aws:ec2/vpcEndpoint:VpcEndpoint", "s3", "vpce-s3", serviceName=f"com.amazonaws.{region}.s3",
        vpcEndpointType="Gateway",
    )  # fmt: skip
    config = {"aws:region": region, "p:launchType": launch_type}
    return Recording("p", "t", config, [*subnets, *endpoints, gateway], {}, [])


def totals(recording: Recording, **kwargs) -> dict[str, float | None]:
    return {option.name: option.total for option in cost_report(recording, **kwargs).options}


def test_fargate_stack_in_us_east_1_against_nat_and_reference():
    recording = stack("us-east-1", ["ecr.api", "ecr.dkr", "logs"])
    # 3 endpoints × 2 AZs × 730 h × $0.01 + 100 GB × $0.01; 2 NATs × 730 h × $0.045 + 100 GB × $0.045;
    # 6 reference endpoints × 2 AZs × 730 h × $0.01 + 100 GB × $0.01.
    assert totals(recording) == {
        "this stack": 44.80,
        "NAT gateway per AZ": 70.20,
        "reference architecture": 88.60,
    }


def test_traffic_assumption_is_configurable():
    recording = stack("us-east-1", ["ecr.api", "ecr.dkr", "logs"])
    assert totals(recording, gb_per_month=1000) == {
        "this stack": 53.80,
        "NAT gateway per AZ": 110.70,
        "reference architecture": 97.60,
    }


def test_ec2_reference_adds_the_ecs_trio():
    recording = stack("us-east-1", ["ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr"], 3, "EC2")
    report = cost_report(recording, gb_per_month=0)
    reference = report.option("reference architecture")
    assert reference.lines[0].quantity == (len(REFERENCE_INTERFACE_ENDPOINTS) + 3) * 3 * 730
    assert totals(recording, gb_per_month=0) == {
        "this stack": 109.50,
        "NAT gateway per AZ": 98.55,
        "reference architecture": 197.10,
    }


def test_a_region_without_prices_is_reported_not_guessed():
    assert "ca-west-1" not in INTERFACE_ENDPOINT_HOURLY
    report = cost_report(stack("ca-west-1", ["ecr.api", "ecr.dkr"]))
    assert [option.total for option in report.options] == [None, None, None]
    assert report.missing == [
        "interface endpoint hour in ca-west-1",
        "interface endpoint GB processed in ca-west-1",
        "NAT gateway hour in ca-west-1",
        "NAT gateway GB processed in ca-west-1",
    ]
    text = format_report(report)
    assert "no recorded price for interface endpoint hour in ca-west-1" in text
    assert "$" not in text.split("side by side")[1].split("\n")[0]  # no total is made up
    # The quantities are still there for the reader to price.
    assert report.option("this stack").lines[0].quantity == 2 * 2 * 730


def test_a_partly_priced_region_prices_what_it_can_and_names_the_rest():
    report = cost_report(stack("eu-central-1", ["logs"]), gb_per_month=0)
    hours = report.option("this stack").lines[0]
    assert hours.usd == 17.52  # 1 × 2 AZs × 730 h × $0.012
    assert report.option("this stack").total is None  # the per-GB price is not recorded
    assert "interface endpoint GB processed in eu-central-1" in report.missing
    assert any("(unverified)" in source for source in report.sources)


def test_endpoint_azs_are_counted_per_endpoint_from_its_subnets():
    recording = stack("us-east-1", ["logs"], zones=3)
    recording.resources[3].inputs["subnetIds"] = ["subnet-0"]  # the logs endpoint in one AZ only
    found = stack_endpoints(recording)
    assert found.interface == {"logs": 1}
    assert found.gateways == ["s3"]
    assert found.az_count == 3


@pytest.mark.parametrize("preview", [True, False])
def test_the_dev_stack_program(preview):
    # In preview the subnet ids are unknown: the AZs come from the property dependencies instead.
    config = load_stack_config(PROJECT_DIR, "dev")
    recording = run_program(
        PROJECT_DIR, project=config.project, stack="dev", config=config.config, preview=preview
    )
    assert stack_endpoints(recording).interface == {"ecr.api": 2, "ecr.dkr": 2, "logs": 2}
    assert totals(recording)["this stack"] == 44.80
    assert "side by side: this stack $44.80 · NAT gateway per AZ $70.20" in cost_section(recording)


def test_command_prints_the_report(capsys):
    assert cli.main(["cost", "--stack", "dev", "--program", str(PROJECT_DIR), "--gb", "0"]) == 0
    out = capsys.readouterr().out
    assert "Monthly cost, dev stack in us-east-1" in out
    assert "this stack $43.80" in out


def test_command_refuses_an_unknown_stack(capsys):
    assert cli.main(["cost", "--stack", "nope", "--program", str(PROJECT_DIR)]) == 2
    assert "Pulumi.nope.yaml" in capsys.readouterr().err


def test_command_refuses_negative_gigabytes(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["cost", "--stack", "dev", "--program", str(PROJECT_DIR), "--gb", "-1"])
    assert exit_.value.code == 2
    assert "argument --gb: must be a number of GB, 0 or more, not -1" in capsys.readouterr().err
