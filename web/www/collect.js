// The "collect" panel: the AWS CLI commands that produce the validator's
// input for one VPC. The VPC id is checked against the id syntax before it
// is put into a command, so the text is always safe to paste into a shell.

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/** Returns { commands, error } for a VPC id and a region (either may be empty). */
export function collectCommands(vpcInput, regionInput) {
  let error = '';
  let vpc = vpcInput;
  if (!vpc) vpc = 'vpc-0123456789abcdef0';
  else if (!VPC_ID.test(vpc)) {
    error = 'A VPC ID is vpc- followed by 8 or 17 hexadecimal digits, e.g. vpc-0123456789abcdef0.';
    vpc = 'vpc-0123456789abcdef0';
  }
  const region = REGION.test(regionInput) ? regionInput : 'us-east-1';
  const lines = [
    `# Run in a shell with AWS credentials for the account (read-only ec2:Describe* is enough).`,
    `VPC=${vpc}`,
    `export AWS_REGION=${region}`,
    `aws ec2 describe-vpcs --vpc-ids "$VPC" --output json > vpcs.json`,
    `aws ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsSupport --output json > dns-support.json`,
    `aws ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsHostnames --output json > dns-hostnames.json`,
    `aws ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC" --output json > subnets.json`,
    `aws ec2 describe-route-tables --filters "Name=vpc-id,Values=$VPC" --output json > route-tables.json`,
    `aws ec2 describe-vpc-endpoints --filters "Name=vpc-id,Values=$VPC" --output json > vpc-endpoints.json`,
    `aws ec2 describe-security-groups --filters "Name=vpc-id,Values=$VPC" --output json > security-groups.json`,
    `aws ec2 describe-network-acls --filters "Name=vpc-id,Values=$VPC" --output json > network-acls.json`,
    `aws ec2 describe-nat-gateways --filter "Name=vpc-id,Values=$VPC" --output json > nat-gateways.json`,
    `aws ec2 describe-internet-gateways --filters "Name=attachment.vpc-id,Values=$VPC" --output json > internet-gateways.json`,
    `aws ec2 describe-dhcp-options --dhcp-options-ids "$(aws ec2 describe-vpcs --vpc-ids "$VPC" --query 'Vpcs[0].DhcpOptionsId' --output text)" --output json > dhcp-options.json`,
    `# Then drop the *.json files on this page, or run: netready validate *.json`,
  ];
  return { commands: lines.join('\n'), error };
}
