"""moto handlers: IAM roles, their policies and instance profiles."""

import hashlib
import json
from typing import Any

from ...engine.program import RecordedResource
from .base import MotoContext, Outputs, handles, physical_name


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@handles("aws:iam/role:Role")
def _iam_role(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    iam, inputs = ctx.clients("iam", region), resource.inputs
    args: dict[str, Any] = {
        "RoleName": physical_name(resource),
        "AssumeRolePolicyDocument": _document(inputs["assumeRolePolicy"]),
    }
    for key, wire in (("path", "Path"), ("description", "Description")):
        if inputs.get(key):
            args[wire] = inputs[key]
    role = iam.create_role(**args)["Role"]
    for arn in inputs.get("managedPolicyArns") or []:
        iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
    return role["RoleName"], {"arn": role["Arn"], "name": role["RoleName"], "uniqueId": role["RoleId"]}


@handles("aws:iam/rolePolicy:RolePolicy")
def _iam_role_policy(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    role, name = resource.inputs["role"], physical_name(resource)
    ctx.clients("iam", region).put_role_policy(
        RoleName=role, PolicyName=name, PolicyDocument=_document(resource.inputs["policy"])
    )
    return f"{role}:{name}", {"name": name}


@handles("aws:iam/policy:Policy")
def _iam_policy(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    args: dict[str, Any] = {
        "PolicyName": physical_name(resource),
        "PolicyDocument": _document(resource.inputs["policy"]),
    }
    for key, wire in (("path", "Path"), ("description", "Description")):
        if resource.inputs.get(key):
            args[wire] = resource.inputs[key]
    policy = ctx.clients("iam", region).create_policy(**args)["Policy"]
    return policy["Arn"], {"arn": policy["Arn"], "name": policy["PolicyName"], "policyId": policy["PolicyId"]}


@handles("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
def _iam_attachment(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    role, arn = resource.inputs["role"], resource.inputs["policyArn"]
    ctx.clients("iam", region).attach_role_policy(RoleName=role, PolicyArn=arn)
    return f"{role}-{hashlib.sha256(arn.encode()).hexdigest()[:10]}", {}


@handles("aws:iam/instanceProfile:InstanceProfile")
def _instance_profile(ctx: MotoContext, resource: RecordedResource, region: str) -> tuple[str, Outputs]:
    iam, name = ctx.clients("iam", region), physical_name(resource)
    args: dict[str, Any] = {"InstanceProfileName": name}
    if resource.inputs.get("path"):
        args["Path"] = resource.inputs["path"]
    profile = iam.create_instance_profile(**args)["InstanceProfile"]
    if resource.inputs.get("role"):
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=resource.inputs["role"])
    return name, {"arn": profile["Arn"], "name": name, "uniqueId": profile["InstanceProfileId"]}
