"""The endpoint plan: which endpoints a stack gets, in which order, with which policy, and why.

Pure (no Pulumi): the rules come from ``awsfacts.required_endpoints``; this module adds the user's
extra endpoints, the partition's service names and the endpoint policies (C12).
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from awsfacts import (
    CATALOG,
    CONSIDERATIONS,
    ECS_ENDPOINT_POLICY_ACTIONS,
    ECS_TRIO,
    IAM_ACTION_PREFIX,
    EndpointType,
    Workload,
    ecr_layer_bucket_arn,
    ecs_trio_bound_by_c2,
    required_endpoints,
    service_name,
    ssm_managed_instance_endpoints,
)

EXTRA_REASON = "extraEndpoints"
SSM_REASON = "ssmManagedInstances"
# Reasons that are config keys rather than considerations, spelt out in the plan.
CONFIG_REASONS = {
    EXTRA_REASON: "asked for in the stack config",
    SSM_REASON: "Systems Manager manages the container instances (Run Command, Session Manager)",
}
POLICY_VERSION = "2012-10-17"


@dataclass(frozen=True)
class EndpointSpec:
    key: str  # catalog key: "ecr.dkr"
    service_name: str  # for the Region's partition: "cn.com.amazonaws.cn-north-1.ecr.dkr"
    type: EndpointType
    private_dns: bool  # always False for the gateway
    policy: dict[str, Any]
    reasons: tuple[str, ...]  # consideration ids ("C6") and/or EXTRA_REASON

    @property
    def is_interface(self) -> bool:
        return self.type is EndpointType.INTERFACE

    @property
    def reason_text(self) -> list[str]:
        """Each reason spelt out, e.g. "C6: Private ECR images need ..."."""
        return [
            f"{reason}: {CONSIDERATIONS[reason]}"
            if reason in CONSIDERATIONS
            else f"{reason}: {CONFIG_REASONS[reason]}"
            for reason in self.reasons
        ]


def _statement(sid: str, actions: Iterable[str], resource: str, account_id: str | None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": "*",
        "Action": list(actions),
        "Resource": resource,
    }
    if account_id is not None:
        # Principal "*" narrowed by aws:PrincipalAccount is AWS's documented pattern for endpoint policies.
        statement["Condition"] = {"StringEquals": {"aws:PrincipalAccount": account_id}}
    return statement


def endpoint_policy(key: str, region: str, account_id: str | None) -> dict[str, Any]:
    """The endpoint policy of one service (C12). ``account_id`` None: no account restriction."""
    sid = "Allow" + "".join(part.capitalize() for part in key.replace(".", "-").split("-"))
    if key == "s3":
        # ECR hands out layer URLs presigned by ECR itself, so the caller is not of the stack's account:
        # an aws:PrincipalAccount condition would break image pulls. The bucket and action keep it tight.
        statement = _statement(sid, ["s3:GetObject"], ecr_layer_bucket_arn(region), None)
    elif key in ECS_ENDPOINT_POLICY_ACTIONS:
        statement = _statement(sid, ECS_ENDPOINT_POLICY_ACTIONS[key], "*", account_id)
    else:
        # Only the service's own actions: a "*" action for "*" principals would pass any API through.
        statement = _statement(sid, [f"{IAM_ACTION_PREFIX[key]}:*"], "*", account_id)
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def plan_endpoints(
    region: str,
    workload: Workload,
    extra_endpoints: Iterable[str] = (),
    account_id: str | None = None,
    *,
    ssm_managed_instances: bool = False,
) -> list[EndpointSpec]:
    """The ordered endpoint plan: the ECS trio first in C11 order, then the rest.

    ``account_id`` set: every policy statement is limited to principals of that account
    (restrictToAccount), except the ECR layer bucket's (see ``endpoint_policy``).
    ``ssm_managed_instances``: the endpoints SSM Agent needs, as the Region has them.
    """
    reasons: dict[str, list[str]] = {
        need.key: list(need.considerations) for need in required_endpoints(region, workload)
    }
    ssm_keys = ssm_managed_instance_endpoints(region) if ssm_managed_instances else ()
    asked = [*((key, SSM_REASON) for key in ssm_keys), *((key, EXTRA_REASON) for key in extra_endpoints)]
    for key, reason in asked:
        reasons.setdefault(key, [])
        if reason not in reasons[key]:
            reasons[key].append(reason)
    # An ECS endpoint asked for as an extra still obeys C2: all three or none in a post-line Region.
    for key in ecs_trio_bound_by_c2(region, reasons):
        reasons.setdefault(key, [])
        if "C2" not in reasons[key]:
            reasons[key].append("C2")
    trio = [key for key in ECS_TRIO if key in reasons]
    ordered = trio + [key for key in reasons if key not in ECS_TRIO]
    return [
        EndpointSpec(
            key=key,
            service_name=service_name(key, region),
            type=CATALOG[key].type,
            private_dns=CATALOG[key].type is EndpointType.INTERFACE and CATALOG[key].private_dns,
            policy=endpoint_policy(key, region, account_id),
            reasons=tuple(reasons[key]),
        )
        for key in ordered
    ]


def endpoint_set_digest(plan: Sequence[EndpointSpec]) -> str:
    """A short fingerprint of the endpoint set: it changes whenever an endpoint is added or removed.

    Container instances carry it, so a new endpoint set rolls them (C10: an agent registered before an
    endpoint existed keeps using the public endpoint until it restarts).
    """
    fields = sorted((spec.key, spec.service_name, spec.type.value, spec.private_dns) for spec in plan)
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:16]
