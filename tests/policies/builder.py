"""Build the policy SDK's own argument objects, the way the analyzer servicer builds them.

Properties go through ``unknown_checking_proxy`` exactly as in a real Analyze/AnalyzeStack call, so
reading an unknown raises ``UnknownValueError`` just as it does under the Pulumi CLI.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from policies import REGISTRY
from policies.base import NotCheckableYetError

UNKNOWN = UNKNOWN_STRING_VALUE  # what the engine sends for a value known only after the update


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], False, [], None, [], None)  # type: ignore[arg-type]


class StackBuilder:
    def __init__(self, region: str | None = "us-east-1", project: str = "shop", stack: str = "dev") -> None:
        self.prefix = f"urn:pulumi:{stack}::{project}"
        self.provider = PolicyProviderResource(
            "pulumi:providers:aws",
            unknown_checking_proxy({"region": region} if region else {}),
            f"{self.prefix}::pulumi:providers:aws::default",
            "default",
        )
        self.resources: list[PolicyResource] = []

    def add(
        self,
        type_: str,
        name: str,
        props: dict[str, Any],
        deps: dict[str, list[PolicyResource]] | None = None,
        depends_on: list[PolicyResource] | None = None,
        provider: PolicyProviderResource | None = None,
    ) -> PolicyResource:
        property_dependencies = dict(deps or {})
        all_dependencies = [*(depends_on or [])]
        for dependencies in property_dependencies.values():
            all_dependencies += [d for d in dependencies if d not in all_dependencies]
        resource = PolicyResource(
            type_,
            unknown_checking_proxy(props),
            f"{self.prefix}::{type_}::{name}",
            name,
            _options(),
            provider or self.provider,
            None,
            all_dependencies,
            property_dependencies,
        )
        self.resources.append(resource)
        return resource

    def args(self, config: dict[str, Any] | None = None) -> StackValidationArgs:
        return StackValidationArgs(self.resources, config)

    def resource_args(
        self, resource: PolicyResource, config: dict[str, Any] | None = None
    ) -> ResourceValidationArgs:
        return ResourceValidationArgs(
            resource.resource_type,
            resource.props,
            resource.urn,
            resource.name,
            resource.opts,
            resource.provider,
            config,
        )

    # --- common shapes -----------------------------------------------------------------------

    def vpc(self, name: str = "dev-vpc", cidr: str = "10.0.0.0/16", **props: Any) -> PolicyResource:
        return self.add(
            "aws:ec2/vpc:Vpc",
            name,
            {"cidrBlock": cidr, "enableDnsSupport": True, "enableDnsHostnames": True, **props},
        )

    def subnet(self, vpc: PolicyResource, name: str, cidr: str) -> PolicyResource:
        return self.add(
            "aws:ec2/subnet:Subnet", name, {"vpcId": UNKNOWN, "cidrBlock": cidr}, {"vpcId": [vpc]}
        )

    def security_group(
        self, vpc: PolicyResource, name: str = "dev-endpoints-sg", ingress: list[dict[str, Any]] | None = None
    ) -> PolicyResource:
        if ingress is None:
            ingress = [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.0.0/16"]}]
        return self.add(
            "aws:ec2/securityGroup:SecurityGroup",
            name,
            {"vpcId": UNKNOWN, "ingress": ingress},
            {"vpcId": [vpc]},
        )

    def endpoint(
        self,
        vpc: PolicyResource,
        key: str,
        service_region: str = "us-east-1",
        name: str | None = None,
        group: PolicyResource | None = None,
        subnets: list[PolicyResource] | None = None,
        depends_on: list[PolicyResource] | None = None,
        **props: Any,
    ) -> PolicyResource:
        gateway = key == "s3"
        values: dict[str, Any] = {
            "vpcId": UNKNOWN,
            "serviceName": f"com.amazonaws.{service_region}.{key}",
            "vpcEndpointType": "Gateway" if gateway else "Interface",
        }
        deps: dict[str, list[PolicyResource]] = {"vpcId": [vpc]}
        if not gateway:
            values["privateDnsEnabled"] = True
            if group is not None:
                values["securityGroupIds"] = [UNKNOWN]
                deps["securityGroupIds"] = [group]
            if subnets:
                values["subnetIds"] = [UNKNOWN for _ in subnets]
                deps["subnetIds"] = subnets
        values.update(props)
        return self.add(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            name or f"dev-{key.replace('.', '-')}",
            values,
            deps,
            depends_on=depends_on,
        )

    def task_definition(
        self,
        name: str = "dev-task",
        containers: list[dict[str, Any]] | str | None = None,
        compatibilities: list[str] | None = None,
        **props: Any,
    ) -> PolicyResource:
        if containers is None:
            containers = [{"name": "app", "image": "nginx:1.27"}]
        return self.add(
            "aws:ecs/taskDefinition:TaskDefinition",
            name,
            {
                "family": name,
                "containerDefinitions": containers if isinstance(containers, str) else json.dumps(containers),
                "requiresCompatibilities": compatibilities or ["FARGATE"],
                **props,
            },
        )

    def service(
        self,
        task: PolicyResource,
        subnets: list[PolicyResource],
        name: str = "dev-service",
        **props: Any,
    ) -> PolicyResource:
        values = {
            "taskDefinition": UNKNOWN,
            "networkConfiguration": {"subnets": [UNKNOWN for _ in subnets], "assignPublicIp": False},
            **props,
        }
        return self.add(
            "aws:ecs/service:Service",
            name,
            values,
            {"taskDefinition": [task], "networkConfiguration": subnets},
        )


@dataclass
class Outcome:
    messages: list[str] = field(default_factory=list)
    urns: list[str | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def policy(name: str) -> Any:
    return next(p for p in REGISTRY.policies if p.name == name)


def run(name: str, builder: StackBuilder, config: dict[str, Any] | None = None) -> Outcome:
    """Run one policy as the engine does: per resource (Analyze), then over the stack (AnalyzeStack)."""
    outcome = Outcome()

    def report(message: str, urn: str | None = None) -> None:
        outcome.messages.append(message)
        outcome.urns.append(urn)

    found = policy(name)
    calls: list[tuple[Any, Any]] = []
    if isinstance(found, ResourceValidationPolicy):
        calls += [(found, builder.resource_args(resource, config)) for resource in builder.resources]
    if isinstance(found, StackValidationPolicy):
        calls.append((found, builder.args(config)))
    for target, args in calls:

        def report_for(message: str, urn: str | None = None, _args: Any = args) -> None:
            report(message, urn if urn is not None else getattr(_args, "urn", None))

        try:
            target.validate(args, report_for)
        except NotCheckableYetError as error:
            outcome.notes += error.notes
    return outcome
