"""How a policy is declared: a plain check function wrapped into the SDK's policy classes.

Checks write to a ``Report``: violations (at the policy's level) and "could not be checked yet"
notes. Unknown values never become violations. After the violations are sent, the notes are
raised together as one ``UnknownValueError``, which the SDK reports as a single *advisory*
"can't run policy ... during preview" diagnostic, whatever the policy's own level: that is the
pack's advisory channel for what preview cannot know yet.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from .model import Resource, Stack, resource_from_args
from .settings import Settings, read_settings


@dataclass(frozen=True)
class Violation:
    message: str
    urn: str | None = None


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    def violation(self, message: str, resource: Resource | None = None) -> None:
        found = Violation(message, resource.urn if resource is not None else None)
        if found not in self.violations:
            self.violations.append(found)

    def cannot_check(self, note: str) -> None:
        if note not in self.unchecked:
            self.unchecked.append(note)

    @property
    def messages(self) -> list[str]:
        return [violation.message for violation in self.violations]


class NotCheckableYetError(UnknownValueError):
    """What a policy could not check because values are unknown until the update."""

    def __init__(self, notes: Sequence[str]) -> None:
        super().__init__(UNKNOWN_STRING_VALUE, [])
        self.notes = list(notes)
        self.message = " ".join(self.notes)


StackCheck = Callable[[Stack, Settings, Report], None]
ResourceCheck = Callable[[Resource, Settings, Report], None]
# A remediation sees one resource's own inputs and returns the properties to set (empty: nothing to fix).
Fix = Callable[[Resource, Settings], dict[str, Any]]

# Where the policy docs (policypack/docs/<policy>.md) are served; an organisation that publishes the pack
# from its own repository sets this to that repository's docs folder (policypack/README.md, Rollout).
DOCS_BASE_URL = "https://github.com/ecs-privatelink/ecs-privatelink/blob/main/policypack/docs"
FRAMEWORK = PolicyComplianceFramework(
    name="aws-ecs-interface-vpc-endpoints",
    version="2024",
    reference="https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
    specification="Amazon ECS interface VPC endpoints (AWS PrivateLink): considerations C1-C15",
)
BASE_TAGS = ["aws", "ecs", "privatelink"]


def _published(
    name: str,
    description: str,
    level: EnforcementLevel,
    severity: Severity,
    remediation: str,
    config: dict[str, dict[str, Any]] | None,
    tags: Sequence[str],
) -> dict[str, Any]:
    """The arguments every policy class takes alike, with what an organisation's console shows:
    docs page, framework, tags."""
    return {
        "name": name,
        "description": description,
        "enforcement_level": level,
        "config_schema": _schema(config),
        "severity": severity,
        "remediation_steps": remediation,
        "url": f"{DOCS_BASE_URL}/{name}.md",
        "framework": FRAMEWORK,
        "tags": [*BASE_TAGS, *tags],
    }


def _remediation(fix: Fix | None, resource_types: Sequence[str]) -> Any:
    """The SDK's ``remediate`` callback: set the fixed properties on the inputs and return them all.

    The engine replaces the resource's inputs with what ``remediate`` returns, so it returns every
    property; ``args.props`` keeps unknown values as they came, which the SDK serializes back unchanged.
    """
    if fix is None:
        return None

    def remediate(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
        if args.resource_type not in resource_types:
            return None
        changes = fix(resource_from_args(args), read_settings(args.get_config()))
        if not changes:
            return None
        # The SDK's documented way: set on args.props (typed Mapping, a mutable proxy) and return it.
        props = cast(dict[str, Any], args.props)
        for key, value in changes.items():
            props[key] = value
        return props

    return remediate


def _deliver(report: Report, report_violation: ReportViolation) -> None:
    for violation in report.violations:
        report_violation(violation.message, violation.urn)
    if report.unchecked:
        raise NotCheckableYetError(report.unchecked)


def _schema(config: dict[str, dict[str, Any]] | None) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties=config) if config else None


def run_stack_check(check: StackCheck, args: StackValidationArgs) -> Report:
    report = Report()
    check(Stack.from_policy_resources(args.resources), read_settings(args.get_config()), report)
    return report


def stack_policy(
    *,
    name: str,
    description: str,
    check: StackCheck,
    level: EnforcementLevel,
    severity: Severity,
    remediation: str,
    config: dict[str, dict[str, Any]] | None = None,
    tags: Sequence[str] = (),
    fix: Fix | None = None,
    fix_types: Sequence[str] = (),
) -> Policy:
    """A stack policy; with ``fix``, also a resource policy whose only job is to remediate ``fix_types``.

    Stack policies cannot remediate (the SDK runs them at mandatory when set to remediate), so the fix of
    what one resource alone can mend runs per resource, before the stack check sees the stack.
    """

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_stack_check(check, args), report_violation)

    if fix is not None:
        return ResourceAndStackPolicy(
            stack_validate=validate,
            validate=_nothing_per_resource,
            remediate=_remediation(fix, fix_types),
            **_published(name, description, level, severity, remediation, config, tags),
        )
    return StackValidationPolicy(
        validate=validate,
        **_published(name, description, level, severity, remediation, config, tags),
    )


def _nothing_per_resource(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """The per-resource check of a stack policy that remediates: the stack check reports everything."""


def run_resource_check(
    check: ResourceCheck, resource_types: Sequence[str], args: ResourceValidationArgs
) -> Report:
    report = Report()
    if args.resource_type in resource_types:
        check(resource_from_args(args), read_settings(args.get_config()), report)
    return report


def resource_policy(
    *,
    name: str,
    description: str,
    resource_types: Sequence[str],
    check: ResourceCheck,
    level: EnforcementLevel,
    severity: Severity,
    remediation: str,
    config: dict[str, dict[str, Any]] | None = None,
    tags: Sequence[str] = (),
    fix: Fix | None = None,
) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_resource_check(check, resource_types, args), report_violation)

    return ResourceValidationPolicy(
        validate=validate,
        remediate=_remediation(fix, resource_types),
        **_published(name, description, level, severity, remediation, config, tags),
    )


class ResourceAndStackPolicy(ResourceValidationPolicy):
    """A resource policy that also runs once over the whole stack.

    For facts one resource can prove alone (reported at once, on that resource) but that another
    resource can change too, such as a VPC endpoint's policy, which a separate
    ``aws.ec2.VpcEndpointPolicy`` can also set. The SDK's AnalyzeStack picks policies with
    ``isinstance(policy, StackValidationPolicy)``; this class is registered as a virtual subclass
    (below), and ``validate`` dispatches on the kind of arguments.
    """

    def __init__(
        self, *, stack_validate: Callable[[StackValidationArgs, ReportViolation], None], **kwargs: Any
    ):
        super().__init__(**kwargs)
        self._stack_validate = stack_validate

    def validate(self, args: Any, report_violation: ReportViolation) -> Any:
        if isinstance(args, StackValidationArgs):
            return self._stack_validate(args, report_violation)
        return super().validate(args, report_violation)


StackValidationPolicy.register(ResourceAndStackPolicy)


def resource_and_stack_policy(
    *,
    name: str,
    description: str,
    resource_types: Sequence[str],
    resource_check: ResourceCheck,
    stack_check: StackCheck,
    level: EnforcementLevel,
    severity: Severity,
    remediation: str,
    config: dict[str, dict[str, Any]] | None = None,
    tags: Sequence[str] = (),
    fix: Fix | None = None,
) -> Policy:
    def validate_resource(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_resource_check(resource_check, resource_types, args), report_violation)

    def validate_stack(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_stack_check(stack_check, args), report_violation)

    return ResourceAndStackPolicy(
        stack_validate=validate_stack,
        validate=validate_resource,
        remediate=_remediation(fix, resource_types),
        **_published(name, description, level, severity, remediation, config, tags),
    )
