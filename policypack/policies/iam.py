"""IAM policy (C13): task execution roles pull ECR images only through the VPC's endpoints."""

import fnmatch
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from awsfacts import ECR_LAYER_PULL_ACTIONS, ECR_TOKEN_ACTION

from .base import Report, stack_policy
from .model import (
    ECS_TASK_DEFINITION,
    IAM_POLICY,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    Resource,
    Stack,
)
from .props import as_list, as_str, field_of, is_unknown, listify, parse_json, strings
from .settings import Settings
from .topology import endpoints
from .workloads import task_features

_SOURCE_KEYS = ("aws:sourcevpc", "aws:sourcevpce")
# AWS managed policies that grant ECR pulls without any condition.
_UNRESTRICTED_MANAGED = ("AmazonECSTaskExecutionRolePolicy", "AmazonEC2ContainerRegistryReadOnly")


def _allows(statement: dict[str, Any], action: str) -> bool:
    return statement.get("Effect") == "Allow" and any(
        isinstance(pattern, str) and fnmatch.fnmatchcase(action.lower(), pattern.lower())
        for pattern in listify(statement.get("Action"))
    )


def _source_conditioned(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    return any(
        isinstance(keys, dict) and any(str(key).lower() in _SOURCE_KEYS for key in keys)
        for keys in condition.values()
    )


class _RoleDocuments:
    """The policy documents attached to a role, and whether any is unknown or unreadable."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, dict[str, Any]]] = []  # (where, statement)
        self.unrestricted_managed: list[str] = []
        self.unknown = False

    def add(self, where: str, raw: object) -> None:
        document = parse_json(raw)
        if is_unknown(document):
            self.unknown = True
            return
        statements = listify(document.get("Statement")) if isinstance(document, dict) else []
        self.statements += [(where, statement) for statement in statements if isinstance(statement, dict)]

    def add_managed(self, arn: object) -> None:
        text = as_str(arn)
        if is_unknown(text):
            self.unknown = True
        elif (
            isinstance(text, str)
            and text.startswith("arn:")
            and text.rsplit("/", 1)[-1] in _UNRESTRICTED_MANAGED
        ):
            self.unrestricted_managed.append(text.rsplit("/", 1)[-1])


def _role_documents(stack: Stack, role: Resource) -> _RoleDocuments:
    documents = _RoleDocuments()
    inline = as_list(role.get("inlinePolicies"))
    if is_unknown(inline):
        documents.unknown = True
    else:
        for item in inline:
            documents.add(f"inline policy of {role.label}", field_of(item, "policy"))
    managed = strings(role.get("managedPolicyArns"))
    for arn in [managed] if is_unknown(managed) else managed:
        documents.add_managed(arn)
    for role_policy in stack.referrers(role, "role", IAM_ROLE_POLICY):
        documents.add(f"role policy {role_policy.label}", role_policy.get("policy"))
    for attachment in stack.referrers(role, "role", IAM_ROLE_POLICY_ATTACHMENT):
        attached = stack.refs(attachment, "policyArn", IAM_POLICY)
        for policy in attached:
            documents.add(f"policy {policy.label}", policy.get("policy"))
        if not attached:
            documents.add_managed(attachment.get("policyArn"))
    return documents


def check_ecr_pull_restricted_to_vpc(stack: Stack, settings: Settings, report: Report) -> None:
    if not any(endpoint.key in ("ecr.api", "ecr.dkr") for endpoint in endpoints(stack, settings)):
        return  # pulls go to ECR's public endpoint: there is no endpoint or VPC to restrict them to
    roles: dict[Resource, None] = {}  # in stack order, once each
    for task in stack.of_type(ECS_TASK_DEFINITION):
        if task_features(task, stack).private_ecr_images.state is True:
            roles.update(dict.fromkeys(stack.refs(task, "executionRoleArn", IAM_ROLE)))
    for role in roles:
        documents = _role_documents(stack, role)
        open_pulls = [
            where
            for where, statement in documents.statements
            if any(_allows(statement, action) for action in ECR_LAYER_PULL_ACTIONS)
            and not _source_conditioned(statement)
        ]
        open_pulls += [f"managed policy {name}" for name in documents.unrestricted_managed]
        if open_pulls:
            report.violation(
                f"Restrict ECR image pulls of task execution role {role.label} to your VPC (C13): grant "
                "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer with an aws:SourceVpce (or aws:SourceVpc) "
                f"condition instead of through {', '.join(open_pulls)}.",
                role,
            )
        for where, statement in documents.statements:
            if _allows(statement, ECR_TOKEN_ACTION) and _source_conditioned(statement):
                report.violation(
                    f"Grant ecr:GetAuthorizationToken in {where} without an aws:SourceVpce or aws:SourceVpc "
                    f"condition (C13): Fargate fetches the token through its own network interface, not the "
                    f"endpoint, so the condition makes image pulls of role {role.label} fail.",
                    role,
                )
        if documents.unknown and not open_pulls:
            report.cannot_check(f"The policies of task execution role {role.label} are not known yet (C13).")


POLICIES = [
    stack_policy(
        name="ecr-pull-restricted-to-vpc",
        description="Task execution roles of tasks with private ECR images allow pulls only with an "
        "aws:SourceVpce or aws:SourceVpc condition (C13).",
        check=check_ecr_pull_restricted_to_vpc,
        level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        remediation="Replace AmazonECSTaskExecutionRolePolicy's ECR grants with a statement conditioned on "
        "aws:SourceVpce; leave ecr:GetAuthorizationToken unconditioned.",
    ),
]
