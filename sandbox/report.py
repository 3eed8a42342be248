"""Printing: the plan the way ``pulumi preview`` shows it, policy verdicts, verify's table, and JSON."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from pulumi.output import Unknown

from .analyzer import AnalyzerInfo, Diagnostic, StackContext
from .program import RecordedResource, Recording

if TYPE_CHECKING:  # verify pulls in boto3, which preview never needs
    from .verify import VerifyReport

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
_LEVEL_ORDER = {"mandatory": 0, "remediate": 1, "advisory": 2, "disabled": 3}


def stack_urn(recording: Recording) -> str:
    return StackContext(recording.project, recording.stack, {}).stack_urn


# Siblings in the order a reader builds the network; registration order varies between runs.
_TYPE_ORDER = (
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcDhcpOptions:VpcDhcpOptions",
    "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/route:Route",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    ENDPOINT,
)


def _tree_order(resource: RecordedResource) -> tuple[int, str]:
    if not resource.custom:
        return (-1, "")  # components keep the program's order (sorted() is stable)
    rank = _TYPE_ORDER.index(resource.type) if resource.type in _TYPE_ORDER else len(_TYPE_ORDER)
    return (rank, resource.name)


def _children(resources: Iterable[RecordedResource]) -> dict[str, list[RecordedResource]]:
    children: dict[str, list[RecordedResource]] = {}
    for resource in resources:
        children.setdefault(resource.parent, []).append(resource)
    return children


def endpoint_reasons(recording: Recording) -> dict[str, list[str]]:
    """Service name -> the program's reasons, from its ``plan`` output when it exports one."""
    plan = recording.outputs.get("plan")
    reasons: dict[str, list[str]] = {}
    if isinstance(plan, list):
        for entry in plan:
            if isinstance(entry, dict) and isinstance(entry.get("serviceName"), str):
                reasons[entry["serviceName"]] = [str(r) for r in entry.get("reasons") or []]
    return reasons


def plan_rows(recording: Recording, verb: str = "create") -> list[tuple[str, str, str, str]]:
    """(tree prefix + type, name, verb, note) per resource, stack first, children under parents."""
    reasons = endpoint_reasons(recording)
    root = stack_urn(recording)
    rows = [("pulumi:pulumi:Stack", f"{recording.project}-{recording.stack}", verb, "")]
    children = _children(recording.resources)

    def walk(parent: str, indent: str) -> None:
        kids = sorted(children.get(parent, []), key=_tree_order)
        for index, resource in enumerate(kids):
            last = index == len(kids) - 1
            note = ""
            if resource.type == ENDPOINT:
                name = resource.inputs.get("serviceName")
                # Only the ids here ("C1, C2"); print_plan spells the reasons out below the tree.
                note = (
                    ", ".join(r.split(":", 1)[0] for r in reasons.get(name, []))
                    if isinstance(name, str)
                    else ""
                )
            rows.append((f"{indent}{'└─' if last else '├─'} {resource.type}", resource.name, verb, note))
            walk(resource.urn, indent + ("   " if last else "│  "))

    # Resources whose parent is the stack record either the stack URN or "" as parent.
    for top in (root, ""):
        walk(top, "")
    return rows


def _value(value: Any) -> str:
    if value is None or isinstance(value, Unknown):
        return "output<unknown>"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def print_plan(
    recording: Recording, out: TextIO, *, title: str = "Previewing update", verb: str = "create"
) -> None:
    rows = plan_rows(recording, verb)
    type_width = max(len(row[0]) for row in rows)
    name_width = max(len(row[1]) for row in rows)
    out.write(f"{title} ({recording.stack}):\n")
    out.write(f"     {'Type':<{type_width}}  {'Name':<{name_width}}  Plan\n")
    for type_, name, plan, note in rows:
        out.write(f" +   {type_:<{type_width}}  {name:<{name_width}}  {plan}")
        out.write(f"  ({note})\n" if note else "\n")
    reasons = endpoint_reasons(recording)
    if reasons:
        out.write("\nEndpoints and why:\n")
        width = max(len(name) for name in reasons)
        for name, why in reasons.items():
            out.write(f"    {name:<{width}}  {why[0] if why else ''}\n")
            for more in why[1:]:
                out.write(f"    {'':<{width}}  {more}\n")
    print_outputs(recording.outputs, out)
    out.write(f"\nResources:\n    + {len(rows)} to {verb}\n")


def print_outputs(outputs: dict[str, Any], out: TextIO) -> None:
    shown = {key: value for key, value in outputs.items() if key != "plan"}  # plan: the reasons above
    if shown:
        out.write("\nOutputs:\n")
        for key in sorted(shown):
            out.write(f"    {key}: {_value(shown[key])}\n")


def by_policy(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    grouped: dict[str, list[Diagnostic]] = {}
    ordered = sorted(diagnostics, key=lambda d: (_LEVEL_ORDER.get(d.enforcement_level, 9), d.policy_name))
    for diagnostic in ordered:
        grouped.setdefault(diagnostic.policy_name, []).append(diagnostic)
    return grouped


def _resource_label(urn: str) -> str:
    if not urn:
        return "stack"
    parts = urn.split("::")
    return f"{parts[-1]} ({parts[-2].rsplit('$', 1)[-1]})" if len(parts) >= 2 else urn


def print_diagnostics(diagnostics: list[Diagnostic], out: TextIO, pack: AnalyzerInfo | None = None) -> None:
    name = f"{pack.name} {pack.version} ({len(pack.policies)} policies)" if pack else "the policy pack"
    if not diagnostics:
        out.write(f"\nPolicies:\n    {name}: no violations\n")
        return
    out.write(f"\nPolicy Violations ({name}):\n")
    for policy, items in by_policy(diagnostics).items():
        first = items[0]
        out.write(f"    [{first.enforcement_level}]  {first.policy_pack_name}  {policy}  ({len(items)})\n")
        for diagnostic in items:
            out.write(f"        {_resource_label(diagnostic.urn)}\n")
            for line in diagnostic.message.strip().splitlines():
                out.write(f"          {line}\n")
    mandatory = sum(1 for d in diagnostics if d.enforcement_level == "mandatory")
    out.write(f"\n    {mandatory} mandatory, {len(diagnostics) - mandatory} other\n")


def diagnostics_json(diagnostics: Iterable[Diagnostic]) -> list[dict[str, str]]:
    return [
        {
            "policyName": d.policy_name,
            "policyPackName": d.policy_pack_name,
            "enforcementLevel": d.enforcement_level,
            "urn": d.urn,
            "message": d.message,
            "description": d.description,
        }
        for d in diagnostics
    ]


def json_safe(value: Any) -> Any:
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def recording_json(recording: Recording) -> dict[str, Any]:
    return {
        "project": recording.project,
        "stack": recording.stack,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                **({"id": r.id} if r.id else {}),
                "inputs": json_safe(r.inputs),
            }
            for r in recording.resources
        ],
        "outputs": json_safe(recording.outputs),
    }


def print_verify(report: "VerifyReport", out: TextIO) -> None:
    out.write(f"\nVerify {report.vpc_id} in {report.region}:\n")
    name_width = max((len(check.name) for check in report.checks), default=10)
    for check in report.checks:
        mark = "pass" if check.passed else "FAIL"
        out.write(
            f"    {mark}  {check.consideration or '--':<4} {check.name:<{name_width}}  {check.detail}\n"
        )
        if not check.passed and check.fix:
            out.write(f"          fix: {check.fix}\n")
    for instance in report.stale_instances:
        out.write(f"    container instance {instance.ec2_instance_id} ({instance.cluster}):\n")
        for reason in instance.reasons:
            out.write(f"          {reason}\n")
        out.write(f"          fix: {instance.fix}\n")
    for line in report.fix_commands:
        out.write(f"    --fix: {line}\n")
    failed = sum(1 for check in report.checks if not check.passed)
    out.write(f"\n    {len(report.checks) - failed} passed, {failed} failed\n")
