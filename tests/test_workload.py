"""The ECS workload under strict mocks (dev: Fargate, prod: EC2), and the endpoint plan derived from it."""

import base64
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awsfacts import ECS_TRIO, LaunchType
from ecs_privatelink.capacity import ECS_AMI_IMAGE_ID, ENDPOINT_SET_TAG
from ecs_privatelink.config import NAMESPACE, ConfigError, ignored_flags, parse_config
from ecs_privatelink.planner import EndpointSpec, endpoint_set_digest, plan_endpoints
from ecs_privatelink.taskiam import execution_role_policy
from ecs_privatelink.workload import WorkloadPlanError, check_plan, family_name
from ecs_privatelink.workload_config import FARGATE_SIZES, WORKLOAD_DEFAULTS, Image, parse_workload_config
from sandbox.engine.awsdata import ACCOUNT_ID, AwsData
from sandbox.engine.program import ProgramError, RecordedResource, Recording, run_program
from sandbox.stackconfig import load_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent

NETWORK = "ecs-privatelink:index:PrivateNetwork"
ENDPOINTS = "ecs-privatelink:index:PrivateLinkEndpoints"
WORKLOAD = "ecs-privatelink:index:EcsWorkload"
CAPACITY = "ecs-privatelink:index:Ec2Capacity"
CLUSTER = "aws:ecs/cluster:Cluster"
REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SECRET = "aws:secretsmanager/secret:Secret"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
NAMESPACE_TYPE = "aws:servicediscovery/httpNamespace:HttpNamespace"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
SUBNET = "aws:ec2/subnet:Subnet"
PREFIX_LIST_INVOKE = "aws:ec2/getPrefixList:getPrefixList"
FLOW_LOG_DELIVERY = ("private-flow-logs", "private-flow-log-role", "private-flow-log-policy")

API_KEY_ARN = "arn:aws:secretsmanager:ca-west-1:123456789012:secret:api-key-AbCdEf"
KMS_KEY_ARN = "arn:aws:kms:ca-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PROD_WORKLOAD = {
    "workload": "true",
    "secrets": json.dumps({"DB_PASSWORD": None, "API_KEY": API_KEY_ARN + ":password::"}),
    "secretsKmsKeyArn": KMS_KEY_ARN,
    "logKmsKeyArn": KMS_KEY_ARN,
}


def stack_config(stack: str, overrides: dict[str, str]) -> dict[str, str]:
    config = dict(load_stack_config(PROJECT_DIR, stack).config)
    for key, value in overrides.items():
        config[key if ":" in key else f"{NAMESPACE}:{key}"] = value
    return config


def run_stack(stack: str, overrides: dict[str, str], *, preview: bool = False) -> Recording:
    return run_program(
        PROJECT_DIR, project=NAMESPACE, stack=stack, config=stack_config(stack, overrides), preview=preview
    )


def one(recording: Recording, type_: str, name: str | None = None) -> RecordedResource:
    matches = [r for r in recording.of_type(type_) if name is None or r.name == name]
    assert len(matches) == 1, (type_, name, [r.name for r in recording.of_type(type_)])
    return matches[0]


def endpoints(recording: Recording) -> dict[str, RecordedResource]:
    """The recorded endpoints by catalog key ("ecr.dkr")."""
    return {
        r.name.removeprefix("privatelink-").replace("ecr-", "ecr."): r
        for r in recording.of_type(VPC_ENDPOINT)
    }


def subnet_ids(recording: Recording) -> list[str]:
    return [s.id for s in sorted(recording.of_type(SUBNET), key=lambda s: s.inputs["availabilityZone"])]


def plan_of(recording: Recording) -> list[EndpointSpec]:
    """The plan the planner makes for the recorded config, independently of the program."""
    prefix = f"{NAMESPACE}:"
    raw = {k.removeprefix(prefix): v for k, v in recording.config.items() if k.startswith(prefix)}
    config = parse_config(recording.config["aws:region"], raw)
    return plan_endpoints(config.region, config.workload, config.extra_endpoints, ACCOUNT_ID)


def containers(recording: Recording) -> list[dict]:
    return json.loads(one(recording, TASK_DEFINITION).inputs["containerDefinitions"])


def children(recording: Recording, parent_type: str) -> Counter[str]:
    parent = one(recording, parent_type)
    return Counter(r.type for r in recording.resources if r.parent == parent.urn)


@pytest.fixture(scope="module")
def fargate() -> Recording:
    return run_stack("dev", {"workload": "true"})


@pytest.fixture(scope="module")
def ec2() -> Recording:
    return run_stack("prod", PROD_WORKLOAD)


# --- exactly what is registered ----------------------------------------------------------------


def test_fargate_workload_registers_exactly_its_ecs_iam_ecr_logs_and_ec2_resources(fargate):
    assert children(fargate, WORKLOAD) == {
        CLUSTER: 1,
        REPOSITORY: 1,
        LIFECYCLE_POLICY: 1,
        LOG_GROUP: 1,
        ROLE: 2,
        ROLE_POLICY: 1,
        SECURITY_GROUP: 1,
        TASK_DEFINITION: 1,
        SERVICE: 1,
    }
    assert not fargate.of_type(CAPACITY) and not fargate.of_type(LAUNCH_TEMPLATE)
    assert sorted(endpoints(fargate)) == ["ecr.api", "ecr.dkr", "logs", "s3"]


def test_ec2_workload_registers_exactly_its_resources_and_container_instances(ec2):
    assert children(ec2, WORKLOAD) == {
        CLUSTER: 1,
        REPOSITORY: 1,
        LIFECYCLE_POLICY: 1,
        LOG_GROUP: 1,
        SECRET: 1,  # DB_PASSWORD; API_KEY is referenced
        ROLE: 2,
        ROLE_POLICY: 1,
        SECURITY_GROUP: 1,
        TASK_DEFINITION: 1,
        CAPACITY: 1,
        CLUSTER_CAPACITY_PROVIDERS: 1,
        NAMESPACE_TYPE: 1,
        SERVICE: 1,
    }
    assert children(ec2, CAPACITY) == {
        ROLE: 1,
        ROLE_POLICY: 1,  # the scoped agent policy (instanceRolePolicy), no managed policy
        INSTANCE_PROFILE: 1,
        SECURITY_GROUP: 1,
        LAUNCH_TEMPLATE: 1,
        ASG: 1,
        CAPACITY_PROVIDER: 1,
    }


@pytest.mark.parametrize("stack", ["fargate", "ec2"])
def test_every_workload_resource_is_named_after_and_parented_by_its_component(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    workload = one(recording, WORKLOAD)
    capacities = recording.of_type(CAPACITY)
    assert workload.name == "app"
    assert all(c.parent == workload.urn and c.name == "app-capacity" for c in capacities)
    owners = {workload.urn: "app-", **{c.urn: "app-capacity-" for c in capacities}}
    network_side = {r.urn for r in recording.resources if r.type in (NETWORK, ENDPOINTS)}
    for resource in recording.resources:
        if resource.parent in owners:
            assert resource.name.startswith(owners[resource.parent]), resource.name
            assert resource.provider == ""
        elif resource.custom:  # the network's and the endpoints' own resources, and nothing else
            assert resource.parent in network_side, resource.name
            assert resource.type.startswith("aws:ec2/") or resource.name in FLOW_LOG_DELIVERY, resource.name


def test_network_only_stacks_register_no_workload():
    recording = run_stack("dev", {"workload": "false"}, preview=True)
    assert not [r for r in recording.resources if r.type.startswith(("aws:ecs/", "aws:ecr/"))]
    # IAM: only the flow logs' delivery role
    assert [r.name for r in recording.resources if r.type.startswith("aws:iam/")] == [
        "private-flow-log-role",
        "private-flow-log-policy",
    ]
    assert "clusterName" not in recording.outputs
    assert PREFIX_LIST_INVOKE not in recording.invokes


# --- cluster, repository, logs, secrets ----------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "family"), [("fargate", "ecs-privatelink-dev"), ("ec2", "ecs-privatelink-prod")]
)
def test_cluster_repository_and_log_group(stack, family, request):
    recording: Recording = request.getfixturevalue(stack)
    assert one(recording, CLUSTER).inputs == {
        "name": family,
        "settings": [{"name": "containerInsights", "value": "enabled"}],
    }
    assert one(recording, REPOSITORY).inputs == {
        "name": family,
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
    }
    log_group = one(recording, LOG_GROUP, "app-logs").inputs
    assert (log_group["name"], log_group["retentionInDays"]) == (f"/ecs/{family}", 30)
    lifecycle = one(recording, LIFECYCLE_POLICY)
    assert lifecycle.property_dependencies["repository"] == [one(recording, REPOSITORY).urn]
    assert json.loads(lifecycle.inputs["policy"]) == {
        "rules": [
            {
                "rulePriority": 1,
                "description": "Expire untagged images after 7 days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 7,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": "Keep the 30 newest images",
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
                "action": {"type": "expire"},
            },
        ]
    }


def test_log_group_takes_the_configured_key_and_retention():
    recording = run_stack("prod", {**PROD_WORKLOAD, "logRetentionDays": "365"}, preview=True)
    assert one(recording, LOG_GROUP, "app-logs").inputs == {
        "name": "/ecs/ecs-privatelink-prod",
        "retentionInDays": 365,
        "kmsKeyId": KMS_KEY_ARN,
    }


def test_null_secrets_are_created_with_the_key_and_arns_are_referenced(ec2):
    secret = one(ec2, SECRET)
    assert secret.name == "app-secret-DB_PASSWORD"
    assert secret.inputs == {
        "name": "ecs-privatelink-prod/DB_PASSWORD",
        "description": "DB_PASSWORD of the ecs-privatelink-prod tasks. Created empty: put its value before "
        "the tasks start (aws secretsmanager put-secret-value --secret-id ecs-privatelink-prod/DB_PASSWORD "
        "--secret-string '<value>').",
        "kmsKeyId": KMS_KEY_ARN,
    }
    notes = [log for log in ec2.logs if log.message.startswith("Secret ")]
    assert [(log.severity, log.message, log.urn) for log in notes] == [
        (
            "info",
            "Secret ecs-privatelink-prod/DB_PASSWORD starts empty: tasks that read DB_PASSWORD fail until "
            "you run aws secretsmanager put-secret-value --secret-id ecs-privatelink-prod/DB_PASSWORD "
            "--secret-string '<value>'",
            secret.urn,
        )
    ]
    assert containers(ec2)[0]["secrets"] == [
        {"name": "API_KEY", "valueFrom": API_KEY_ARN + ":password::"},
        {"name": "DB_PASSWORD", "valueFrom": secret.outputs["arn"]},
    ]


# --- IAM -----------------------------------------------------------------------------------------


def trust(service: str, account: str | None) -> dict:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if account:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_fargate_execution_role_pulls_only_through_the_ecr_endpoints(fargate):
    role = one(fargate, ROLE, "app-execution-role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == trust("ecs-tasks.amazonaws.com", ACCOUNT_ID)
    policy = one(fargate, ROLE_POLICY, "app-execution-policy")
    assert policy.inputs["role"] == role.id
    ids = endpoints(fargate)
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PullImagesThroughTheVpcEndpoints",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                "Resource": one(fargate, REPOSITORY).outputs["arn"],
                "Condition": {"StringEquals": {"aws:SourceVpce": [ids["ecr.api"].id, ids["ecr.dkr"].id]}},
            },
            {
                "Sid": "GetRegistryAuthorizationToken",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            },
            {
                "Sid": "WriteTaskLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": one(fargate, LOG_GROUP, "app-logs").outputs["arn"] + ":log-stream:*",
            },
        ],
    }
    assert set(policy.property_dependencies["policy"]) >= {ids["ecr.api"].urn, ids["ecr.dkr"].urn}


def test_ec2_execution_role_reads_exactly_the_declared_secrets_and_decrypts_through_secrets_manager(ec2):
    statements = json.loads(one(ec2, ROLE_POLICY, "app-execution-policy").inputs["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == [
        "PullImagesThroughTheVpcEndpoints",
        "GetRegistryAuthorizationToken",
        "WriteTaskLogs",
        "ReadDeclaredSecrets",
        "DecryptSecretsThroughSecretsManager",
    ]
    ids = endpoints(ec2)
    assert statements[0]["Condition"] == {
        "StringEquals": {"aws:SourceVpce": [ids["ecr.api"].id, ids["ecr.dkr"].id]}
    }
    assert statements[3]["Resource"] == sorted([API_KEY_ARN, one(ec2, SECRET).outputs["arn"]])
    assert statements[4] == {
        "Sid": "DecryptSecretsThroughSecretsManager",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": KMS_KEY_ARN,
        "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.ca-west-1.amazonaws.com"}},
    }


@pytest.mark.parametrize("stack", ["fargate", "ec2"])
def test_task_role_is_separate_and_has_no_permissions(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    task_role = one(recording, ROLE, "app-task-role")
    assert json.loads(task_role.inputs["assumeRolePolicy"]) == trust("ecs-tasks.amazonaws.com", ACCOUNT_ID)
    assert "inlinePolicies" not in task_role.inputs and "managedPolicyArns" not in task_role.inputs
    attached = recording.of_type(ROLE_POLICY) + recording.of_type(ROLE_POLICY_ATTACHMENT)
    assert not [r.name for r in attached if task_role.urn in r.dependencies]
    task = one(recording, TASK_DEFINITION)
    assert task.inputs["taskRoleArn"] == task_role.outputs["arn"]
    assert task.inputs["executionRoleArn"] == one(recording, ROLE, "app-execution-role").outputs["arn"]


def test_container_instances_get_only_the_agents_permissions_on_the_stacks_own_resources(ec2):
    role = one(ec2, ROLE, "app-capacity-instance-role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == trust("ec2.amazonaws.com", None)
    assert not ec2.of_type(ROLE_POLICY_ATTACHMENT)  # neither the broad managed policy nor SSM's
    policy = one(ec2, ROLE_POLICY, "app-capacity-instance-policy")
    assert policy.property_dependencies["role"] == [role.urn]
    cluster, log_group = one(ec2, CLUSTER).outputs["arn"], one(ec2, LOG_GROUP, "app-logs").outputs["arn"]
    ids = endpoints(ec2)
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "JoinTheCluster",
                "Effect": "Allow",
                "Action": [
                    "ecs:RegisterContainerInstance",
                    "ecs:DeregisterContainerInstance",
                    "ecs:SubmitAttachmentStateChanges",
                    "ecs:SubmitContainerStateChange",
                    "ecs:SubmitTaskStateChange",
                ],
                "Resource": cluster,
            },
            {
                "Sid": "ServeAsContainerInstanceOfTheCluster",
                "Effect": "Allow",
                "Action": ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState"],
                "Resource": f"arn:aws:ecs:ca-west-1:{ACCOUNT_ID}:container-instance/*",
                "Condition": {"ArnEquals": {"ecs:cluster": cluster}},
            },
            {
                "Sid": "FindThePollEndpoint",
                "Effect": "Allow",
                "Action": "ecs:DiscoverPollEndpoint",
                "Resource": "*",
            },
            {
                "Sid": "PullImagesThroughTheVpcEndpoints",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                "Resource": one(ec2, REPOSITORY).outputs["arn"],
                "Condition": {"StringEquals": {"aws:SourceVpce": [ids["ecr.api"].id, ids["ecr.dkr"].id]}},
            },
            {
                "Sid": "GetRegistryAuthorizationToken",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            },
            {
                "Sid": "WriteTaskLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{log_group}:log-stream:*",
            },
        ],
    }
    profile = one(ec2, INSTANCE_PROFILE)
    assert profile.property_dependencies["role"] == [role.urn]
    assert policy.urn in profile.dependencies  # instances start with the agent's permissions in place


def test_managed_instance_policy_and_ssm_are_opt_in():
    recording = run_stack(
        "prod", {**PROD_WORKLOAD, "instanceRolePolicy": "managed", "ssmManagedInstances": "true"}
    )
    role = one(recording, ROLE, "app-capacity-instance-role")
    attached = {r.name: r for r in recording.of_type(ROLE_POLICY_ATTACHMENT)}
    assert {name: r.inputs["policyArn"] for name, r in attached.items()} == {
        "app-capacity-instance-policy": (
            "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
        ),
        "app-capacity-instance-ssm-policy": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    }
    assert all(r.property_dependencies["role"] == [role.urn] for r in attached.values())
    assert "app-capacity-instance-policy" not in {r.name for r in recording.of_type(ROLE_POLICY)}
    profile = one(recording, INSTANCE_PROFILE)
    assert {r.urn for r in attached.values()} <= set(profile.dependencies)
    # ca-west-1 opened before 2024: it has ec2messages, and SSM Agent uses it there.
    names = {key: r.inputs["serviceName"] for key, r in endpoints(recording).items()}
    assert {key: names[key] for key in ("ssm", "ssmmessages", "ec2messages")} == {
        key: f"com.amazonaws.ca-west-1.{key}" for key in ("ssm", "ssmmessages", "ec2messages")
    }
    assert len(names) == 11  # the eight of prod and SSM's three


# --- task definition and service -----------------------------------------------------------------


def test_fargate_task_definition(fargate):
    task = one(fargate, TASK_DEFINITION)
    assert {
        k: task.inputs[k] for k in ("family", "networkMode", "requiresCompatibilities", "cpu", "memory")
    } == {
        "family": "ecs-privatelink-dev",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
    }
    assert containers(fargate) == [
        {
            "name": "app",
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-privatelink-dev:v1",
            "essential": True,
            "portMappings": [{"name": "app", "containerPort": 8080, "protocol": "tcp"}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": "/ecs/ecs-privatelink-dev",
                    "awslogs-region": "us-east-1",
                    "awslogs-stream-prefix": "app",
                },
            },
            "readonlyRootFilesystem": True,  # ECS.5
            "user": "1000",  # not root
        }
    ]
    assert (
        fargate.outputs["repositoryUrl"] == "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-privatelink-dev"
    )


def test_container_definitions_are_known_in_preview_for_the_policy_pack():
    recording = run_stack("dev", {"workload": "true"}, preview=True)
    assert containers(recording)[0]["image"].startswith("123456789012.dkr.ecr.us-east-1.amazonaws.com/")


def test_fargate_service_runs_in_the_private_subnets_without_a_public_ip(fargate):
    service = one(fargate, SERVICE)
    assert service.inputs["networkConfiguration"] == {
        "subnets": subnet_ids(fargate),
        "securityGroups": [one(fargate, SECURITY_GROUP, "app-service-sg").id],
        "assignPublicIp": False,
    }
    assert service.inputs["launchType"] == "FARGATE"
    assert "capacityProviderStrategies" not in service.inputs
    assert service.inputs["cluster"] == one(fargate, CLUSTER).outputs["arn"]
    assert service.inputs["taskDefinition"] == one(fargate, TASK_DEFINITION).outputs["arn"]
    assert service.inputs["desiredCount"] == 2
    assert "serviceConnectConfiguration" not in service.inputs


@pytest.mark.parametrize("stack", ["fargate", "ec2"])
def test_tasks_start_only_after_the_endpoints_and_the_execution_permissions(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    service = one(recording, SERVICE)
    needed = {e.urn for e in recording.of_type(VPC_ENDPOINT)} | {
        one(recording, ROLE_POLICY, "app-execution-policy").urn
    }
    assert needed <= set(service.dependencies)


@pytest.mark.parametrize("stack", ["fargate", "ec2"])
def test_service_security_group_allows_only_https_to_the_endpoints_and_s3(stack, request):
    recording: Recording = request.getfixturevalue(stack)
    endpoint_group = one(recording, SECURITY_GROUP, "privatelink-sg")
    s3_prefix_list = endpoints(recording)["s3"].inputs["serviceName"]
    prefix_list_id = AwsData(recording.config["aws:region"]).answer(
        PREFIX_LIST_INVOKE, {"name": s3_prefix_list}
    )["id"]
    https = {"protocol": "tcp", "fromPort": 443, "toPort": 443}
    expected_egress = [
        {**https, "description": "HTTPS to the VPC endpoints", "securityGroups": [endpoint_group.id]},
        {
            **https,
            "description": "HTTPS to S3 through the gateway endpoint",
            "prefixListIds": [prefix_list_id],
        },
    ]
    group = one(recording, SECURITY_GROUP, "app-service-sg")
    connect = stack == "ec2"  # prod has Service Connect on: the service's own port, within the group
    port = {"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "self": True}
    assert group.inputs["egress"] == expected_egress + (
        [{**port, "description": "Service Connect calls to this service"}] if connect else []
    )
    assert group.inputs["ingress"] == (
        [{**port, "description": "Service Connect clients of this service"}] if connect else []
    )
    assert "0.0.0.0/0" not in json.dumps(group.inputs)
    assert recording.invokes.count(PREFIX_LIST_INVOKE) == 1


def test_ec2_service_uses_the_capacity_provider_and_service_connect(ec2):
    service = one(ec2, SERVICE)
    provider = one(ec2, CAPACITY_PROVIDER)
    assert provider.inputs["name"] == "cp-ecs-privatelink-prod"
    assert service.inputs["capacityProviderStrategies"] == [
        {"capacityProvider": "cp-ecs-privatelink-prod", "weight": 1}
    ]
    assert "launchType" not in service.inputs
    assert one(ec2, CLUSTER_CAPACITY_PROVIDERS).urn in service.dependencies
    assert service.inputs["networkConfiguration"]["assignPublicIp"] is False
    assert service.inputs["networkConfiguration"]["subnets"] == subnet_ids(ec2)
    namespace = one(ec2, NAMESPACE_TYPE)
    assert namespace.inputs["name"] == "internal"
    assert service.inputs["serviceConnectConfiguration"] == {
        "enabled": True,
        "namespace": namespace.outputs["arn"],
        "services": [
            {
                "portName": "app",
                "discoveryName": "ecs-privatelink-prod",
                "clientAlias": [{"port": 8080, "dnsName": "ecs-privatelink-prod"}],
            }
        ],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": "/ecs/ecs-privatelink-prod",
                "awslogs-region": "ca-west-1",
                "awslogs-stream-prefix": "service-connect",
            },
        },
    }
    assert containers(ec2)[0]["portMappings"] == [
        {"name": "app", "containerPort": 8080, "protocol": "tcp", "appProtocol": "http"}
    ]
    assert one(ec2, TASK_DEFINITION).inputs["requiresCompatibilities"] == ["EC2"]


def test_cluster_capacity_providers_association(ec2):
    association = one(ec2, CLUSTER_CAPACITY_PROVIDERS)
    assert association.inputs == {
        "clusterName": "ecs-privatelink-prod",
        "capacityProviders": ["cp-ecs-privatelink-prod"],
        "defaultCapacityProviderStrategies": [{"capacityProvider": "cp-ecs-privatelink-prod", "weight": 1}],
    }


# --- EC2 container instances ---------------------------------------------------------------------


def test_launch_template_uses_the_ecs_ami_parameter_imdsv2_and_no_public_ip(ec2):
    template = one(ec2, LAUNCH_TEMPLATE)
    assert template.inputs["imageId"] == ECS_AMI_IMAGE_ID
    assert (
        ECS_AMI_IMAGE_ID
        == "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    )
    assert template.inputs["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
    }
    assert template.inputs["networkInterfaces"] == [
        {
            "deviceIndex": 0,
            "associatePublicIpAddress": "false",
            "securityGroups": [one(ec2, SECURITY_GROUP, "app-capacity-instance-sg").id],
        }
    ]
    assert "vpcSecurityGroupIds" not in template.inputs
    assert template.inputs["iamInstanceProfile"] == {"arn": one(ec2, INSTANCE_PROFILE).outputs["arn"]}
    assert template.inputs["instanceType"] == "t3.medium"
    assert template.inputs["blockDeviceMappings"] == [
        {
            "deviceName": "/dev/xvda",
            "ebs": {
                "encrypted": "true",
                "volumeType": "gp3",
                "volumeSize": 30,
                "deleteOnTermination": "true",
            },
        }
    ]


def test_instances_join_the_cluster_and_carry_the_endpoint_set(ec2):
    template = one(ec2, LAUNCH_TEMPLATE)
    digest = endpoint_set_digest(plan_of(ec2))
    user_data = base64.b64decode(template.inputs["userData"]).decode()
    assert "ECS_CLUSTER=ecs-privatelink-prod\n" in user_data
    assert f"# endpoint set {digest}:" in user_data
    assert template.inputs["tags"][ENDPOINT_SET_TAG] == digest
    assert one(ec2, CLUSTER).urn in template.property_dependencies["userData"]


def test_container_instances_launch_after_every_endpoint_and_refresh_on_new_template_versions(ec2):
    group = one(ec2, ASG)
    endpoint_urns = {e.urn for e in ec2.of_type(VPC_ENDPOINT)}
    assert len(endpoint_urns) == 8
    assert endpoint_urns <= set(group.dependencies)
    assert group.inputs["vpcZoneIdentifiers"] == subnet_ids(ec2)
    assert (group.inputs["minSize"], group.inputs["maxSize"]) == (1, 3)
    assert group.property_dependencies["launchTemplate"] == [one(ec2, LAUNCH_TEMPLATE).urn]
    assert group.inputs["launchTemplate"]["id"] == one(ec2, LAUNCH_TEMPLATE).id
    assert group.inputs["instanceRefresh"] == {
        "strategy": "Rolling",
        "preferences": {"minHealthyPercentage": 50, "scaleInProtectedInstances": "Refresh"},
    }
    assert {"key": "AmazonECSManaged", "value": "true", "propagateAtLaunch": True} in group.inputs["tags"]
    # managed termination protection (ECS.19) needs new instances protected from scale-in
    assert (group.inputs["protectFromScaleIn"], group.inputs["forceDelete"]) == (True, True)


def test_capacity_provider_scales_the_group(ec2):
    provider = one(ec2, CAPACITY_PROVIDER)
    assert provider.inputs["autoScalingGroupProvider"] == {
        "autoScalingGroupArn": one(ec2, ASG).outputs["arn"],
        "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        "managedTerminationProtection": "ENABLED",  # ECS.19
        "managedDraining": "ENABLED",
    }


def test_instance_security_group_has_no_ingress_and_only_https_egress(ec2):
    instance_group = one(ec2, SECURITY_GROUP, "app-capacity-instance-sg")
    service_group = one(ec2, SECURITY_GROUP, "app-service-sg")
    assert instance_group.inputs["ingress"] == []
    assert instance_group.inputs["egress"] == service_group.inputs["egress"][:2]


def test_a_new_endpoint_set_changes_the_launch_template(ec2):
    more = run_stack("prod", {**PROD_WORKLOAD, "extraEndpoints": '["ssm"]'})
    before, after = one(ec2, LAUNCH_TEMPLATE), one(more, LAUNCH_TEMPLATE)
    assert before.inputs["userData"] != after.inputs["userData"]
    assert before.inputs["tags"][ENDPOINT_SET_TAG] != after.inputs["tags"][ENDPOINT_SET_TAG]
    assert before.inputs["imageId"] == after.inputs["imageId"]


def test_outputs_name_the_workload(fargate):
    assert {
        k: fargate.outputs[k] for k in ("clusterName", "serviceName", "taskDefinitionArn", "repositoryUrl")
    } == {
        "clusterName": "ecs-privatelink-dev",
        "serviceName": "ecs-privatelink-dev",
        "taskDefinitionArn": one(fargate, TASK_DEFINITION).outputs["arn"],
        "repositoryUrl": "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecs-privatelink-dev",
    }


# --- the plan follows the workload ---------------------------------------------------------------


def planned(recording: Recording) -> list[str]:
    return [p["endpoint"] for p in recording.outputs["plan"]]


def test_a_public_image_plans_no_ecr_endpoints_and_grants_no_ecr_access():
    recording = run_stack("dev", {"workload": "true", "image": "public.ecr.aws/nginx/nginx:1.27"})
    assert planned(recording) == ["logs"]
    statements = json.loads(one(recording, ROLE_POLICY, "app-execution-policy").inputs["policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["WriteTaskLogs"]
    assert containers(recording)[0]["image"] == "public.ecr.aws/nginx/nginx:1.27"
    assert PREFIX_LIST_INVOKE not in recording.invokes
    assert [e["description"] for e in one(recording, SECURITY_GROUP, "app-service-sg").inputs["egress"]] == [
        "HTTPS to the VPC endpoints"
    ]


def test_another_private_ecr_image_is_pulled_from_its_own_repository():
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api@sha256:" + "a" * 64
    recording = run_stack("dev", {"workload": "true", "image": image})
    assert containers(recording)[0]["image"] == image
    pull = json.loads(one(recording, ROLE_POLICY, "app-execution-policy").inputs["policy"])["Statement"][0]
    assert pull["Resource"] == "arn:aws:ecr:us-east-1:123456789012:repository/team/api"
    assert planned(recording) == ["ecr.api", "ecr.dkr", "s3", "logs"]


def test_dropping_the_secrets_drops_the_secretsmanager_endpoint_even_with_the_flag_on():
    with_secrets = run_stack("prod", PROD_WORKLOAD, preview=True)
    without = run_stack("prod", {"workload": "true", "secrets": "{}", "secretsManager": "true"}, preview=True)
    assert "secretsmanager" in planned(with_secrets)
    assert "secretsmanager" not in planned(without)
    assert "secrets" not in containers(without)[0]


def test_service_connect_brings_the_ecs_agent_endpoint_to_a_fargate_workload():
    recording = run_stack("dev", {"workload": "true", "serviceConnect": "true"}, preview=True)
    assert planned(recording)[0] == "ecs-agent"
    assert "ecs-telemetry" not in planned(recording)  # us-east-1 predates the all-or-nothing line (C2)
    assert one(recording, NAMESPACE_TYPE).inputs["name"] == "internal"


image_kinds = st.sampled_from(
    [
        "",
        "123456789012.dkr.ecr.{region}.{suffix}/app:1",
        "nginx:1.27",
        "public.ecr.aws/docker/library/redis:7",
    ]
)
secret_maps = st.dictionaries(
    st.from_regex(r"[A-Z][A-Z0-9_]{0,8}", fullmatch=True), st.sampled_from([None, "arn"]), max_size=3
)


@given(
    region=st.sampled_from(["us-east-1", "ca-west-1", "cn-north-1", "ap-southeast-7"]),
    launch_type=st.sampled_from(LaunchType),
    image=image_kinds,
    secrets=secret_maps,
    service_connect=st.booleans(),
)
def test_the_plan_derives_from_what_the_workload_uses(region, launch_type, image, secrets, service_connect):
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    arn = f"arn:{partition}:secretsmanager:{region}:123456789012:secret:s-AbCdEf"
    raw = {
        "launchType": launch_type.value,
        "workload": True,
        "image": image.format(region=region, suffix=suffix),
        "secrets": {name: (arn if value else None) for name, value in secrets.items()},
        "serviceConnect": service_connect,
        # The flags say the opposite of the workload: they must not matter.
        "privateEcrImages": image.startswith(("nginx", "public")),
        "secretsManager": not secrets,
        "awslogs": False,
    }
    config = parse_config(region, raw)
    keys = [spec.key for spec in plan_endpoints(region, config.workload)]
    private = image == "" or image.startswith("1234")
    assert ({"ecr.api", "ecr.dkr", "s3"} <= set(keys)) is private
    assert bool({"ecr.api", "ecr.dkr", "s3"} & set(keys)) is private
    assert ("secretsmanager" in keys) is bool(secrets)
    assert "logs" in keys
    assert ("ecs-agent" in keys) is (service_connect or launch_type is LaunchType.EC2)
    if launch_type is LaunchType.EC2:
        assert keys[:3] == list(ECS_TRIO)
    assert config.workload_config is not None
    # The component accepts the plan it was derived for.
    check_plan(config.workload_config, launch_type, region, keys)


def test_the_component_refuses_a_plan_that_misses_what_the_workload_uses():
    config = parse_config("us-east-1", {"workload": True, "secrets": {"TOKEN": None}}).workload_config
    assert config is not None
    with pytest.raises(WorkloadPlanError) as refused:
        check_plan(config, LaunchType.FARGATE, "us-east-1", ["ecr.api", "logs"])
    assert str(refused.value) == (
        "The workload needs the endpoints ecr.dkr, s3, secretsmanager, which are not planned."
    )
    with pytest.raises(WorkloadPlanError) as refused:
        planned_for_fargate = ["ecr.api", "ecr.dkr", "s3", "secretsmanager", "logs"]
        check_plan(config, LaunchType.EC2, "us-east-1", planned_for_fargate)
    assert str(refused.value) == (
        "The workload needs the endpoints ecs, ecs-agent, ecs-telemetry, which are not planned."
    )


@pytest.mark.parametrize(
    ("region", "image", "repository_arn"),
    [
        (
            "us-east-1",
            "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app:1",
            "arn:aws:ecr:us-east-1:123456789012:repository/app",
        ),
        (
            "us-east-1",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx:1.27",
            "arn:aws:ecr:us-east-1:123456789012:repository/docker-hub/library/nginx",
        ),
        (
            "cn-north-1",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/api:v2",
            "arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/api",
        ),
    ],
)
def test_private_ecr_images_of_the_stacks_region_are_pulled_through_the_ecr_endpoints(
    region, image, repository_arn
):
    config = parse_config(region, {"workload": True, "image": image})
    assert config.workload_config is not None
    assert config.workload_config.image == Image(image, "v1", repository_arn)
    assert config.workload.private_ecr_images is True
    assert {"ecr.api", "ecr.dkr", "s3"} <= {spec.key for spec in plan_endpoints(region, config.workload)}


def test_a_private_image_without_ecr_endpoint_ids_is_refused_by_the_policy_builder():
    with pytest.raises(ValueError, match=r"ecr\.api and ecr\.dkr"):
        execution_role_policy(
            region="us-east-1",
            partition="aws",
            log_group_arn="arn:aws:logs:us-east-1:123456789012:log-group:/ecs/x",
            ecr_repository_arn="arn:aws:ecr:us-east-1:123456789012:repository/x",
            ecr_endpoint_ids=[],
            secret_arns=[],
            secrets_kms_key_arn=None,
        )


def test_ignored_flags_are_reported_as_a_warning():
    config = parse_config("us-east-1", {"workload": True, "image": "nginx:1.27", "secretsManager": True})
    assert ignored_flags(config) == ["ecs-privatelink:privateEcrImages", "ecs-privatelink:secretsManager"]
    assert ignored_flags(parse_config("us-east-1", {"workload": False, "image": "nginx:1.27"})) == []


def test_family_names_suit_ecs_and_ecr():
    assert family_name("ecs-privatelink", "Dev.EU") == "ecs-privatelink-dev-eu"


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "raw", "message"),
    [
        (
            "us-east-1",
            {"cpu": 300},
            "Invalid ecs-privatelink:cpu 300: Fargate allows 256, 512, 1024, 2048, 4096, 8192, 16384 "
            "CPU units.",
        ),
        (
            "us-east-1",
            {"cpu": "256", "memory": "4096"},
            "Invalid ecs-privatelink:memory '4096': with cpu 256 Fargate allows 512, 1024, 2048 MiB.",
        ),
        (
            "us-east-1",
            {"cpu": 1024, "memory": 1024},
            "Invalid ecs-privatelink:memory 1024: with cpu 1024 Fargate allows 2048 to 8192 in steps of "
            "1024 MiB.",
        ),
        (
            "us-east-1",
            {"logRetentionDays": 10},
            "Invalid ecs-privatelink:logRetentionDays 10: CloudWatch Logs allows 1, 3, 5, 7, 14, 30, 60, 90, "
            "120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
        ),
        (
            "us-east-1",
            {"image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"},
            "Invalid ecs-privatelink:image '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1': the ECR "
            "registry must be in the stack's Region us-east-1 (VPC endpoints serve only their own Region, "
            "C3); replicate the image there.",
        ),
        (
            "us-east-1",
            {"image": "123456789012.dkr.ecr-fips.us-west-2.amazonaws.com/app:1"},
            "Invalid ecs-privatelink:image '123456789012.dkr.ecr-fips.us-west-2.amazonaws.com/app:1': the "
            "ECR registry must be in the stack's Region us-east-1 (VPC endpoints serve only their own "
            "Region, C3); replicate the image there.",
        ),
        (
            "us-east-1",
            {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/app:1"},
            "Invalid ecs-privatelink:image '123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/app:1': the "
            "ECR registry must be in the stack's Region us-east-1 (VPC endpoints serve only their own "
            "Region, C3); replicate the image there.",
        ),
        (
            "us-east-1",
            {"image": "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app:1@sha256:" + "a" * 64},
            # The value is cut to 80 characters.
            "Invalid ecs-privatelink:image '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app:1@sha256:"
            "aaaaaaaaaaaaaaa…: expected a private ECR image as "
            "<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>.",
        ),
        (
            "us-east-1",
            {"image": "12345.dkr.ecr-fips.us-east-1.amazonaws.com/app:1"},
            "Invalid ecs-privatelink:image '12345.dkr.ecr-fips.us-east-1.amazonaws.com/app:1': expected a "
            "private ECR image as <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or "
            "@sha256:<digest>.",
        ),
        (
            "us-east-1",
            {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"},
            "Invalid ecs-privatelink:image '123456789012.dkr.ecr.us-east-1.amazonaws.com/app': expected a "
            "private ECR image as <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or "
            "@sha256:<digest>.",
        ),
        (
            "us-east-1",
            {"secrets": {"DB PASSWORD": None}},
            "Invalid ecs-privatelink:secrets 'DB PASSWORD': a secret's name is its variable's: ASCII "
            "letters, digits and '_', not led by a digit, at most 255.",
        ),
        (
            "us-east-1",
            {"secrets": {"TOKEN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf"}},
            "Invalid ecs-privatelink:secrets "
            "'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf': it must be in the stack's "
            "Region us-east-1 (aws), which the endpoints serve.",
        ),
        (
            "us-east-1",
            {"secrets": {"TOKEN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:token"}},
            "Invalid ecs-privatelink:secrets 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token': "
            "expected a full ARN, e.g. "
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf.",
        ),
        (
            "us-east-1",
            {"secrets": "DB_PASSWORD"},
            "Invalid ecs-privatelink:secrets 'DB_PASSWORD': expected a JSON map such as "
            '{"DB_PASSWORD": null}.',
        ),
        (
            "us-east-1",
            {"logKmsKeyArn": "alias/logs"},
            "Invalid ecs-privatelink:logKmsKeyArn 'alias/logs': expected a full ARN, e.g. "
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.",
        ),
        (
            "us-east-1",
            {"minSize": 4, "maxSize": 2},
            "Invalid ecs-privatelink:minSize 4: it must not exceed maxSize (2).",
        ),
        (
            "us-east-1",
            {"containerPort": 0},
            "Invalid ecs-privatelink:containerPort 0: allowed values are 1 to 65535.",
        ),
        (
            "us-east-1",
            {"instanceType": "large"},
            "Invalid ecs-privatelink:instanceType 'large': expected an EC2 instance type such as t3.medium: "
            "a family, '.', and a size (nano, micro, small, medium, large, xlarge, <n>xlarge, metal, "
            "metal-<n>xl).",
        ),
        (
            "us-east-1",
            {"serviceConnectNamespace": "My Namespace"},
            "Invalid ecs-privatelink:serviceConnectNamespace 'My Namespace': expected a DNS name such as "
            "internal.",
        ),
        (
            "us-east-1",
            {"imageTag": "v1 beta"},
            "Invalid ecs-privatelink:imageTag 'v1 beta': expected a Docker tag: ASCII letters, digits, "
            "'_', '.', '-', at most 128, not led by '.' or '-'.",
        ),
    ],
)
def test_bad_workload_values_are_refused_naming_key_value_and_what_is_allowed(region, raw, message):
    with pytest.raises(ConfigError) as refused:
        parse_config(region, {"workload": True, **raw})
    assert str(refused.value) == message


def test_workload_keys_are_not_checked_for_a_network_only_stack():
    assert parse_config("us-east-1", {"cpu": 300}).workload_config is None


def test_ec2_task_sizes_are_not_held_to_fargate_combinations():
    config = parse_config("us-east-1", {"workload": True, "launchType": "EC2", "cpu": 300, "memory": 700})
    assert config.workload_config is not None
    assert (config.workload_config.cpu, config.workload_config.memory) == (300, 700)


def test_every_fargate_combination_is_accepted_and_no_other():
    accepted = []
    for cpu in FARGATE_SIZES:
        for memory in range(512, 122880 + 1, 512):
            raw = {**WORKLOAD_DEFAULTS, "cpu": cpu, "memory": memory}
            try:
                parse_workload_config(raw, "us-east-1", "aws", LaunchType.FARGATE, False)
            except ConfigError:
                continue
            accepted.append((cpu, memory))
    assert len(accepted) == 3 + 4 + 7 + 13 + 23 + 12 + 12
    assert (4096, 30720) in accepted and (4096, 31744) not in accepted


def test_a_bad_workload_stops_the_program_before_any_resource():
    with pytest.raises(ProgramError) as failed:
        run_stack("dev", {"workload": "true", "cpu": "300"}, preview=True)
    assert "Invalid ecs-privatelink:cpu" in str(failed.value)
    assert failed.value.resources == []


# --- secure defaults and their opt-outs ----------------------------------------------------------


def test_prod_protects_the_stateful_resources_and_nothing_else(ec2):
    protected = sorted(r.name for r in ec2.resources if r.protect)
    assert protected == ["app-logs", "app-repository", "app-secret-DB_PASSWORD", "private-flow-logs"]


def test_dev_protects_nothing(fargate):
    assert [r.name for r in fargate.resources if r.protect] == []


def test_the_hardening_opt_outs_reach_the_resources():
    recording = run_stack(
        "dev",
        {
            "workload": "true",
            "readonlyRootFilesystem": "false",
            "containerUser": "",
            "ecrKeepImages": "0",
            "ecrKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        },
        preview=True,
    )
    (container,) = containers(recording)
    assert "readonlyRootFilesystem" not in container and "user" not in container
    assert not recording.of_type(LIFECYCLE_POLICY)
    assert one(recording, REPOSITORY).inputs["encryptionConfigurations"] == [
        {
            "encryptionType": "KMS",
            "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        }
    ]
