"""What an organisation reads about each policy: its docs page and url, its metadata, the pack's version."""

import re
from pathlib import Path

import pytest
from pulumi_policy import ResourceValidationPolicy

from policies import POLICIES
from policies.base import DOCS_BASE_URL, FRAMEWORK

PACK = Path(__file__).resolve().parents[2] / "policypack"
SECTIONS = ["## Why", "## Bad", "## Good", "## Fix", "## Remediation", "## Configuration"]
REMEDIATING = {
    "endpoint-same-region",
    "ecs-endpoints-are-interface",
    "endpoint-private-dns",
    "endpoint-policy-valid",
    "vpc-dns-enabled",
}


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
def test_every_policy_links_its_own_docs_page_with_every_section(policy):
    page = (PACK / "docs" / f"{policy.name}.md").read_text()

    assert policy.url == f"{DOCS_BASE_URL}/{policy.name}.md"
    assert page.startswith(f"# {policy.name}\n\n{policy.description}\n")
    assert [line for line in page.splitlines() if line.startswith("## ")] == SECTIONS
    assert f"Default level: **{policy.enforcement_level.value}**" in page
    assert "AWS source: https://docs.aws.amazon.com/" in page
    schema = policy.config_schema.properties if policy.config_schema else {}
    assert all(f"| `{key}` |" in page for key in schema)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
def test_every_policy_carries_the_framework_and_tags(policy):
    assert policy.framework is FRAMEWORK
    assert policy.tags[:3] == ["aws", "ecs", "privatelink"]


def test_exactly_the_documented_policies_remediate():
    remediating = {
        policy.name
        for policy in POLICIES
        if isinstance(policy, ResourceValidationPolicy) and policy.has_remediation()
    }
    assert remediating == REMEDIATING
    readme = (PACK / "README.md").read_text()
    remediation_table = readme[readme.index("## Remediation") : readme.index("## How the internet path")]
    assert set(re.findall(r"^\| `([a-z-]+)` \|", remediation_table, re.MULTILINE)) == REMEDIATING


def test_the_pack_version_is_the_changelogs_latest():
    version = re.search(r"^version: (\S+)$", (PACK / "PulumiPolicy.yaml").read_text(), re.MULTILINE)
    latest = re.search(r"^## (\S+)$", (PACK / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert version is not None and latest is not None
    assert version[1] == latest[1] == "0.2.1"
