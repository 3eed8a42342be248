"""What `python -m sandbox preview` prints: CLI-shaped text, and JSON that docs/preview.schema.json holds."""

import copy
import io
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pulumi
import pytest
import yaml
from pulumi.output import UNKNOWN
from pulumi.runtime import rpc

from sandbox.analyzer import AnalyzerInfo, Diagnostic, PolicyInfo
from sandbox.cli import _preview_json, _print_preview
from sandbox.engine.program import LogMessage, RecordedResource, Recording
from sandbox.preview import PreviewResult
from sandbox.report import display_type, format_value, json_value, print_preview_text
from sandbox.stackconfig import StackFiles
from tests.fixtures.sandbox.support import FIXTURE_PACK, PROJECT_ROOT, RAW, run_cli, run_cli_json

SCHEMA = json.loads((PROJECT_ROOT / "docs" / "preview.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
PACK_VERSION = yaml.safe_load((PROJECT_ROOT / "policypack" / "PulumiPolicy.yaml").read_text())["version"]

STACK = "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev"
NET = "urn:pulumi:dev::demo::demo:index:Network::net"
VPC = "urn:pulumi:dev::demo::demo:index:Network$aws:ec2/vpc:Vpc::net-vpc"
LOGS = "urn:pulumi:dev::demo::demo:index:Network$aws:ec2/vpcEndpoint:VpcEndpoint::net-logs"
AWSX = "urn:pulumi:dev::demo::awsx:ec2:Vpc::shared"
FN = "urn:pulumi:dev::demo::aws:lambda/function:Function::fn"


def _resource(urn: str, parent: str, inputs: dict[str, Any], *, custom: bool = True, remote: bool = False):
    type_ = urn.split("::")[2].rsplit("$", 1)[-1]
    return RecordedResource(
        urn=urn,
        type=type_,
        name=urn.rsplit("::", 1)[1],
        custom=custom,
        parent=parent,
        provider="",
        dependencies=[],
        property_dependencies={},
        inputs=inputs,
        remote=remote,
    )


CODE = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c):\n    return 1"),
                            "lib": pulumi.FileArchive("./lib")})  # fmt: skip


def _recording() -> Recording:
    """A small plan with every kind of value and message the output has to show."""
    return Recording(
        project="demo",
        stack="dev",
        config={},
        resources=[
            _resource(NET, STACK, {}, custom=False),
            _resource(VPC, NET, {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}),
            _resource(LOGS, NET, {"serviceName": "com.amazonaws.us-east-1.logs", "vpcId": UNKNOWN}),
            _resource(AWSX, STACK, {}, custom=False, remote=True),
            _resource(FN, STACK, {"code": CODE, "role": UNKNOWN, "timeout": 3.0}),
        ],
        outputs={
            "vpcId": UNKNOWN,
            "dnsZone": None,
            "azCount": 2.0,
            "costUsd": 43.8,
            "private": True,
            "name": 'say "hi"',
            "subnets": ["subnet-1", UNKNOWN],
            "policy": '{"Version": "2012-10-17", "Statement": []}',
            "password": rpc.wrap_rpc_secret("hunter2"),
            "plan": [{"serviceName": "com.amazonaws.us-east-1.logs", "reasons": ["C8: awslogs needs logs."]}],
        },
        invokes=[],
        logs=[
            LogMessage("info", "using 2 AZs"),
            LogMessage("warning", "no NAT gateway:\ntasks reach AWS through endpoints only", VPC),
            LogMessage("debug", "registered", VPC),
        ],
    )


PACK = AnalyzerInfo(
    "demo-pack", "1.2.0", [PolicyInfo("dns", "mandatory", "DNS."), PolicyInfo("tags", "advisory", "Tags.")]
)
VIOLATIONS = [
    Diagnostic("tags", "demo-pack", "advisory", "Tags.\nTag it.", VPC, "Tags.", "low", "1.2.0"),
    Diagnostic("dns", "demo-pack", "mandatory", "DNS.\nEnable private DNS.", LOGS, "DNS.", "high", "1.2.0"),
    Diagnostic("dns", "demo-pack", "advisory", "DNS.\nStack-wide note.", STACK, "DNS.", "", "1.2.0"),
]


def _text(diagnostics: list[Diagnostic], pack: AnalyzerInfo | None = PACK) -> list[str]:
    out = io.StringIO()
    print_preview_text(_recording(), diagnostics, pack, out, pack_path="policy")
    return out.getvalue().split("\n")


def test_the_tree_has_the_cli_columns_short_types_and_info():
    lines = _text([])

    assert lines[:8] == [
        "Previewing update (dev):",
        "     Type                       Name      Plan    Info",
        " +   pulumi:pulumi:Stack        demo-dev  create  1 message",
        " +   ├─ demo:index:Network      net       create",
        " +   │  ├─ aws:ec2:Vpc          net-vpc   create  1 warning; 1 debug",
        " +   │  └─ aws:ec2:VpcEndpoint  net-logs  create  C8",
        " +   ├─ awsx:ec2:Vpc            shared    create  children not built offline",
        " +   └─ aws:lambda:Function     fn        create",
    ]
    assert lines[8] == ""


def test_sections_come_in_the_cli_order_with_the_cli_spelling_of_values():
    lines = _text(VIOLATIONS)
    text = "\n".join(lines)

    assert text[text.index("Policies:") :] == "\n".join(
        [
            "Policies:",
            "    ❌ demo-pack@v1.2.0 (local: policy)",
            # mandatory first, then by severity (unspecified last), then policy name
            "        - [mandatory] [severity: high]  dns  (aws:ec2:VpcEndpoint: net-logs)",
            "          DNS.",
            "          Enable private DNS.",
            "        - [advisory] [severity: low]  tags  (aws:ec2:Vpc: net-vpc)",
            "          Tags.",
            "          Tag it.",
            "        - [advisory]  dns  (pulumi:pulumi:Stack: demo-dev)",
            "          DNS.",
            "          Stack-wide note.",
            "",
            "Diagnostics:",
            "  pulumi:pulumi:Stack (demo-dev):",
            "    using 2 AZs",
            "",
            "  aws:ec2:Vpc (net-vpc):",  # the debug message only with --debug, as the CLI
            "    warning: no NAT gateway:",
            "    tasks reach AWS through endpoints only",
            "",
            "Outputs:",
            "    azCount : 2",
            "    costUsd : 43.8",
            "    dnsZone : <null>",
            '    name    : "say \\"hi\\""',
            "    password: [secret]",
            '    plan    : [1 endpoints: see "Endpoints and why"]',
            "    policy  : (json) {",
            "        Statement: []",
            '        Version  : "2012-10-17"',
            "    }",
            "    private : true",
            "    subnets : [",
            '        [0]: "subnet-1"',
            "        [1]: [unknown]",
            "    ]",
            "    vpcId   : [unknown]",
            "",
            "",  # no Resources section after a mandatory violation, as the CLI
        ]
    )


def test_without_violations_the_pack_passes_and_the_summary_counts_the_stack():
    lines = _text([])

    start = lines.index("Policies:")
    assert lines[start : start + 3] == ["Policies:", "    ✅ demo-pack@v1.2.0 (local: policy)", ""]
    assert lines[-4:] == ["Resources:", "    + 6 to create", "", ""]


def test_only_advisory_violations_warn():
    lines = _text(VIOLATIONS[:1])
    assert "    ⚠️ demo-pack@v1.2.0 (local: policy)" in lines
    assert "    + 6 to create" in lines


def test_assets_and_archives_print_as_the_cli_does():
    assert format_value(CODE, 1) == "\n".join(
        [
            "archive(assets) {",
            '        "index.py": asset(text) {',
            "            def handler(e, c):",
            "                return 1",
            "        }",
            '        "lib": archive(file) { ./lib }',
            "    }",
        ]
    )
    assert format_value(pulumi.RemoteAsset("https://x/y"), 1) == "asset(uri) { https://x/y }"
    assert format_value(1234567.5) == "1.2345675e+06"  # Go's %g
    assert format_value(0.25) == "0.25"
    assert display_type("aws:ec2/vpcEndpoint:VpcEndpoint") == "aws:ec2:VpcEndpoint"
    assert display_type("aws:lb/targetGroup:Group") == "aws:lb/targetGroup:Group"  # file is not the name
    assert display_type("pulumi:providers:aws") == "pulumi:providers:aws"


def _failed(error: str) -> list[str]:
    out = io.StringIO()
    _print_preview(PreviewResult(StackFiles("demo", "dev", {}), None, error=error), out)
    return out.getvalue().split("\n")


def test_a_program_traceback_prints_under_the_stack_as_the_python_host_words_it():
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "/p/__main__.py", line 3, in <module>\n'
        "    raise ValueError('no')\n"
        "ValueError: no\n"
    )

    assert _failed(traceback) == [
        "Previewing update (dev):",
        "     Type                 Name      Plan    Info",
        " +   pulumi:pulumi:Stack  demo-dev  create  1 error",
        "",
        "Diagnostics:",
        "  pulumi:pulumi:Stack (demo-dev):",
        "    error: Program failed with an unhandled exception:",
        "    Traceback (most recent call last):",
        '      File "/p/__main__.py", line 3, in <module>',
        "        raise ValueError('no')",
        "    ValueError: no",
        "",
        "",
    ]


def test_an_error_without_a_traceback_prints_as_it_is():
    assert _failed("aws.ec2.get_vpc_peering_connection is not answered")[5:8] == [
        "  pulumi:pulumi:Stack (demo-dev):",
        "    error: aws.ec2.get_vpc_peering_connection is not answered",
        "",
    ]


def _document(diagnostics: list[Diagnostic] = VIOLATIONS) -> dict[str, Any]:
    result = PreviewResult(StackFiles("demo", "dev", {}), _recording(), diagnostics, pack=PACK)
    # Through json as the CLI prints it: what a reader gets.
    return json.loads(json.dumps(_preview_json(result, "policy")))


def test_json_keeps_unknown_null_secret_assets_and_booleans_apart():
    document = _document()
    VALIDATOR.validate(document)
    resources = {r["name"]: r for r in document["plan"]["resources"]}
    outputs = document["plan"]["outputs"]

    assert outputs["vpcId"] == {"$unknown": True}
    assert outputs["dnsZone"] is None
    assert outputs["subnets"] == ["subnet-1", {"$unknown": True}]
    assert outputs["password"] == {"$secret": True}
    assert outputs["azCount"] == 2 and outputs["costUsd"] == 43.8
    assert resources["net-vpc"]["inputs"]["enableDnsHostnames"] is True
    assert resources["fn"]["inputs"] == {
        "code": {
            "$archive": {
                "assets": {
                    "index.py": {"$asset": {"text": "def handler(e, c):\n    return 1"}},
                    "lib": {"$archive": {"path": "./lib"}},
                }
            }
        },
        "role": {"$unknown": True},
        "timeout": 3,
    }
    assert resources["shared"]["remote"] is True and resources["shared"]["custom"] is False
    assert document["logs"][1] == {
        "severity": "warning",
        "message": "no NAT gateway:\ntasks reach AWS through endpoints only",
        "urn": VPC,
    }
    assert [(d["enforcementLevel"], d["policyName"], d["severity"]) for d in document["diagnostics"]] == [
        ("mandatory", "dns", "high"),
        ("advisory", "tags", "low"),
        ("advisory", "dns", ""),
    ]
    assert document["policyPack"] == {
        "name": "demo-pack",
        "version": "1.2.0",
        "path": "policy",
        "policies": 2,
    }
    assert (
        document["resourcesToCreate"],
        document["mandatoryViolations"],
        document["advisoryViolations"],
    ) == (
        6,
        1,
        2,
    )
    assert document["exitCode"] == 1


def test_a_program_object_that_looks_like_a_marker_is_wrapped():
    assert json_value({"$unknown": True}) == {"$object": {"$unknown": True}}
    assert json_value({"$unknown": True, "a": UNKNOWN}) == {
        "$object": {"$unknown": True, "a": {"$unknown": True}}
    }
    assert json_value([float("nan")]) == ["nan"]


@pytest.mark.parametrize(
    ("where", "wrong"),
    [
        (("exitCode",), 3),
        (("mandatoryViolations",), "1"),
        (("plan", "outputs", "vpcId"), {"$unknown": False}),
        (("plan", "outputs", "vpcId"), {"$unknown": True, "type": "string"}),
        (("plan", "outputs", "subnets"), [{"$secret": "hunter2"}]),
        (("plan", "resources", 1, "custom"), "true"),
        (("plan", "resources", 4, "inputs", "code"), {"$archive": {"path": "a", "uri": "b"}}),
        (("diagnostics", 0, "enforcementLevel"), "fatal"),
        (("logs", 0, "urn"), "net-vpc"),
    ],
)
def test_the_schema_rejects_a_wrong_document(where: tuple[Any, ...], wrong: Any):
    document = copy.deepcopy(_document())
    VALIDATOR.validate(document)
    target = document
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = wrong

    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)


def test_the_schema_rejects_a_missing_or_extra_field():
    document = _document()
    del document["logs"]
    assert not VALIDATOR.is_valid(document)
    document = _document()
    document["plan"]["resources"][0]["inputs_"] = {}
    assert not VALIDATOR.is_valid(document)


# The real command, in-process, on the project's dev stack and on the raw fixture's bad stack.


def test_dev_preview_json_conforms_to_the_schema():
    code, document = run_cli_json("preview", "--stack", "dev")

    VALIDATOR.validate(document)
    assert code == document["exitCode"] == 0
    assert document["policyPack"]["name"] == "ecs-privatelink"
    assert document["policyPack"]["path"] == "policypack"
    assert document["resourcesToCreate"] == len(document["plan"]["resources"]) + 1
    assert document["plan"]["outputs"]["clusterName"] == "ecs-privatelink-dev"


def test_bad_stack_json_with_violations_conforms_to_the_schema():
    code, document = run_cli_json(
        "preview", "--program", RAW, "--stack", "bad", "--policy-pack", FIXTURE_PACK
    )

    VALIDATOR.validate(document)
    assert code == document["exitCode"] == 1
    assert document["mandatoryViolations"] == 3 and document["advisoryViolations"] == 2
    first = document["diagnostics"][0]
    assert (first["policyPackName"], first["policyName"], first["enforcementLevel"]) == (
        "sandbox-fixture",
        "fixture-private-dns",
        "mandatory",
    )
    assert (
        first["message"]
        == "Interface endpoints use private DNS.\nEnable private DNS on com.amazonaws.us-west-2.ecr.api."
    )


def test_a_failed_program_json_conforms_to_the_schema(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text("raise ValueError('the program refuses this stack')\n")

    code, document = run_cli_json("preview", "--program", tmp_path, "--policy-pack", FIXTURE_PACK)

    VALIDATOR.validate(document)
    assert code == document["exitCode"] == 2
    assert "the program refuses this stack" in document["error"]
    assert document["plan"] is None and document["resourcesToCreate"] == 0


def test_dev_preview_text_has_the_cli_sections_then_the_project_ones():
    code, text = run_cli("preview", "--stack", "dev")
    lines = text.split("\n")

    assert code == 0
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings[:2] == ["Previewing update (dev):", "Policies:"]
    assert headings[2:5] == ["Outputs:", "Resources:", "Endpoints and why:"]
    assert headings[5].startswith("Monthly cost, dev stack in us-east-1")
    assert " +   ├─ ecs-privatelink:index:PrivateLinkEndpoints  privatelink                create" in lines
    assert (
        " +   │  ├─ aws:ec2:VpcEndpoint                      privatelink-logs           create  C8" in lines
    )
    policies = lines.index("Policies:")
    assert lines[policies + 1] == f"    ⚠️ ecs-privatelink@v{PACK_VERSION} (local: policypack)"
    # The execution role's policy names endpoint ids, unknown until deploy: C13 can only say so.
    assert lines[policies + 2] == (
        "        - [advisory]  ecr-pull-restricted-to-vpc  (pulumi:pulumi:Stack: ecs-privatelink-dev)"
    )
    assert '    clusterName            : "ecs-privatelink-dev"' in lines
    assert '    launchType             : "FARGATE"' in lines
    assert "    estimatedMonthlyCostUsd: 43.8" in lines
    resources = lines.index("Resources:")
    assert lines[resources + 1] == "    + 31 to create"
    assert (
        lines[-2] == f"Policy verdicts: 0 mandatory, 1 other (ecs-privatelink@v{PACK_VERSION}, 21 policies)"
    )
