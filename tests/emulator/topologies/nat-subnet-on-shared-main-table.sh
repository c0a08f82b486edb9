# The NAT gateway's subnet and the task subnet share the main route table,
# whose default route points at the NAT gateway: the NAT's own subnet has no
# way to the internet gateway (nat-gateway-no-igw). The fix must not
# repoint the shared table (that cuts the tasks' NAT path).
. "$(dirname "$0")/../lib.sh"
new_vpc 10.70.0.0/16
new_igw
new_subnet PUB a 10.70.0.0/24
new_nat NAT "$PUB"
new_subnet TASK a 10.70.10.0/24
id=$(ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC" "Name=association.main,Values=true" --query 'RouteTables[0].RouteTableId' --output text)
set_var MAIN_RT "$id"
route "$MAIN_RT" 0.0.0.0/0 --nat-gateway-id "$NAT"
new_sg TASK_SG runner
validate_with --subnet "$TASK" --security-group "$TASK_SG"
