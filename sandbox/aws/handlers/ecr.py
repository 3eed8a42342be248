"""moto handlers: ECR repositories and their lifecycle policies."""

import json
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
    encryption = inputs.get("encryptionConfigurations") or []
    if encryption:
        (configuration,) = encryption
        args["encryptionConfiguration"] = {"encryptionType": configuration.get("encryptionType", "AES256")}
        if configuration.get("kmsKey"):
            args["encryptionConfiguration"]["kmsKey"] = configuration["kmsKey"]
    repository = ctx.clients("ecr", region).create_repository(**args)["repository"]
    return repository["repositoryName"], {
        "arn": repository["repositoryArn"],
        "name": repository["repositoryName"],
        "registryId": repository["registryId"],
        "repositoryUrl": repository["repositoryUri"],
    }


@handles("aws:ecr/lifecyclePolicy:LifecyclePolicy")
def _ecr_lifecycle_policy(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    repository, policy = resource.inputs["repository"], resource.inputs["policy"]
    text = policy if isinstance(policy, str) else json.dumps(policy)
    answer = ctx.clients("ecr", region).put_lifecycle_policy(
        repositoryName=repository, lifecyclePolicyText=text
    )
    return repository, {"registryId": answer["registryId"], "repository": repository}
