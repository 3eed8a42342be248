"""`up` runs its preview and its deploy against one embedded AWS, so a lookup answers the same in both.

No moto runs around this module's tests: `up` starts its own, as from the command line (a test
module with a moto fixture would hide the difference).
"""

from pathlib import Path

from sandbox.sdk_private import moto_mock_running
from tests.fixtures.sandbox.support import FIXTURE_PACK, run_cli_json


def test_up_previews_against_the_moto_it_deploys_into(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: lookup\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nimport pulumi_aws as aws\n"
        "vpc = aws.ec2.get_vpc(default=True)\n"
        "aws.ec2.SecurityGroup('g', vpc_id=vpc.id, description='lookup')\n"
        "pulumi.export('vpcId', vpc.id)\n"
    )
    assert not moto_mock_running()

    _, result = run_cli_json("up", "--program", tmp_path, "--stack", "dev", "--policy-pack", FIXTURE_PACK)

    [planned] = [r for r in result["preview"]["plan"]["resources"] if r["name"] == "g"]
    deployed = result["deploy"]["outputs"]["vpcId"]
    assert deployed.startswith("vpc-")
    assert planned["inputs"]["vpcId"] == deployed
