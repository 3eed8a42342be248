"""boto3 clients for moto (in-process or moto_server) and for a real account, cached per Region."""

import threading
from typing import Any

import boto3
import botocore.session

# moto accepts any credentials; a real account uses the default credential chain instead.
_MOTO_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

# One botocore session for the process: its loader caches the service models, which cost more to
# parse than a whole verify run. Client creation from one session is not thread-safe, hence the lock.
_SESSION_LOCK = threading.Lock()
_BOTOCORE_SESSION: botocore.session.Session | None = None


def _session() -> boto3.session.Session:
    global _BOTOCORE_SESSION
    if _BOTOCORE_SESSION is None:
        _BOTOCORE_SESSION = botocore.session.get_session()
    return boto3.session.Session(botocore_session=_BOTOCORE_SESSION)


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
