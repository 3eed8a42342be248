"""The sandbox's embedded AWS as the provider's invokes see it: which invoke is answered by what.

Answers live in ``sandbox.invokes`` (one module per AWS service) over the new account in
``sandbox.invokes.account``; docs/offline-engine.md lists them and what they cannot answer. An
invoke with no answer raises ``InvokeError`` naming the invoke and its Pulumi function.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .invokes import InvokeError, Request, amis, ec2, ecr, iam, region, secretsmanager, ssm, unanswered
from .invokes.account import ACCOUNT_ID, availability_zones, zone_ids
from .invokes.ec2 import service_availability_zones

__all__ = [
    "ACCOUNT_ID",
    "ANSWERS",
    "AwsData",
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


@dataclass
class AwsData:
    """Answers the invokes a program makes, for the Region the stack's provider is set to."""

    default_region: str
    account_id: str = ACCOUNT_ID
    calls: list[str] = field(default_factory=list)

    def answer(self, token: str, args: dict, region: str | None = None) -> dict:
        region = region or args.get("region") or self.default_region
        self.calls.append(token)
        handler = ANSWERS.get(token)
        if handler is None:
            raise unanswered(token)
        return handler(Request(token, dict(args), region, self.account_id))
