"""Delete what ``up`` created, newest first: a resource is created after what it depends on, so the
reverse of the creation order is a dependency order for deletion.

Resources that live inside another one (routes, security group rules, endpoint associations, a
secret's versions) go with it and need no call of their own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .clients import AwsClients

Deleter = Callable[[AwsClients, str, str], None]  # (clients, physical id, Region)
_DELETERS: dict[str, Deleter] = {}
_GONE_CODES = ("NotFound", "NoSuchEntity", "ResourceNotFound", "InvalidParameterValue", "NotFoundException")


def _deletes(*types: str) -> Callable[[Deleter], Deleter]:
    def register(deleter: Deleter) -> Deleter:
        for type_ in types:
            _DELETERS[type_] = deleter
        return deleter

    return register


def _goes_with_its_parent(clients: AwsClients, id_: str, region: str) -> None:
    return None


for _child in (
    "pulumi:providers:aws",
    "aws:ec2/route:Route",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation",
    "aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation",
    "aws:ec2/securityGroupAssociation:SecurityGroupAssociation",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",  # the role's deletion detaches everything
    "aws:secretsmanager/secretVersion:SecretVersion",
):
    _DELETERS[_child] = _goes_with_its_parent


def _ec2_call(operation: str, key: str, *, as_list: bool = False) -> Deleter:
    def delete(clients: AwsClients, id_: str, region: str) -> None:
        getattr(clients("ec2", region), operation)(**{key: [id_] if as_list else id_})

    return delete


_DELETERS.update(
    {
        "aws:ec2/vpc:Vpc": _ec2_call("delete_vpc", "VpcId"),
        "aws:ec2/subnet:Subnet": _ec2_call("delete_subnet", "SubnetId"),
        "aws:ec2/routeTable:RouteTable": _ec2_call("delete_route_table", "RouteTableId"),
        "aws:ec2/routeTableAssociation:RouteTableAssociation": _ec2_call(
            "disassociate_route_table", "AssociationId"
        ),
        "aws:ec2/securityGroup:SecurityGroup": _ec2_call("delete_security_group", "GroupId"),
        "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2_call("delete_vpc_endpoints", "VpcEndpointIds", as_list=True),
        "aws:ec2/vpcDhcpOptions:VpcDhcpOptions": _ec2_call("delete_dhcp_options", "DhcpOptionsId"),
        "aws:ec2/launchTemplate:LaunchTemplate": _ec2_call("delete_launch_template", "LaunchTemplateId"),
        "aws:ec2/flowLog:FlowLog": _ec2_call("delete_flow_logs", "FlowLogIds", as_list=True),
    }
)


@_deletes("aws:ec2/internetGateway:InternetGateway")
def _internet_gateway(clients: AwsClients, id_: str, region: str) -> None:
    ec2 = clients("ec2", region)
    [gateway] = ec2.describe_internet_gateways(InternetGatewayIds=[id_])["InternetGateways"]
    for attachment in gateway.get("Attachments", []):
        ec2.detach_internet_gateway(InternetGatewayId=id_, VpcId=attachment["VpcId"])
    ec2.delete_internet_gateway(InternetGatewayId=id_)


@_deletes("aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation")
def _dhcp_association(clients: AwsClients, id_: str, region: str) -> None:
    vpc_id = id_[id_.index("-vpc-") + 1 :]  # the handler's id is "<options id>-<vpc id>"
    clients("ec2", region).associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc_id)


@_deletes("aws:autoscaling/group:Group")
def _autoscaling_group(clients: AwsClients, id_: str, region: str) -> None:
    clients("autoscaling", region).delete_auto_scaling_group(AutoScalingGroupName=id_, ForceDelete=True)


@_deletes("aws:ecr/repository:Repository")
def _ecr_repository(clients: AwsClients, id_: str, region: str) -> None:
    clients("ecr", region).delete_repository(repositoryName=id_, force=True)


@_deletes("aws:ecr/lifecyclePolicy:LifecyclePolicy")
def _ecr_lifecycle_policy(clients: AwsClients, id_: str, region: str) -> None:
    clients("ecr", region).delete_lifecycle_policy(repositoryName=id_)


@_deletes("aws:ecs/cluster:Cluster")
def _ecs_cluster(clients: AwsClients, id_: str, region: str) -> None:
    clients("ecs", region).delete_cluster(cluster=id_)


@_deletes("aws:ecs/taskDefinition:TaskDefinition")
def _task_definition(clients: AwsClients, id_: str, region: str) -> None:
    ecs = clients("ecs", region)
    for arn in ecs.list_task_definitions(familyPrefix=id_, status="ACTIVE")["taskDefinitionArns"]:
        ecs.deregister_task_definition(taskDefinition=arn)


@_deletes("aws:ecs/service:Service")
def _ecs_service(clients: AwsClients, id_: str, region: str) -> None:
    # arn:aws:ecs:<region>:<account>:service/<cluster>/<service>
    cluster, _, name = id_.split(":service/", 1)[-1].rpartition("/")
    clients("ecs", region).delete_service(cluster=cluster or "default", service=name, force=True)


@_deletes("aws:ecs/capacityProvider:CapacityProvider")
def _capacity_provider(clients: AwsClients, id_: str, region: str) -> None:
    clients("ecs", region).delete_capacity_provider(capacityProvider=id_)


@_deletes("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
def _cluster_capacity(clients: AwsClients, id_: str, region: str) -> None:
    clients("ecs", region).put_cluster_capacity_providers(
        cluster=id_, capacityProviders=[], defaultCapacityProviderStrategy=[]
    )


@_deletes("aws:iam/role:Role")
def _iam_role(clients: AwsClients, id_: str, region: str) -> None:
    iam = clients("iam", region)
    for policy in iam.list_attached_role_policies(RoleName=id_)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=id_, PolicyArn=policy["PolicyArn"])
    for name in iam.list_role_policies(RoleName=id_)["PolicyNames"]:
        iam.delete_role_policy(RoleName=id_, PolicyName=name)
    for profile in iam.list_instance_profiles_for_role(RoleName=id_)["InstanceProfiles"]:
        iam.remove_role_from_instance_profile(
            InstanceProfileName=profile["InstanceProfileName"], RoleName=id_
        )
    iam.delete_role(RoleName=id_)


@_deletes("aws:iam/rolePolicy:RolePolicy")
def _iam_role_policy(clients: AwsClients, id_: str, region: str) -> None:
    role, _, name = id_.partition(":")  # the handler's id is "<role>:<policy name>"
    clients("iam", region).delete_role_policy(RoleName=role, PolicyName=name)


@_deletes("aws:iam/policy:Policy")
def _iam_policy(clients: AwsClients, id_: str, region: str) -> None:
    iam = clients("iam", region)
    for role in iam.list_entities_for_policy(PolicyArn=id_)["PolicyRoles"]:
        iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=id_)
    iam.delete_policy(PolicyArn=id_)


@_deletes("aws:iam/instanceProfile:InstanceProfile")
def _instance_profile(clients: AwsClients, id_: str, region: str) -> None:
    iam = clients("iam", region)
    for role in iam.get_instance_profile(InstanceProfileName=id_)["InstanceProfile"]["Roles"]:
        iam.remove_role_from_instance_profile(InstanceProfileName=id_, RoleName=role["RoleName"])
    iam.delete_instance_profile(InstanceProfileName=id_)


@_deletes("aws:cloudwatch/logGroup:LogGroup")
def _log_group(clients: AwsClients, id_: str, region: str) -> None:
    clients("logs", region).delete_log_group(logGroupName=id_)


@_deletes("aws:secretsmanager/secret:Secret")
def _secret(clients: AwsClients, id_: str, region: str) -> None:
    clients("secretsmanager", region).delete_secret(SecretId=id_, ForceDeleteWithoutRecovery=True)


@_deletes("aws:servicediscovery/httpNamespace:HttpNamespace")
def _http_namespace(clients: AwsClients, id_: str, region: str) -> None:
    clients("servicediscovery", region).delete_namespace(Id=id_)


@dataclass(frozen=True)
class Deployed:
    """One resource ``up`` created: enough to delete it again."""

    urn: str
    type: str
    id: str
    region: str


@dataclass
class Teardown:
    deleted: list[Deployed]
    failures: list[str]  # "<type> <id>: <error>", one per resource that could not be deleted


def _already_gone(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return any(part in code for part in _GONE_CODES)


def delete_deployed(clients: AwsClients, resources: list[Deployed]) -> Teardown:
    """Delete ``resources`` (in creation order) newest first; go on past failures and report them."""
    result = Teardown([], [])
    for resource in reversed(resources):
        deleter = _DELETERS.get(resource.type)
        if deleter is None:
            result.failures.append(f"{resource.type} {resource.id}: the sandbox cannot delete this type")
            continue
        try:
            deleter(clients, resource.id, resource.region)
        except ClientError as error:
            if not _already_gone(error):
                result.failures.append(f"{resource.type} {resource.id}: {error}")
                continue
        except Exception as error:  # moto answers some unsupported calls with its own errors
            result.failures.append(f"{resource.type} {resource.id}: {error}")
            continue
        result.deleted.append(resource)
    return result


def deletable(type_: str) -> bool:
    return type_ in _DELETERS


def as_deployed(items: list[dict[str, Any]]) -> list[Deployed]:
    """The resources a state file records (``resources``: urn, type, id, region)."""
    return [Deployed(str(i["urn"]), str(i["type"]), str(i["id"]), str(i["region"])) for i in items]
