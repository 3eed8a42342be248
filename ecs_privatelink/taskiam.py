"""IAM documents of the workload: trust policies and the task execution role's permissions.

Pure (plain strings in, dicts out) so the exact documents are testable without Pulumi; the component
fills in resource ids and ARNs once they are known.
"""

from collections.abc import Sequence
from typing import Any

from awsfacts import ECR_LAYER_PULL_ACTIONS, ECR_TOKEN_ACTION, PARTITION_DNS_SUFFIX

POLICY_VERSION = "2012-10-17"
ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", *ECR_LAYER_PULL_ACTIONS)
LOG_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
ECS_INSTANCE_POLICY = "service-role/AmazonEC2ContainerServiceforEC2Role"
SSM_INSTANCE_POLICY = "AmazonSSMManagedInstanceCore"
# The ECS agent's calls from AmazonEC2ContainerServiceforEC2Role, by the resource each authorizes on
# (Service Authorization Reference). Left out: ecs:CreateCluster (the stack makes the cluster),
# ec2:DescribeTags and ecs:TagResource (the agent propagates no tags here).
ECS_AGENT_CLUSTER_ACTIONS = (
    "ecs:RegisterContainerInstance",
    "ecs:DeregisterContainerInstance",
    "ecs:SubmitAttachmentStateChanges",
    "ecs:SubmitContainerStateChange",
    "ecs:SubmitTaskStateChange",
)
ECS_AGENT_INSTANCE_ACTIONS = ("ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState")
ECS_AGENT_UNSCOPED_ACTION = "ecs:DiscoverPollEndpoint"  # takes no resource


def trust_policy(service: str, account_id: str | None = None) -> dict[str, Any]:
    """Lets an AWS service assume the role; with ``account_id``, only on behalf of that account."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if account_id is not None:
        # Confused-deputy guard: the service assumes the role only for this account's resources.
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def execution_role_policy(
    *,
    region: str,
    partition: str,
    log_group_arn: str,
    ecr_repository_arn: str | None,
    ecr_endpoint_ids: Sequence[str],
    secret_arns: Sequence[str],
    secrets_kms_key_arn: str | None,
) -> dict[str, Any]:
    """What ECS needs to start the tasks, and nothing more.

    ``ecr_repository_arn`` None: a public image, so no ECR permission at all. Image pulls are allowed
    only through this VPC's ECR endpoints (C13); ecr:GetAuthorizationToken carries no such condition,
    as Fargate fetches the token through its own network interface.
    """
    if ecr_repository_arn is not None and not ecr_endpoint_ids:
        raise ValueError("a private ECR image needs the ecr.api and ecr.dkr endpoints (C6)")
    statements = _pull_and_log_statements(ecr_repository_arn, ecr_endpoint_ids, log_group_arn)
    if secret_arns:
        statements.append(
            {
                "Sid": "ReadDeclaredSecrets",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": sorted(secret_arns),
            }
        )
        if secrets_kms_key_arn is not None:
            statements.append(
                {
                    "Sid": "DecryptSecretsThroughSecretsManager",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": secrets_kms_key_arn,
                    "Condition": {
                        "StringEquals": {
                            "kms:ViaService": f"secretsmanager.{region}.{PARTITION_DNS_SUFFIX[partition]}"
                        }
                    },
                }
            )
    return {"Version": POLICY_VERSION, "Statement": statements}


def instance_role_policy(
    *,
    region: str,
    partition: str,
    account_id: str,
    cluster_arn: str,
    log_group_arn: str,
    ecr_repository_arn: str | None,
    ecr_endpoint_ids: Sequence[str],
) -> dict[str, Any]:
    """What the ECS agent on a container instance of this cluster needs, instead of
    AmazonEC2ContainerServiceforEC2Role's grants on every cluster, repository and log group.

    The agent pulls images and ships logs with the task execution role where a task has one (every
    task of this stack); the ECR and logs statements cover tasks without, on this stack's own
    repository and log group only.
    """
    statements: list[dict[str, Any]] = [
        {
            "Sid": "JoinTheCluster",
            "Effect": "Allow",
            "Action": list(ECS_AGENT_CLUSTER_ACTIONS),
            "Resource": cluster_arn,
        },
        {
            # Container instance ARNs name the cluster only in the long ARN format: the ecs:cluster
            # condition holds in both.
            "Sid": "ServeAsContainerInstanceOfTheCluster",
            "Effect": "Allow",
            "Action": list(ECS_AGENT_INSTANCE_ACTIONS),
            "Resource": f"arn:{partition}:ecs:{region}:{account_id}:container-instance/*",
            "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}},
        },
        {
            "Sid": "FindThePollEndpoint",
            "Effect": "Allow",
            "Action": ECS_AGENT_UNSCOPED_ACTION,
            "Resource": "*",  # the action takes no resource
        },
    ]
    statements += _pull_and_log_statements(ecr_repository_arn, ecr_endpoint_ids, log_group_arn)
    return {"Version": POLICY_VERSION, "Statement": statements}


def _pull_and_log_statements(
    ecr_repository_arn: str | None, ecr_endpoint_ids: Sequence[str], log_group_arn: str
) -> list[dict[str, Any]]:
    """Image pulls from the repository only through the VPC's ECR endpoints (C13), and log writes to the
    log group: what the task execution role and the container instances' role both need."""
    statements: list[dict[str, Any]] = []
    if ecr_repository_arn is not None:
        statements += [
            {
                "Sid": "PullImagesThroughTheVpcEndpoints",
                "Effect": "Allow",
                "Action": list(ECR_PULL_ACTIONS),
                "Resource": ecr_repository_arn,
                "Condition": {"StringEquals": {"aws:SourceVpce": list(ecr_endpoint_ids)}},
            },
            {
                "Sid": "GetRegistryAuthorizationToken",
                "Effect": "Allow",
                "Action": ECR_TOKEN_ACTION,
                "Resource": "*",  # the action takes no resource
            },
        ]
    statements.append(
        {
            "Sid": "WriteTaskLogs",
            "Effect": "Allow",
            "Action": list(LOG_WRITE_ACTIONS),
            "Resource": f"{log_group_arn}:log-stream:*",
        }
    )
    return statements


def managed_policy_arn(partition: str, name: str) -> str:
    return f"arn:{partition}:iam::aws:policy/{name}"


def flow_log_role_policy(log_group_arn: str) -> dict[str, Any]:
    """What VPC Flow Logs needs to deliver to one log group: its streams, and nothing else."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "DeliverFlowLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [log_group_arn, f"{log_group_arn}:log-stream:*"],
            },
            {
                # Flow Logs checks the group exists; DescribeLogGroups takes no resource narrower than *.
                "Sid": "FindTheLogGroup",
                "Effect": "Allow",
                "Action": "logs:DescribeLogGroups",
                "Resource": "*",
            },
        ],
    }
