from pulumi_policy import PolicyResource

from tests.policies.builder import UNKNOWN, StackBuilder, run

DHCP = "aws:ec2/vpcDhcpOptions:VpcDhcpOptions"
DHCP_ASSOCIATION = "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation"
RESOLVER = "aws:route53/resolverEndpoint:ResolverEndpoint"


# --- vpc-dns-enabled (C4) ---------------------------------------------------------------------------


def test_vpc_with_dns_support_and_hostnames_passes():
    builder = StackBuilder()
    builder.endpoint(builder.vpc(), "ecr.api")
    assert run("vpc-dns-enabled", builder).messages == []


def test_vpc_with_hostnames_at_pulumis_default_and_support_off_fails():
    builder = StackBuilder()
    vpc = builder.vpc(enableDnsSupport=False)
    vpc.props["__target"].pop("enableDnsHostnames")
    builder.endpoint(vpc, "ecr.api")
    outcome = run("vpc-dns-enabled", builder)
    assert outcome.messages == [
        "Set enableDnsSupport=True on VPC 'dev-vpc' (C4): private DNS of its interface endpoints (e.g. "
        "'dev-ecr-api') works only with both DNS support and DNS hostnames on, otherwise tasks resolve AWS "
        "services to their public addresses.",
        "Set enableDnsHostnames=True on VPC 'dev-vpc' (C4): private DNS of its interface endpoints (e.g. "
        "'dev-ecr-api') works only with both DNS support and DNS hostnames on, otherwise tasks resolve AWS "
        "services to their public addresses.",
    ]
    assert outcome.urns == [vpc.urn, vpc.urn]


def test_vpc_without_interface_endpoints_is_not_checked():
    builder = StackBuilder()
    builder.endpoint(builder.vpc(enableDnsHostnames=False), "s3")
    assert run("vpc-dns-enabled", builder).messages == []


def test_unknown_dns_setting_is_a_note():
    builder = StackBuilder()
    builder.endpoint(builder.vpc(enableDnsHostnames=UNKNOWN), "logs")
    outcome = run("vpc-dns-enabled", builder)
    assert (outcome.messages, outcome.notes) == (
        [],
        ["The enableDnsHostnames setting of VPC 'dev-vpc' is not known yet (C4)."],
    )


# --- vpc-dhcp-amazon-dns (C4) ----------------------------------------------------------------------


def _dhcp(builder: StackBuilder, vpc: PolicyResource, servers: list[str] | str) -> PolicyResource:
    options = builder.add(DHCP, "dev-dhcp", {"domainNameServers": servers})
    builder.add(
        DHCP_ASSOCIATION,
        "dev-dhcp-association",
        {"vpcId": UNKNOWN, "dhcpOptionsId": UNKNOWN},
        {"vpcId": [vpc], "dhcpOptionsId": [options]},
    )
    return options


def test_amazon_provided_dns_and_the_vpc_resolver_address_pass():
    for servers in (["AmazonProvidedDNS"], ["10.0.0.2", "192.168.1.53"], ["169.254.169.253"], []):
        builder = StackBuilder()
        vpc = builder.vpc()
        builder.endpoint(vpc, "ecs")
        _dhcp(builder, vpc, servers)
        assert run("vpc-dhcp-amazon-dns", builder).messages == [], servers


def test_custom_dns_servers_without_resolver_forwarding_fail():
    builder = StackBuilder()
    vpc = builder.vpc()
    builder.endpoint(vpc, "ecs")
    options = _dhcp(builder, vpc, ["192.168.1.53", "192.168.2.53"])
    outcome = run("vpc-dhcp-amazon-dns", builder)
    assert outcome.messages == [
        "Add AmazonProvidedDNS to DHCP options 'dev-dhcp' of VPC 'dev-vpc', or create an inbound Route 53 "
        "Resolver endpoint in the VPC and forward the AWS service domains from 192.168.1.53, 192.168.2.53 "
        "to it (C4): VPC endpoints resolve privately only through Amazon-provided DNS. If another stack "
        "made that endpoint, list the servers in this policy's forwardingDnsServers."
    ]
    assert outcome.urns == [options.urn]


def test_servers_declared_to_forward_to_a_resolver_of_another_stack_pass():
    # A landing zone: DHCP points at the corporate DNS, which forwards the AWS domains to an inbound
    # Resolver endpoint the DNS team's stack created in this VPC; the pack cannot see that stack.
    builder = StackBuilder()
    vpc = builder.vpc()
    builder.endpoint(vpc, "ecs")
    _dhcp(builder, vpc, ["192.168.1.53", "192.168.2.53"])
    declared = {"forwardingDnsServers": ["192.168.2.53"]}
    assert run("vpc-dhcp-amazon-dns", builder, declared).messages == []
    other = {"forwardingDnsServers": ["192.168.9.53"]}
    assert len(run("vpc-dhcp-amazon-dns", builder, other).messages) == 1


def test_custom_dns_servers_with_an_inbound_resolver_endpoint_in_the_vpc_pass():
    builder = StackBuilder()
    vpc = builder.vpc()
    subnet = builder.subnet(vpc, "dev-a", "10.0.1.0/24")
    builder.endpoint(vpc, "ecs")
    _dhcp(builder, vpc, ["192.168.1.53"])
    builder.add(
        RESOLVER,
        "dev-inbound",
        {"direction": "INBOUND", "ipAddresses": [{"subnetId": UNKNOWN}], "securityGroupIds": [UNKNOWN]},
        {"ipAddresses": [subnet]},
    )
    assert run("vpc-dhcp-amazon-dns", builder).messages == []


def test_outbound_resolver_endpoint_does_not_help_custom_dhcp_servers():
    builder = StackBuilder()
    vpc = builder.vpc()
    subnet = builder.subnet(vpc, "dev-a", "10.0.1.0/24")
    builder.endpoint(vpc, "ecs")
    _dhcp(builder, vpc, ["192.168.1.53"])
    builder.add(
        RESOLVER, "dev-outbound", {"direction": "OUTBOUND", "ipAddresses": []}, {"ipAddresses": [subnet]}
    )
    assert len(run("vpc-dhcp-amazon-dns", builder).messages) == 1


def test_unknown_dns_servers_are_a_note():
    builder = StackBuilder()
    vpc = builder.vpc()
    builder.endpoint(vpc, "ecs")
    _dhcp(builder, vpc, UNKNOWN)
    outcome = run("vpc-dhcp-amazon-dns", builder)
    assert (outcome.messages, outcome.notes) == (
        [],
        ["The DNS servers of DHCP options 'dev-dhcp' are not known yet (C4)."],
    )
