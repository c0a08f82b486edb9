# A NAT gateway per AZ: public subnets route to the internet gateway, each
# private (task) subnet to its own AZ's NAT gateway. Ready as built.
. "$(dirname "$0")/../lib.sh"
new_vpc 10.10.0.0/16
new_igw
new_subnet PUB_A a 10.10.0.0/24
new_subnet PUB_B b 10.10.1.0/24
new_route_table PUB_RT "$PUB_A" "$PUB_B"
route "$PUB_RT" 0.0.0.0/0 --gateway-id "$IGW"
new_nat NAT_A "$PUB_A"
new_nat NAT_B "$PUB_B"
new_subnet TASK_A a 10.10.10.0/24
new_subnet TASK_B b 10.10.11.0/24
new_route_table RT_A "$TASK_A"
route "$RT_A" 0.0.0.0/0 --nat-gateway-id "$NAT_A"
new_route_table RT_B "$TASK_B"
route "$RT_B" 0.0.0.0/0 --nat-gateway-id "$NAT_B"
new_sg TASK runner
validate_with --subnet "$TASK_A" --subnet "$TASK_B" --security-group "$TASK"
