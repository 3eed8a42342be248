"""Check a deployed VPC against C1–C9, C10/C11 and C15 with boto3 (moto or a real account).

Read-only unless ``fix`` is asked for, which restarts stale ECS agents through SSM Run Command.
"""

import ipaddress
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from awsfacts import (
    CATALOG,
    CONSIDERATIONS,
    ECS_TRIO,
    HTTPS_PORT,
    MIN_ECS_AGENT_VERSION,
    EndpointType,
    LaunchType,
    Workload,
    ecs_trio_completion,
    is_amazon_dns_server,
    is_post_line_region,
    parse_service_name,
    required_endpoints,
    service_name,
)

from ..stackconfig import StackConfigError, StackFiles
from .clients import AwsClients

PROJECT = "ecs-privatelink"
RESTART_AGENT = "sudo docker stop ecs-agent && sudo docker start ecs-agent"
_LIVE_STATES = ("pendingacceptance", "pending", "available")


@dataclass(frozen=True)
class Check:
    consideration: str  # "C5"; "" for a prerequisite such as the VPC existing
    name: str
    passed: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class StaleInstance:
    cluster: str
    container_instance_arn: str
    ec2_instance_id: str
    agent_version: str
    registered_at: str
    reasons: tuple[str, ...]  # "C10: agent 1.0.0 < 1.25.1", "C11: registered before ecs-agent"
    fix: str


@dataclass
class VerifyReport:
    vpc_id: str
    region: str
    workload: Workload
    checks: list[Check] = field(default_factory=list)
    stale_instances: list[StaleInstance] = field(default_factory=list)
    fix_commands: list[str] = field(default_factory=list)  # what --fix did, one line each

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "vpcId": self.vpc_id,
            "region": self.region,
            "workload": {k: str(v) if v is not None else None for k, v in asdict(self.workload).items()},
            "passed": self.passed,
            "checks": [asdict(check) for check in self.checks],
            "staleInstances": [asdict(instance) for instance in self.stale_instances],
            "fixCommands": self.fix_commands,
        }


def _flag(stack: StackFiles, key: str) -> bool:
    return (stack.get(key) or "false").lower() == "true"


def workload_from_config(stack: StackFiles) -> Workload:
    """The workload the stack declares (schema defaults already applied by the loader).

    For this project, the program's own config parser decides (with ``workload`` on, the endpoints
    follow the workload's real inputs, not the feature flags); other programs use the flags.
    """
    if stack.project == PROJECT:
        from ecs_privatelink.config import parse_config

        prefix = f"{PROJECT}:"
        raw = {key[len(prefix) :]: value for key, value in stack.config.items() if key.startswith(prefix)}
        try:
            return parse_config(stack.region, raw).workload
        except Exception as error:  # the program's ConfigError: one clear message, no traceback
            raise StackConfigError(str(error)) from None
    launch = (stack.get("launchType") or "").upper()
    return Workload(
        launch_type=LaunchType[launch] if launch in LaunchType.__members__ else None,
        private_ecr_images=_flag(stack, "privateEcrImages"),
        secrets_manager=_flag(stack, "secretsManager"),
        awslogs=_flag(stack, "awslogs"),
        service_connect=_flag(stack, "serviceConnect"),
    )


def agent_version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.lstrip("v").split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _covers_https(permission: dict[str, Any]) -> bool:
    protocol = str(permission.get("IpProtocol", ""))
    if protocol == "-1":
        return True
    if protocol not in ("tcp", "6"):
        return False
    return int(permission.get("FromPort", 0)) <= HTTPS_PORT <= int(permission.get("ToPort", -1))


def _open_to(permissions: Iterable[dict[str, Any]], cidr: str) -> bool:
    subnet = ipaddress.ip_network(cidr)
    for permission in permissions:
        if not _covers_https(permission):
            continue
        for source in permission.get("IpRanges", []):
            network = ipaddress.ip_network(source["CidrIp"], strict=False)
            if network.version == subnet.version and subnet.subnet_of(network):  # type: ignore[arg-type]
                return True
    return False


@dataclass
class _State:
    """What verify reads from AWS once, then checks."""

    vpc: dict[str, Any]
    dns_support: bool
    dns_hostnames: bool
    dhcp_servers: list[str] | None  # None: the VPC uses AWS's default options
    subnets: list[dict[str, Any]]
    route_tables: list[dict[str, Any]]
    endpoints: list[dict[str, Any]]
    groups: dict[str, dict[str, Any]]


def _read_state(clients: AwsClients, vpc_id: str) -> _State | None:
    ec2 = clients("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"]
    if not vpcs:
        return None
    vpc = vpcs[0]
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    dns_support = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")
    dns_hostnames = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
    dhcp_servers: list[str] | None = None
    options_id = vpc.get("DhcpOptionsId", "default")
    if options_id and options_id != "default":
        options = ec2.describe_dhcp_options(DhcpOptionsIds=[options_id])["DhcpOptions"][0]
        dhcp_servers = []
        for item in options.get("DhcpConfigurations", []):
            if item["Key"] == "domain-name-servers":
                dhcp_servers = [value["Value"] for value in item.get("Values", [])]
    endpoints = [
        endpoint
        for endpoint in ec2.describe_vpc_endpoints(Filters=by_vpc)["VpcEndpoints"]
        if endpoint.get("State", "available").lower() in _LIVE_STATES
    ]
    group_ids = sorted({g["GroupId"] for e in endpoints for g in e.get("Groups", [])})
    groups = (
        {g["GroupId"]: g for g in ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"]}
        if group_ids
        else {}
    )
    return _State(
        vpc=vpc,
        dns_support=bool(dns_support["EnableDnsSupport"]["Value"]),
        dns_hostnames=bool(dns_hostnames["EnableDnsHostnames"]["Value"]),
        dhcp_servers=dhcp_servers,
        subnets=ec2.describe_subnets(Filters=by_vpc)["Subnets"],
        route_tables=ec2.describe_route_tables(Filters=by_vpc)["RouteTables"],
        endpoints=endpoints,
        groups=groups,
    )


def _reasons(considerations: Iterable[str]) -> str:
    return "; ".join(f"{c}: {CONSIDERATIONS[c]}" for c in considerations)


def _endpoint_checks(state: _State, region: str, workload: Workload) -> list[Check]:
    checks: list[Check] = []
    by_name: dict[str, list[dict[str, Any]]] = {}
    for endpoint in state.endpoints:
        by_name.setdefault(endpoint["ServiceName"], []).append(endpoint)

    for need in required_endpoints(region, workload):
        name = service_name(need.key, region)
        kind = CATALOG[need.key].type
        found = [e for e in by_name.get(name, []) if e.get("VpcEndpointType") == kind.value]
        consideration = need.considerations[0]
        if found:
            ids = ", ".join(e["VpcEndpointId"] for e in found)
            checks.append(Check(consideration, f"{kind.value.lower()} endpoint {need.key}", True, ids))
        else:
            checks.append(
                Check(
                    consideration,
                    f"{kind.value.lower()} endpoint {need.key}",
                    False,
                    f"no {kind.value} endpoint for {name} in the VPC ({_reasons(need.considerations)})",
                    f"Create a {kind.value} VPC endpoint for {name} in {state.vpc['VpcId']}.",
                )
            )

    # C2: in the newer Regions the ECS trio is all-or-nothing, whatever the workload asked for.
    if is_post_line_region(region):
        present = [key for key in ECS_TRIO if service_name(key, region) in by_name]
        missing = ecs_trio_completion(region, present)
        ok = not missing
        checks.append(
            Check(
                "C2",
                "ECS endpoints all-or-nothing",
                ok,
                f"present: {', '.join(present) or 'none'}"
                + ("" if ok else f"; missing: {', '.join(missing)}"),
                "" if ok else f"Create the {', '.join(missing)} endpoints too (or remove all three).",
            )
        )

    # C3: every AWS service name must be for this Region.
    foreign = []
    for endpoint in state.endpoints:
        parsed = parse_service_name(endpoint["ServiceName"])
        if parsed is not None and parsed.region != region:
            foreign.append(f"{endpoint['VpcEndpointId']} ({endpoint['ServiceName']})")
    checks.append(
        Check(
            "C3",
            f"endpoints serve {region}",
            not foreign,
            ", ".join(foreign) or f"all {len(state.endpoints)} endpoints are for {region}",
            f"Delete the endpoints of another Region: {', '.join(foreign)}." if foreign else "",
        )
    )

    interfaces = [e for e in state.endpoints if e.get("VpcEndpointType") == EndpointType.INTERFACE.value]
    dns_off = [
        f"{e['VpcEndpointId']} ({e['ServiceName']})"
        for e in interfaces
        if not e.get("PrivateDnsEnabled")
        and (parsed := parse_service_name(e["ServiceName"])) is not None
        and parsed.key in CATALOG
        and CATALOG[parsed.key].private_dns
    ]
    checks.append(
        Check(
            "C4",
            "private DNS on interface endpoints",
            not dns_off,
            ", ".join(dns_off) or f"on for all {len(interfaces)} interface endpoints",
            "Enable private DNS: aws ec2 modify-vpc-endpoint --private-dns-enabled --vpc-endpoint-id <id>."
            if dns_off
            else "",
        )
    )

    # C15: AWS refuses a second private-DNS interface endpoint for one service; flag any duplicate.
    duplicates = [
        f"{name} ({', '.join(e['VpcEndpointId'] for e in endpoints)})"
        for name, endpoints in sorted(by_name.items())
        if len(endpoints) > 1
    ]
    checks.append(
        Check(
            "C15",
            "one endpoint per service",
            not duplicates,
            "; ".join(duplicates) or "no duplicates",
            "Delete the duplicate endpoints so one per service remains." if duplicates else "",
        )
    )
    return checks


def _network_checks(state: _State, region: str, workload: Workload) -> list[Check]:
    vpc_id = state.vpc["VpcId"]
    checks = [
        Check(
            "C4",
            "VPC DNS support and hostnames",
            state.dns_support and state.dns_hostnames,
            f"enableDnsSupport={str(state.dns_support).lower()}, "
            f"enableDnsHostnames={str(state.dns_hostnames).lower()}",
            ""
            if state.dns_support and state.dns_hostnames
            else f"Turn both on: aws ec2 modify-vpc-attribute --vpc-id {vpc_id} --enable-dns-hostnames",
        )
    ]
    # Every server must be Amazon's: clients ask any of them, and the others return public IPs.
    amazon_dns = state.dhcp_servers is None or (
        bool(state.dhcp_servers)
        and all(is_amazon_dns_server(server, state.vpc.get("CidrBlock")) for server in state.dhcp_servers)
    )
    checks.append(
        Check(
            "C4",
            "DHCP options use AmazonProvidedDNS",
            amazon_dns,
            "AWS default options"
            if state.dhcp_servers is None
            else f"domain-name-servers: {', '.join(state.dhcp_servers) or '(none)'}",
            ""
            if amazon_dns
            else "Use AmazonProvidedDNS, or forward the endpoint names to it with Route 53 Resolver rules.",
        )
    )

    # C5: each interface endpoint's groups must let every subnet in on HTTPS.
    unreachable = []
    for endpoint in state.endpoints:
        if endpoint.get("VpcEndpointType") != EndpointType.INTERFACE.value:
            continue
        permissions = [
            p
            for g in endpoint.get("Groups", [])
            for p in state.groups.get(g["GroupId"], {}).get("IpPermissions", [])
        ]
        closed = [s["CidrBlock"] for s in state.subnets if not _open_to(permissions, s["CidrBlock"])]
        if closed:
            unreachable.append(f"{endpoint['VpcEndpointId']} from {', '.join(closed)}")
    checks.append(
        Check(
            "C5",
            f"endpoint security groups allow {HTTPS_PORT} from the subnets",
            not unreachable,
            "; ".join(unreachable) or f"{len(state.subnets)} subnets reach every interface endpoint",
            f"Allow inbound TCP {HTTPS_PORT} from the private subnets on the endpoints' security group."
            if unreachable
            else "",
        )
    )

    if any(need.key == "s3" for need in required_endpoints(region, workload)):
        s3_name = service_name("s3", region)
        routed = {
            table
            for e in state.endpoints
            if e["ServiceName"] == s3_name and e.get("VpcEndpointType") == EndpointType.GATEWAY.value
            for table in e.get("RouteTableIds", [])
        }
        missing = sorted({_route_table_of(state, s["SubnetId"]) for s in state.subnets} - routed - {""})
        checks.append(
            Check(
                "C6",
                "S3 gateway on the subnets' route tables",
                not missing,
                f"missing on {', '.join(missing)}" if missing else f"on {len(routed)} route tables",
                f"Add {', '.join(missing)} to the S3 gateway endpoint's route tables." if missing else "",
            )
        )
    return checks


def _route_table_of(state: _State, subnet_id: str) -> str:
    main = ""
    for table in state.route_tables:
        for association in table.get("Associations", []):
            if association.get("SubnetId") == subnet_id:
                return str(table["RouteTableId"])
            if association.get("Main"):
                main = str(table["RouteTableId"])
    return main


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _container_instance_checks(
    clients: AwsClients, state: _State, region: str
) -> tuple[list[Check], list[StaleInstance]]:
    ecs, ec2 = clients("ecs"), clients("ec2")
    vpc_id = state.vpc["VpcId"]
    trio_created = {
        parse_service_name(e["ServiceName"]).key: _as_datetime(e["CreationTimestamp"])  # type: ignore[union-attr]
        for e in state.endpoints
        if e["ServiceName"] in {service_name(key, region) for key in ECS_TRIO} and e.get("CreationTimestamp")
    }
    minimum = ".".join(str(part) for part in MIN_ECS_AGENT_VERSION)
    stale: list[StaleInstance] = []
    seen = 0
    for cluster_arn in _paged(ecs, "list_clusters", "clusterArns"):
        arns = list(_paged(ecs, "list_container_instances", "containerInstanceArns", cluster=cluster_arn))
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
            if agent_version_tuple(version) < MIN_ECS_AGENT_VERSION:
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
            f"container instances run agent {minimum}+",
            not old,
            ", ".join(f"{s.ec2_instance_id} ({s.agent_version})" for s in old)
            or f"{seen} instance(s) checked",
            "Update the ECS agent (or move to a current ECS-optimized AMI)." if old else "",
        ),
        Check(
            "C11",
            "container instances picked up the endpoints",
            not early,
            ", ".join(s.ec2_instance_id for s in early) or f"{seen} instance(s) checked",
            f"Restart the agent on each: `{RESTART_AGENT}`, or reboot; `verify --fix` does it through SSM."
            if early
            else "",
        ),
    ]
    return checks, stale


def _paged(client: Any, operation: str, key: str, **kwargs: Any) -> Iterable[str]:
    token = None
    while True:
        page = getattr(client, operation)(**kwargs, **({"nextToken": token} if token else {}))
        yield from page.get(key, [])
        token = page.get("nextToken")
        if not token:
            return


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
            lines.append(f"{instance_id}: not managed by SSM; run `{RESTART_AGENT}` on it or reboot it")
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


def verify_vpc(clients: AwsClients, vpc_id: str, workload: Workload, *, fix: bool = False) -> VerifyReport:
    region = clients.region
    report = VerifyReport(vpc_id=vpc_id, region=region, workload=workload)
    state = _read_state(clients, vpc_id)
    if state is None:
        report.checks.append(Check("", "VPC exists", False, f"no VPC {vpc_id} in {region}"))
        return report
    report.checks.append(Check("", "VPC exists", True, f"{vpc_id} in {region}"))
    report.checks += _endpoint_checks(state, region, workload)
    report.checks += _network_checks(state, region, workload)
    instance_checks, report.stale_instances = _container_instance_checks(clients, state, region)
    report.checks += instance_checks
    if fix and report.stale_instances:
        report.fix_commands = restart_agents(clients, report.stale_instances)
    return report
