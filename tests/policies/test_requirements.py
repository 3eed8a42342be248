import pytest

from tests.policies.builder import UNKNOWN, run
from tests.policies.scenarios import Private, container, private_vpc, with_internet

# The transit route reaches no internet and the endpoints must be the VPC's own: the requirements apply.
NO_EGRESS_LOCAL_ENDPOINTS = {"transitGatewayEgress": "none", "centralisedEndpoints": "none"}

FARGATE_POLICIES = (
    "ecs-endpoints-for-ec2",
    "ecs-endpoints-all-or-none",
    "ecr-endpoints-for-private-images",
    "secretsmanager-endpoint-for-secrets",
    "logs-endpoint-for-awslogs",
    "ecs-agent-endpoint-for-service-connect",
    "no-unneeded-ecs-endpoints",
)


def test_complete_fargate_stack_passes_every_requirement():
    private = private_vpc()
    private.add_endpoints("ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager")
    private.fargate_service([container()])
    for name in FARGATE_POLICIES:
        outcome = run(name, private.builder)
        assert (name, outcome.messages, outcome.notes) == (name, [], [])


def test_fargate_stack_without_endpoints_gets_one_violation_per_missing_endpoint():
    private = private_vpc()
    private.fargate_service([container()])
    ecr = run("ecr-endpoints-for-private-images", private.builder)
    assert ecr.messages == [
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.ecr.api in VPC 'dev-vpc' (C6): tasks "
        "there pull private ECR images (task definition 'dev-task') and have no internet path (no default "
        "route to a NAT or internet gateway).",
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.ecr.dkr in VPC 'dev-vpc' (C6): tasks "
        "there pull private ECR images (task definition 'dev-task') and have no internet path (no default "
        "route to a NAT or internet gateway).",
        "Create a Gateway VPC endpoint for com.amazonaws.us-east-1.s3 in VPC 'dev-vpc' and associate it "
        "with the tasks' route tables (C6): layers of the private ECR images of task definition 'dev-task' "
        "are served from S3, an S3 interface endpoint does not serve them, and the tasks have no internet "
        "path (no default route to a NAT or internet gateway).",
    ]
    assert ecr.urns == [private.vpc.urn] * 3
    assert run("secretsmanager-endpoint-for-secrets", private.builder).messages == [
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.secretsmanager in VPC 'dev-vpc' "
        "(C7): tasks there read Secrets Manager secrets (task definition 'dev-task') and have no "
        "internet path (no default route to a NAT or internet gateway)."
    ]
    assert run("logs-endpoint-for-awslogs", private.builder).messages == [
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.logs in VPC 'dev-vpc' (C8): tasks "
        "there use the awslogs log driver (task definition 'dev-task') and have no internet path (no "
        "default route to a NAT or internet gateway)."
    ]
    for name in (
        "ecs-endpoints-for-ec2",
        "ecs-endpoints-all-or-none",
        "ecs-agent-endpoint-for-service-connect",
    ):
        assert run(name, private.builder).messages == [], name


def test_s3_interface_endpoint_does_not_serve_ecr_layers():
    private = private_vpc()
    private.add_endpoints("ecr.api", "ecr.dkr")
    private.builder.endpoint(private.vpc, "s3", name="dev-s3-interface", vpcEndpointType="Interface")
    private.fargate_service([container(awslogs=False, secrets=False)])
    assert run("ecr-endpoints-for-private-images", private.builder).messages == [
        "Create a Gateway VPC endpoint for com.amazonaws.us-east-1.s3 in VPC 'dev-vpc' and associate it "
        "with the tasks' route tables (C6): layers of the private ECR images of task definition 'dev-task' "
        "are served from S3, an S3 interface endpoint does not serve them, and the tasks have no internet "
        "path (no default route to a NAT or internet gateway)."
    ]


def test_s3_gateway_must_serve_the_tasks_route_tables():
    private = private_vpc()
    private.add_endpoints("ecr.api", "ecr.dkr", "s3")
    gateway = private.endpoints["s3"]
    gateway.property_dependencies["routeTableIds"] = []
    private.fargate_service([container(awslogs=False, secrets=False)])
    outcome = run("ecr-endpoints-for-private-images", private.builder)
    assert outcome.messages == [
        "Associate S3 gateway endpoint 'dev-s3' with route table 'dev-private' (C6): tasks in subnets "
        "'dev-a', 'dev-b' pull private ECR images whose layers come from S3."
    ]
    assert outcome.urns == [gateway.urn]
    private.builder.add(
        "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation",
        "dev-s3-private",
        {"vpcEndpointId": UNKNOWN, "routeTableId": UNKNOWN},
        {"vpcEndpointId": [gateway], "routeTableId": [private.route_table]},
    )
    assert run("ecr-endpoints-for-private-images", private.builder).messages == []


def test_public_images_and_plain_log_drivers_need_nothing():
    private = private_vpc()
    private.fargate_service([container(ecr=False, awslogs=False, secrets=False)])
    for name in FARGATE_POLICIES:
        assert run(name, private.builder).messages == [], name


def test_an_internet_gateway_is_a_path_only_for_tasks_with_a_public_ip():
    private = private_vpc()
    with_internet(private)
    service = private.fargate_service([container(secrets=False)])
    gateway_path = (
        "have no internet path: subnets 'dev-a', 'dev-b' route to an internet gateway, but without a public "
        "IP (assignPublicIp, associatePublicIpAddress) nothing reaches the internet through it."
    )
    assert run("logs-endpoint-for-awslogs", private.builder).messages == [
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.logs in VPC 'dev-vpc' (C8): tasks "
        f"there use the awslogs log driver (task definition 'dev-task') and {gateway_path}"
    ]
    assert len(run("ecr-endpoints-for-private-images", private.builder).messages) == 3
    service.props["__target"]["networkConfiguration"]["assignPublicIp"] = True
    for name in ("logs-endpoint-for-awslogs", "ecr-endpoints-for-private-images"):
        outcome = run(name, private.builder)
        assert (outcome.messages, outcome.notes) == ([], []), name


def test_a_nat_gateway_lifts_every_requirement():
    private = private_vpc()
    nat = private.builder.add("aws:ec2/natGateway:NatGateway", "dev-nat", {"subnetId": UNKNOWN})
    private.route_table.props["__target"]["routes"] = [{"cidrBlock": "0.0.0.0/0", "natGatewayId": UNKNOWN}]
    private.route_table.property_dependencies["routes"] = [nat]
    private.fargate_service([container()])
    for name in FARGATE_POLICIES:
        outcome = run(name, private.builder)
        assert (outcome.messages, outcome.notes) == ([], []), name


def test_inline_default_route_to_a_private_nat_is_a_transit_path_the_config_decides():
    # A private NAT gateway forwards to other networks (a transit gateway, a VPN): whether those reach the
    # internet is not visible, so no mandatory verdict unless the policy config says so.
    private = private_vpc()
    nat = private.builder.add(
        "aws:ec2/natGateway:NatGateway", "dev-nat", {"subnetId": UNKNOWN, "connectivityType": "private"}
    )
    private.route_table.props["__target"]["routes"] = [{"cidrBlock": "0.0.0.0/0", "natGatewayId": UNKNOWN}]
    private.route_table.property_dependencies["routes"] = [nat]
    private.fargate_service([container(ecr=False, secrets=False)])
    outcome = run("logs-endpoint-for-awslogs", private.builder)
    assert outcome.messages == []
    assert outcome.notes == [
        "Whether service 'dev-service' in VPC 'dev-vpc' reach AWS's public endpoints through the transit "
        "gateway (or other network) their subnets' default route points at is not known (C8): create the "
        "logs endpoint unless that route leads to an internet egress, and state which with the policy config "
        "transitGatewayEgress ('internet' or 'none')."
    ]
    assert (
        len(
            run(
                "logs-endpoint-for-awslogs",
                private.builder,
                NO_EGRESS_LOCAL_ENDPOINTS,
            ).messages
        )
        == 1
    )
    outcome = run("logs-endpoint-for-awslogs", private.builder, {"transitGatewayEgress": "internet"})
    assert (outcome.messages, outcome.notes) == ([], [])
    nat.props["__target"]["connectivityType"] = "public"
    outcome = run("logs-endpoint-for-awslogs", private.builder)
    assert (outcome.messages, outcome.notes) == ([], [])


def test_ec2_capacity_without_endpoints_needs_the_ecs_trio():
    private = private_vpc("ca-west-1", "prod")
    private.ec2_capacity()
    names = ("ecs-agent", "ecs-telemetry", "ecs")
    assert run("ecs-endpoints-for-ec2", private.builder).messages == [
        f"Create an interface VPC endpoint for com.amazonaws.ca-west-1.{key} in VPC 'prod-vpc' (C1): EC2 "
        "container instances there (Auto Scaling group 'prod-asg') cannot reach ECS without it: they have "
        "no internet path (no default route to a NAT or internet gateway)."
        for key in names
    ]
    assert run("ecs-endpoints-all-or-none", private.builder).messages == [
        "Create the VPC endpoints for com.amazonaws.ca-west-1.ecs-agent, "
        "com.amazonaws.ca-west-1.ecs-telemetry, com.amazonaws.ca-west-1.ecs in VPC 'prod-vpc' (C2): in "
        "ca-west-1, a Region introduced on or after 2023-12-23, the ecs-agent, ecs-telemetry and ecs "
        "endpoints work only as a set, and with none of them ECS traffic silently goes to the public "
        "endpoints."
    ]
    private.add_endpoints(*names)
    assert run("ecs-endpoints-for-ec2", private.builder).messages == []
    assert run("ecs-endpoints-all-or-none", private.builder).messages == []


def test_ec2_launch_type_from_a_service_and_from_the_ecs_default():
    for props in ({"launchType": "EC2"}, {}):
        private = private_vpc()
        cluster = private.builder.add("aws:ecs/cluster:Cluster", "dev-cluster", {"name": "dev"})
        task = private.builder.task_definition(compatibilities=["EC2"])
        private.builder.service(task, private.subnets, cluster=UNKNOWN, **props)
        private.builder.resources[-1].property_dependencies["cluster"] = [cluster]
        messages = run("ecs-endpoints-for-ec2", private.builder).messages
        assert len(messages) == 3, props
        assert messages[0].endswith(
            "(service 'dev-service') cannot reach ECS without it: they have no internet path (no default "
            "route to a NAT or internet gateway)."
        )


def test_service_on_a_cluster_of_another_stack_without_a_type_is_only_a_note():
    private = private_vpc()
    task = private.builder.task_definition(compatibilities=["EC2"])
    private.builder.service(
        task, private.subnets, cluster="arn:aws:ecs:us-east-1:123456789012:cluster/shared"
    )
    outcome = run("ecs-endpoints-for-ec2", private.builder)
    assert outcome.messages == []
    assert outcome.notes == [
        f"Whether VPC 'dev-vpc' needs the {key} endpoint is not known yet (C1)."
        for key in ("ecs-agent", "ecs-telemetry", "ecs")
    ]


def test_capacity_provider_strategy_decides_the_launch_type():
    private = private_vpc()
    provider = private.ec2_capacity()
    private.builder.resources.remove(provider)  # keep the group out: only the strategy speaks
    task = private.builder.task_definition(compatibilities=["EC2", "FARGATE"])
    private.builder.service(
        task, private.subnets, capacityProviderStrategies=[{"capacityProvider": "FARGATE_SPOT"}]
    )
    assert run("ecs-endpoints-for-ec2", private.builder).messages == [
        f"Create an interface VPC endpoint for com.amazonaws.us-east-1.{key} in VPC 'dev-vpc' (C1): EC2 "
        "container instances there (Auto Scaling group 'prod-asg') cannot reach ECS without it: they have "
        "no internet path (no default route to a NAT or internet gateway)."
        for key in ("ecs-agent", "ecs-telemetry", "ecs")
    ]


def test_fargate_strategy_alone_needs_no_ecs_endpoints():
    private = private_vpc()
    task = private.builder.task_definition(compatibilities=["EC2", "FARGATE"])
    private.builder.service(
        task, private.subnets, capacityProviderStrategies=[{"capacityProvider": "FARGATE"}]
    )
    assert run("ecs-endpoints-for-ec2", private.builder).messages == []


def test_internet_gateway_lifts_the_ecs_trio_only_for_instances_with_public_ips():
    private = private_vpc()
    with_internet(private)
    private.ec2_capacity()
    template = next(r for r in private.builder.resources if r.name == "prod-instances")
    assert len(run("ecs-endpoints-for-ec2", private.builder).messages) == 3
    template.props["__target"]["networkInterfaces"] = [{"associatePublicIpAddress": True}]
    assert run("ecs-endpoints-for-ec2", private.builder).messages == []


def test_partial_trio_in_a_post_line_region_is_all_or_none():
    private = private_vpc("ca-west-1", "prod")
    private.add_endpoints("ecs-agent")
    private.fargate_service([container(ecr=False, awslogs=False, secrets=False)])
    assert run("ecs-endpoints-all-or-none", private.builder).messages == [
        "Create the VPC endpoints for com.amazonaws.ca-west-1.ecs-telemetry, com.amazonaws.ca-west-1.ecs "
        "in VPC 'prod-vpc' (C2): in ca-west-1, a Region introduced on or after 2023-12-23, the ecs-agent, "
        "ecs-telemetry and ecs endpoints work only as a set, and with only ecs-agent ECS traffic silently "
        "goes to the public endpoints."
    ]


def test_partial_trio_in_an_older_region_is_not_c2s_concern():
    private = private_vpc("us-east-1")
    private.add_endpoints("ecs-agent")
    assert run("ecs-endpoints-all-or-none", private.builder).messages == []


def test_cross_region_trio_does_not_count_as_present():
    private = private_vpc("ca-west-1", "prod")
    for key in ("ecs-agent", "ecs-telemetry", "ecs"):
        private.builder.endpoint(private.vpc, key, service_region="us-east-1", name=f"copied-{key}")
    private.ec2_capacity()
    assert len(run("ecs-endpoints-for-ec2", private.builder).messages) == 3


def test_service_connect_needs_the_ecs_agent_endpoint_and_in_post_line_regions_the_trio():
    private = private_vpc("ca-west-1", "prod")
    private.fargate_service(
        [container(ecr=False, awslogs=False, secrets=False)],
        serviceConnectConfiguration={"enabled": True, "namespace": UNKNOWN},
    )
    assert run("ecs-agent-endpoint-for-service-connect", private.builder).messages == [
        "Create an interface VPC endpoint for com.amazonaws.ca-west-1.ecs-agent in VPC 'prod-vpc' (C9): "
        "Service Connect (service 'dev-service') manages its Envoy proxies through it, and the tasks have "
        "no internet path (no default route to a NAT or internet gateway)."
    ]
    assert run("ecs-endpoints-all-or-none", private.builder).messages == [
        "Create the VPC endpoints for com.amazonaws.ca-west-1.ecs-agent, "
        "com.amazonaws.ca-west-1.ecs-telemetry, com.amazonaws.ca-west-1.ecs in VPC 'prod-vpc' (C2): in "
        "ca-west-1, a Region introduced on or after 2023-12-23, the ecs-agent, ecs-telemetry and ecs "
        "endpoints work only as a set, and with none of them ECS traffic silently goes to the public "
        "endpoints."
    ]
    private.add_endpoints("ecs-agent", "ecs-telemetry", "ecs")
    for name in (
        "ecs-agent-endpoint-for-service-connect",
        "ecs-endpoints-all-or-none",
        "no-unneeded-ecs-endpoints",
    ):
        assert run(name, private.builder).messages == [], name


def test_fargate_only_vpc_is_told_to_delete_unneeded_ecs_endpoints():
    private = private_vpc()
    private.add_endpoints("ecs-agent", "ecs-telemetry", "ecs")
    private.fargate_service([container(ecr=False, awslogs=False, secrets=False)])
    outcome = run("no-unneeded-ecs-endpoints", private.builder)
    assert outcome.messages == [
        f"Delete VPC endpoint 'dev-{key}' (C14): VPC 'dev-vpc' runs only Fargate tasks (service "
        f"'dev-service'), which do not use the {key} endpoint, and each interface endpoint is billed per "
        "Availability Zone and hour."
        for key in ("ecs-agent", "ecs-telemetry", "ecs")
    ]
    assert outcome.urns == [private.endpoints[key].urn for key in ("ecs-agent", "ecs-telemetry", "ecs")]


def test_unneeded_endpoints_are_not_judged_without_knowing_the_launch_type():
    private = private_vpc()
    private.add_endpoints("ecs-agent", "ecs-telemetry", "ecs")
    assert run("no-unneeded-ecs-endpoints", private.builder).messages == []


def test_network_only_stack_uses_the_launch_type_and_workload_overrides():
    private = private_vpc("ca-west-1", "prod")
    assert run("ecs-endpoints-for-ec2", private.builder).messages == []
    messages = run("ecs-endpoints-for-ec2", private.builder, {"launchType": "EC2"}).messages
    assert messages[0] == (
        "Create an interface VPC endpoint for com.amazonaws.ca-west-1.ecs-agent in VPC 'prod-vpc' (C1): "
        "EC2 container instances there (policy config launchType EC2) cannot reach ECS without it: they "
        "have no internet path (no default route to a NAT or internet gateway)."
    )
    assert len(messages) == 3
    assert run("logs-endpoint-for-awslogs", private.builder, {"assumeAwslogs": True}).messages == [
        "Create an interface VPC endpoint for com.amazonaws.ca-west-1.logs in VPC 'prod-vpc' (C8): tasks "
        "there use the awslogs log driver (policy config assumeAwslogs) and have no internet path (no "
        "default route to a NAT or internet gateway)."
    ]
    private.add_endpoints("ecs-agent", "ecs-telemetry", "ecs")
    assert run("no-unneeded-ecs-endpoints", private.builder, {"launchType": "FARGATE"}).messages != []
    assert run("no-unneeded-ecs-endpoints", private.builder, {"launchType": "EC2"}).messages == []


def test_unknown_container_definitions_give_notes_not_violations():
    private = private_vpc()
    private.fargate_service(UNKNOWN)
    for name, key, consideration in (
        ("ecr-endpoints-for-private-images", "ecr.api", "C6"),
        ("secretsmanager-endpoint-for-secrets", "secretsmanager", "C7"),
        ("logs-endpoint-for-awslogs", "logs", "C8"),
    ):
        outcome = run(name, private.builder)
        assert outcome.messages == [], name
        assert (
            outcome.notes[0]
            == f"Whether VPC 'dev-vpc' needs the {key} endpoint is not known yet ({consideration})."
        )


def test_unknown_image_in_known_json_is_also_just_a_note():
    private = private_vpc()
    private.fargate_service('[{"name": "app", "image": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}]')
    outcome = run("ecr-endpoints-for-private-images", private.builder)
    assert outcome.messages == []
    assert outcome.notes == [
        f"Whether VPC 'dev-vpc' needs the {key} endpoint is not known yet (C6)."
        for key in ("ecr.api", "ecr.dkr", "s3")
    ]


def test_secrets_in_repository_credentials_and_log_options_need_secretsmanager():
    private = private_vpc()
    definition = {
        "name": "app",
        "image": "registry.example.com/app:1",
        "repositoryCredentials": {
            "credentialsParameter": "arn:aws:secretsmanager:us-east-1:1:secret:registry"
        },
    }
    private.fargate_service([definition])
    assert len(run("secretsmanager-endpoint-for-secrets", private.builder).messages) == 1


def test_unknown_region_is_a_note():
    private = private_vpc()
    private.builder.provider.props["__target"]["region"] = UNKNOWN
    private.fargate_service([container()])
    outcome = run("logs-endpoint-for-awslogs", private.builder)
    assert (outcome.messages, outcome.notes) == ([], ["The Region of VPC 'dev-vpc' is not known yet (C8)."])


def test_preview_task_definition_built_from_a_repository_and_a_secret_is_judged_by_its_dependencies():
    private = private_vpc()
    repository = private.builder.add("aws:ecr/repository:Repository", "shop", {"repositoryUrl": UNKNOWN})
    secret = private.builder.add("aws:secretsmanager/secret:Secret", "db", {"arn": UNKNOWN})
    task = private.builder.task_definition(containers=UNKNOWN)
    task.property_dependencies["containerDefinitions"] = [repository, secret]
    private.builder.service(task, private.subnets, launchType="FARGATE")
    assert len(run("ecr-endpoints-for-private-images", private.builder).messages) == 3
    assert run("secretsmanager-endpoint-for-secrets", private.builder).messages == [
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.secretsmanager in VPC 'dev-vpc' "
        "(C7): tasks there read Secrets Manager secrets (task definition 'dev-task') and have no "
        "internet path (no default route to a NAT or internet gateway)."
    ]
    outcome = run("logs-endpoint-for-awslogs", private.builder)
    assert (outcome.messages, outcome.notes) == (
        [],
        ["Whether VPC 'dev-vpc' needs the logs endpoint is not known yet (C8)."],
    )


def test_secret_and_image_named_by_the_stacks_own_resources_after_an_update():
    private = private_vpc()
    private.builder.add("aws:secretsmanager/secret:Secret", "db", {"arn": "arn:aws:mock:::secret-db"})
    repository = private.builder.add(
        "aws:ecr/repository:Repository", "shop", {"repositoryUrl": "mock.registry.example/shop"}
    )
    definition = {
        "name": "app",
        "image": "mock.registry.example/shop:1",
        "secrets": [{"name": "DB", "valueFrom": "arn:aws:mock:::secret-db"}],
    }
    task = private.builder.task_definition(containers=[definition])
    task.property_dependencies["containerDefinitions"] = [repository]
    private.builder.service(task, private.subnets, launchType="FARGATE")
    assert len(run("secretsmanager-endpoint-for-secrets", private.builder).messages) == 1
    assert len(run("ecr-endpoints-for-private-images", private.builder).messages) == 3


def test_separate_default_route_to_a_private_nat_is_only_a_note():
    private = private_vpc()
    nat = private.builder.add("aws:ec2/natGateway:NatGateway", "dev-nat", {"connectivityType": "private"})
    private.builder.add(
        "aws:ec2/route:Route",
        "dev-default",
        {"routeTableId": UNKNOWN, "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": UNKNOWN},
        {"routeTableId": [private.route_table], "natGatewayId": [nat]},
    )
    private.fargate_service([container(ecr=False, secrets=False)])
    outcome = run("logs-endpoint-for-awslogs", private.builder)
    assert (len(outcome.messages), len(outcome.notes)) == (0, 1)
    outcome = run(
        "logs-endpoint-for-awslogs",
        private.builder,
        NO_EGRESS_LOCAL_ENDPOINTS,
    )
    assert (len(outcome.messages), outcome.notes) == (1, [])


def test_ec2_service_behind_an_internet_gateway_without_visible_instances_is_only_a_note():
    # Its container instances live in another stack: whether they have public IPs is not visible here.
    private = private_vpc()
    with_internet(private)
    task = private.builder.task_definition(compatibilities=["EC2"])
    private.builder.service(task, private.subnets, launchType="EC2")
    outcome = run("ecs-endpoints-for-ec2", private.builder)
    assert outcome.messages == []
    assert outcome.notes == [
        f"Whether VPC 'dev-vpc' needs the {key} endpoint is not known yet (C1)."
        for key in ("ecs-agent", "ecs-telemetry", "ecs")
    ]


# --- Centralised endpoints: a spoke VPC whose subnets route to a hub --------------------------------


def _spoke(target: str = "transitGatewayId") -> Private:
    """A private VPC whose route table sends the hub's range (not the default route) to a transit gateway
    (or peering), and Fargate tasks with a private ECR image and awslogs, no endpoints of its own."""
    private = private_vpc()
    hub = private.builder.add("aws:ec2transitgateway/transitGateway:TransitGateway", "hub", {})
    private.route_table.props["__target"]["routes"] = [{"cidrBlock": "10.100.0.0/16", target: UNKNOWN}]
    private.route_table.property_dependencies["routes"] = [hub]
    private.fargate_service([container(secrets=False)])
    return private


CENTRAL_NOTE = (
    "Whether an endpoint for com.amazonaws.us-east-1.{key} in another VPC serves VPC 'dev-vpc' is not known "
    "({consideration}): its subnets route to another network (a transit gateway or peering) and it has no "
    "such endpoint of its own. Create the endpoint here unless centralised endpoints and a private hosted "
    "zone associated with this VPC serve it, and state which with the policy config centralisedEndpoints "
    "('shared' or 'none')."
)


@pytest.mark.parametrize("target", ["transitGatewayId", "vpcPeeringConnectionId"])
def test_a_spoke_routing_to_a_hub_is_a_note_for_interface_endpoints_not_a_violation(target):
    private = _spoke(target)
    outcome = run("logs-endpoint-for-awslogs", private.builder)
    assert (outcome.messages, outcome.notes) == ([], [CENTRAL_NOTE.format(key="logs", consideration="C8")])
    ecr = run("ecr-endpoints-for-private-images", private.builder)
    assert ecr.notes == [
        CENTRAL_NOTE.format(key="ecr.api", consideration="C6"),
        CENTRAL_NOTE.format(key="ecr.dkr", consideration="C6"),
    ]
    # A gateway endpoint serves only its own VPC: the S3 gateway is still required.
    assert [message.split(" (C6)")[0] for message in ecr.messages] == [
        "Create a Gateway VPC endpoint for com.amazonaws.us-east-1.s3 in VPC 'dev-vpc' and associate it with "
        "the tasks' route tables"
    ]


def test_the_policy_config_says_whether_the_hubs_endpoints_serve_the_spoke():
    private = _spoke()
    shared = run("logs-endpoint-for-awslogs", private.builder, {"centralisedEndpoints": "shared"})
    assert (shared.messages, shared.notes) == ([], [])
    local = run("logs-endpoint-for-awslogs", private.builder, {"centralisedEndpoints": "none"})
    assert local.messages == [
        "Create an interface VPC endpoint for com.amazonaws.us-east-1.logs in VPC 'dev-vpc' (C8): tasks "
        "there use the awslogs log driver (task definition 'dev-task') and have no internet path (no default "
        "route to a NAT or internet gateway)."
    ]


def test_a_vpc_routing_nowhere_else_still_needs_its_endpoints():
    private = private_vpc()
    private.fargate_service([container(secrets=False)])
    assert len(run("logs-endpoint-for-awslogs", private.builder).messages) == 1
