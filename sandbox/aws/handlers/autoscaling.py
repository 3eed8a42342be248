"""moto handlers: Auto Scaling groups."""

from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, as_int, handles, physical_name


@handles("aws:autoscaling/group:Group")
def _autoscaling_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs, name = resource.inputs, physical_name(resource)
    args: dict[str, Any] = {
        "AutoScalingGroupName": name,
        "MinSize": as_int(inputs.get("minSize", 0)),
        "MaxSize": as_int(inputs.get("maxSize", 0)),
        "VPCZoneIdentifier": ",".join(inputs.get("vpcZoneIdentifiers") or []),
    }
    if "desiredCapacity" in inputs:
        args["DesiredCapacity"] = as_int(inputs["desiredCapacity"])
    template = inputs.get("launchTemplate") or {}
    if template:
        reference = (
            {"LaunchTemplateId": template["id"]}
            if template.get("id")
            else {"LaunchTemplateName": template["name"]}
        )
        args["LaunchTemplate"] = {**reference, "Version": str(template.get("version") or "$Default")}
    if "protectFromScaleIn" in inputs:
        args["NewInstancesProtectedFromScaleIn"] = bool(inputs["protectFromScaleIn"])
    if inputs.get("healthCheckType"):
        args["HealthCheckType"] = inputs["healthCheckType"]
    tags = [
        {"Key": t["key"], "Value": str(t["value"]), "PropagateAtLaunch": bool(t.get("propagateAtLaunch"))}
        for t in inputs.get("tags") or []
    ]
    if tags:
        args["Tags"] = tags
    autoscaling = ctx.clients("autoscaling", region)
    autoscaling.create_auto_scaling_group(**args)
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    return name, {"arn": group["AutoScalingGroupARN"], "name": name}
