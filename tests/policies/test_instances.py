import base64

from tests.policies.builder import UNKNOWN, run
from tests.policies.scenarios import private_vpc

TRIO = ("ecs-agent", "ecs-telemetry", "ecs")


# --- ecs-agent-version (C10) ------------------------------------------------------------------------


def test_ecs_optimized_ami_parameter_proves_the_agent_version():
    private = private_vpc("ca-west-1", "prod")
    private.ec2_capacity()
    assert run("ecs-agent-version", private.builder).messages == []


def test_custom_ami_cannot_be_proven():
    private = private_vpc("ca-west-1", "prod")
    private.ec2_capacity(image_id="ami-0123456789abcdef0")
    template = private.builder.resources[-3]
    outcome = run("ecs-agent-version", private.builder)
    assert outcome.messages == [
        "Use the ECS-optimized AMI through its SSM parameter for 'prod-instances' (imageId "
        '"resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"), or make '
        "sure AMI ami-0123456789abcdef0 runs ECS agent 1.25.1 or later (C10): the pack cannot prove its "
        "agent version. Restart the agent or reboot instances that registered before the endpoints existed."
    ]
    assert outcome.urns == [template.urn]


def test_agent_pinned_in_user_data_is_compared_with_the_configured_minimum():
    private = private_vpc("ca-west-1", "prod")
    private.ec2_capacity(
        image_id="ami-0123456789abcdef0",
        user_data="#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n"
        "docker run -d amazon/amazon-ecs-agent:v1.30.0\n",
    )
    assert run("ecs-agent-version", private.builder).messages == []
    assert run("ecs-agent-version", private.builder, {"minimumAgentVersion": "1.80.0"}).messages == [
        "Upgrade the ECS agent that 'prod-instances' pins in its user data from 1.30.0 to 1.80.0 or later "
        "(C10): older agents cannot use the ECS VPC endpoints."
    ]


def test_launch_templates_that_are_not_ecs_container_instances_are_ignored():
    private = private_vpc()
    private.builder.add(
        "aws:ec2/launchTemplate:LaunchTemplate", "bastion", {"imageId": "ami-0123456789abcdef0"}
    )
    assert run("ecs-agent-version", private.builder).messages == []


def test_instance_with_ecs_user_data_is_checked():
    private = private_vpc()
    private.builder.add(
        "aws:ec2/instance:Instance",
        "worker",
        {"ami": "ami-0abc", "userData": base64.b64encode(b"ECS_CLUSTER=dev").decode(), "subnetId": UNKNOWN},
    )
    assert len(run("ecs-agent-version", private.builder).messages) == 1


def test_unknown_ami_is_a_note():
    private = private_vpc()
    private.ec2_capacity(image_id=UNKNOWN)
    outcome = run("ecs-agent-version", private.builder)
    assert (outcome.messages, outcome.notes) == ([], ["The AMI of 'prod-instances' is not known yet (C10)."])


# --- ecs-endpoint-creation-order (C11) --------------------------------------------------------------


def test_chained_trio_passes():
    private = private_vpc("ca-west-1", "prod")
    private.ec2_capacity()
    private.add_endpoints(*TRIO)
    assert run("ecs-endpoint-creation-order", private.builder).messages == []


def test_unchained_trio_is_told_the_order():
    private = private_vpc("ca-west-1", "prod")
    private.ec2_capacity()
    private.add_endpoints(*TRIO, chain=False)
    outcome = run("ecs-endpoint-creation-order", private.builder)
    assert outcome.messages == [
        "Make VPC endpoint 'dev-ecs-telemetry' depend on 'dev-ecs-agent' (C11), e.g. with "
        "ResourceOptions(depends_on=[...]), so that running container instances see the ECS endpoints "
        "appear in the order ecs-agent, ecs-telemetry, ecs.",
        "Make VPC endpoint 'dev-ecs' depend on 'dev-ecs-telemetry' (C11), e.g. with "
        "ResourceOptions(depends_on=[...]), so that running container instances see the ECS endpoints "
        "appear in the order ecs-agent, ecs-telemetry, ecs.",
    ]
    assert outcome.urns == [private.endpoints["ecs-telemetry"].urn, private.endpoints["ecs"].urn]


def test_order_does_not_matter_without_container_instances():
    private = private_vpc("ca-west-1", "prod")
    private.add_endpoints(*TRIO, chain=False)
    assert run("ecs-endpoint-creation-order", private.builder).messages == []
    assert len(run("ecs-endpoint-creation-order", private.builder, {"launchType": "EC2"}).messages) == 2
