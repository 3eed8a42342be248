"""The sandbox's embedded AWS as the provider's invokes see it: which invoke is answered by what.

Answers live in ``sandbox.engine.invokes`` (one module per AWS service); docs/offline-engine.md lists them
and what they cannot answer. Lookups of what an account holds (VPCs, subnets, security groups,
route tables, ECR repositories, secrets, customer managed policies, SSM parameters) query the
embedded AWS, moto, the one ``up`` deploys into, so preview and up agree; the rest is computed. An
invoke with no answer raises ``InvokeError`` naming the invoke and its Pulumi function.

Which moto: the clients ``AwsData`` is given (``up``: in-process moto or a moto_server, for its
preview and its deploy alike), else an in-process moto started on the first lookup (preview), so a
program without lookups never imports moto.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from ..sdk_private import moto_mock_running
from .invokes import InvokeError, Request, amis, ec2, ecr, iam, region, secretsmanager, ssm, unanswered
from .invokes.account import ACCOUNT_ID, availability_zones, complete_default_network, zone_ids
from .invokes.ec2 import service_availability_zones

if TYPE_CHECKING:
    from ..aws.clients import AwsClients

__all__ = [
    "ACCOUNT_ID",
    "ANSWERS",
    "MOTO_SEED",
    "AwsData",
    "ClientsFactory",
    "InvokeError",
    "availability_zones",
    "service_availability_zones",
    "zone_ids",
]

ANSWERS: dict[str, Callable[[Request], dict[str, Any]]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": region.get_availability_zones,
    "aws:index/getRegion:getRegion": region.get_region,
    "aws:index/getCallerIdentity:getCallerIdentity": region.get_caller_identity,
    "aws:index/getPartition:getPartition": region.get_partition,
    "aws:ec2/getVpc:getVpc": ec2.get_vpc,
    "aws:ec2/getSubnet:getSubnet": ec2.get_subnet,
    "aws:ec2/getSubnets:getSubnets": ec2.get_subnets,
    "aws:ec2/getSecurityGroup:getSecurityGroup": ec2.get_security_group,
    "aws:ec2/getRouteTable:getRouteTable": ec2.get_route_table,
    "aws:ec2/getRouteTables:getRouteTables": ec2.get_route_tables,
    "aws:ec2/getAmi:getAmi": amis.get_ami,
    "aws:ec2/getPrefixList:getPrefixList": ec2.get_prefix_list,
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": ec2.get_managed_prefix_list,
    "aws:ec2/getVpcEndpointService:getVpcEndpointService": ec2.get_vpc_endpoint_service,
    "aws:ssm/getParameter:getParameter": ssm.get_parameter,
    "aws:iam/getPolicyDocument:getPolicyDocument": iam.get_policy_document,
    "aws:iam/getPolicy:getPolicy": iam.get_policy,
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": ecr.get_authorization_token,
    "aws:ecr/getRepository:getRepository": ecr.get_repository,
    "aws:secretsmanager/getSecret:getSecret": secretsmanager.get_secret,
}

# Region -> the boto3 clients of the embedded AWS there.
ClientsFactory = Callable[[str], "AwsClients"]

# moto's random ids are seeded when preview starts its own moto, so every run sees the same ids.
MOTO_SEED = 20251103


class _InProcessMoto:
    """moto in this process for preview: patched in only while an invoke is answered.

    When a caller already runs moto (``up`` in-process, a test), its data is used as it is. Else
    the first start resets and seeds moto, and later starts keep its data, so ids stay put for the
    run and are the same every run. AWS managed policies are not loaded (seconds per start):
    getPolicy computes those.
    """

    def __init__(self) -> None:
        from moto import mock_aws  # about a second to import: only programs with lookups pay it

        self._outer = moto_mock_running()
        self._mock = mock_aws()
        self._started = False

    @contextmanager
    def active(self) -> Iterator[None]:
        if self._outer:
            yield
            return
        first = not self._started
        self._mock.start(reset=first)
        try:
            if first:
                self._started = True
                import requests  # moto's own dependency; moto's API takes the seed over HTTP

                requests.post(f"http://motoapi.amazonaws.com/moto-api/seed?a={MOTO_SEED}", timeout=5)
            yield
        finally:
            self._mock.stop(remove_data=False)


class AwsData:
    """Answers the invokes a program makes, for the Region the stack's provider is set to.

    ``clients_factory`` (Region -> AwsClients) points lookups at the moto ``up`` deploys into;
    without it, at an in-process moto.
    """

    def __init__(
        self,
        default_region: str,
        clients_factory: ClientsFactory | None = None,
        account_id: str = ACCOUNT_ID,
    ):
        self.default_region = default_region
        self.account_id = account_id
        self.calls: list[str] = []
        self._factory = clients_factory
        self._moto: _InProcessMoto | None = None
        self._clients: dict[str, AwsClients] = {}
        self._completed: set[str] = set()  # Regions whose default network is complete
        self._lock = threading.Lock()  # invokes arrive on several threads; moto wants one at a time
        self._window = ExitStack()  # holds the in-process moto patched in for the invoke being answered
        self._patched = False

    def answer(self, token: str, args: dict, region: str | None = None) -> dict:
        region = region or args.get("region") or self.default_region
        self.calls.append(token)
        handler = ANSWERS.get(token)
        if handler is None:
            raise unanswered(token)
        with self._lock, self._window:
            try:
                request = Request(
                    token, dict(args), region, self.account_id, lambda name: self._client(name, region)
                )
                return handler(request)
            finally:
                self._patched = False

    def _client(self, service: str, region: str) -> Any:
        if self._factory is None and not self._patched:
            if self._moto is None:
                self._moto = _InProcessMoto()
            self._window.enter_context(self._moto.active())
            self._patched = True
        if region not in self._clients:
            if self._factory is not None:
                self._clients[region] = self._factory(region)
            else:
                from ..aws.clients import AwsClients

                self._clients[region] = AwsClients(region, moto=True)
        clients = self._clients[region]
        if region not in self._completed:
            complete_default_network(clients("ec2", region))
            self._completed.add(region)
        return clients(service, region)
