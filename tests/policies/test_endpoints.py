import json

from pulumi_policy import PolicyResource

from tests.policies.builder import UNKNOWN, StackBuilder, run

VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint"


def _stack(region: str = "us-east-1") -> tuple[StackBuilder, PolicyResource]:
    builder = StackBuilder(region=region)
    return builder, builder.vpc()


# --- endpoint-same-region (C3) ---------------------------------------------------------------------


def test_same_region_endpoint_passes():
    builder, vpc = _stack("ca-west-1")
    builder.endpoint(vpc, "ecs", service_region="ca-west-1")
    assert run("endpoint-same-region", builder).messages == []


def test_endpoint_copied_from_another_region_must_be_deleted():
    builder, vpc = _stack("ca-west-1")
    endpoint = builder.endpoint(vpc, "ecs", service_region="us-east-1", name="prod-ecs")
    outcome = run("endpoint-same-region", builder)
    assert outcome.messages == [
        "Delete VPC endpoint 'prod-ecs' and create one for com.amazonaws.ca-west-1.ecs instead (C3): its "
        "service com.amazonaws.us-east-1.ecs belongs to us-east-1, but the endpoint is in ca-west-1 and "
        "endpoints do not serve requests for another Region (a leftover of a template copied from another "
        "Region?)."
    ]
    assert outcome.urns == [endpoint.urn]


def test_resource_region_wins_over_provider_region():
    builder, vpc = _stack("us-east-1")
    builder.endpoint(vpc, "logs", service_region="eu-west-1", region="eu-west-1")
    assert run("endpoint-same-region", builder).messages == []


def test_policy_config_region_is_used_when_no_provider_sets_one():
    builder = StackBuilder(region=None)
    vpc = builder.vpc()
    builder.endpoint(vpc, "logs", service_region="us-west-2", name="dev-logs")
    assert run("endpoint-same-region", builder, {"region": "us-west-2"}).messages == []
    assert len(run("endpoint-same-region", builder, {"region": "eu-west-1"}).messages) == 1


def test_china_names_ecr_with_the_cn_prefix():
    builder, vpc = _stack("cn-north-1")
    builder.endpoint(vpc, "ecr.dkr", service_region="cn-north-1", name="cn-ecr-dkr")
    assert run("endpoint-same-region", builder).messages == [
        "Use the service name cn.com.amazonaws.cn-north-1.ecr.dkr for VPC endpoint 'cn-ecr-dkr' (C3): "
        "com.amazonaws.cn-north-1.ecr.dkr is not how the aws-cn partition names ecr.dkr."
    ]


def test_unknown_service_name_is_a_note_not_a_violation():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecs", name="dev-ecs", serviceName=UNKNOWN)
    outcome = run("endpoint-same-region", builder)
    assert outcome.messages == []
    assert outcome.notes == ["The service name of VPC endpoint 'dev-ecs' is not known yet (C3)."]


def test_partner_service_names_are_ignored():
    builder, vpc = _stack()
    builder.endpoint(vpc, "x", name="partner", serviceName="com.vpce.us-east-1.vpce-svc-0123456789abcdef0")
    assert run("endpoint-same-region", builder).messages == []


def test_customer_privatelink_service_in_another_region_is_not_judged_as_an_aws_service():
    builder, vpc = _stack("ca-west-1")
    builder.endpoint(
        vpc, "x", name="partner", serviceName="com.amazonaws.vpce.ca-west-1.vpce-svc-0123456789abcdef0"
    )
    builder.endpoint(vpc, "x", name="mrap", serviceName="com.amazonaws.s3-global.accesspoint")
    assert run("endpoint-same-region", builder).messages == []
    # A real AWS service of another Region still is.
    builder.endpoint(vpc, "logs", service_region="us-east-1", name="copied-logs")
    assert run("endpoint-same-region", builder).messages == [
        "Delete VPC endpoint 'copied-logs' and create one for com.amazonaws.ca-west-1.logs instead (C3): its "
        "service com.amazonaws.us-east-1.logs belongs to us-east-1, but the endpoint is in ca-west-1 and "
        "endpoints do not serve requests for another Region (a leftover of a template copied from another "
        "Region?)."
    ]


# --- endpoint-service-name-known (C1, C6-C9) -------------------------------------------------------


def test_near_miss_of_an_ecs_service_name_names_the_right_one():
    builder, vpc = _stack()
    endpoint = builder.endpoint(vpc, "ecs.agent", name="x")
    outcome = run("endpoint-service-name-known", builder)
    assert outcome.messages == [
        "Use the service name com.amazonaws.us-east-1.ecs-agent for VPC endpoint 'x' (C1): "
        "com.amazonaws.us-east-1.ecs.agent is not a service AWS offers, so creating the endpoint fails."
    ]
    assert outcome.urns == [endpoint.urn]


def test_confusions_name_the_services_meant_for_the_endpoints_region():
    builder, vpc = _stack("cn-north-1")
    builder.endpoint(vpc, "ecs-sc", service_region="cn-north-1", name="sc")
    builder.endpoint(vpc, "ecr", service_region="cn-north-1", name="ecr")
    builder.endpoint(vpc, "ecr_api", service_region="cn-north-1", name="api")
    builder.endpoint(vpc, "cloudwatch-logs", service_region="cn-north-1", name="logs")
    builder.endpoint(vpc, "secretmanager", service_region="cn-north-1", name="secrets")
    assert run("endpoint-service-name-known", builder).messages == [
        "Use the service name com.amazonaws.cn-north-1.ecs-agent for VPC endpoint 'sc' (C9): "
        "com.amazonaws.cn-north-1.ecs-sc is not a service AWS offers, so creating the endpoint fails. "
        "Service Connect has no endpoint of its own; its Envoy proxy uses ecs-agent.",
        "Use the service names cn.com.amazonaws.cn-north-1.ecr.api and cn.com.amazonaws.cn-north-1.ecr.dkr "
        "for VPC endpoint 'ecr' (C6): com.amazonaws.cn-north-1.ecr is not a service AWS offers, so creating "
        "the endpoint fails. ECR is served by two endpoints, one per name.",
        "Use the service name cn.com.amazonaws.cn-north-1.ecr.api for VPC endpoint 'api' (C6): "
        "com.amazonaws.cn-north-1.ecr_api is not a service AWS offers, so creating the endpoint fails.",
        "Use the service name com.amazonaws.cn-north-1.logs for VPC endpoint 'logs' (C8): "
        "com.amazonaws.cn-north-1.cloudwatch-logs is not a service AWS offers, so creating the endpoint "
        "fails.",
        "Use the service name com.amazonaws.cn-north-1.secretsmanager for VPC endpoint 'secrets' (C7): "
        "com.amazonaws.cn-north-1.secretmanager is not a service AWS offers, so creating the endpoint "
        "fails.",
    ]


def test_real_services_and_partner_names_are_never_taken_for_near_misses():
    builder, vpc = _stack()
    for key in ("eks", "ecr.api", "ecr.dkr", "ssm", "sms", "ecs", "s3", "logs", "ssmmessages", "ecs-fips"):
        builder.endpoint(vpc, key)
    builder.endpoint(vpc, "x", name="partner", serviceName="com.amazonaws.vpce.us-east-1.vpce-svc-0ecsagent")
    builder.endpoint(vpc, "x", name="unknown", serviceName=UNKNOWN)
    outcome = run("endpoint-service-name-known", builder)
    assert (outcome.messages, outcome.notes) == ([], [])


# --- endpoint-private-dns (C4) ---------------------------------------------------------------------

# These network-only stacks say through the policy config that ECS runs in their VPCs.
RUNS_ECS = {"launchType": "FARGATE"}


def test_private_dns_on_passes():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecr.dkr")
    assert run("endpoint-private-dns", builder, RUNS_ECS).messages == []


def test_private_dns_off_or_left_at_pulumis_default_is_a_violation():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecr.dkr", privateDnsEnabled=False)
    builder.endpoint(vpc, "logs")
    builder.resources[-1].props["__target"].pop("privateDnsEnabled")
    assert run("endpoint-private-dns", builder, RUNS_ECS).messages == [
        "Enable private DNS on VPC endpoint 'dev-ecr-dkr' (C4) so that tasks resolve ecr.dkr to the endpoint "
        "instead of the public address.",
        "Enable private DNS on VPC endpoint 'dev-logs' (C4) so that tasks resolve logs to the endpoint "
        "instead of the public address.",
    ]


def test_gateway_endpoints_have_no_private_dns_to_check():
    builder, vpc = _stack()
    builder.endpoint(vpc, "s3")
    assert run("endpoint-private-dns", builder, RUNS_ECS).messages == []


def test_unknown_private_dns_is_a_note():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecs", privateDnsEnabled="1c4a061d-8072-4f0a-a4cb-0ff528b18fe7")
    outcome = run("endpoint-private-dns", builder, RUNS_ECS)
    assert (outcome.messages, outcome.notes) == (
        [],
        ["Whether VPC endpoint 'dev-ecs' has private DNS is not known yet (C4)."],
    )


def test_private_dns_is_not_demanded_in_vpcs_that_run_no_ecs():
    # A shared-services hub: its endpoints serve other VPCs through private hosted zones, or ssm only.
    builder, vpc = _stack()
    builder.endpoint(vpc, "logs", privateDnsEnabled=False)
    builder.endpoint(vpc, "ssm", privateDnsEnabled=False)
    outcome = run("endpoint-private-dns", builder)
    assert (outcome.messages, outcome.notes) == ([], [])


def test_private_dns_is_not_demanded_of_services_ecs_does_not_use():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ssm", privateDnsEnabled=False)
    assert run("endpoint-private-dns", builder, RUNS_ECS).messages == []


def test_a_private_hosted_zone_of_the_vpc_serving_the_name_counts_as_private_dns():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecr.dkr", privateDnsEnabled=False)
    builder.endpoint(vpc, "logs", privateDnsEnabled=False)
    builder.add(
        "aws:route53/zone:Zone",
        "dkr",
        {"name": "dkr.ecr.us-east-1.amazonaws.com", "vpcs": [{"vpcId": UNKNOWN}]},
        {"vpcs": [vpc]},
    )
    assert run("endpoint-private-dns", builder, RUNS_ECS).messages == [
        "Enable private DNS on VPC endpoint 'dev-logs' (C4) so that tasks resolve logs to the endpoint "
        "instead of the public address."
    ]


# --- ecs-endpoints-are-interface (C1, C9) ----------------------------------------------------------


def test_ecs_endpoint_without_a_type_is_a_gateway_in_pulumi():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecs-agent")
    builder.resources[-1].props["__target"].pop("vpcEndpointType")
    builder.endpoint(vpc, "ecr.api", vpcEndpointType="Gateway")
    builder.endpoint(vpc, "ecs")
    builder.endpoint(vpc, "s3")
    expected = (
        'Set vpcEndpointType to "Interface" on VPC endpoint {} ({}): {} is served only by interface '
        "endpoints, and Pulumi creates a Gateway endpoint when no type is set."
    )
    assert run("ecs-endpoints-are-interface", builder).messages == [
        expected.format("'dev-ecs-agent'", "C1", "ecs-agent"),
        expected.format("'dev-ecr-api'", "C6", "ecr.api"),
    ]


# --- endpoint-policy-valid (C12) -------------------------------------------------------------------


def _policy_doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_endpoint_with_a_narrow_policy_passes():
    builder, vpc = _stack()
    builder.endpoint(
        vpc,
        "ecs-telemetry",
        policy=_policy_doc(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["ecs:Poll", "ecs:StartTelemetrySession"],
                "Resource": "*",
            }
        ),
    )
    # Our program's restrictToAccount policy: the service's own actions, for the account's principals.
    builder.endpoint(
        vpc,
        "logs",
        policy=_policy_doc(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["logs:*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "123456789012"}},
            }
        ),
    )
    assert run("endpoint-policy-valid", builder).messages == []


def test_endpoint_without_any_policy_allows_everything():
    builder, vpc = _stack()
    endpoint = builder.endpoint(vpc, "ecr.api")
    builder.endpoint(vpc, "s3")
    outcome = run("endpoint-policy-valid", builder)
    assert outcome.messages == [
        "Attach an endpoint policy to VPC endpoint 'dev-ecr-api' (C12): without one the endpoint allows "
        "every action of every principal on every resource of ecr.api; allow only the actions the workload "
        "needs, for principals of your account (aws:PrincipalAccount).",
        "Attach an endpoint policy to VPC endpoint 'dev-s3' (C12): without one the endpoint allows every "
        "action of every principal on every resource of s3; allow only the actions the workload needs, for "
        "principals of your account (aws:PrincipalAccount).",
    ]
    assert outcome.urns[0] == endpoint.urn


def test_endpoint_with_a_separate_policy_resource_has_a_policy():
    builder, vpc = _stack()
    endpoint = builder.endpoint(vpc, "ecr.api")
    narrow = _policy_doc(
        {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"}
    )
    builder.add(
        "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
        "dev-ecr-api-policy",
        {"vpcEndpointId": UNKNOWN, "policy": narrow},
        {"vpcEndpointId": [endpoint]},
    )
    assert run("endpoint-policy-valid", builder).messages == []


def test_separate_policy_resource_of_unknown_target_makes_a_missing_policy_a_note():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecr.api")
    narrow = _policy_doc(
        {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"}
    )
    builder.add(
        "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "p", {"vpcEndpointId": UNKNOWN, "policy": narrow}
    )
    outcome = run("endpoint-policy-valid", builder)
    assert (outcome.messages, outcome.notes) == (
        [],
        [
            "Whether an aws:ec2/vpcEndpointPolicy gives VPC endpoint 'dev-ecr-api' a policy is not known yet "
            "(C12)."
        ],
    )


def test_separate_policy_resource_without_a_document_is_the_default_full_access():
    builder, vpc = _stack()
    endpoint = builder.endpoint(vpc, "ecr.api")
    builder.add(
        "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
        "dev-ecr-api-policy",
        {"vpcEndpointId": UNKNOWN},
        {"vpcEndpointId": [endpoint]},
    )
    assert run("endpoint-policy-valid", builder).messages == [
        "Give the endpoint policy 'dev-ecr-api-policy' a policy document (C12): without one its endpoint "
        "gets AWS's default policy, which allows every action of every principal on every resource."
    ]


def test_partner_and_customer_endpoints_are_not_judged_by_c12():
    builder, vpc = _stack()
    partner = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    builder.endpoint(vpc, "x", name="partner", serviceName=partner)
    builder.endpoint(
        vpc,
        "x",
        name="partner-open",
        serviceName=partner,
        policy=_policy_doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
    )
    assert run("endpoint-policy-valid", builder).messages == []


def test_allow_all_with_a_condition_limits_who_not_what():
    builder, vpc = _stack()
    account = {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
    builder.endpoint(
        vpc,
        "logs",
        policy=_policy_doc(
            {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*", "Condition": account}
        ),
    )
    # Every action, but on named resources only: the condition and the resources both narrow it.
    builder.endpoint(
        vpc,
        "secretsmanager",
        policy=_policy_doc(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/*",
                "Condition": account,
            }
        ),
    )
    assert run("endpoint-policy-valid", builder).messages == [
        "Narrow statement 0 of the endpoint policy of 'dev-logs' (C12): it allows every action on every "
        "resource to every principal its condition admits; the condition limits who, not what, so name the "
        "actions and resources the workload needs."
    ]


def test_not_action_in_an_allow_statement_is_reported():
    builder, vpc = _stack()
    builder.endpoint(
        vpc,
        "logs",
        policy=_policy_doc(
            {"Effect": "Deny", "Principal": "*", "NotAction": "logs:PutLogEvents", "Resource": "*"},
            {"Effect": "Allow", "Principal": "*", "NotAction": "logs:DeleteLogGroup", "Resource": "*"},
        ),
    )
    assert run("endpoint-policy-valid", builder).messages == [
        "Replace NotAction in statement 1 of the endpoint policy of 'dev-logs' with the list of actions the "
        "workload needs (C12): an Allow with NotAction allows every action it does not name, including every "
        "action added later."
    ]


def test_unconditioned_service_wide_action_for_everyone_is_reported():
    builder, vpc = _stack()
    # What our own program emits with restrictToAccount false.
    builder.endpoint(
        vpc,
        "logs",
        policy=_policy_doc(
            {"Sid": "AllowLogs", "Effect": "Allow", "Principal": "*", "Action": ["logs:*"], "Resource": "*"}
        ),
    )
    # A named principal narrows it.
    builder.endpoint(
        vpc,
        "ecr.api",
        policy=_policy_doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
                "Action": "ecr:*",
                "Resource": "*",
            }
        ),
    )
    assert run("endpoint-policy-valid", builder).messages == [
        "Narrow statement 0 of the endpoint policy of 'dev-logs' (C12): it allows logs:* on every resource "
        "to every principal of any account; add a condition such as aws:PrincipalAccount, or name the "
        "principals, actions and resources the workload needs."
    ]


def test_invalid_json_allow_all_and_missing_agent_actions_are_reported():
    builder, vpc = _stack()
    builder.endpoint(vpc, "logs", policy="{not json")
    builder.endpoint(vpc, "ecr.api", policy=_policy_doc({"Effect": "Allow", "Principal": "*", "Action": "*"}))
    builder.endpoint(
        vpc,
        "ecs-telemetry",
        policy=_policy_doc(
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecs:Poll", "Resource": "*"}
        ),
    )
    builder.endpoint(vpc, "ecs", policy=_policy_doc({"Principal": "*", "Action": "ecs:ListClusters"}))
    assert run("endpoint-policy-valid", builder).messages == [
        "Fix the endpoint policy of 'dev-logs' (C12): it must be a JSON object with a Statement list of "
        "objects, each with Effect, Principal, Action and Resource.",
        "Narrow statement 0 of the endpoint policy of 'dev-ecr-api' (C12): it allows every action to every "
        "principal, which is the same as no policy; name the principals, actions and resources the "
        "workload needs.",
        "Allow ecs:StartTelemetrySession in the endpoint policy of 'dev-ecs-telemetry' (C12): the ECS "
        "container agent calls it through the ecs-telemetry endpoint.",
        "Fix statement 0 of the endpoint policy of 'dev-ecs' (C12): give it an Effect of Allow or Deny and "
        "an Action.",
    ]


def test_separate_endpoint_policy_resource_is_checked_too():
    builder, _ = _stack()
    builder.add(
        "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
        "dev-ecs-policy",
        {
            "vpcEndpointId": UNKNOWN,
            "policy": _policy_doc({"Effect": "Allow", "Principal": "*", "Action": "*:*"}),
        },
    )
    assert run("endpoint-policy-valid", builder).messages == [
        "Narrow statement 0 of the endpoint policy of 'dev-ecs-policy' (C12): it allows every action to "
        "every principal, which is the same as no policy; name the principals, actions and resources the "
        "workload needs."
    ]


def test_unknown_policy_is_a_note():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecs", policy=UNKNOWN)
    outcome = run("endpoint-policy-valid", builder)
    assert (outcome.messages, outcome.notes) == (
        [],
        ["The endpoint policy of 'dev-ecs' is not known yet (C12)."],
    )


# --- no-duplicate-private-dns-endpoints (C15) ------------------------------------------------------


def test_one_private_dns_endpoint_per_service_passes():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecr.dkr")
    builder.endpoint(vpc, "ecr.dkr", name="other-ecr-dkr", privateDnsEnabled=False)
    other_vpc = builder.vpc("other-vpc")
    builder.endpoint(other_vpc, "ecr.dkr", name="other-vpc-ecr-dkr")
    assert run("no-duplicate-private-dns-endpoints", builder).messages == []


def test_second_private_dns_endpoint_for_a_service_is_rejected():
    builder, vpc = _stack()
    builder.endpoint(vpc, "ecr.dkr")
    second = builder.endpoint(vpc, "ecr.dkr", name="team-ecr-dkr")
    outcome = run("no-duplicate-private-dns-endpoints", builder)
    assert outcome.messages == [
        "Delete VPC endpoint 'team-ecr-dkr' or turn off its private DNS (C15): VPC 'dev-vpc' already has "
        "endpoint 'dev-ecr-dkr' with private DNS for com.amazonaws.us-east-1.ecr.dkr, and AWS rejects a "
        "second one."
    ]
    assert outcome.urns == [second.urn]


def test_duplicates_in_a_vpc_of_another_stack_are_found_by_vpc_id():
    builder = StackBuilder()
    for name in ("a-logs", "b-logs"):
        builder.add(
            VPCE,
            name,
            {
                "vpcId": "vpc-0abc",
                "serviceName": "com.amazonaws.us-east-1.logs",
                "vpcEndpointType": "Interface",
                "privateDnsEnabled": True,
            },
        )
    assert run("no-duplicate-private-dns-endpoints", builder).messages == [
        "Delete VPC endpoint 'b-logs' or turn off its private DNS (C15): VPC vpc-0abc already has endpoint "
        "'a-logs' with private DNS for com.amazonaws.us-east-1.logs, and AWS rejects a second one."
    ]


PRIVATE_DNS = "aws:vpc/endpointPrivateDns:EndpointPrivateDns"


def _without_private_dns(builder: StackBuilder, vpc: PolicyResource, key: str) -> PolicyResource:
    endpoint = builder.endpoint(vpc, key)
    endpoint.props["__target"].pop("privateDnsEnabled")
    return endpoint


def _separate_private_dns(builder: StackBuilder, endpoint: PolicyResource, enabled: object) -> None:
    builder.add(
        PRIVATE_DNS,
        f"{endpoint.name}-dns",
        {"vpcEndpointId": UNKNOWN, "privateDnsEnabled": enabled},
        {"vpcEndpointId": [endpoint]},
    )


def test_private_dns_turned_on_by_a_separate_resource_passes():
    builder, vpc = _stack()
    _separate_private_dns(builder, _without_private_dns(builder, vpc, "logs"), True)
    assert run("endpoint-private-dns", builder, RUNS_ECS).messages == []


def test_private_dns_turned_off_or_unknown_in_a_separate_resource():
    builder, vpc = _stack()
    _separate_private_dns(builder, _without_private_dns(builder, vpc, "logs"), False)
    _separate_private_dns(builder, _without_private_dns(builder, vpc, "ecs"), UNKNOWN)
    outcome = run("endpoint-private-dns", builder, RUNS_ECS)
    assert outcome.messages == [
        "Enable private DNS on VPC endpoint 'dev-logs' (C4) so that tasks resolve logs to the endpoint "
        "instead of the public address."
    ]
    assert outcome.notes == ["Whether VPC endpoint 'dev-ecs' has private DNS is not known yet (C4)."]


def test_private_dns_from_a_separate_resource_counts_for_duplicates():
    builder, vpc = _stack()
    builder.endpoint(vpc, "logs")
    _separate_private_dns(builder, _without_private_dns(builder, vpc, "logs"), True)
    assert len(run("no-duplicate-private-dns-endpoints", builder).messages) == 1


def test_a_cross_region_endpoint_named_for_its_service_region_passes():
    # PrivateLink reaches ECS, ECR, S3 and KMS in another Region when serviceRegion says which.
    builder, vpc = _stack("eu-west-1")
    builder.endpoint(vpc, "ecr.dkr", service_region="us-east-1", name="ecr-dkr-us", serviceRegion="us-east-1")
    assert run("endpoint-same-region", builder).messages == []


def test_a_cross_region_endpoint_named_for_another_region_fails():
    builder, vpc = _stack("eu-west-1")
    builder.endpoint(vpc, "ecs", service_region="eu-west-1", name="ecs-us", serviceRegion="us-east-1")
    assert run("endpoint-same-region", builder).messages == [
        "Name the service of VPC endpoint 'ecs-us' for its serviceRegion us-east-1 (C3): "
        "com.amazonaws.eu-west-1.ecs belongs to eu-west-1."
    ]


def test_an_unknown_service_region_is_a_note():
    builder, vpc = _stack("eu-west-1")
    builder.endpoint(vpc, "ecs", service_region="us-east-1", name="ecs-us", serviceRegion=UNKNOWN)
    outcome = run("endpoint-same-region", builder)
    assert outcome.messages == []
    assert outcome.notes == ["The serviceRegion of VPC endpoint 'ecs-us' is not known yet (C3)."]
