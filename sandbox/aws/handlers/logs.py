"""moto handlers: CloudWatch Logs log groups."""

from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, as_int, aws_arn, handles, physical_name


@handles("aws:cloudwatch/logGroup:LogGroup")
def _log_group(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    logs, name = ctx.clients("logs", region), physical_name(resource)
    args: dict[str, Any] = {"logGroupName": name}
    if resource.inputs.get("kmsKeyId"):
        args["kmsKeyId"] = resource.inputs["kmsKeyId"]
    logs.create_log_group(**args)
    if resource.inputs.get("retentionInDays"):
        logs.put_retention_policy(
            logGroupName=name, retentionInDays=as_int(resource.inputs["retentionInDays"])
        )
    return name, {"arn": aws_arn(region, "logs", f"log-group:{name}"), "name": name}
