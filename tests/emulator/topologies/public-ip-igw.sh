# The task subnet routes to the internet gateway and the runner's service
# assigns public IPs: ready as built. The VPC's DHCP options are `default`
# (no option set: AmazonProvidedDNS), as `associate-dhcp-options
# --dhcp-options-id default` leaves a VPC: `describe-dhcp-options
# --dhcp-options-ids default` fails, on EC2 as on moto, and `default` needs
# no document.
. "$(dirname "$0")/../lib.sh"
new_vpc 10.20.0.0/16 default
new_igw
new_subnet TASK a 10.20.0.0/24
new_route_table RT "$TASK"
route "$RT" 0.0.0.0/0 --gateway-id "$IGW"
new_sg TASK_SG runner
validate_with --subnet "$TASK" --security-group "$TASK_SG" --assign-public-ip true
