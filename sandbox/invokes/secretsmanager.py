"""Secrets Manager getSecret, by name or ARN.

A secret a program looks up was made outside the stack; the new account answers it as one created
with the defaults (AWS-managed key, no resource policy) so preview can use its ARN.
"""

import hashlib
import re
from typing import Any

from . import Request

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# arn:aws:secretsmanager:us-east-1:123456789012:secret:name-AbCdEf
_SECRET_ARN = re.compile(r"^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:(?P<name>.+)-[A-Za-z0-9]{6}$")
CREATED = "2025-11-03T09:00:00Z"  # sample creation time of every looked-up secret


def _suffix(name: str) -> str:
    # Secrets Manager appends six random characters to a secret's name in its ARN; derived here.
    digest = hashlib.sha256(name.encode()).digest()
    return "".join(_SUFFIX_ALPHABET[byte % len(_SUFFIX_ALPHABET)] for byte in digest[:6])


def get_secret(request: Request) -> dict[str, Any]:
    arn = request.args.get("arn")
    if arn:
        match = _SECRET_ARN.match(str(arn))
        if match is None:
            raise request.not_found(f"{arn} is not a Secrets Manager secret ARN")
        name = match.group("name")
    else:
        name = str(request.args.get("name"))
        where = f"{request.partition}:secretsmanager:{request.region}:{request.account_id}"
        arn = f"arn:{where}:secret:{name}-{_suffix(name)}"
    return {
        "arn": arn,
        "createdDate": CREATED,
        "description": "",
        "id": arn,
        "kmsKeyId": "",
        "lastChangedDate": CREATED,
        "name": name,
        "policy": "",
        "region": request.region,
        "tags": request.args.get("tags") or {},
        "type": "",
    }
