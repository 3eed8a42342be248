"""SSM getParameter: AWS's public parameters that name Amazon's images (computed, see ``amis``), and
the account's own parameters from the embedded AWS (those ``up`` created).
"""

from typing import Any

from . import Request, aws_error_code
from .amis import public_parameter


def _answer(request: Request, name: str, value: str, kind: str, version: int, arn: str) -> dict[str, Any]:
    return {
        "arn": arn,
        "id": name,
        "insecureValue": value if kind != "SecureString" else "",
        "name": name,
        "region": request.region,
        "type": kind,
        "value": value,
        "version": version,
        "withDecryption": request.args.get("withDecryption"),
    }


def get_parameter(request: Request) -> dict[str, Any]:
    name = str(request.args.get("name"))
    value = public_parameter(name, request.region)
    if value is not None:
        arn = f"arn:{request.partition}:ssm:{request.region}::parameter{name}"
        return _answer(request, name, value, "String", 1, arn)
    with_decryption = request.args.get("withDecryption")
    try:
        parameter = request.client("ssm").get_parameter(
            Name=name, WithDecryption=True if with_decryption is None else bool(with_decryption)
        )["Parameter"]
    except Exception as error:
        if aws_error_code(error) != "ParameterNotFound":
            raise
        raise request.not_found(
            f"ParameterNotFound: {name} (the offline engine holds AWS's public ECS-optimized and Amazon"
            " Linux image parameters and the parameters the stack created)"
        ) from None
    return _answer(
        request, name, parameter["Value"], parameter["Type"], int(parameter["Version"]), parameter["ARN"]
    )
