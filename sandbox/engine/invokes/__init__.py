"""Answers to the AWS provider's invokes (data sources), one module per AWS service.

Each answer has the provider's shape (camelCase wire names, as pulumi_aws's ``Get…Result`` classes
read them). Lookups of what an account holds query the embedded AWS (moto) through
``Request.client``; the rest is computed. What is answered, and from what data, is listed in
docs/offline-engine.md.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from awsfacts import PARTITION_DNS_SUFFIX, partition_of

DOCS = "docs/offline-engine.md"


class InvokeError(LookupError):
    """An invoke the offline engine cannot answer; the message is the one line the user sees."""


def pulumi_function(token: str) -> str:
    """The Python function behind an invoke token: aws:ec2/getVpc:getVpc -> aws.ec2.get_vpc."""
    package, _, rest = token.partition(":")
    module, _, function = rest.partition(":")
    module = module.split("/")[0]
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", function).lower()
    return ".".join(part for part in (package, "" if module == "index" else module, snake) if part)


def unanswered(token: str) -> InvokeError:
    return InvokeError(
        f"{pulumi_function(token)} ({token}) is not answered by the offline engine; see {DOCS}"
    )


def not_found(token: str, what: str) -> InvokeError:
    """The provider found nothing: what the embedded account holds does not match the query."""
    return InvokeError(
        f"{pulumi_function(token)} ({token}): {what}; see {DOCS} for what the offline engine holds"
    )


def aws_error_code(error: Exception) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else), without importing botocore."""
    response = getattr(error, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def _no_embedded_aws(service: str) -> Any:
    raise InvokeError(f"no embedded AWS to ask {service}")


@dataclass(frozen=True)
class Request:
    """One invoke: its token and arguments, for the Region and account it is made in.

    ``client`` gives a boto3 client of the embedded AWS for the Region (``client("ec2")``); the
    embedded AWS starts on the first call, so computed answers never start it.
    """

    token: str
    args: dict[str, Any]
    region: str
    account_id: str
    client: Callable[[str], Any] = _no_embedded_aws

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    @property
    def dns_suffix(self) -> str:
        return PARTITION_DNS_SUFFIX[self.partition]

    @property
    def function(self) -> str:
        return pulumi_function(self.token)

    def not_found(self, what: str) -> InvokeError:
        return not_found(self.token, what)
