# No internet egress: the runner profile's interface endpoints (their own
# security group admits 443 from the task's) and the S3 gateway endpoint on
# the task subnet's table. Ready as built.
. "$(dirname "$0")/../lib.sh"
new_vpc 10.30.0.0/16
new_subnet TASK a 10.30.0.0/24
new_route_table RT "$TASK"
new_sg TASK_SG runner
new_sg EP_SG endpoints
allow_443_from "$EP_SG" "$TASK_SG"
interface_endpoints "$EP_SG" "$TASK"
s3_gateway "$RT"
validate_with --subnet "$TASK" --security-group "$TASK_SG"
