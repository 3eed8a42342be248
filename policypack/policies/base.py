"""How a policy is declared: a plain check function wrapped into the SDK's policy classes.

Checks write to a ``Report``: violations (at the policy's level) and "could not be checked yet"
notes. Unknown values never become violations. After the violations are sent, the notes are
raised together as one ``UnknownValueError``, which the SDK reports as a single *advisory*
"can't run policy ... during preview" diagnostic, whatever the policy's own level: that is the
pack's advisory channel for what preview cannot know yet.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
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
) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_stack_check(check, args), report_violation)

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=_schema(config),
        severity=severity,
        remediation_steps=remediation,
    )


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
) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_resource_check(check, resource_types, args), report_violation)

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=_schema(config),
        severity=severity,
        remediation_steps=remediation,
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
) -> Policy:
    def validate_resource(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_resource_check(resource_check, resource_types, args), report_violation)

    def validate_stack(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        _deliver(run_stack_check(stack_check, args), report_violation)

    return ResourceAndStackPolicy(
        stack_validate=validate_stack,
        name=name,
        description=description,
        validate=validate_resource,
        enforcement_level=level,
        config_schema=_schema(config),
        severity=severity,
        remediation_steps=remediation,
    )
