"""Check a deployed VPC with the policy pack's own rules, plus what only the live account shows.

The VPC is read with boto3 (``discover``) into the Pulumi resources the pack reads, and the pack runs
over them through its gRPC interface, as ``pulumi policy analyze`` runs a pack on existing resources:
one rule set, the same settings and the same messages at preview and on the live state. What the plan
cannot show stays here: the container instances' agent versions (C10), instances registered before the
ECS endpoints (C11), and for the stacks ``up`` deployed, their private-VPC promise (no internet route,
no ingress from anywhere on the endpoint group, endpoint policies as planned).

Read-only unless ``fix`` is asked for, which restarts stale ECS agents through SSM Run Command.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from awsfacts import ECS_TRIO, MIN_ECS_AGENT_VERSION, service_name

from ..analyzer import (
    AnalyzerInfo,
    Diagnostic,
    PolicyPackProcess,
    StackContext,
    run_analysis,
)
from ..engine.program import RecordedResource, Recording
from ..stackconfig import StackFiles
from .clients import AwsClients, all_items
from .discover import SECURITY_GROUP, VPC_ENDPOINT, discover_vpc

VERIFY_SCHEMA_VERSION = 1  # docs/verify.schema.json
RESTART_AGENT = "sudo docker stop ecs-agent && sudo docker start ecs-agent"
VERIFY_LEVEL = "mandatory"  # verify's own checks fail the run as a mandatory policy would
AGENT_VERSION_CHECK = "ecs-agent-version-live"
AGENT_RESTART_CHECK = "ecs-agent-restarted-after-endpoints"
NO_INTERNET_ROUTE_CHECK = "stack-no-internet-route"
NO_OPEN_INGRESS_CHECK = "stack-endpoint-group-not-open"
POLICIES_AS_PLANNED_CHECK = "stack-endpoint-policies-as-planned"
_CONSIDERATION = re.compile(r"\bC(\d{1,2})\b")
_CANNOT_CHECK = "can't run policy"  # the SDK's prefix for a policy's "not known" notes
_ANYWHERE = ("0.0.0.0/0", "::/0")

# Policies about the plan itself, which existing resources cannot show: the order the program creates
# the ECS endpoints in (C11). On the live VPC, C11 is verify's own check of the container instances.
PLAN_ONLY_POLICIES = {"ecs-endpoint-creation-order": "disabled"}

# The pack's settings that a stack's own flags state (network-only stacks, workloads elsewhere).
_FLAG_SETTINGS = {
    "privateEcrImages": "assumePrivateEcrImages",
    "secretsManager": "assumeSecretsManagerSecrets",
    "awslogs": "assumeAwslogs",
    "serviceConnect": "assumeServiceConnect",
}


@dataclass(frozen=True)
class Check:
    consideration: str  # "C5"; "" when the check names none
    name: str  # the pack's policy name, or one of verify's own checks
    resource: str  # the AWS id the verdict is about ("" for the VPC as a whole)
    passed: bool
    message: str  # the pack's violation message, or what was checked
    enforcement_level: str = VERIFY_LEVEL  # "mandatory" | "advisory"


@dataclass(frozen=True)
class StaleInstance:
    cluster: str
    container_instance_arn: str
    ec2_instance_id: str
    agent_version: str
    registered_at: str
    reasons: tuple[str, ...]  # "C10: agent 1.0.0 is older than 1.25.1", "C11: registered before ..."
    fix: str


@dataclass(frozen=True)
class StackPromise:
    """What ``up`` saved about one of our stacks: verify holds the live VPC to it."""

    endpoint_security_group_id: str
    endpoint_policies: dict[str, str | None]  # endpoint id -> planned policy JSON (None: none set)


@dataclass
class VerifyReport:
    vpc_id: str
    region: str
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the pack could not decide (advisory)
    stale_instances: list[StaleInstance] = field(default_factory=list)
    fix_commands: list[str] = field(default_factory=list)  # what --fix did, one line each
    resources: int = 0  # how many resources were read and analyzed

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        """The ``verify --json`` document; its contract is docs/verify.schema.json."""
        return {
            "schemaVersion": VERIFY_SCHEMA_VERSION,
            "vpcId": self.vpc_id,
            "region": self.region,
            "passed": self.passed,
            "resourcesAnalyzed": self.resources,
            "checks": [
                {
                    "consideration": check.consideration or None,
                    "check": check.name,
                    "resource": check.resource or None,
                    "passed": check.passed,
                    "enforcementLevel": check.enforcement_level,
                    "message": check.message,
                }
                for check in self.checks
            ],
            "notes": self.notes,
            "staleInstances": [
                {
                    "cluster": s.cluster,
                    "containerInstanceArn": s.container_instance_arn,
                    "ec2InstanceId": s.ec2_instance_id,
                    "agentVersion": s.agent_version,
                    "registeredAt": s.registered_at,
                    "reasons": list(s.reasons),
                    "fix": s.fix,
                }
                for s in self.stale_instances
            ],
            "fixCommands": self.fix_commands,
        }


def print_verify(report: VerifyReport, out: TextIO) -> None:
    out.write(f"\nVerify {report.vpc_id} in {report.region} ({report.resources} resources read):\n")
    name_width = max((len(check.name) for check in report.checks), default=10)
    for check in report.checks:
        mark = "pass" if check.passed else "FAIL"
        where = f" {check.resource}" if check.resource and not check.passed else ""
        out.write(f"    {mark}  {check.consideration or '--':<4} {check.name:<{name_width}}{where}\n")
        if not check.passed:
            out.write(f"          {check.message}\n")
    for note in report.notes:
        out.write(f"    note: {note}\n")
    for line in report.fix_commands:
        out.write(f"    --fix: {line}\n")
    failed = sum(1 for check in report.checks if not check.passed)
    out.write(f"\n    {len(report.checks) - failed} passed, {failed} failed\n")


def stack_promise(outputs: Mapping[str, Any], endpoint_policies: Mapping[str, Any]) -> StackPromise | None:
    """The promise of one of our stacks (it exports its endpoint group), else None: other programs
    promise nothing verify could hold them to."""
    group = outputs.get("endpointSecurityGroupId")
    if not isinstance(group, str):
        return None
    policies = {str(k): v if isinstance(v, str) else None for k, v in endpoint_policies.items()}
    return StackPromise(group, policies)


def _flag(stack: StackFiles, key: str) -> bool:
    return (stack.get(key) or "false").lower() == "true"


def settings_from_stack(stack: StackFiles) -> dict[str, Any]:
    """The pack settings a stack's own flags state: the launch type and what its tasks use.

    The live VPC shows the network, not what the tasks of other stacks need; the flags say it.
    """
    settings: dict[str, Any] = {}
    launch = (stack.get("launchType") or "").upper()
    if launch in ("EC2", "FARGATE"):
        settings["launchType"] = launch
    for flag, setting in _FLAG_SETTINGS.items():
        if _flag(stack, flag):
            settings[setting] = True
    return settings


def policy_config_for(
    info: AnalyzerInfo, settings: Mapping[str, Any], user_config: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The CLI's policy config JSON: each setting on every policy whose schema has it, then the user's."""
    config: dict[str, Any] = {}
    for policy in info.policies:
        known = policy.config_schema.get("properties", {})
        chosen: dict[str, Any] = {key: value for key, value in settings.items() if key in known}
        if policy.name in PLAN_ONLY_POLICIES:
            chosen["enforcementLevel"] = PLAN_ONLY_POLICIES[policy.name]
        if chosen:
            config[policy.name] = chosen
    for name, value in (user_config or {}).items():
        if isinstance(value, dict) and isinstance(config.get(name), dict):
            config[name] = {**config[name], **value}
        else:
            config[name] = value
    return config


def _considerations(text: str) -> list[str]:
    return [f"C{number}" for number in _CONSIDERATION.findall(text)]


def _resource_id(urn: str, stack_urn: str) -> str:
    return "" if urn == stack_urn else urn.rsplit("::", 1)[-1]


def pack_checks(
    info: AnalyzerInfo, levels: Mapping[str, str], diagnostics: list[Diagnostic], stack_urn: str
) -> tuple[list[Check], list[str]]:
    """One passed check per enabled policy without violations, one failed check per violation; notes."""
    checks: list[Check] = []
    notes: list[str] = []
    by_policy: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if _CANNOT_CHECK in diagnostic.message:
            notes.append(diagnostic.message)
        else:
            by_policy.setdefault(diagnostic.policy_name, []).append(diagnostic)
    for policy in info.policies:
        level = levels.get(policy.name, policy.enforcement_level)
        if level == "disabled":
            continue
        default = (_considerations(policy.description) or [""])[0]
        found = by_policy.get(policy.name, [])
        if not found:
            checks.append(Check(default, policy.name, "", True, policy.description, level))
        for diagnostic in found:
            # The SDK puts the policy's description before the violation's own message.
            message = diagnostic.message.removeprefix(f"{diagnostic.description}\n")
            consideration = (_considerations(message) or [default])[0]
            resource = _resource_id(diagnostic.urn, stack_urn)
            checks.append(
                Check(
                    consideration,
                    policy.name,
                    resource,
                    False,
                    message,
                    diagnostic.enforcement_level,
                )
            )
    return checks, notes


def analyze_resources(
    pack_dir: Path,
    resources: list[RecordedResource],
    *,
    project: str,
    stack: str,
    region: str,
    settings: Mapping[str, Any],
    user_config: Mapping[str, Any] | None = None,
) -> tuple[list[Check], list[str]]:
    """Run the pack over existing resources, as ``pulumi policy analyze`` does: not a preview."""
    config = {"aws:region": region}
    recording = Recording(project, stack, config, resources, {}, [])
    with PolicyPackProcess(pack_dir, project=project, stack=stack, config=config, dry_run=False) as client:
        info = client.analyzer_info()
        policy_config = policy_config_for(info, settings, user_config)
        diagnostics = run_analysis(client, recording, policy_config=policy_config, dry_run=False)
    return pack_checks(info, client.levels, diagnostics, StackContext(project, stack, config).stack_urn)


def promise_checks(vpc_id: str, resources: list[RecordedResource], promise: StackPromise) -> list[Check]:
    """Our own stacks promise a private VPC: no internet route, no open endpoint group, planned policies."""
    routes = [
        f"{table.name}: {route.get('cidrBlock') or route.get('ipv6CidrBlock')} -> {target}"
        for table in resources
        if table.type == "aws:ec2/routeTable:RouteTable"
        for route in table.outputs.get("routes", [])
        for target in (route.get("gatewayId"), route.get("natGatewayId"))
        if isinstance(target, str) and target.startswith(("igw-", "nat-"))
    ]
    checks = [
        Check(
            "",
            NO_INTERNET_ROUTE_CHECK,
            vpc_id,
            not routes,
            f"Delete the internet routes of {vpc_id} ({'; '.join(routes)}): this stack's VPC reaches AWS "
            "only through its VPC endpoints."
            if routes
            else f"No route table of {vpc_id} routes to an internet or NAT gateway.",
        )
    ]
    group = next(
        (r for r in resources if r.type == SECURITY_GROUP and r.name == promise.endpoint_security_group_id),
        None,
    )
    open_rules = [
        f"{rule.get('protocol')} {rule.get('fromPort')}-{rule.get('toPort')} from {cidr}"
        for rule in (group.outputs.get("ingress", []) if group else [])
        for cidr in [*rule.get("cidrBlocks", []), *rule.get("ipv6CidrBlocks", [])]
        if cidr in _ANYWHERE
    ]
    group_id = promise.endpoint_security_group_id
    checks.append(
        Check(
            "C5",
            NO_OPEN_INGRESS_CHECK,
            group_id,
            group is not None and not open_rules,
            (
                f"Revoke the ingress of endpoint security group '{group_id}' from anywhere "
                f"({'; '.join(open_rules)}): the endpoints serve only the VPC's tasks and instances (C5)."
            )
            if open_rules
            else (
                f"Endpoint security group '{group_id}' admits no traffic from 0.0.0.0/0 or ::/0 (C5)."
                if group is not None
                else f"Recreate endpoint security group '{group_id}' in {vpc_id}: it is gone (C5)."
            ),
        )
    )
    live = {r.name: r.outputs.get("policy") or None for r in resources if r.type == VPC_ENDPOINT}
    for endpoint_id, planned in sorted(promise.endpoint_policies.items()):
        if planned is None:
            continue  # the plan set none: AWS's default full-access policy is what was planned
        current = live.get(endpoint_id)
        same = endpoint_id in live and _same_policy(current, planned)
        checks.append(
            Check(
                "C12",
                POLICIES_AS_PLANNED_CHECK,
                endpoint_id,
                same,
                f"The policy of endpoint '{endpoint_id}' is the one the stack planned (C12)."
                if same
                else (
                    f"Restore the planned policy of endpoint '{endpoint_id}' (run `up` again, or "
                    f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint_id} --policy-document ...): "
                    "it was changed outside the stack (C12)."
                    if endpoint_id in live
                    else f"Recreate endpoint '{endpoint_id}' (run `up` again): it is gone (C12)."
                ),
            )
        )
    return checks


def _same_policy(current: str | None, planned: str) -> bool:
    try:
        return current is not None and json.loads(current) == json.loads(planned)
    except json.JSONDecodeError:
        return current == planned


def minimum_agent_version(user_config: Mapping[str, Any] | None) -> tuple[int, ...]:
    """The pack's ``minimumAgentVersion`` when the policy config sets it, else its default."""
    entry = (user_config or {}).get("ecs-agent-version")
    if isinstance(entry, dict) and isinstance(entry.get("minimumAgentVersion"), str):
        return agent_version_tuple(entry["minimumAgentVersion"])
    return MIN_ECS_AGENT_VERSION


def agent_version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.lstrip("v").split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _trio_created(ec2: Any, vpc_id: str, region: str) -> dict[str, datetime]:
    """When each ECS endpoint of the VPC was created: instances registered before then must restart."""
    trio = {service_name(key, region): key for key in ECS_TRIO}
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    return {
        trio[e["ServiceName"]]: _as_datetime(e["CreationTimestamp"])
        for e in found
        if e["ServiceName"] in trio and e.get("CreationTimestamp")
    }


def _container_instance_checks(
    clients: AwsClients, vpc_id: str, region: str, minimum_version: tuple[int, ...]
) -> tuple[list[Check], list[StaleInstance]]:
    ecs, ec2 = clients("ecs"), clients("ec2")
    trio_created = _trio_created(ec2, vpc_id, region)
    minimum = ".".join(str(part) for part in minimum_version)
    stale: list[StaleInstance] = []
    seen = 0
    for cluster_arn in all_items(ecs, "list_clusters", "clusterArns"):
        arns = list(all_items(ecs, "list_container_instances", "containerInstanceArns", cluster=cluster_arn))
        if not arns:
            continue
        described = []
        for start in range(0, len(arns), 100):
            described += ecs.describe_container_instances(
                cluster=cluster_arn, containerInstances=arns[start : start + 100]
            )["containerInstances"]
        vpc_of = _instance_vpcs(ec2, [i["ec2InstanceId"] for i in described])
        for instance in described:
            if vpc_of.get(instance["ec2InstanceId"]) != vpc_id:
                continue
            seen += 1
            version = instance.get("versionInfo", {}).get("agentVersion", "0")
            registered = _as_datetime(instance["registeredAt"])
            reasons = []
            if agent_version_tuple(version) < minimum_version:
                reasons.append(f"C10: agent {version} is older than {minimum}")
            later = [key for key, created in trio_created.items() if created > registered]
            if later:
                reasons.append(f"C11: registered before the {', '.join(later)} endpoint(s) existed")
            if reasons:
                fix = (
                    f"Update the ECS agent to {minimum} or later on {instance['ec2InstanceId']}"
                    if reasons[0].startswith("C10")
                    else f"On {instance['ec2InstanceId']} run `{RESTART_AGENT}`, or reboot the instance"
                )
                stale.append(
                    StaleInstance(
                        cluster=cluster_arn,
                        container_instance_arn=instance["containerInstanceArn"],
                        ec2_instance_id=instance["ec2InstanceId"],
                        agent_version=version,
                        registered_at=registered.isoformat(),
                        reasons=tuple(reasons),
                        fix=fix,
                    )
                )
    old = [s for s in stale if any(r.startswith("C10") for r in s.reasons)]
    early = [s for s in stale if any(r.startswith("C11") for r in s.reasons)]
    checks = [
        Check(
            "C10",
            AGENT_VERSION_CHECK,
            vpc_id,
            not old,
            (
                f"Update the ECS agent to {minimum} or later on "
                + ", ".join(f"{s.ec2_instance_id} (agent {s.agent_version})" for s in old)
                + " (C10), or move them to a current ECS-optimized AMI."
            )
            if old
            else f"{seen} container instance(s) of {vpc_id} run agent {minimum} or later (C10).",
            VERIFY_LEVEL,
        ),
        Check(
            "C11",
            AGENT_RESTART_CHECK,
            vpc_id,
            not early,
            (
                "Restart the ECS agent on "
                + ", ".join(s.ec2_instance_id for s in early)
                + f" (`{RESTART_AGENT}`, or reboot; `verify --fix` does it through SSM): they registered "
                "before the ECS endpoints existed and still talk to the public endpoints (C11)."
            )
            if early
            else f"{seen} container instance(s) of {vpc_id} registered after the ECS endpoints (C11).",
            VERIFY_LEVEL,
        ),
    ]
    return checks, stale


def _instance_vpcs(ec2: Any, instance_ids: list[str]) -> dict[str, str]:
    if not instance_ids:
        return {}
    reservations = ec2.describe_instances(InstanceIds=instance_ids)["Reservations"]
    return {i["InstanceId"]: i.get("VpcId", "") for r in reservations for i in r["Instances"]}


def _ssm_managed(ssm: Any, instance_ids: list[str]) -> set[str] | None:
    """The instances SSM manages; None when that cannot be told (moto has no DescribeInstanceInformation)."""
    try:
        found = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": instance_ids}])
    except Exception:
        return None
    return {item["InstanceId"] for item in found.get("InstanceInformationList", [])}


def restart_agents(clients: AwsClients, stale: list[StaleInstance]) -> list[str]:
    """Restart the ECS agent through SSM Run Command on the instances that picked up no endpoints."""
    ssm = clients("ssm")
    targets = sorted({s.ec2_instance_id for s in stale if any(r.startswith("C11") for r in s.reasons)})
    if not targets:
        return []
    managed = _ssm_managed(ssm, targets)
    lines = []
    for instance_id in targets:
        if managed is not None and instance_id not in managed:
            lines.append(
                f"{instance_id}: not managed by SSM; run `{RESTART_AGENT}` on it or reboot it "
                "(ssmManagedInstances: true on the stack lets --fix reach it)"
            )
            continue
        try:
            command = ssm.send_command(
                InstanceIds=[instance_id],
                DocumentName="AWS-RunShellScript",
                Comment="ecs-privatelink: restart the ECS agent to pick up the VPC endpoints",
                Parameters={"commands": ["docker stop ecs-agent", "docker start ecs-agent"]},
            )["Command"]
            lines.append(f"{instance_id}: sent AWS-RunShellScript, command {command['CommandId']}")
        except Exception as error:  # e.g. no permission: say so and go on with the others
            lines.append(f"{instance_id}: not restarted ({error}); run `{RESTART_AGENT}` on it or reboot it")
    return lines


def verify_vpc(
    clients: AwsClients,
    vpc_id: str,
    *,
    pack_dir: Path,
    project: str,
    stack: str,
    settings: Mapping[str, Any],
    user_config: Mapping[str, Any] | None = None,
    promise: StackPromise | None = None,
    fix: bool = False,
) -> VerifyReport:
    """Read the VPC, run the pack over it, then verify's own checks; raises VpcNotFoundError."""
    region = clients.region
    report = VerifyReport(vpc_id=vpc_id, region=region)
    resources = discover_vpc(clients, vpc_id, project=project, stack=stack)
    report.resources = len(resources)
    report.checks, report.notes = analyze_resources(
        pack_dir,
        resources,
        project=project,
        stack=stack,
        region=region,
        settings=settings,
        user_config=user_config,
    )
    if promise is not None:
        report.checks += promise_checks(vpc_id, resources, promise)
    instance_checks, report.stale_instances = _container_instance_checks(
        clients, vpc_id, region, minimum_agent_version(user_config)
    )
    report.checks += instance_checks
    if fix and report.stale_instances:
        report.fix_commands = restart_agents(clients, report.stale_instances)
    return report
