# The task subnet's table has no default route and there are no endpoints,
# while a working NAT gateway sits in a public subnet: one route fixes all
# five services (the endpoints are the costlier alternative).
. "$(dirname "$0")/../lib.sh"
new_vpc 10.80.0.0/16
new_igw
new_subnet PUB a 10.80.0.0/24
new_route_table PUB_RT "$PUB"
route "$PUB_RT" 0.0.0.0/0 --gateway-id "$IGW"
new_nat NAT "$PUB"
new_subnet TASK a 10.80.10.0/24
new_route_table RT "$TASK"
new_sg TASK_SG runner
validate_with --subnet "$TASK" --security-group "$TASK_SG"
