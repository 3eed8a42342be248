"""One private ECS environment composed: the network (new, or an existing one), its endpoints and,
optionally, the workload.

The program builds one (``__main__.py``); the benchmark's fleet builds many, with a name prefix each.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from .config import NAMESPACE, StackConfig, ignored_flags
from .endpoints import PrivateLinkEndpoints, PrivateLinkEndpointsArgs
from .network import PrivateNetwork, PrivateNetworkArgs
from .planner import EndpointSpec, endpoint_set_digest
from .workload import EcsWorkload, ecs_workload_args


@dataclass
class PrivateEcsEnvironment:
    plan: list[EndpointSpec]
    network: PrivateNetwork | None  # None: an existing network (existingVpcId)
    endpoints: PrivateLinkEndpoints
    workload: EcsWorkload | None
    vpc_id: pulumi.Input[str]
    subnet_ids: list[pulumi.Input[str]]
    route_table_ids: list[pulumi.Input[str]]


def needs_caller_account(config: StackConfig) -> bool:
    """The workload needs the account for its image URL and trust policies; restrictToAccount for policies."""
    return config.restrict_to_account or config.workload_config is not None


def build_environment(
    config: StackConfig,
    zones: Sequence[str],
    caller_account: str | None,
    *,
    family: str,
    prefix: str = "",
) -> PrivateEcsEnvironment:
    """Plan the endpoints (from the workload itself when it is on) and register everything.

    ``family`` is the base of the workload's AWS names; ``prefix`` keeps several environments apart.
    """
    account_id = caller_account if config.restrict_to_account else None
    for flag in ignored_flags(config):
        pulumi.log.warn(f"{flag} is ignored: with {NAMESPACE}:workload the endpoints follow the workload.")
    workload_config = config.workload_config
    if workload_config is not None and not workload_config.image.private_ecr:
        pulumi.log.warn(
            f"Image {workload_config.image.reference} is not in a private ECR registry: this VPC has no "
            "path to a public registry, so tasks cannot pull it. Mirror it into ECR (e.g. a pull through "
            "cache rule)."
        )

    workload_needs = config.workload
    endpoint_args = PrivateLinkEndpointsArgs(
        vpc_id="",
        subnet_ids=[],
        region=config.region,
        launch_type=(workload_needs.launch_type or config.launch_type).value,
        private_ecr_images=workload_needs.private_ecr_images,
        secrets_manager=workload_needs.secrets_manager,
        awslogs=workload_needs.awslogs,
        service_connect=workload_needs.service_connect,
        extra_services=list(config.extra_endpoints),
    )
    if config.ssm_managed_instances:
        endpoint_args["ssm_managed_instances"] = True
    if account_id is not None:
        endpoint_args["restrict_to_account_id"] = account_id
    network: PrivateNetwork | None = None
    existing = config.existing_network
    if existing is None:
        network_args = PrivateNetworkArgs(
            vpc_cidr=str(config.vpc_cidr),
            availability_zones=list(zones),
            flow_logs=config.hardening.flow_logs,
            flow_log_retention_days=config.hardening.flow_log_retention_days,
            protect=config.hardening.protect,
        )
        if caller_account is not None:
            network_args["flow_log_account_id"] = caller_account
        network = PrivateNetwork(f"{prefix}private", network_args)
        vpc_id: pulumi.Input[str] = network.vpc_id
        subnet_ids: list[pulumi.Input[str]] = list(network.subnet_ids_by_az.values())
        route_table_ids: list[pulumi.Input[str]] = list(network.route_table_id_list)
        # Known zones and CIDRs: nothing to look up, and each endpoint depends on its own subnets only.
        endpoint_args["subnet_zones"] = list(network.subnet_ids_by_az)
        endpoint_args["ingress_cidrs"] = list(network.subnet_cidrs)
    else:
        vpc_id = existing.vpc_id
        subnet_ids = list(existing.subnet_ids)
        route_table_ids = list(existing.route_table_ids)
    endpoint_args["vpc_id"] = vpc_id
    endpoint_args["subnet_ids"] = subnet_ids
    endpoint_args["route_table_ids"] = route_table_ids
    endpoints = PrivateLinkEndpoints(f"{prefix}privatelink", endpoint_args)
    plan = endpoints.plan
    workload = None
    if workload_config is not None:
        if caller_account is None:
            raise ValueError("the workload needs the caller's account id (see needs_caller_account)")
        workload = EcsWorkload(
            f"{prefix}app",
            ecs_workload_args(
                workload_config,
                config.hardening,
                launch_type=config.launch_type,
                region=config.region,
                account_id=caller_account,
                family=family,
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                endpoint_security_group_id=endpoints.security_group_id,
                endpoint_ids={key: endpoint.id for key, endpoint in endpoints.endpoints.items()},
                endpoint_set_digest=endpoint_set_digest(plan),
            ),
        )
    return PrivateEcsEnvironment(plan, network, endpoints, workload, vpc_id, subnet_ids, route_table_ids)
