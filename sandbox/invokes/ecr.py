"""ECR invokes: the registry's authorization token and a repository looked up by name.

The account is new, so a repository a program looks up is answered as one created with ECR's
defaults (mutable tags, AES256, no scan on push) rather than refused: preview needs its URL.
"""

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from . import Request

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


def get_repository(request: Request) -> dict[str, Any]:
    name = str(request.args.get("name"))
    registry_id = str(request.args.get("registryId") or request.account_id)
    return {
        "arn": f"arn:{request.partition}:ecr:{request.region}:{registry_id}:repository/{name}",
        "encryptionConfigurations": [{"encryptionType": "AES256", "kmsKey": ""}],
        "id": name,
        "imageScanningConfigurations": [{"scanOnPush": False}],
        "imageTagMutability": "MUTABLE",
        "imageTagMutabilityExclusionFilters": [],
        "mostRecentImageTags": [],
        "name": name,
        "region": request.region,
        "registryId": registry_id,
        "repositoryUrl": f"{_registry(request, registry_id)}/{name}",
        "tags": request.args.get("tags") or {},
    }
