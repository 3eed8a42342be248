"""SSM getParameter: AWS's public parameters that name Amazon's images (see ``amis``)."""

from typing import Any

from . import Request
from .amis import public_parameter


def get_parameter(request: Request) -> dict[str, Any]:
    name = str(request.args.get("name"))
    value = public_parameter(name, request.region)
    if value is None:
        raise request.not_found(
            f"ParameterNotFound: {name} (the offline engine holds only AWS's public ECS-optimized and"
            " Amazon Linux image parameters)"
        )
    arn = f"arn:{request.partition}:ssm:{request.region}::parameter{name}"
    return {
        "arn": arn,
        "id": name,
        "insecureValue": value,
        "name": name,
        "region": request.region,
        "type": "String",
        "value": value,
        "version": 1,
        "withDecryption": request.args.get("withDecryption"),
    }
