"""moto handlers: Secrets Manager secrets and their versions."""

from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, handles, physical_name


@handles("aws:secretsmanager/secret:Secret")
def _secret(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {"Name": physical_name(resource)}
    for key, wire in (("description", "Description"), ("kmsKeyId", "KmsKeyId")):
        if resource.inputs.get(key):
            args[wire] = resource.inputs[key]
    secret = ctx.clients("secretsmanager", region).create_secret(**args)
    return secret["ARN"], {"arn": secret["ARN"], "name": secret["Name"]}


@handles("aws:secretsmanager/secretVersion:SecretVersion")
def _secret_version(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    secret_id = resource.inputs["secretId"]
    version = ctx.clients("secretsmanager", region).put_secret_value(
        SecretId=secret_id, SecretString=str(resource.inputs.get("secretString", ""))
    )
    return f"{secret_id}|{version['VersionId']}", {"arn": version["ARN"], "versionId": version["VersionId"]}
