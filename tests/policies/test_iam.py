import json

from pulumi_policy import PolicyResource

from tests.policies.builder import UNKNOWN, StackBuilder, run
from tests.policies.scenarios import container

POLICY = "ecr-pull-restricted-to-vpc"
ROLE = "aws:iam/role:Role"
MANAGED = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def _document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


PULL = {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "*"}
TOKEN = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
CONDITION = {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}


def _stack(*, ecr: bool = True, endpoints: bool = True) -> tuple[StackBuilder, PolicyResource]:
    """A task definition with its execution role; ``endpoints``: the stack has an ECR endpoint to restrict
    pulls to."""
    builder = StackBuilder()
    if endpoints:
        builder.endpoint(builder.vpc(), "ecr.dkr")
    role = builder.add(ROLE, "dev-execution", {"assumeRolePolicy": "{}"})
    builder.task_definition(containers=[container(ecr=ecr)], executionRoleArn=UNKNOWN).property_dependencies[
        "executionRoleArn"
    ] = [role]
    return builder, role


def test_conditioned_pull_and_unconditioned_token_pass():
    builder, role = _stack()
    builder.add(
        "aws:iam/rolePolicy:RolePolicy",
        "dev-execution-ecr",
        {"role": UNKNOWN, "policy": _document({**PULL, "Condition": CONDITION}, TOKEN)},
        {"role": [role]},
    )
    assert run(POLICY, builder).messages == []


def test_managed_execution_policy_pulls_from_anywhere():
    builder, role = _stack()
    builder.add(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "dev-execution-managed",
        {"role": UNKNOWN, "policyArn": MANAGED},
        {"role": [role]},
    )
    outcome = run(POLICY, builder)
    assert outcome.messages == [
        "Restrict ECR image pulls of task execution role 'dev-execution' to your VPC (C13): grant "
        "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer with an aws:SourceVpce (or aws:SourceVpc) "
        "condition instead of through managed policy AmazonECSTaskExecutionRolePolicy."
    ]
    assert outcome.urns == [role.urn]


def test_unconditioned_inline_pull_and_conditioned_token_are_both_reported():
    builder, role = _stack()
    role.props["__target"]["inlinePolicies"] = [
        {"name": "ecr", "policy": _document(PULL, {**TOKEN, "Condition": CONDITION})}
    ]
    assert run(POLICY, builder).messages == [
        "Restrict ECR image pulls of task execution role 'dev-execution' to your VPC (C13): grant "
        "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer with an aws:SourceVpce (or aws:SourceVpc) "
        "condition instead of through inline policy of 'dev-execution'.",
        "Grant ecr:GetAuthorizationToken in inline policy of 'dev-execution' without an aws:SourceVpce or "
        "aws:SourceVpc condition (C13): Fargate fetches the token through its own network interface, not the "
        "endpoint, so the condition makes image pulls of role 'dev-execution' fail.",
    ]


def test_customer_managed_policy_attached_by_reference_is_read():
    builder, role = _stack()
    policy = builder.add(
        "aws:iam/policy:Policy", "dev-ecr-pull", {"policy": _document({**PULL, "Action": "ecr:*"})}
    )
    builder.add(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "dev-execution-pull",
        {"role": UNKNOWN, "policyArn": UNKNOWN},
        {"role": [role], "policyArn": [policy]},
    )
    assert run(POLICY, builder).messages == [
        "Restrict ECR image pulls of task execution role 'dev-execution' to your VPC (C13): grant "
        "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer with an aws:SourceVpce (or aws:SourceVpc) "
        "condition instead of through policy 'dev-ecr-pull'."
    ]


def test_tasks_without_private_ecr_images_are_not_checked():
    builder, role = _stack(ecr=False)
    role.props["__target"]["managedPolicyArns"] = [MANAGED]
    assert run(POLICY, builder).messages == []


def test_unknown_policy_document_is_a_note():
    builder, role = _stack()
    builder.add(
        "aws:iam/rolePolicy:RolePolicy", "dev-x", {"role": UNKNOWN, "policy": UNKNOWN}, {"role": [role]}
    )
    outcome = run(POLICY, builder)
    assert (outcome.messages, outcome.notes) == (
        [],
        ["The policies of task execution role 'dev-execution' are not known yet (C13)."],
    )


def test_no_advisory_without_an_ecr_endpoint_to_restrict_pulls_to():
    builder, role = _stack(endpoints=False)
    role.props["__target"]["managedPolicyArns"] = [MANAGED]
    outcome = run(POLICY, builder)
    assert (outcome.messages, outcome.notes) == ([], [])
