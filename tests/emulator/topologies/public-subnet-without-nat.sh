# No egress and no NAT gateway, but a public subnet (routed to the internet
# gateway) where one could go: a NAT gateway there and a default route to
# it fix all five services (the public subnet is known: no placeholder).
. "$(dirname "$0")/../lib.sh"
new_vpc 10.140.0.0/16
new_igw
new_subnet PUB a 10.140.0.0/24
new_route_table PUB_RT "$PUB"
route "$PUB_RT" 0.0.0.0/0 --gateway-id "$IGW"
new_subnet TASK a 10.140.10.0/24
new_route_table RT "$TASK"
new_sg TASK_SG runner
validate_with --subnet "$TASK" --security-group "$TASK_SG"
