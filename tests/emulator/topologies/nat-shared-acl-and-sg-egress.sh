# A NAT gateway; the task subnet and the NAT gateway's subnet share one
# network ACL that lets everything out and nothing in, and the task's
# security group has no outbound rule. The fixes: outbound 443 on the
# group (task-sg-egress-443), and three inbound ACL entries on one ACL
# (nacl-blocks-return for the task's replies and the NAT's, nacl-blocks-443
# for the task's traffic entering the NAT's subnet), which need three
# different rule numbers.
. "$(dirname "$0")/../lib.sh"
new_vpc 10.60.0.0/16
new_igw
new_subnet PUB a 10.60.0.0/24
new_route_table PUB_RT "$PUB"
route "$PUB_RT" 0.0.0.0/0 --gateway-id "$IGW"
new_nat NAT "$PUB"
new_subnet TASK a 10.60.10.0/24
new_route_table RT "$TASK"
route "$RT" 0.0.0.0/0 --nat-gateway-id "$NAT"
new_acl ACL "$TASK" "$PUB"
acl_allow "$ACL" --egress 100 -1 - 0.0.0.0/0
new_sg TASK_SG runner
ec2 revoke-security-group-egress --group-id "$TASK_SG" --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
validate_with --subnet "$TASK" --security-group "$TASK_SG"
