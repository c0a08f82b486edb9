# shellcheck shell=bash
# Builds VPCs with the real AWS CLI against the EC2 emulator, for
# native/tests/emulator.rs. Sourced by each topologies/*.sh, which runs with
# REGION set, the `aws` of target/tools/emulator on PATH and
# AWS_ENDPOINT_URL pointing at moto on loopback.
#
# Each helper sets the variable named by its first argument (an ID is
# assigned on a line of its own, so that a failing `aws` stops the script
# under `set -e`). A topology ends with `validate_with FLAGS...`: the flags
# `netready validate` gets, printed as `arg=` lines for the test. The VPC's
# id is printed as `id=VPC=…`.
#
# Where moto differs from EC2 the helpers make the VPC look as EC2 makes
# it: moto gives a new VPC the DHCP options `default` (EC2 gives it the
# region's default option set, AmazonProvidedDNS), which `new_vpc` replaces
# with such a set. moto's default security group has no inbound rule (EC2's
# admits all traffic from itself): the topologies name the runner's own
# group instead of relying on the default one.
#
# Every `aws` call costs about 0.2 s of CPU through the test's CLI server
# (tests/emulator/cli_server.py; 1 s when AWS CLI v1 starts up each time,
# NETREADY_EMULATOR_CLI=process), and the collect script makes about 20 of
# them: topologies stay small.
set -euo pipefail

ec2() { aws ec2 "$@" --region "$REGION"; }

# set_var NAME ID: sets $NAME and prints `id=NAME=ID`, so that the test
# can name the topology's resources in its messages ($TASK_SG, not sg-…).
set_var() {
    printf -v "$1" '%s' "$2"
    echo "id=$1=$2"
}

# new_vpc CIDR [dhcp]: VPC with DNS support and hostnames on (what the
# runner needs), and an AmazonProvidedDNS option set as EC2 gives every new
# VPC. With a second argument `default`, the DHCP options stay `default`
# (no option set), as `associate-dhcp-options --dhcp-options-id default`
# leaves a real VPC.
new_vpc() {
    local id
    id=$(ec2 create-vpc --cidr-block "$1" --query Vpc.VpcId --output text)
    set_var VPC "$id"
    ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames '{"Value":true}'
    if [[ "${2:-}" != default ]]; then
        id=$(ec2 create-dhcp-options --dhcp-configurations 'Key=domain-name-servers,Values=AmazonProvidedDNS' --query DhcpOptions.DhcpOptionsId --output text)
        set_var DHCP_OPTIONS "$id"
        ec2 associate-dhcp-options --dhcp-options-id "$DHCP_OPTIONS" --vpc-id "$VPC"
    fi
}

# new_subnet VAR AZ-LETTER CIDR
new_subnet() {
    local id
    id=$(ec2 create-subnet --vpc-id "$VPC" --availability-zone "$REGION$2" --cidr-block "$3" --query Subnet.SubnetId --output text)
    set_var "$1" "$id"
}

# new_route_table VAR SUBNET...: a table explicitly associated with the subnets.
new_route_table() {
    local var=$1 rt s
    shift
    rt=$(ec2 create-route-table --vpc-id "$VPC" --query RouteTable.RouteTableId --output text)
    for s in "$@"; do
        ec2 associate-route-table --route-table-id "$rt" --subnet-id "$s" >/dev/null
    done
    set_var "$var" "$rt"
}

# new_igw: an internet gateway attached to the VPC, in IGW.
new_igw() {
    local id
    id=$(ec2 create-internet-gateway --query InternetGateway.InternetGatewayId --output text)
    set_var IGW "$id"
    ec2 attach-internet-gateway --internet-gateway-id "$IGW" --vpc-id "$VPC"
}

# route RT DESTINATION TARGET-OPTION TARGET, e.g. route "$RT" 0.0.0.0/0 --gateway-id "$IGW"
route() {
    ec2 create-route --route-table-id "$1" --destination-cidr-block "$2" "$3" "$4" >/dev/null
}

# new_nat VAR SUBNET: a public NAT gateway with a new Elastic IP.
new_nat() {
    local eip id
    eip=$(ec2 allocate-address --domain vpc --query AllocationId --output text)
    id=$(ec2 create-nat-gateway --subnet-id "$2" --allocation-id "$eip" --query NatGateway.NatGatewayId --output text)
    set_var "$1" "$id"
}

# new_sg VAR NAME: a security group with EC2's default rules (all egress, no ingress).
new_sg() {
    local id
    id=$(ec2 create-security-group --vpc-id "$VPC" --group-name "$2" --description "$2" --query GroupId --output text)
    set_var "$1" "$id"
}

# allow_443_from GROUP PEER-GROUP: inbound TCP 443 from another group.
allow_443_from() {
    ec2 authorize-security-group-ingress --group-id "$1" --ip-permissions "IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=$2}]" >/dev/null
}

# interface_endpoints SG SUBNET...: the runner profile's interface
# endpoints (secretsmanager, logs, ecr.api, ecr.dkr), private DNS on.
interface_endpoints() {
    local sg=$1 svc id
    shift
    for svc in secretsmanager logs ecr.api ecr.dkr; do
        id=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Interface --service-name "com.amazonaws.$REGION.$svc" \
            --subnet-ids "$@" --security-group-ids "$sg" --private-dns-enabled --query VpcEndpoint.VpcEndpointId --output text)
        set_var "VPCE_${svc//./_}" "$id"
    done
}

# s3_gateway RT...: the S3 gateway endpoint, associated with the tables.
s3_gateway() {
    local id
    id=$(ec2 create-vpc-endpoint --vpc-id "$VPC" --vpc-endpoint-type Gateway --service-name "com.amazonaws.$REGION.s3" \
        --route-table-ids "$@" --query VpcEndpoint.VpcEndpointId --output text)
    set_var S3_GATEWAY "$id"
}

# new_acl VAR SUBNET...: a network ACL (no entries: it denies everything)
# that replaces the subnets' current association.
new_acl() {
    local var=$1 acl s assoc
    shift
    acl=$(ec2 create-network-acl --vpc-id "$VPC" --query NetworkAcl.NetworkAclId --output text)
    for s in "$@"; do
        assoc=$(ec2 describe-network-acls --filters "Name=association.subnet-id,Values=$s" --query "NetworkAcls[0].Associations[?SubnetId=='$s'].NetworkAclAssociationId | [0]" --output text)
        ec2 replace-network-acl-association --association-id "$assoc" --network-acl-id "$acl" >/dev/null
    done
    set_var "$var" "$acl"
}

# acl_allow ACL --ingress|--egress RULE PROTOCOL PORTS CIDR, e.g.
# acl_allow "$ACL" --egress 100 tcp 443 0.0.0.0/0 (PORTS "-" for all).
acl_allow() {
    local ports=()
    [[ "$5" == - ]] || ports=(--port-range "From=${5%-*},To=${5#*-}")
    ec2 create-network-acl-entry --network-acl-id "$1" "$2" --rule-number "$3" --protocol "$4" "${ports[@]}" --cidr-block "$6" --rule-action allow
}

# validate_with FLAGS...: what `netready validate` is told about the runner.
validate_with() {
    printf 'arg=%s\n' "$@"
}
