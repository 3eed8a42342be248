"""Synthetic fleets for the benchmark: many private VPC stamps of the same shape as the program's.

``replicate`` copies a recorded stack k times under new names, URNs and ids (references between
the copied resources rewritten), for AnalyzeStack at an exact resource count. ``crowd_endpoints``
puts many interface endpoints, each with a security group and ingress rule of its own, into the
recorded stack's one VPC. The fleet *program* (``sandbox/tools/fleet_program``) registers N stamps
through the project's own components.
"""

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..engine.program import RecordedResource, mock_id

VPC = "aws:ec2/vpc:Vpc"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def _renamed_urn(urn: str, name: str) -> str:
    # urn:pulumi:<stack>::<project>::<type chain>::<name>; the name is the part after the last "::".
    return urn[: urn.rindex("::") + 2] + name


def _rewrite(value: Any, swap: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return swap(value)
    if isinstance(value, list):
        return [_rewrite(item, swap) for item in value]
    if isinstance(value, dict):
        return {key: _rewrite(item, swap) for key, item in value.items()}
    return value


def stamp_copy(resources: list[RecordedResource], suffix: str) -> list[RecordedResource]:
    """One copy of ``resources`` with ``suffix`` on every name; URNs and ids follow."""
    urns: dict[str, str] = {}
    ids: dict[str, str] = {}
    for resource in resources:
        name = f"{resource.name}{suffix}"
        urns[resource.urn] = _renamed_urn(resource.urn, name)
        if resource.id:
            ids[resource.id] = mock_id(resource.type, name)
    mapping = {**urns, **ids}

    def swap(text: str) -> str:
        return mapping.get(text, text)

    return [
        replace(
            resource,
            urn=urns[resource.urn],
            name=f"{resource.name}{suffix}",
            parent=swap(resource.parent),
            dependencies=[swap(urn) for urn in resource.dependencies],
            property_dependencies={
                key: [swap(urn) for urn in urns_] for key, urns_ in resource.property_dependencies.items()
            },
            inputs=_rewrite(resource.inputs, swap),
            id=ids.get(resource.id, resource.id),
            outputs=_rewrite(resource.outputs, swap),
        )
        for resource in resources
    ]


def replicate(resources: list[RecordedResource], count: int) -> list[RecordedResource]:
    """Exactly ``count`` resources: whole copies of the stack, the last one cut short if need be.

    Resources are in registration order, so a cut copy keeps its parents and dependencies.
    """
    if not resources:
        raise ValueError("cannot replicate an empty stack")
    copies = math.ceil(count / len(resources))
    fleet = [r for index in range(copies) for r in stamp_copy(resources, f"-s{index:04d}")]
    return fleet[:count]


def _ingress_rule(group: RecordedResource, cidr: str) -> RecordedResource:
    """An ``aws.vpc.SecurityGroupIngressRule`` admitting TCP 443 from ``cidr`` into ``group``."""
    name = f"{group.name}-https"
    urn = _renamed_urn(group.urn, name).replace(group.type, INGRESS_RULE)
    rule_id = mock_id(INGRESS_RULE, name)
    inputs = {
        "securityGroupId": group.id,
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "cidrIpv4": cidr,
    }
    return RecordedResource(
        urn=urn,
        type=INGRESS_RULE,
        name=name,
        custom=True,
        parent=group.parent,
        provider=group.provider,
        dependencies=[group.urn],
        property_dependencies={"securityGroupId": [group.urn]},
        inputs=inputs,
        id=rule_id,
        outputs={**inputs, "id": rule_id, "arn": f"arn:aws:mock:::{rule_id}"},
    )


def crowd_endpoints(resources: list[RecordedResource], count: int) -> list[RecordedResource]:
    """The stack plus ``count`` interface endpoints in its only VPC, each with a group and rule of its own.

    Each copy of the stack's first interface endpoint gets a service name of its own
    (``com.amazonaws.<region>.bench-service-<i>``, so no two are duplicates), its own copy of that
    endpoint's security group without inline rules, and one ``SecurityGroupIngressRule`` for TCP 443
    from the VPC's CIDR: the shape in which each endpoint's rules must be found among all others.
    """
    vpcs = [r for r in resources if r.type == VPC]
    if len(vpcs) != 1:
        raise ValueError(f"crowd_endpoints needs a stack with one VPC, not {len(vpcs)}")
    endpoint = next(
        r for r in resources if r.type == VPC_ENDPOINT and r.outputs.get("vpcEndpointType") == "Interface"
    )
    group_urns = set(endpoint.property_dependencies.get("securityGroupIds", []))
    group = next(r for r in resources if r.urn in group_urns and r.type == SECURITY_GROUP)
    region = str(endpoint.outputs["serviceName"]).split(".")[2]
    crowd: list[RecordedResource] = []
    for index in range(count):
        group_copy, endpoint_copy = stamp_copy([group, endpoint], f"-e{index:04d}")
        for values in (group_copy.inputs, group_copy.outputs):
            values["ingress"] = []
        service = f"com.amazonaws.{region}.bench-service-{index:04d}"
        endpoint_copy.inputs["serviceName"] = endpoint_copy.outputs["serviceName"] = service
        crowd += [group_copy, _ingress_rule(group_copy, str(vpcs[0].outputs["cidrBlock"])), endpoint_copy]
    return [*resources, *crowd]
