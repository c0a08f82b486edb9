# Endpoints only, three faults: the VPC's DNS hostnames are off
# (dns-hostnames-disabled), the endpoints' security group admits nothing
# (endpoint-sg-ingress-443), and the S3 gateway endpoint is associated with
# another subnet's route table (gateway-endpoint-not-associated).
# (A fourth, an endpoint with private DNS off, cannot be fixed on moto:
# its modify-vpc-endpoint ignores --private-dns-enabled.)
. "$(dirname "$0")/../lib.sh"
new_vpc 10.40.0.0/16
ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames '{"Value":false}'
new_subnet TASK a 10.40.0.0/24
new_subnet OTHER a 10.40.1.0/24
new_route_table RT "$TASK"
new_route_table OTHER_RT "$OTHER"
new_sg TASK_SG runner
new_sg EP_SG endpoints
interface_endpoints "$EP_SG" "$TASK"
s3_gateway "$OTHER_RT"
validate_with --subnet "$TASK" --security-group "$TASK_SG"
