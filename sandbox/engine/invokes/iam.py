"""IAM invokes: getPolicyDocument (pure: the JSON the provider renders) and getPolicy (AWS managed
policies computed from moto's bundled copy of AWS's list; customer managed policies from the
embedded AWS, which holds those ``up`` created).

getPolicyDocument follows terraform-provider-aws's aws_iam_policy_document (policy_model.go,
policy_document_data_source.go): Version defaults to 2012-10-17; Sid is left out when empty; Effect
defaults to Allow; a single action, resource or principal identifier renders as a string and several
as a list sorted in reverse; condition values keep their order and a single value renders as a
string; ``&{`` becomes ``${`` in resources, principal identifiers and condition values; the JSON is
Go's (two-space indent, map keys sorted, <, > and & escaped); the id is the CRC-32 of that JSON.
Source documents are merged first and override documents last, a statement with a Sid replacing
the earlier one with that Sid.
"""

import importlib.util
import json
import zlib
from functools import cache
from pathlib import Path
from typing import Any

from . import Request, aws_error_code

DEFAULT_VERSION = "2012-10-17"
_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
)


def _strings(values: Any) -> Any:
    """One value as a string, several deduplicated and sorted in reverse (policyDecodeConfigStrings)."""
    unique = sorted({str(value) for value in values}, reverse=True)
    return unique[0] if len(unique) == 1 else unique


def _replace_vars(value: Any) -> Any:
    if isinstance(value, list):
        return [item.replace("&{", "${") for item in value]
    return value.replace("&{", "${")


def _principals(entries: list[tuple[str, Any]]) -> Any:
    """(type, identifiers) pairs as the provider marshals them (iamPolicyStatementPrincipalSet)."""
    if len(entries) == 1 and entries[0][0] == "*" and entries[0][1] in ("*", ["*"]):
        return "*"
    rendered: dict[str, Any] = {}
    for kind, identifiers in entries:
        have = rendered.get(kind)
        if isinstance(identifiers, list):
            merged = [] if have is None else [have] if isinstance(have, str) else have
            rendered[kind] = merged + sorted(identifiers, reverse=True)
        elif have is None:
            rendered[kind] = identifiers
        else:
            rendered[kind] = ([have] if isinstance(have, str) else have) + [identifiers]
    return dict(sorted(rendered.items()))


def _conditions(entries: list[tuple[str, str, Any]]) -> dict[str, dict[str, Any]]:
    rendered: dict[str, dict[str, list[str]]] = {}
    for test, variable, values in entries:
        rendered.setdefault(test, {}).setdefault(variable, []).extend(
            values if isinstance(values, list) else [values]
        )
    return {
        test: {
            variable: items[0] if len(items) == 1 else items for variable, items in sorted(variables.items())
        }
        for test, variables in sorted(rendered.items())
    }


def _statement_from_args(args: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": args.get("sid") or "", "Effect": args.get("effect") or "Allow"}
    for key, field in (("Action", "actions"), ("NotAction", "notActions")):
        if args.get(field):
            statement[key] = _strings(args[field])
    for key, field in (("Resource", "resources"), ("NotResource", "notResources")):
        if args.get(field):
            statement[key] = _replace_vars(_strings(args[field]))
    for key, field in (("Principal", "principals"), ("NotPrincipal", "notPrincipals")):
        if args.get(field):
            statement[key] = _principals(
                [(p["type"], _replace_vars(_strings(p.get("identifiers") or []))) for p in args[field]]
            )
    if args.get("conditions"):
        entries = []
        for condition in args["conditions"]:
            values = _replace_vars([str(value) for value in condition.get("values") or []])
            entries.append(
                (condition["test"], condition["variable"], values[0] if len(values) == 1 else values)
            )
        statement["Condition"] = _conditions(entries)
    return statement


def _statement_from_json(parsed: dict[str, Any]) -> dict[str, Any]:
    """A statement of a source or override document, normalised as the provider's unmarshal does."""
    statement = {key: parsed[key] for key in _STATEMENT_KEYS if key in parsed}
    for key in ("Principal", "NotPrincipal"):
        value = statement.get(key)
        if isinstance(value, str):
            statement[key] = _principals([("*", ["*"])])
        elif isinstance(value, dict):
            statement[key] = _principals(
                [(kind, sorted(ids) if isinstance(ids, list) else ids) for kind, ids in value.items()]
            )
    if isinstance(statement.get("Condition"), dict):
        statement["Condition"] = _conditions(
            [
                (test, variable, ("true" if values else "false") if isinstance(values, bool) else values)
                for test, variables in statement["Condition"].items()
                for variable, values in variables.items()
            ]
        )
    return statement


def _merge(document: dict[str, Any], other: dict[str, Any]) -> None:
    """iamPolicyDoc.Merge: adopt Id, upgrade Version, statements with a known Sid replace it."""
    if other.get("Id"):
        document["Id"] = other["Id"]
    if str(other.get("Version") or "") > str(document.get("Version") or ""):
        document["Version"] = other["Version"]
    statements = document.setdefault("Statement", [])
    for statement in other.get("Statement") or []:
        sid = statement.get("Sid")
        same = [i for i, existing in enumerate(statements) if sid and existing.get("Sid") == sid]
        if same:
            statements[same[0]] = statement
        else:
            statements.append(statement)


def _parsed_document(text: str) -> dict[str, Any]:
    parsed = json.loads(text)
    return {
        "Version": parsed.get("Version", ""),
        "Id": parsed.get("Id", ""),
        "Statement": [_statement_from_json(s) for s in parsed.get("Statement") or []],
    }


def _go_json(document: dict[str, Any], *, indent: bool) -> str:
    """encoding/json's output: omitempty fields left out, HTML characters escaped."""
    ordered: dict[str, Any] = {key: document[key] for key in ("Version", "Id") if document.get(key)}
    statements = [
        {key: statement[key] for key in _STATEMENT_KEYS if statement.get(key) not in (None, "", [], {})}
        for statement in document.get("Statement") or []
    ]
    if statements:
        ordered["Statement"] = statements
    text = json.dumps(
        ordered, ensure_ascii=False, **({"indent": 2} if indent else {"separators": (",", ":")})
    )
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_policy_document(args: dict[str, Any]) -> dict[str, Any]:
    """The provider's answer to getPolicyDocument for these (camelCase) arguments."""
    merged: dict[str, Any] = {"Version": "", "Id": "", "Statement": []}
    for source in args.get("sourcePolicyDocuments") or []:
        if source:
            _merge(merged, _parsed_document(source))
    current: dict[str, Any] = {
        "Version": args.get("version") or DEFAULT_VERSION,
        "Id": args.get("policyId") or "",
        "Statement": [_statement_from_args(statement) for statement in args.get("statements") or []],
    }
    _merge(merged, current)
    for override in args.get("overridePolicyDocuments") or []:
        if override:
            _merge(merged, _parsed_document(override))
    pretty = _go_json(merged, indent=True)
    return {
        "id": str(zlib.crc32(pretty.encode())),
        "json": pretty,
        "minifiedJson": _go_json(merged, indent=False),
        "overridePolicyDocuments": args.get("overridePolicyDocuments"),
        "policyId": args.get("policyId"),
        "sourcePolicyDocuments": args.get("sourcePolicyDocuments"),
        "statements": args.get("statements"),
        "version": args.get("version") or DEFAULT_VERSION,
    }


def get_policy_document(request: Request) -> dict[str, Any]:
    return render_policy_document(request.args)


# --- AWS managed policies ----------------------------------------------------------------------


@cache
def _managed_policies_text() -> str:
    # moto's bundled copy of AWS's managed policies: one JSON object inside a Python string. Read as
    # text rather than imported, since importing moto.iam costs most of a second.
    spec = importlib.util.find_spec("moto")
    if spec is None or not spec.submodule_search_locations:
        return ""
    path = Path(next(iter(spec.submodule_search_locations))) / "iam" / "aws_managed_policies.py"
    return path.read_text() if path.is_file() else ""


def managed_policy(name: str) -> dict[str, Any] | None:
    """One AWS managed policy (Path, Document, DefaultVersionId, dates), or None."""
    text = _managed_policies_text()
    start = text.find(f'\n "{name}":{{')
    if start < 0:
        return None
    body = text.index("{", start)
    policy, _ = json.JSONDecoder().raw_decode(text, body)
    return policy if isinstance(policy, dict) else None


def _customer_policy(request: Request, arn: str | None, name: str | None) -> dict[str, Any] | None:
    """A customer managed policy in the embedded AWS, with its default version's document."""
    iam = request.client("iam")
    if arn:
        try:
            policy = iam.get_policy(PolicyArn=arn)["Policy"]
        except Exception as error:
            if aws_error_code(error) != "NoSuchEntity":
                raise
            return None
    else:
        prefix = str(request.args.get("pathPrefix") or "/")
        pages = iam.get_paginator("list_policies").paginate(Scope="Local", PathPrefix=prefix)
        named = [p for page in pages for p in page["Policies"] if p["PolicyName"] == name]
        if not named:
            return None
        policy = named[0]
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
    document = version["PolicyVersion"]["Document"]
    tags = iam.list_policy_tags(PolicyArn=policy["Arn"]).get("Tags") or []
    return {
        "arn": policy["Arn"],
        "attachmentCount": policy.get("AttachmentCount", 0),
        "description": policy.get("Description", ""),
        "id": policy["Arn"],
        "name": policy["PolicyName"],
        "path": policy.get("Path", "/"),
        "pathPrefix": request.args.get("pathPrefix"),
        "policy": document if isinstance(document, str) else json.dumps(document, indent=4),
        "policyId": policy.get("PolicyId", ""),
        "tags": {tag["Key"]: tag["Value"] for tag in tags},
    }


def get_policy(request: Request) -> dict[str, Any]:
    args = request.args
    arn, name = args.get("arn"), args.get("name")
    aws_prefix = f"arn:{request.partition}:iam::aws:policy/"
    if not (arn and str(arn).startswith(aws_prefix)) and not (name and managed_policy(str(name))):
        customer = _customer_policy(request, str(arn) if arn else None, str(name) if name else None)
        if customer is None:
            raise request.not_found(
                f"no matching IAM Policy found ({arn or name} is neither an AWS managed policy nor"
                " a customer managed policy the stack created)"
            )
        return customer
    if arn:
        name = str(arn).rsplit("/", 1)[-1]
    policy = managed_policy(str(name)) if name else None
    path = policy["Path"] if policy else ""
    if policy is None or not path.startswith(str(args.get("pathPrefix") or "/")):
        raise request.not_found(f"no matching IAM Policy found ({arn or name} is no AWS managed policy)")
    policy_arn = f"{aws_prefix}{path.lstrip('/')}{name}"
    if arn and arn != policy_arn:
        raise request.not_found(f"no matching IAM Policy found ({arn}; the policy is {policy_arn})")
    return {
        "arn": policy_arn,
        "attachmentCount": 0,
        "description": "",
        "id": policy_arn,
        "name": name,
        "path": path,
        "pathPrefix": args.get("pathPrefix"),
        "policy": json.dumps(policy["Document"], indent=4),
        "policyId": "ANPA" + zlib.crc32(policy_arn.encode()).to_bytes(4).hex().upper() + "SANDBOX",
        "tags": {},
    }
