"""ECR invokes: the registry's authorization token (computed) and a repository looked up by name in
the embedded AWS, which holds only what ``up`` created: as with ``pulumi preview`` against a new
account, a repository that does not exist yet is not found.
"""

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from . import Request, aws_error_code

TOKEN_LIFETIME = timedelta(hours=12)


def _registry(request: Request, registry_id: str) -> str:
    return f"{registry_id}.dkr.ecr.{request.region}.{request.dns_suffix}"


def get_authorization_token(request: Request) -> dict[str, Any]:
    registry_id = str(request.args.get("registryId") or request.account_id)
    password = "sandbox-" + hashlib.sha256(f"{request.region}/{registry_id}".encode()).hexdigest()[:32]
    expires = datetime.now(UTC).replace(microsecond=0) + TOKEN_LIFETIME
    return {
        "authorizationToken": base64.b64encode(f"AWS:{password}".encode()).decode(),
        "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "id": request.region,
        "password": password,
        "proxyEndpoint": f"https://{_registry(request, registry_id)}",
        "region": request.region,
        "registryId": registry_id,
        "userName": "AWS",
    }


def _most_recent_tags(ecr: Any, name: str, registry_id: str) -> list[str]:
    images = ecr.describe_images(repositoryName=name, registryId=registry_id)["imageDetails"]
    pushed = [image for image in images if image.get("imagePushedAt")]
    return (
        list(max(pushed, key=lambda image: image["imagePushedAt"]).get("imageTags") or []) if pushed else []
    )


def get_repository(request: Request) -> dict[str, Any]:
    name = str(request.args.get("name"))
    registry_id = str(request.args.get("registryId") or request.account_id)
    ecr = request.client("ecr")
    try:
        found = ecr.describe_repositories(repositoryNames=[name], registryId=registry_id)["repositories"]
    except Exception as error:
        if aws_error_code(error) != "RepositoryNotFoundException":
            raise
        found = []
    if not found:
        raise request.not_found(
            f"reading ECR Repository ({name}): RepositoryNotFoundException: no repository '{name}' in the"
            f" registry {registry_id} in {request.region}"
        )
    repository = found[0]
    encryption = repository.get("encryptionConfiguration") or {"encryptionType": "AES256"}
    tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"]).get("tags") or []
    return {
        "arn": repository["repositoryArn"],
        "encryptionConfigurations": [
            {"encryptionType": encryption["encryptionType"], "kmsKey": encryption.get("kmsKey", "")}
        ],
        "id": name,
        "imageScanningConfigurations": [
            {"scanOnPush": bool((repository.get("imageScanningConfiguration") or {}).get("scanOnPush"))}
        ],
        "imageTagMutability": repository.get("imageTagMutability", "MUTABLE"),
        "imageTagMutabilityExclusionFilters": [],
        "mostRecentImageTags": _most_recent_tags(ecr, name, registry_id),
        "name": name,
        "region": request.region,
        "registryId": repository.get("registryId", registry_id),
        "repositoryUrl": repository.get("repositoryUri") or f"{_registry(request, registry_id)}/{name}",
        "tags": {tag["Key"]: tag["Value"] for tag in tags},
    }
