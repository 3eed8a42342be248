"""moto handlers: ECR repositories."""

from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, handles, physical_name


@handles("aws:ecr/repository:Repository")
def _ecr_repository(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    inputs = resource.inputs
    args: dict[str, Any] = {"repositoryName": physical_name(resource)}
    if inputs.get("imageTagMutability"):
        args["imageTagMutability"] = inputs["imageTagMutability"]
    scanning = inputs.get("imageScanningConfiguration") or {}
    if "scanOnPush" in scanning:
        args["imageScanningConfiguration"] = {"scanOnPush": bool(scanning["scanOnPush"])}
    repository = ctx.clients("ecr", region).create_repository(**args)["repository"]
    return repository["repositoryName"], {
        "arn": repository["repositoryArn"],
        "name": repository["repositoryName"],
        "registryId": repository["registryId"],
        "repositoryUrl": repository["repositoryUri"],
    }
