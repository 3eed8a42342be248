"""Secrets Manager getSecret, by name or ARN, from the embedded AWS.

The embedded AWS holds only the secrets ``up`` created: as with ``pulumi preview`` against a new
account, a secret that does not exist yet is not found.
"""

from datetime import UTC, datetime
from typing import Any

from . import Request, aws_error_code


def _timestamp(value: Any) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else ""


def get_secret(request: Request) -> dict[str, Any]:
    wanted = str(request.args.get("arn") or request.args.get("name"))
    secrets = request.client("secretsmanager")
    try:
        secret = secrets.describe_secret(SecretId=wanted)
        policy = secrets.get_resource_policy(SecretId=secret["ARN"]).get("ResourcePolicy") or ""
    except Exception as error:
        if aws_error_code(error) != "ResourceNotFoundException":
            raise
        raise request.not_found(
            f"reading Secrets Manager Secret ({wanted}): ResourceNotFoundException: no secret {wanted}"
            f" in {request.region}"
        ) from None
    return {
        "arn": secret["ARN"],
        "createdDate": _timestamp(secret.get("CreatedDate")),
        "description": secret.get("Description", ""),
        "id": secret["ARN"],
        "kmsKeyId": secret.get("KmsKeyId", ""),
        "lastChangedDate": _timestamp(secret.get("LastChangedDate")),
        "name": secret["Name"],
        "policy": policy,
        "region": request.region,
        "tags": {tag["Key"]: tag["Value"] for tag in secret.get("Tags") or ()},
        "type": "",
    }
