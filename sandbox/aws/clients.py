"""boto3 clients for moto (in-process or moto_server) and for a real account, cached per Region.

Also the one place where what the AWS-facing commands (up, verify, destroy) are given — a Region, an
endpoint URL — is checked, and where botocore's exceptions become one-line errors (``aws_errors``).
"""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)
from botocore.parsers import ResponseParserError

from awsfacts import REGION_PARTITION

from ..messages import UserFixableError, shown

# moto accepts any credentials; a real account uses the default credential chain instead.
_MOTO_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
_ENDPOINT_EXAMPLE = "http://127.0.0.1:5000"

# One botocore session for the process: its loader caches the service models, which cost more to
# parse than a whole verify run. Client creation from one session is not thread-safe, hence the lock.
_SESSION_LOCK = threading.Lock()
_BOTOCORE_SESSION: botocore.session.Session | None = None


class AwsCallError(UserFixableError):
    """An AWS input or call that failed for a reason the user can fix; the text is one line."""


def _session() -> boto3.session.Session:
    global _BOTOCORE_SESSION
    if _BOTOCORE_SESSION is None:
        _BOTOCORE_SESSION = botocore.session.get_session()
    return boto3.session.Session(botocore_session=_BOTOCORE_SESSION)


def checked_region(region: str, source: str) -> str:
    """``region`` if botocore knows it; ``source`` names where it came from (a flag, a file's key)."""
    if region not in REGION_PARTITION:
        raise AwsCallError(
            f"{source} {shown(region)} is not an AWS Region botocore knows; known Regions: "
            + ", ".join(sorted(REGION_PARTITION))
        )
    return region


def checked_endpoint_url(url: str, source: str = "--endpoint-url") -> str:
    """An http(s) URL with a host: botocore's own refusal of anything else is a traceback."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AwsCallError(
            f"{source} {shown(url)} is not a URL: give http(s)://host:port of a moto_server, "
            f"e.g. {_ENDPOINT_EXAMPLE}"
        )
    return url


def _one_line(text: str) -> str:
    return " ".join(text.split())


class AwsClients:
    def __init__(self, region: str, *, endpoint_url: str | None = None, moto: bool = False):
        self.region = region
        self.endpoint_url = endpoint_url
        self._credentials = _MOTO_CREDENTIALS if moto else {}
        self._clients: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        with _SESSION_LOCK:
            if key not in self._clients:
                self._clients[key] = _session().client(
                    service, region_name=key[1], endpoint_url=self.endpoint_url, **self._credentials
                )
            return self._clients[key]

    @property
    def where(self) -> str:
        """The endpoint as an error message names it."""
        if self.endpoint_url:
            return f"--endpoint-url {shown(self.endpoint_url)}"
        return f"AWS in {self.region}"

    def check_answers(self) -> None:
        """One GetCallerIdentity (needs no permission): fails fast, before anything is read or changed,
        when the endpoint is unreachable, the credentials are missing, or the server is no AWS API (a
        web page parses as an empty answer, which later calls would take for "nothing there")."""
        with aws_errors(self):
            try:
                answer = self("sts").get_caller_identity()
            except (ResponseParserError, KeyError, TypeError, AttributeError):
                answer = {}  # how botocore's parsers fail on a body that is no AWS answer
        if not isinstance(answer, dict) or not answer.get("Account"):
            raise AwsCallError(
                f"{self.where} answered GetCallerIdentity without an account: it is not an AWS API; "
                f"give the URL of a moto_server, e.g. {_ENDPOINT_EXAMPLE}"
            )


@contextmanager
def aws_errors(clients: AwsClients) -> Iterator[None]:
    """botocore's exceptions as one-line AwsCallErrors naming the endpoint and what to do."""
    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise AwsCallError(
            f"no AWS credentials for {clients.where}: set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
            f"AWS_SECRET_ACCESS_KEY, or give --endpoint-url of a moto_server, e.g. {_ENDPOINT_EXAMPLE}"
        ) from None
    except EndpointConnectionError:
        raise AwsCallError(
            f"cannot reach {clients.where}: nothing answers there; start moto_server there "
            "or give the URL of a running one"
        ) from None
    except ClientError as error:
        details = error.response.get("Error", {})
        code = details.get("Code") or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = _one_line(str(details.get("Message") or ""))[:200]
        raise AwsCallError(
            f"{clients.where} refused {error.operation_name}: {code}: {message or 'no message'}"
        ) from None
    except BotoCoreError as error:
        raise AwsCallError(f"{clients.where} failed: {_one_line(str(error))[:300]}") from None


def all_items(client: Any, operation: str, key: str, **kwargs: Any) -> Iterable[Any]:
    """Every item of a paged list call, all pages (botocore's paginator for ``operation``)."""
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page.get(key, [])
