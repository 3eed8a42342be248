"""One private ECS environment composed: the network, its endpoints and, optionally, the workload.

The program builds one (``__main__.py``); the benchmark's fleet builds many, with a name prefix each.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from .config import NAMESPACE, StackConfig, ignored_flags
from .endpoints import PrivateLinkEndpoints, PrivateLinkEndpointsArgs
from .network import PrivateNetwork, PrivateNetworkArgs
from .planner import EndpointSpec, endpoint_set_digest, plan_endpoints
from .workload import EcsWorkload, EcsWorkloadArgs


@dataclass
class PrivateEcsEnvironment:
    plan: list[EndpointSpec]
    network: PrivateNetwork
    endpoints: PrivateLinkEndpoints
    workload: EcsWorkload | None


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
    plan = plan_endpoints(config.region, config.workload, config.extra_endpoints, account_id)
    for flag in ignored_flags(config):
        pulumi.log.warn(f"{flag} is ignored: with {NAMESPACE}:workload the endpoints follow the workload.")
    workload_config = config.workload_config
    if workload_config is not None and not workload_config.image.private_ecr:
        pulumi.log.warn(
            f"Image {workload_config.image.reference} is not in a private ECR registry: this VPC has no "
            "path to a public registry, so tasks cannot pull it. Mirror it into ECR (e.g. a pull through "
            "cache rule)."
        )

    network = PrivateNetwork(
        f"{prefix}private", PrivateNetworkArgs(vpc_cidr=config.vpc_cidr, availability_zones=zones)
    )
    endpoints = PrivateLinkEndpoints(
        f"{prefix}privatelink",
        PrivateLinkEndpointsArgs(
            vpc_id=network.vpc_id,
            subnet_ids_by_az=network.subnet_ids_by_az,
            subnet_cidrs=network.subnet_cidrs,
            route_table_ids=network.route_table_ids,
            plan=plan,
        ),
    )
    workload = None
    if workload_config is not None:
        if caller_account is None:
            raise ValueError("the workload needs the caller's account id (see needs_caller_account)")
        workload = EcsWorkload(
            f"{prefix}app",
            EcsWorkloadArgs(
                config=workload_config,
                launch_type=config.launch_type,
                region=config.region,
                partition=config.partition,
                account_id=caller_account,
                family=family,
                vpc_id=network.vpc_id,
                subnet_ids=list(network.subnet_ids_by_az.values()),
                endpoint_security_group_id=endpoints.security_group_id,
                endpoints=endpoints.endpoints,
                endpoint_set_digest=endpoint_set_digest(plan),
            ),
        )
    return PrivateEcsEnvironment(plan, network, endpoints, workload)
