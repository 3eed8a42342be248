"""Printing: the preview the way ``pulumi preview`` shows it, and the JSON forms.

The text follows the Pulumi CLI's display code (pulumi/pulumi pkg/backend/display: rows.go for the
tree's columns, progress.go for the Policies, Diagnostics and Outputs sections, diff.go for a policy
line, object_diff.go for values); docs/offline-engine.md ("Output") lists where it differs. The JSON
of ``preview --json`` is the contract in docs/preview.schema.json.
"""

import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import pulumi
from pulumi.output import Unknown

from .analyzer import AnalyzerInfo, Diagnostic, Remediation, StackContext
from .engine.program import LogMessage, RecordedResource, Recording
from .sdk_private import is_secret

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
STACK_TYPE = "pulumi:pulumi:Stack"
UNKNOWN_TEXT = "[unknown]"  # the CLI's spelling since v3.163 (pulumi/pulumi#19204); output<T> before
SECRET_TEXT = "[secret]"
# The CLI sorts a pack's violations by these ranks (progress.go enforcementRank, severityRank).
_LEVEL_RANK = {"remediate": 0, "mandatory": 1, "advisory": 2, "disabled": 3}
_SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3, "": 4}
# A diagnostic's prefix by severity (sdk/go/common/diag/sink.go Stringify): info has none.
_LOG_PREFIX = {"debug": "debug: ", "info": "", "warning": "warning: ", "error": "error: "}
# Per-resource counts in the Info column, in the CLI's order (rows.go getInfoColumn).
_LOG_COUNTS = (("error", "error"), ("warning", "warning"), ("info", "message"), ("debug", "debug"))
PROGRAM_FAILED = "Program failed with an unhandled exception:"
_TRACEBACK = "Traceback (most recent call last):"


def stack_urn(recording: Recording) -> str:
    return StackContext(recording.project, recording.stack, {}).stack_urn


def display_type(type_: str) -> str:
    """The CLI's short type: ``aws:ec2/vpc:Vpc`` -> ``aws:ec2:Vpc`` (tokens.Type.DisplayName)."""
    parts = type_.split(":")
    if len(parts) != 3 or not parts[2] or "/" not in parts[1]:
        return type_
    module, _, file = parts[1].rpartition("/")
    camel = parts[2][0].lower() + parts[2][1:]
    return f"{parts[0]}:{module}:{parts[2]}" if file == camel else type_


def _urn_type_and_name(urn: str) -> tuple[str, str]:
    """(type, name) of a URN ``urn:pulumi:stack::project::parent$type::name``."""
    parts = urn.split("::")
    if len(parts) < 4:
        return "", urn
    return parts[2].rsplit("$", 1)[-1], "::".join(parts[3:])


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
    return _plan_reasons(recording.outputs.get("plan"))


def _plan_reasons(plan: Any) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    if isinstance(plan, list):
        for entry in plan:
            if isinstance(entry, dict) and isinstance(entry.get("serviceName"), str):
                reasons[entry["serviceName"]] = [str(r) for r in entry.get("reasons") or []]
    return reasons


class PlanRow(NamedTuple):
    type: str  # tree prefix and the CLI's short type
    name: str
    plan: str
    info: str
    urn: str


def _log_counts(logs: Iterable[LogMessage]) -> str:
    """``1 error; 2 warnings``: what the CLI's Info column says of a resource's messages."""
    severities = [log.severity for log in logs]
    pieces = []
    for severity, word in _LOG_COUNTS:
        count = severities.count(severity)
        if count:
            pieces.append(f"{count} {word}{'' if count == 1 else 's'}")  # english.PluralWord
    return "; ".join(pieces)


def plan_rows(recording: Recording, verb: str = "create") -> list[PlanRow]:
    """One row per resource, the stack first, children under their parents, as the CLI's tree."""
    reasons = endpoint_reasons(recording)
    root = stack_urn(recording)
    logs_of = _logs_by_urn(recording)

    def info(resource: RecordedResource | None, urn: str) -> str:
        notes = []
        if resource is not None and resource.type == ENDPOINT:
            name = resource.inputs.get("serviceName")
            # Only the ids here ("C1, C2"); "Endpoints and why" spells the reasons out.
            if isinstance(name, str) and reasons.get(name):
                notes.append(", ".join(r.split(":", 1)[0] for r in reasons[name]))
        if resource is not None and resource.remote:
            notes.append("children not built offline")  # its provider plugin builds them
        notes.append(_log_counts(logs_of.get(urn, [])))
        return "; ".join(note for note in notes if note)

    rows = [PlanRow(STACK_TYPE, f"{recording.project}-{recording.stack}", verb, info(None, root), root)]
    children = _children(recording.resources)

    def walk(parent: str, indent: str) -> None:
        kids = sorted(children.get(parent, []), key=_tree_order)
        for index, resource in enumerate(kids):
            last = index == len(kids) - 1
            tree = f"{indent}{'└─' if last else '├─'} {display_type(resource.type)}"
            rows.append(PlanRow(tree, resource.name, verb, info(resource, resource.urn), resource.urn))
            walk(resource.urn, indent + ("   " if last else "│  "))

    # Resources whose parent is the stack record either the stack URN or "" as parent.
    for top in (root, ""):
        walk(top, "")
    return rows


def print_plan(
    recording: Recording, out: TextIO, *, title: str = "Previewing update", verb: str = "create"
) -> list[PlanRow]:
    """The header and the resource tree (columns as the CLI's: op, Type, Name, Plan, Info)."""
    rows = plan_rows(recording, verb)
    headings = ("Type", "Name", "Plan")
    widths = [max(len(heading), *(len(row[i]) for row in rows)) for i, heading in enumerate(headings)]

    def line(mark: str, columns: tuple[str, str, str, str]) -> str:
        cells = "  ".join(f"{cell:<{width}}" for cell, width in zip(columns, widths, strict=False))
        return f" {mark:<2}  {cells}  {columns[3]}".rstrip() + "\n"

    out.write(f"{title} ({recording.stack}):\n")
    out.write(line("", ("Type", "Name", "Plan", "Info")))
    for row in rows:
        out.write(line("+", (row.type, row.name, row.plan, row.info)))
    out.write("\n")
    return rows


def pack_display_path(path: Path) -> str:
    """The pack's path as the CLI shows it: relative when under the working directory, long ones cut."""
    try:
        shown = str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = os.path.normpath(path)
    if len(shown) > 75:  # engine/update.go abbreviateFilePath
        dirs = shown.split("/")
        if len(dirs) > 4:
            shown = "/".join([*dirs[:2], "...", *dirs[-2:]])
    return shown


def _violation_order(diagnostic: Diagnostic) -> tuple[int, int, str, str]:
    return (
        _LEVEL_RANK.get(diagnostic.enforcement_level, 99),
        _SEVERITY_RANK.get(diagnostic.severity, 99),
        diagnostic.policy_name,
        diagnostic.urn,
    )


def _policy_line(diagnostic: Diagnostic) -> str:
    """``- [mandatory] [severity: high]  policy  (aws:ec2:VpcEndpoint: name)`` (diff.go)."""
    severity = f" [severity: {diagnostic.severity}]" if diagnostic.severity else ""
    clause = ""
    if diagnostic.urn.startswith("urn:"):
        type_, name = _urn_type_and_name(diagnostic.urn)
        clause = f"  ({display_type(type_)}: {name})"
    return f"        - [{diagnostic.enforcement_level}]{severity}  {diagnostic.policy_name}{clause}"


def _remediated_value(value: Any) -> str:
    return "(not set)" if value is None else json.dumps(json_value(value), ensure_ascii=False)


def _remediation_lines(remediations: Iterable[Remediation]) -> list[str]:
    """``- [remediate]  policy  (type: name)`` then ``property: old → new``, one line per property."""
    lines: list[str] = []
    for remediation in remediations:
        type_, name = _urn_type_and_name(remediation.urn)
        lines.append(f"        - [remediate]  {remediation.policy_name}  ({display_type(type_)}: {name})")
        old, new = _remediated_value(remediation.old), _remediated_value(remediation.new)
        lines.append(f"          {remediation.property}: {old} → {new}")
    return lines


def print_policies(
    diagnostics: list[Diagnostic],
    pack: AnalyzerInfo,
    out: TextIO,
    *,
    pack_path: str = "",
    remediations: Iterable[Remediation] = (),
) -> None:
    """The CLI's Policies section: the pack with ✅/⚠️/❌, each violation and its message, then what
    policies at level remediate changed (property: old → new) before the resources were analyzed."""
    mark = "✅"
    if diagnostics:
        mandatory = any(d.enforcement_level == "mandatory" for d in diagnostics)
        mark = "❌" if mandatory else "⚠️"
    local = f" (local: {pack_path})" if pack_path else ""
    out.write(f"Policies:\n    {mark} {pack.name}@v{pack.version}{local}\n")
    for diagnostic in sorted(diagnostics, key=_violation_order):
        out.write(_policy_line(diagnostic) + "\n")
        for line in diagnostic.message.rstrip("\n").split("\n"):
            out.write(f"          {line}".rstrip() + "\n")
    for line in _remediation_lines(remediations):
        out.write(line + "\n")
    out.write("\n")


def _logs_by_urn(recording: Recording) -> dict[str, list[LogMessage]]:
    root = stack_urn(recording)
    grouped: dict[str, list[LogMessage]] = {}
    for log in recording.logs:
        grouped.setdefault(log.urn or root, []).append(log)
    return grouped


def program_error_log(error: str) -> LogMessage:
    """The stack's error for a failed program, worded as the Python language host words it."""
    text = error.rstrip("\n")
    if _TRACEBACK in text and PROGRAM_FAILED not in text:
        text = f"{PROGRAM_FAILED}\n{text}"
    return LogMessage("error", text)


def print_log_diagnostics(recording: Recording, rows: list[PlanRow], out: TextIO) -> None:
    """The CLI's Diagnostics section: the program's messages grouped by resource, in tree order."""
    logs_of = _logs_by_urn(recording)
    order = [row.urn for row in rows] + [urn for urn in logs_of if urn not in {row.urn for row in rows}]
    wrote_header = False
    for urn in order:
        shown = [log for log in logs_of.get(urn, []) if log.severity != "debug"]  # shown with --debug only
        if not shown:
            continue
        if not wrote_header:
            out.write("Diagnostics:\n")
            wrote_header = True
        type_, name = _urn_type_and_name(urn)
        out.write(f"  {display_type(type_)} ({name}):\n")
        for log in shown:
            text = _LOG_PREFIX.get(log.severity, f"{log.severity}: ") + log.message.rstrip()
            for line in text.split("\n"):
                out.write(f"    {line}".rstrip() + "\n")
        out.write("\n")


def _go_quote(text: str) -> str:
    """A string as Go's %q writes it (strconv.Quote): the CLI quotes string values this way."""
    escapes = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    quoted = []
    for char in text:
        if char in ('"', "\\"):
            quoted.append("\\" + char)
        elif char in escapes:
            quoted.append(escapes[char])
        elif char.isprintable():
            quoted.append(char)
        elif ord(char) < 0x80:
            quoted.append(f"\\x{ord(char):02x}")
        else:
            quoted.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return '"' + "".join(quoted) + '"'


def _go_number(number: float) -> str:
    """A number as the CLI prints it: integers without a fraction, others as Go's %g."""
    if not math.isfinite(number):
        return "+Inf" if number > 0 else ("-Inf" if number < 0 else "NaN")
    if number == math.trunc(number):
        return f"{number:.0f}"
    shortest = repr(float(number))
    mantissa = shortest.split("e")[0].replace("-", "").replace(".", "").lstrip("0")
    digits = len(mantissa.rstrip("0")) or 1
    exponent = math.floor(math.log10(abs(number)))
    if exponent < -4 or exponent >= 6:  # %g with the shortest precision switches to %e here
        return f"{number:.{digits - 1}e}"
    return f"{number:.{max(digits - exponent - 1, 0)}f}"


def _decoded_json(text: str) -> Any:
    """A string holding a JSON object or array, decoded (the CLI prints it as ``(json) {...}``)."""
    import json

    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        decoded = json.loads(stripped)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict | list) else None


def format_value(value: Any, indent: int = 1) -> str:
    """One value as the CLI's property printer writes it at ``indent`` (4 spaces each), no newline."""
    pad = "    " * indent
    if isinstance(value, Unknown):
        return UNKNOWN_TEXT
    if is_secret(value):
        return SECRET_TEXT
    if value is None:
        return "<null>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _go_number(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        decoded = _decoded_json(value)
        return f"(json) {format_value(decoded, indent)}" if decoded is not None else _go_quote(value)
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{pad}    [{i}]: {format_value(item, indent + 1)}\n" for i, item in enumerate(value)]
        return "[\n" + "".join(items) + f"{pad}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        width = max(len(str(key)) for key in value)
        inner = "    " * (indent + 1)
        lines = [
            f"{inner}{key!s:<{width}}: {format_value(value[key], indent + 1)}\n"
            for key in sorted(value, key=str)
            if not str(key).startswith("__")  # the engine's internal properties (__defaults, ...)
        ]
        return "{\n" + "".join(lines) + f"{pad}}}"
    if isinstance(value, pulumi.StringAsset):
        text = "".join(f"{pad}    {line}\n" for line in value.text.split("\n"))
        return "asset(text) {\n" + text + f"{pad}}}"
    if isinstance(value, pulumi.FileAsset):
        return f"asset(file) {{ {value.path} }}"
    if isinstance(value, pulumi.RemoteAsset):
        return f"asset(uri) {{ {value.uri} }}"
    if isinstance(value, pulumi.AssetArchive):
        members = "".join(
            f'{pad}    "{name}": {format_value(value.assets[name], indent + 1)}\n'
            for name in sorted(value.assets)
        )
        return "archive(assets) {\n" + members + f"{pad}}}"
    if isinstance(value, pulumi.FileArchive):
        return f"archive(file) {{ {value.path} }}"
    if isinstance(value, pulumi.RemoteArchive):
        return f"archive(uri) {{ {value.uri} }}"
    if isinstance(value, pulumi.Resource):
        return "[resource]"
    return str(value)


def print_outputs(outputs: dict[str, Any], out: TextIO) -> None:
    """The CLI's Outputs section; the ``plan`` output is spelled out in "Endpoints and why" instead.

    The CLI leaves out null and empty outputs; here every output is shown, so that a null is never
    taken for an output the program does not export.
    """
    width = max((len(key) for key in outputs), default=0)
    lines = []
    for key in sorted(outputs):
        value = outputs[key]
        if key == "plan" and _plan_reasons(value):
            lines.append(f'    {key:<{width}}: [{len(value)} endpoints: see "Endpoints and why"]\n')
        else:
            lines.append(f"    {key:<{width}}: {format_value(value, 1)}\n")
    if lines:
        out.write("Outputs:\n" + "".join(lines) + "\n")


def print_resource_summary(count: int, out: TextIO, verb: str = "create") -> None:
    out.write(f"Resources:\n    + {count} to {verb}\n\n")


def print_endpoint_reasons(recording: Recording, out: TextIO) -> None:
    reasons = endpoint_reasons(recording)
    if not reasons:
        return
    out.write("Endpoints and why:\n")
    width = max(len(name) for name in reasons)
    for name, why in reasons.items():
        out.write(f"    {name:<{width}}  {why[0] if why else ''}".rstrip() + "\n")
        for more in why[1:]:
            out.write(f"    {'':<{width}}  {more}\n")
    out.write("\n")


def print_preview_text(
    recording: Recording,
    diagnostics: list[Diagnostic],
    pack: AnalyzerInfo | None,
    out: TextIO,
    *,
    pack_path: str = "",
    failed: bool = False,
    remediations: Iterable[Remediation] = (),
) -> None:
    """The CLI-shaped part of a preview, section by section in the CLI's order (progress.go)."""
    rows = print_plan(recording, out)
    if pack is not None:
        print_policies(diagnostics, pack, out, pack_path=pack_path, remediations=remediations)
    print_log_diagnostics(recording, rows, out)
    print_outputs(recording.outputs, out)
    # The CLI leaves the summary out after a mandatory violation (so as not to suggest a deploy).
    if not failed and not any(d.enforcement_level == "mandatory" for d in diagnostics):
        print_resource_summary(len(rows), out)


def print_verdict(diagnostics: list[Diagnostic], pack: AnalyzerInfo, out: TextIO) -> None:
    """The project's last line: the verdict counts and the pack's size, which the CLI does not print."""
    levels = [d.enforcement_level for d in diagnostics]
    mandatory = levels.count("mandatory")
    out.write(
        f"Policy verdicts: {mandatory} mandatory, {len(levels) - mandatory} other "
        f"({pack.name}@v{pack.version}, {len(pack.policies)} policies)\n"
    )


# JSON (docs/preview.schema.json). A value the program gave that JSON cannot hold is an object with one
# of these keys; a program's own object holding any of them is wrapped in {"$object": ...}.
MARKER_KEYS = ("$unknown", "$secret", "$asset", "$archive", "$resource", "$object")


def _asset_json(value: Any) -> dict[str, Any]:
    if isinstance(value, pulumi.StringAsset):
        return {"$asset": {"text": value.text}}
    if isinstance(value, pulumi.FileAsset):
        return {"$asset": {"path": str(value.path)}}
    if isinstance(value, pulumi.RemoteAsset):
        return {"$asset": {"uri": str(value.uri)}}
    if isinstance(value, pulumi.AssetArchive):
        return {"$archive": {"assets": {str(k): _asset_json(v) for k, v in value.assets.items()}}}
    if isinstance(value, pulumi.FileArchive):
        return {"$archive": {"path": str(value.path)}}
    if isinstance(value, pulumi.RemoteArchive):
        return {"$archive": {"uri": str(value.uri)}}
    raise TypeError(f"not an asset or archive: {type(value).__name__}")


def json_value(value: Any) -> Any:
    """A program value as JSON: unknown, secret, asset and archive as marker objects, never a crash."""
    if isinstance(value, Unknown):
        return {"$unknown": True}
    if is_secret(value):
        return {"$secret": True}  # the value stays hidden, as the CLI shows [secret]
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)  # JSON has no NaN or Infinity
        return int(value) if value == math.trunc(value) and abs(value) < 2**53 else value
    if isinstance(value, dict):
        encoded = {str(k): json_value(v) for k, v in value.items()}
        return {"$object": encoded} if any(key in MARKER_KEYS for key in encoded) else encoded
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, pulumi.Asset | pulumi.Archive):
        return _asset_json(value)
    if isinstance(value, pulumi.Resource):
        return {"$resource": {"pythonClass": f"{type(value).__module__}.{type(value).__qualname__}"}}
    return str(value)


def json_map(properties: dict[str, Any]) -> dict[str, Any]:
    """A property map (inputs, outputs): its own keys are never markers, so they are never wrapped."""
    return {str(key): json_value(value) for key, value in properties.items()}


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
                "custom": r.custom,
                "remote": r.remote,
                "provider": r.provider,
                "dependencies": list(r.dependencies),
                **({"id": r.id} if r.id else {}),
                "inputs": json_map(r.inputs),
            }
            for r in recording.resources
        ],
        "outputs": json_map(recording.outputs),
    }


def diagnostics_json(diagnostics: Iterable[Diagnostic]) -> list[dict[str, str]]:
    return [
        {
            "policyPackName": d.policy_pack_name,
            "policyPackVersion": d.policy_pack_version,
            "policyName": d.policy_name,
            "enforcementLevel": d.enforcement_level,
            "severity": d.severity,
            "urn": d.urn,
            "message": d.message,
            "description": d.description,
        }
        for d in sorted(diagnostics, key=_violation_order)
    ]


def remediations_json(remediations: Iterable[Remediation]) -> list[dict[str, Any]]:
    return [
        {
            "policyPackName": r.policy_pack_name,
            "policyName": r.policy_name,
            "urn": r.urn,
            "property": r.property,
            "old": json_value(r.old),
            "new": json_value(r.new),
        }
        for r in remediations
    ]


def logs_json(logs: Iterable[LogMessage]) -> list[dict[str, str]]:
    return [{"severity": log.severity, "message": log.message, "urn": log.urn} for log in logs]
