"""moto handlers: ECS clusters, task definitions, services and capacity providers."""

import json
from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, as_int, handles, physical_name


@handles("aws:ecs/cluster:Cluster")
def _ecs_cluster(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {"clusterName": physical_name(resource)}
    settings = resource.inputs.get("settings") or []
    if settings:
        args["settings"] = [{"name": s["name"], "value": s["value"]} for s in settings]
    defaults = resource.inputs.get("serviceConnectDefaults") or {}
    if defaults.get("namespace"):
        args["serviceConnectDefaults"] = {"namespace": defaults["namespace"]}
    cluster = ctx.clients("ecs", region).create_cluster(**args)["cluster"]
    return cluster["clusterArn"], {"arn": cluster["clusterArn"], "name": cluster["clusterName"]}


@handles("aws:ecs/taskDefinition:TaskDefinition")
def _ecs_task_definition(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    containers = inputs["containerDefinitions"]
    args: dict[str, Any] = {
        "family": inputs["family"],
        "containerDefinitions": json.loads(containers) if isinstance(containers, str) else containers,
    }
    for key in ("cpu", "memory", "networkMode", "executionRoleArn", "taskRoleArn"):
        if inputs.get(key):
            args[key] = str(inputs[key])
    if inputs.get("requiresCompatibilities"):
        args["requiresCompatibilities"] = list(inputs["requiresCompatibilities"])
    definition = ctx.clients("ecs", region).register_task_definition(**args)["taskDefinition"]
    arn = definition["taskDefinitionArn"]
    return definition["family"], {
        "arn": arn,
        "arnWithoutRevision": arn.rsplit(":", 1)[0],
        "revision": definition["revision"],
    }


@handles("aws:ecs/service:Service")
def _ecs_service(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {
        "serviceName": physical_name(resource),
        "taskDefinition": inputs["taskDefinition"],
        "desiredCount": as_int(inputs.get("desiredCount", 1)),
    }
    if inputs.get("cluster"):
        args["cluster"] = inputs["cluster"]
    if inputs.get("launchType"):
        args["launchType"] = inputs["launchType"]
    if inputs.get("capacityProviderStrategies"):
        args["capacityProviderStrategy"] = _strategy(inputs["capacityProviderStrategies"])
    if inputs.get("propagateTags"):
        args["propagateTags"] = inputs["propagateTags"]
    if "enableEcsManagedTags" in inputs:
        args["enableECSManagedTags"] = bool(inputs["enableEcsManagedTags"])
    network = inputs.get("networkConfiguration")
    if network:
        args["networkConfiguration"] = {
            "awsvpcConfiguration": {
                "subnets": list(network.get("subnets") or []),
                "securityGroups": list(network.get("securityGroups") or []),
                "assignPublicIp": "ENABLED" if network.get("assignPublicIp") else "DISABLED",
            }
        }
    service = ctx.clients("ecs", region).create_service(**args)["service"]
    return service["serviceArn"], {"name": service["serviceName"], "arn": service["serviceArn"]}


# --- EC2 capacity for the workload (ECS on EC2) ------------------------------------------------


@handles("aws:ecs/capacityProvider:CapacityProvider")
def _capacity_provider(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    provider = resource.inputs["autoScalingGroupProvider"]
    group: dict[str, Any] = {"autoScalingGroupArn": provider["autoScalingGroupArn"]}
    scaling = provider.get("managedScaling") or {}
    if scaling:
        group["managedScaling"] = {
            key: as_int(value) if isinstance(value, float) else value for key, value in scaling.items()
        }
    if provider.get("managedTerminationProtection"):
        group["managedTerminationProtection"] = provider["managedTerminationProtection"]
    created = ctx.clients("ecs", region).create_capacity_provider(
        name=physical_name(resource), autoScalingGroupProvider=group
    )["capacityProvider"]
    return created["capacityProviderArn"], {"arn": created["capacityProviderArn"], "name": created["name"]}


def _strategy(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "capacityProvider": s["capacityProvider"],
            "weight": as_int(s.get("weight", 0)),
            "base": as_int(s.get("base", 0)),
        }
        for s in items
    ]


@handles("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
def _cluster_capacity(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    cluster = resource.inputs["clusterName"]
    ctx.clients("ecs", region).put_cluster_capacity_providers(
        cluster=cluster,
        capacityProviders=list(resource.inputs.get("capacityProviders") or []),
        defaultCapacityProviderStrategy=_strategy(
            resource.inputs.get("defaultCapacityProviderStrategies") or []
        ),
    )
    return cluster, {}
