"""Ec2Capacity: ECS container instances for the EC2 launch type, in the private subnets.

An instance role with the ECS agent's permissions on this cluster (instanceRolePolicy), optionally
Systems Manager's (ssmManagedInstances); a launch template (ECS-optimized AL2023 AMI from its public
SSM parameter, IMDSv2, no public IP), an Auto Scaling group that launches only after the VPC endpoints
exist and rolls its instances when the endpoint set changes, and a capacity provider with managed
scaling.
"""

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from awsfacts import ECS_OPTIMIZED_AMI_PARAMETER_PREFIX

from .hardening import InstanceRolePolicy
from .taskiam import (
    ECS_INSTANCE_POLICY,
    SSM_INSTANCE_POLICY,
    instance_role_policy,
    managed_policy_arn,
    trust_policy,
)

# Resolved by EC2 at each launch, so new instances always get the current ECS-optimized AMI, whose
# agent is recent enough for the ECS endpoints (C10: awsfacts.MIN_ECS_AGENT_VERSION or later).
ECS_AMI_PARAMETER = f"{ECS_OPTIMIZED_AMI_PARAMETER_PREFIX}amazon-linux-2023/recommended/image_id"
ECS_AMI_IMAGE_ID = f"resolve:ssm:{ECS_AMI_PARAMETER}"
ENDPOINT_SET_TAG = "ecs-privatelink:endpoint-set"
ROOT_DEVICE = "/dev/xvda"  # the ECS-optimized AL2023 AMI's root volume
ROOT_VOLUME_GIB = 30  # that AMI's root snapshot size; EC2 refuses a smaller volume


@dataclass
class Ec2CapacityArgs:
    cluster_name: pulumi.Input[str]
    capacity_provider_name: str  # ECS refuses names starting with aws, ecs or fargate
    region: str
    partition: str
    account_id: str
    instance_type: str
    min_size: int
    max_size: int
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]  # a list, or one Output of a list
    egress: Sequence[aws.ec2.SecurityGroupEgressArgs]  # the workload's: HTTPS to the endpoints and S3
    endpoints: Sequence[pulumi.Resource]  # instances launch only after these exist
    endpoint_set_digest: pulumi.Input[str]  # planner.endpoint_set_digest of the plan
    cluster_arn: pulumi.Input[str]
    log_group_arn: pulumi.Input[str]  # the tasks' log group
    ecr_repository_arn: pulumi.Input[str] | None  # the pulled image's repository; None: a public image
    ecr_endpoint_ids: Sequence[pulumi.Input[str]]  # the VPC's ecr.api and ecr.dkr endpoints
    instance_role_policy: InstanceRolePolicy = InstanceRolePolicy.SCOPED
    ssm_managed: bool = False  # AmazonSSMManagedInstanceCore, for Run Command and Session Manager (SSM.1)


def user_data(cluster_name: str, endpoint_set_digest: str) -> str:
    """Joins the cluster; the digest makes a new endpoint set a new launch template version."""
    return (
        "#!/bin/bash\n"
        f"# endpoint set {endpoint_set_digest}: a change replaces the instances, so no agent keeps a\n"
        "# session opened before an endpoint existed.\n"
        "cat >> /etc/ecs/ecs.config <<'CONFIG'\n"
        f"ECS_CLUSTER={cluster_name}\n"
        "ECS_AWSVPC_BLOCK_IMDS=true\n"
        "CONFIG\n"
    )


class Ec2Capacity(pulumi.ComponentResource):
    capacity_provider_name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    auto_scaling_group_arn: pulumi.Output[str]

    def __init__(self, name: str, args: Ec2CapacityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ecs-privatelink:index:Ec2Capacity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        role = aws.iam.Role(
            f"{name}-instance-role",
            description="ECS container instances: the ECS agent's permissions",
            assume_role_policy=json.dumps(trust_policy("ec2.amazonaws.com")),
            opts=child,
        )
        permissions: list[pulumi.Resource] = []
        if args.instance_role_policy is InstanceRolePolicy.MANAGED:
            permissions.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-instance-policy",
                    role=role.id,  # a role's id is its name
                    policy_arn=managed_policy_arn(args.partition, ECS_INSTANCE_POLICY),
                    opts=child,
                )
            )
        else:
            document = pulumi.Output.all(
                args.cluster_arn,
                args.log_group_arn,
                args.ecr_repository_arn,
                pulumi.Output.all(*args.ecr_endpoint_ids),
            ).apply(
                lambda values: json.dumps(
                    instance_role_policy(
                        region=args.region,
                        partition=args.partition,
                        account_id=args.account_id,
                        cluster_arn=values[0],
                        log_group_arn=values[1],
                        ecr_repository_arn=values[2],
                        ecr_endpoint_ids=values[3],
                    )
                )
            )
            permissions.append(
                aws.iam.RolePolicy(f"{name}-instance-policy", role=role.id, policy=document, opts=child)
            )
        if args.ssm_managed:
            permissions.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-instance-ssm-policy",
                    role=role.id,
                    policy_arn=managed_policy_arn(args.partition, SSM_INSTANCE_POLICY),
                    opts=child,
                )
            )
        profile = aws.iam.InstanceProfile(
            f"{name}-instance-profile",
            role=role.id,  # a role's id is its name
            # Instances launch with their permissions in place: the agent registers at boot.
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=permissions)),
        )
        # The agent pulls images and ships logs from the host, so the instances need the same way out
        # as the tasks: HTTPS to the endpoints and to S3, nothing else, and no way in.
        security_group = aws.ec2.SecurityGroup(
            f"{name}-instance-sg",
            vpc_id=args.vpc_id,
            description="ECS container instances: HTTPS to the VPC endpoints and S3 only",
            ingress=[],
            egress=list(args.egress),
            tags={"Name": f"{name}-instance-sg"},
            opts=child,
        )
        template = aws.ec2.LaunchTemplate(
            f"{name}-launch-template",
            description="ECS container instances in the private subnets",
            image_id=ECS_AMI_IMAGE_ID,
            instance_type=args.instance_type,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=profile.arn),
            network_interfaces=[
                aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                    device_index=0,
                    associate_public_ip_address="false",
                    security_groups=[security_group.id],
                )
            ],
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",  # IMDSv2 only
                http_put_response_hop_limit=1,  # no credentials for containers one hop away
            ),
            user_data=pulumi.Output.all(args.cluster_name, args.endpoint_set_digest).apply(
                lambda values: base64.b64encode(user_data(values[0], values[1]).encode()).decode()
            ),
            # An encrypted root volume even where the account has no EBS encryption by default (EC2.7).
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=ROOT_DEVICE,
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        encrypted="true",
                        volume_type="gp3",
                        volume_size=ROOT_VOLUME_GIB,
                        delete_on_termination="true",
                    ),
                )
            ],
            update_default_version=True,
            tags={"Name": f"{name}-launch-template", ENDPOINT_SET_TAG: args.endpoint_set_digest},
            opts=child,
        )
        group = aws.autoscaling.Group(
            f"{name}-asg",
            vpc_zone_identifiers=args.subnet_ids,
            min_size=args.min_size,
            max_size=args.max_size,
            # The version number, not "$Latest": a new version is a change, which starts the refresh.
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(
                id=template.id,
                # Always set once the template exists; only engines without the provider leave it empty.
                version=template.latest_version.apply(
                    lambda version: "$Latest" if version is None else str(version)
                ),
            ),
            instance_refresh=aws.autoscaling.GroupInstanceRefreshArgs(
                strategy="Rolling",
                preferences=aws.autoscaling.GroupInstanceRefreshPreferencesArgs(
                    min_healthy_percentage=50,
                    # ECS protects every instance running tasks: skipping them (the default, Ignore)
                    # would leave the agents that predate a new endpoint in place.
                    scale_in_protected_instances="Refresh",
                ),
            ),
            health_check_type="EC2",
            # ECS managed termination protection (ECS.19) scales in only instances without tasks; it
            # needs new instances protected from scale-in, and ECS lifts the protection when they drain.
            protect_from_scale_in=True,
            # Protected instances would keep `pulumi destroy` waiting: the group deletes them itself.
            force_delete=True,
            tags=[
                aws.autoscaling.GroupTagArgs(key="Name", value=f"{name}-instance", propagate_at_launch=True),
                # ECS managed scaling owns the desired capacity of groups tagged so.
                aws.autoscaling.GroupTagArgs(key="AmazonECSManaged", value="true", propagate_at_launch=True),
            ],
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=list(args.endpoints))),
        )
        provider = aws.ecs.CapacityProvider(
            f"{name}-capacity-provider",
            name=args.capacity_provider_name,
            auto_scaling_group_provider=aws.ecs.CapacityProviderAutoScalingGroupProviderArgs(
                auto_scaling_group_arn=group.arn,
                managed_scaling=aws.ecs.CapacityProviderAutoScalingGroupProviderManagedScalingArgs(
                    status="ENABLED", target_capacity=100
                ),
                managed_termination_protection="ENABLED",  # ECS.19; the group protects from scale-in
                managed_draining="ENABLED",
            ),
            opts=child,
        )

        self.capacity_provider_name = provider.name
        self.security_group_id = security_group.id
        self.auto_scaling_group_arn = group.arn
        self.register_outputs(
            {
                "capacityProviderName": self.capacity_provider_name,
                "securityGroupId": self.security_group_id,
                "autoScalingGroupArn": self.auto_scaling_group_arn,
            }
        )
